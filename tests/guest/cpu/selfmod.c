/* Self-modifying code: instructions rewritten in a writable and executable
 * section, then fence.i, must take effect (the decode cache must notice). */
#include "rt.h"

/* smc_ret(): li a0, <patched>; ret.  smc_self(insn): patches its own next
 * instruction (same page as the store), fence.i, runs it. Both 4-byte forms. */
__asm__(".section .smc, \"awx\", @progbits\n"
        ".option push\n.option norvc\n"
        ".balign 4\n"
        ".globl smc_ret\nsmc_ret:\n"
        "  addi a0, zero, 1\n"
        "  jalr zero, 0(ra)\n"
        ".globl smc_self\nsmc_self:\n"
        "  auipc t0, 0\n"
        "  sw a0, 16(t0)\n"
        "  fence.i\n"
        "  addi a0, zero, 0\n"   /* skipped: t0+12 */
        "  addi a0, zero, 0\n"   /* patched: t0+16 */
        "  jalr zero, 0(ra)\n"
        ".option pop\n"
        ".text\n");

extern uint32_t smc_ret[], smc_self[];

static uint32_t li_a0(int v) { return ((uint32_t)(v & 0xfff) << 20) | (10u << 7) | 0x13u; }

int main(void) {
    long (*ret)(void) = (long (*)(void))smc_ret;
    long (*self)(uint32_t) = (long (*)(uint32_t))smc_self;
    show("before", ret());
    for (int i = 0; i < 5; i++) {
        smc_ret[0] = li_a0(100 + i);
        __asm__ volatile("fence.i" ::: "memory");
        show("patched", ret());
    }
    /* rewrite to a compressed pair: c.li a0, 7 ; c.nop */
    smc_ret[0] = 0x451du | (0x0001u << 16);
    __asm__ volatile("fence.i" ::: "memory");
    show("compressed", ret());
    for (int i = 0; i < 3; i++) show("self", self(li_a0(-5 - i)));
    return 0;
}
