/* The A extension: C11 atomics (which GCC turns into LR/SC loops and AMOs),
 * explicit lr/sc pairs including the cases where SC must fail, and every
 * AMO in its .w and .d forms with the old value and the stored result. */
#include "tg.h"
#include <stdatomic.h>
#include <stdint.h>

#define AMO(name, insn, T)                                                   \
    static int64_t name(volatile T *p, int64_t v) {                          \
        int64_t old;                                                         \
        __asm__ volatile(insn " %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v)   \
                         : "memory");                                        \
        return old;                                                          \
    }
AMO(swap_w, "amoswap.w", int32_t) AMO(add_w, "amoadd.w", int32_t)
AMO(xor_w, "amoxor.w", int32_t) AMO(and_w, "amoand.w", int32_t)
AMO(or_w, "amoor.w", int32_t) AMO(min_w, "amomin.w", int32_t)
AMO(max_w, "amomax.w", int32_t) AMO(minu_w, "amominu.w", int32_t)
AMO(maxu_w, "amomaxu.w.aqrl", int32_t)
AMO(swap_d, "amoswap.d.aq", int64_t) AMO(add_d, "amoadd.d", int64_t)
AMO(xor_d, "amoxor.d", int64_t) AMO(and_d, "amoand.d", int64_t)
AMO(or_d, "amoor.d.rl", int64_t) AMO(min_d, "amomin.d", int64_t)
AMO(max_d, "amomax.d", int64_t) AMO(minu_d, "amominu.d", int64_t)
AMO(maxu_d, "amomaxu.d", int64_t)

struct amo32 { const char *n; int64_t (*f)(volatile int32_t *, int64_t); };
struct amo64 { const char *n; int64_t (*f)(volatile int64_t *, int64_t); };
static const struct amo32 w[] = {
    {"swap", swap_w}, {"add", add_w}, {"xor", xor_w}, {"and", and_w}, {"or", or_w},
    {"min", min_w}, {"max", max_w}, {"minu", minu_w}, {"maxu", maxu_w}};
static const struct amo64 d[] = {
    {"swap", swap_d}, {"add", add_d}, {"xor", xor_d}, {"and", and_d}, {"or", or_d},
    {"min", min_d}, {"max", max_d}, {"minu", minu_d}, {"maxu", maxu_d}};

static const int64_t mem_init[] = {0, 5, -5, 0x7fffffff, (int64_t)0x80000000ULL,
                                   INT64_MIN, INT64_MAX, (int64_t)0xdeadbeefcafef00dULL};
static const int64_t operands[] = {0, 7, -7, 0x7fffffff, (int64_t)0xffffffff80000000ULL,
                                   (int64_t)0x1234567880000000ULL, -1};

static void amos(void) {
    for (size_t k = 0; k < 9; k++) {
        printf("amo%s.w:", w[k].n);
        for (size_t i = 0; i < 8; i++)
            for (size_t j = 0; j < 7; j++) {
                /* The neighbour word must not be touched by a .w AMO. */
                volatile int32_t cell[2] = {(int32_t)mem_init[i], 0x55555555};
                int64_t old = w[k].f(&cell[0], operands[j]);
                printf(" %llx/%x", (unsigned long long)old, (unsigned)cell[0]);
                if (cell[1] != 0x55555555) printf(" CLOBBER");
            }
        printf("\n");
        printf("amo%s.d:", d[k].n);
        for (size_t i = 0; i < 8; i++)
            for (size_t j = 0; j < 7; j++) {
                volatile int64_t cell = mem_init[i];
                int64_t old = d[k].f(&cell, operands[j]);
                printf(" %llx/%llx", (unsigned long long)old, (unsigned long long)cell);
            }
        printf("\n");
    }
}

/* Each pair sits in one asm block: a trap or a call between LR and SC may
 * legitimately drop the reservation, which would make the result vary. */
static void lrsc(void) {
    volatile int32_t a[2] = {(int32_t)0x80000001, 2};
    volatile int64_t b[2] = {-3, 4};
    int64_t v, r1, r2;
    __asm__ volatile("lr.w %0, (%3)\n\tsc.w %1, %4, (%3)\n\tsc.w %2, %5, (%3)"
                     : "=&r"(v), "=&r"(r1), "=&r"(r2)
                     : "r"(&a[0]), "r"(9L), "r"(10L) : "memory");
    /* lr.w sign-extends; the matching sc succeeds (rd = 0) and stores; the
     * reservation is then used up, so a second sc must fail and not store. */
    printf("lr.w=%lld sc.w ok=%d sc.w again fails=%d a0=%x\n", (long long)v,
           r1 == 0, r2 != 0, (unsigned)a[0]);
    /* An sc outside the reservation set of the latest lr must fail. */
    __asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %4, (%3)"
                     : "=&r"(v), "=&r"(r1) : "r"(&a[0]), "r"(&a[1]), "r"(11L) : "memory");
    printf("sc.w other addr fails=%d a1=%x\n", r1 != 0, (unsigned)a[1]);
    __asm__ volatile("lr.d.aq %0, (%3)\n\tsc.d.rl %1, %4, (%3)\n\tsc.d %2, %5, (%3)"
                     : "=&r"(v), "=&r"(r1), "=&r"(r2)
                     : "r"(&b[0]), "r"(12L), "r"(13L) : "memory");
    printf("lr.d=%lld sc.d ok=%d sc.d again fails=%d b0=%lld\n", (long long)v,
           r1 == 0, r2 != 0, (long long)b[0]);
    /* An increment loop built by hand. */
    volatile int64_t c = 0;
    for (int i = 0; i < 1000; i++) {
        int64_t t, fail;
        __asm__ volatile("1: lr.d %0, (%2)\n\taddi %0, %0, 3\n\tsc.d %1, %0, (%2)\n\tbnez %1, 1b"
                         : "=&r"(t), "=&r"(fail) : "r"(&c) : "memory");
    }
    printf("lr/sc loop c=%lld\n", (long long)c);
}

static void c11(void) {
    _Atomic int32_t i32 = 10;
    _Atomic int64_t i64 = 1LL << 40;
    _Atomic uint8_t u8 = 250;
    _Atomic uint16_t u16 = 65530;
    printf("fetch_add32=%d now=%d\n", atomic_fetch_add(&i32, 5), atomic_load(&i32));
    printf("fetch_sub64=%lld now=%lld\n", (long long)atomic_fetch_sub(&i64, 1), (long long)atomic_load(&i64));
    printf("fetch_or=%d fetch_and=%d fetch_xor=%d now=%d\n", atomic_fetch_or(&i32, 0x100),
           atomic_fetch_and(&i32, 0x10f), atomic_fetch_xor(&i32, 0xff), atomic_load(&i32));
    printf("exchange=%lld now=%lld\n", (long long)atomic_exchange(&i64, -1), (long long)atomic_load(&i64));
    int64_t expect = 5;
    printf("cas fail=%d expect=%lld\n", atomic_compare_exchange_strong(&i64, &expect, 6), (long long)expect);
    printf("cas ok=%d now=%lld\n", atomic_compare_exchange_strong(&i64, &expect, 6), (long long)atomic_load(&i64));
    int32_t e32 = atomic_load(&i32);
    while (!atomic_compare_exchange_weak(&i32, &e32, e32 * 2)) {}
    printf("cas weak now=%d\n", atomic_load(&i32));
    /* Sub-word atomics are masked LR/SC loops on a 32-bit word. */
    printf("u8 add=%u now=%u\n", atomic_fetch_add(&u8, 10), atomic_load(&u8));
    printf("u16 add=%u now=%u\n", atomic_fetch_add(&u16, 10), atomic_load(&u16));
    atomic_thread_fence(memory_order_seq_cst);
    atomic_flag f = ATOMIC_FLAG_INIT;
    printf("tas=%d tas=%d\n", atomic_flag_test_and_set(&f), atomic_flag_test_and_set(&f));
}

int main(void) {
    amos();
    lrsc();
    c11();
    return 0;
}
