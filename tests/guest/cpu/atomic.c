/* The A extension: every AMO in .w and .d form with edge values (the .w
 * forms operate on and return sign-extended 32-bit values), and LR/SC
 * success and failure cases. */
#include "rt.h"

static const uint64_t V[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffull,
                             0x8000000000000000ull, 0xffffffffffffffffull, 0x123456789abcdef0ull};
#define NV (sizeof V / sizeof V[0])

#define AMO(name, insn)                                                          \
    static uint64_t name(uint64_t *p, uint64_t v) {                              \
        uint64_t old;                                                            \
        __asm__ volatile(insn " %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); \
        return old;                                                              \
    }
AMO(swap_d, "amoswap.d") AMO(add_d, "amoadd.d") AMO(xor_d, "amoxor.d") AMO(and_d, "amoand.d")
AMO(or_d, "amoor.d") AMO(min_d, "amomin.d") AMO(max_d, "amomax.d") AMO(minu_d, "amominu.d")
AMO(maxu_d, "amomaxu.d")
AMO(swap_w, "amoswap.w") AMO(add_w, "amoadd.w") AMO(xor_w, "amoxor.w") AMO(and_w, "amoand.w")
AMO(or_w, "amoor.w") AMO(min_w, "amomin.w") AMO(max_w, "amomax.w") AMO(minu_w, "amominu.w")
AMO(maxu_w, "amomaxu.w")
AMO(add_d_aqrl, "amoadd.d.aqrl") AMO(swap_w_aq, "amoswap.w.aq")

struct amo { const char *name; uint64_t (*fn)(uint64_t *, uint64_t); int w; };
static const struct amo AMOS[] = {
    {"swap.d", swap_d, 0}, {"add.d", add_d, 0}, {"xor.d", xor_d, 0}, {"and.d", and_d, 0},
    {"or.d", or_d, 0}, {"min.d", min_d, 0}, {"max.d", max_d, 0}, {"minu.d", minu_d, 0},
    {"maxu.d", maxu_d, 0},
    {"swap.w", swap_w, 1}, {"add.w", add_w, 1}, {"xor.w", xor_w, 1}, {"and.w", and_w, 1},
    {"or.w", or_w, 1}, {"min.w", min_w, 1}, {"max.w", max_w, 1}, {"minu.w", minu_w, 1},
    {"maxu.w", maxu_w, 1}, {"add.d.aqrl", add_d_aqrl, 0}, {"swap.w.aq", swap_w_aq, 1},
};

static uint64_t cell[4] __attribute__((aligned(16)));

static uint64_t lr_d(uint64_t *p) { uint64_t r; __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(p) : "memory"); return r; }
static uint64_t lr_w(uint64_t *p) { uint64_t r; __asm__ volatile("lr.w %0, (%1)" : "=r"(r) : "r"(p) : "memory"); return r; }
static uint64_t sc_d(uint64_t *p, uint64_t v) { uint64_t r; __asm__ volatile("sc.d %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory"); return r; }
static uint64_t sc_w(uint64_t *p, uint64_t v) { uint64_t r; __asm__ volatile("sc.w %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory"); return r; }

int main(void) {
    for (size_t k = 0; k < sizeof AMOS / sizeof AMOS[0]; k++)
        for (size_t i = 0; i < NV; i++)
            for (size_t j = 0; j < NV; j++) {
                cell[0] = V[i]; cell[1] = 0x5555555555555555ull;
                uint64_t old = AMOS[k].fn(&cell[0], V[j]);
                put_str(AMOS[k].name); put_char(' '); put_dec(i); put_char(' '); put_dec(j);
                put_char(' '); put_hex(old); put_char(' '); put_hex(cell[0]);
                put_char(' '); put_hex(cell[1]); put_char('\n');
            }

    /* a successful LR/SC pair, and the second SC fails: any SC clears the reservation */
    cell[0] = 10;
    uint64_t v = lr_d(&cell[0]);
    show("lr.d", v);
    show("sc.d ok", sc_d(&cell[0], v + 1));
    show("sc.d again", sc_d(&cell[0], 99));
    show("cell", cell[0]);
    /* SC to another address than the LR fails */
    lr_d(&cell[0]);
    show("sc.d other", sc_d(&cell[2], 7));
    show("cell2", cell[2]);
    /* SC without any LR fails */
    show("sc.d none", sc_d(&cell[0], 5));
    /* word forms sign-extend */
    cell[0] = 0x00000000fffffffeull;
    show("lr.w", lr_w(&cell[0]));
    show("sc.w ok", sc_w(&cell[0], 0x1234567880000000ull));
    show("cell", cell[0]);
    /* a retry loop as compilers emit for compare-and-swap */
    cell[1] = 40;
    for (int i = 0; i < 5; i++) {
        uint64_t tmp, fail;
        __asm__ volatile("1: lr.d.aq %0, (%2)\n addi %0, %0, 1\n sc.d.rl %1, %0, (%2)\n bnez %1, 1b"
                         : "=&r"(tmp), "=&r"(fail) : "r"(&cell[1]) : "memory");
    }
    show("cas loop", cell[1]);
    /* builtins use the same instructions */
    uint64_t expected = 45;
    show("cas", __atomic_compare_exchange_n(&cell[1], &expected, 100, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    show("fetch_add", __atomic_fetch_add(&cell[1], 5, __ATOMIC_SEQ_CST));
    show("cell1", cell[1]);
    return 0;
}
