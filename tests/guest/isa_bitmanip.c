/* cflags: -march=rv64gc_zba_zbb_zbs
 * The B extension in a glibc program under the whole kernel: C the compiler
 * turns into Zba/Zbb/Zbs instructions (indexing with 32-bit unsigned
 * indexes, popcounts, bit scans, byte swaps, rotates, min/max, single-bit
 * sets), run long enough to be compiled, with a signal arriving meanwhile
 * (the handler's own B code must leave the interrupted state intact), and
 * each instruction on a few edge values through inline asm. */
#include "tg.h"
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>

static uint64_t rotl(uint64_t v, unsigned s) { return (v << (s & 63)) | (v >> (-s & 63)); }

/* A sieve on a bitset: bset to mark, bext to test, ctz to walk the set bits. */
static uint64_t bits[1 << 12];
__attribute__((noinline)) static unsigned sieve(unsigned n) {
    for (unsigned i = 0; i < n / 64 + 1; i++) bits[i] = 0;
    for (unsigned i = 2; i * i < n; i++)
        if (!((bits[i >> 6] >> (i & 63)) & 1))
            for (unsigned j = i * i; j < n; j += i) bits[j >> 6] |= 1ull << (j & 63);
    unsigned primes = 0, last = 0;
    for (unsigned w = 0; w <= n / 64; w++) {
        uint64_t free = ~bits[w];
        while (free) {
            unsigned b = (unsigned)__builtin_ctzll(free), v = w * 64 + b;
            free &= free - 1;
            if (v >= 2 && v < n) { primes++; last = v; }
        }
    }
    return primes * 100000u + last % 100000u;
}

/* A hash table with 32-bit unsigned indexes (add.uw, sh3add.uw), rotate-based hashing. */
static uint64_t keys[1 << 14], vals[1 << 14];
__attribute__((noinline)) static uint64_t table(unsigned n) {
    for (unsigned i = 0; i < (1u << 14); i++) keys[i] = vals[i] = 0;
    uint64_t sum = 0;
    for (unsigned i = 1; i <= n; i++) {
        uint64_t k = rotl((uint64_t)i * 0x9e3779b97f4a7c15ull, i) | 1;
        unsigned h = (unsigned)(__builtin_bswap64(k) ^ (k >> 29)) & ((1u << 14) - 1);
        while (keys[h] && keys[h] != k) h = (h + 1) & ((1u << 14) - 1);
        keys[h] = k;
        vals[h] += (uint64_t)__builtin_popcountll(k) + (uint64_t)__builtin_clzll(k);
        sum += vals[h] ^ ((uint64_t)(int8_t)k) ^ ((uint64_t)(uint16_t)(k >> 16));
        int64_t a = (int64_t)k, b = (int64_t)sum;
        sum += (uint64_t)(a < b ? a : b) + (k > sum ? k : sum) + (k & ~sum);
    }
    return sum;
}

static volatile sig_atomic_t ticks;
static void on_alarm(int sig) {
    (void)sig;
    /* B code in the handler too: its registers are the interrupted code's until sigreturn */
    uint64_t x = (uint64_t)ticks * 0x123456789ull;
    ticks += (int)(__builtin_popcountll(x) & 1) + 1;
}

#define OP2(name, insn) static uint64_t name(uint64_t a, uint64_t b) { uint64_t r; __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); return r; }
#define OP1(name, insn) static uint64_t name(uint64_t a) { uint64_t r; __asm__ volatile(insn " %0, %1" : "=r"(r) : "r"(a)); return r; }
OP2(o_sh3add_uw, "sh3add.uw") OP2(o_rolw, "rolw") OP2(o_ror, "ror") OP2(o_min, "min") OP2(o_maxu, "maxu")
OP2(o_binv, "binv") OP2(o_bext, "bext") OP2(o_xnor, "xnor")
OP1(o_clz, "clz") OP1(o_ctzw, "ctzw") OP1(o_cpopw, "cpopw") OP1(o_orc_b, "orc.b") OP1(o_rev8, "rev8") OP1(o_sext_h, "sext.h")

int main(void) {
    static const uint64_t v[] = {0, 1, 0x80000000, 0xffffffff, 0x8000000000000001, 0xffffffffffffffff, 0x0123456789abcdef};
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 7; j += 2)
            printf("%d %d: %lx %lx %lx %lx %lx %lx %lx %lx\n", i, j, o_sh3add_uw(v[i], v[j]), o_rolw(v[i], v[j]),
                   o_ror(v[i], v[j]), o_min(v[i], v[j]), o_maxu(v[i], v[j]), o_binv(v[i], v[j]), o_bext(v[i], v[j]),
                   o_xnor(v[i], v[j]));
    for (int i = 0; i < 7; i++)
        printf("%d: clz %lu ctzw %lu cpopw %lu orc.b %lx rev8 %lx sext.h %lx\n", i, o_clz(v[i]), o_ctzw(v[i] | 0x100),
               o_cpopw(v[i]), o_orc_b(v[i]), o_rev8(v[i]), o_sext_h(v[i]));

    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 2000}, {0, 2000}};
    setitimer(ITIMER_REAL, &it, NULL);
    unsigned s = 0;
    uint64_t t = 0;
    for (int round = 0; round < 8; round++) {
        s += sieve(200000);
        t = t * 31 + table(12000 + (unsigned)round * 100);
    }
    it = (struct itimerval){{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    printf("sieve %u table %lx\n", s, t);
    return 0;
}
