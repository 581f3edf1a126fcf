/* variants: rv64gc_zba_zbb_zbs
 * reference: -DREF
 * Zicond (czero.eqz, czero.nez) on every pair of edge values, with the
 * destination also a source, writing x0, and in a hot loop. qemu 7.2 has no
 * Zicond: its build (-DREF) runs each instruction's definition from the
 * Zicond 1.0 specification instead, in base instructions:
 *   czero.eqz rd, rs1, rs2: rd = rs2 == 0 ? 0 : rs1
 *   czero.nez rd, rs1, rs2: rd = rs2 != 0 ? 0 : rs1
 * (a mask of all ones or zeros from seqz/snez - 1, and'ed with rs1). */
#include "rt.h"

#ifdef REF
#define CZERO_EQZ(d, s1, s2) "seqz t6, " s2 "\n addi t6, t6, -1\n and " d ", " s1 ", t6\n"
#define CZERO_NEZ(d, s1, s2) "snez t6, " s2 "\n addi t6, t6, -1\n and " d ", " s1 ", t6\n"
#else
#define CZERO_EQZ(d, s1, s2) ".insn r 0x33, 5, 7, " d ", " s1 ", " s2 "\n"
#define CZERO_NEZ(d, s1, s2) ".insn r 0x33, 7, 7, " d ", " s1 ", " s2 "\n"
#endif

static const uint64_t V[] = {
    0, 1, 2, 0x80000000, 0xffffffff, 0x100000000, 0x7fffffffffffffff, 0x8000000000000000,
    0xffffffffffffffff, 0x123456789abcdef0, 0xffffffff00000000, 0x0000000100000001,
};
#define NV (sizeof V / sizeof V[0])

static uint64_t eqz(uint64_t a, uint64_t b) {
    uint64_t r;
    __asm__ volatile("mv a0, %1\n mv a1, %2\n" CZERO_EQZ("a2", "a0", "a1") "mv %0, a2" : "=r"(r) : "r"(a), "r"(b) : "a0", "a1", "a2", "t6");
    return r;
}
static uint64_t nez(uint64_t a, uint64_t b) {
    uint64_t r;
    __asm__ volatile("mv a0, %1\n mv a1, %2\n" CZERO_NEZ("a2", "a0", "a1") "mv %0, a2" : "=r"(r) : "r"(a), "r"(b) : "a0", "a1", "a2", "t6");
    return r;
}

/* rd is rs1, then rd is rs2 */
static void aliasing(uint64_t a, uint64_t b) {
    uint64_t r1, r2, r3, r4;
    __asm__ volatile("mv a0, %4\n mv a1, %5\n" CZERO_EQZ("a0", "a0", "a1") "mv %0, a0\n"
                     "mv a0, %4\n mv a1, %5\n" CZERO_EQZ("a1", "a0", "a1") "mv %1, a1\n"
                     "mv a0, %4\n mv a1, %5\n" CZERO_NEZ("a0", "a0", "a1") "mv %2, a0\n"
                     "mv a0, %4\n" CZERO_NEZ("a0", "a0", "a0") "mv %3, a0\n"
                     : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4) : "r"(a), "r"(b) : "a0", "a1", "t6");
    show("alias eqz rd=rs1", r1); show("alias eqz rd=rs2", r2); show("alias nez rd=rs1", r3); show("alias nez all", r4);
}

/* a branch-free select in a hot loop: s += (i & 3) ? v : 0, and a maximum */
__attribute__((noinline)) static uint64_t loop(int n) {
    uint64_t s = 0, m = 0;
    for (int i = 0; i < n; i++) {
        uint64_t v = (uint64_t)i * 0x9e3779b97f4a7c15ull, c = (uint64_t)(i & 3), t, u, w, cond;
        __asm__ volatile(CZERO_EQZ("%0", "%1", "%2") : "=&r"(t) : "r"(v), "r"(c) : "t6");
        s += t;
        /* m = v > m ? v : m as (v - m) ... via czero on the comparison */
        __asm__ volatile("sltu %3, %4, %5\n" CZERO_NEZ("%1", "%4", "%3") CZERO_EQZ("%2", "%5", "%3") "or %0, %1, %2"
                         : "=&r"(w), "=&r"(t), "=&r"(u), "=&r"(cond) : "r"(m), "r"(v) : "t6");
        m = w;
    }
    return s ^ m;
}

int main(void) {
    for (size_t i = 0; i < NV; i++)
        for (size_t j = 0; j < NV; j++) {
            put_dec(i); put_char(' '); put_dec(j); put_char(' ');
            put_hex(eqz(V[i], V[j])); put_char(' '); put_hex(nez(V[i], V[j])); put_char('\n');
        }
    for (size_t i = 0; i < NV; i++) aliasing(V[i], V[NV - 1 - i]);
    uint64_t r;
    __asm__ volatile("li t0, 5\n" CZERO_NEZ("x0", "t0", "t0") "mv %0, x0" : "=r"(r) : : "t0", "t6");
    show("x0", r);
    show("loop", loop(30000));
    return 0;
}
