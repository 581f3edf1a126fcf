/* variants: rv64gc_zba_zbb_zbs
 * reference: -DREF
 * Zcb, the 16-bit forms of byte/halfword loads and stores, mul, the zero
 * and sign extensions and not: each must behave exactly as the 32-bit
 * instruction it stands for. Neither qemu 7.2 nor binutils 2.40 knows Zcb:
 * the encodings are built here from the Zcb specification's field layout,
 * and the reference build (-DREF) runs the 32-bit instructions instead.
 * Registers are fixed (a0..a5 = x10..x15, compressed register numbers 2..7). */
#include "rt.h"

/* compressed register number of x10 + n */
#define CR(n) (2 + (n))
/* quadrant 0, funct3 100: c.lbu/c.lhu/c.lh/c.sb/c.sh rd'(or rs2'), uimm(rs1') */
#define CLS(f, b6, uimm1, rs1, r) (0x8000 | ((f) << 10) | (CR(rs1) << 7) | ((b6) << 6) | ((uimm1) << 5) | (CR(r) << 2))
#define C_LBU(rd, u, rs1) CLS(0, (u) & 1, ((u) >> 1) & 1, rs1, rd)
#define C_LHU(rd, u, rs1) CLS(1, 0, ((u) >> 1) & 1, rs1, rd)
#define C_LH(rd, u, rs1) CLS(1, 1, ((u) >> 1) & 1, rs1, rd)
#define C_SB(rs2, u, rs1) CLS(2, (u) & 1, ((u) >> 1) & 1, rs1, rs2)
#define C_SH(rs2, u, rs1) CLS(3, 0, ((u) >> 1) & 1, rs1, rs2)
/* quadrant 1, funct6 100111: c.mul (funct2 10) and the one-register ops (funct2 11, op in bits 4:2) */
#define C_MUL(rd, rs2) (0x9c01 | (CR(rd) << 7) | (2 << 5) | (CR(rs2) << 2))
#define C_UNARY(rd, op) (0x9c01 | (CR(rd) << 7) | (3 << 5) | ((op) << 2))

static uint8_t buf[16] __attribute__((aligned(8))) = {
    0x80, 0x7f, 0xff, 0x01, 0x00, 0x80, 0xfe, 0xff, 0x34, 0x12, 0xcd, 0xab, 0x00, 0x00, 0xff, 0x7f,
};

#ifdef REF
#define LOAD(insn32, c16, u) __asm__ volatile("mv a1, %1\n " insn32 " a0, " #u "(a1)\n mv %0, a0" : "=r"(r) : "r"(p) : "a0", "a1", "memory")
#define STORE(insn32, c16, u) __asm__ volatile("mv a1, %0\n mv a2, %1\n " insn32 " a2, " #u "(a1)" : : "r"(p), "r"(v) : "a1", "a2", "memory")
#define UNARY(insn32, c16) __asm__ volatile("mv a3, %1\n " insn32 "\n mv %0, a3" : "=r"(r) : "r"(v) : "a3")
#else
#define LOAD(insn32, c16, u) __asm__ volatile("mv a1, %1\n .2byte %2\n mv %0, a0" : "=r"(r) : "r"(p), "i"(c16) : "a0", "a1", "memory")
#define STORE(insn32, c16, u) __asm__ volatile("mv a1, %0\n mv a2, %1\n .2byte %2" : : "r"(p), "r"(v), "i"(c16) : "a1", "a2", "memory")
#define UNARY(insn32, c16) __asm__ volatile("mv a3, %1\n .2byte %2\n mv %0, a3" : "=r"(r) : "r"(v), "i"(c16) : "a3")
#endif

static const uint64_t V[] = {
    0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
    0x100000000, 0x8000000000000000, 0xffffffffffffffff, 0x123456789abcdef0, 0xfedcba9876543210,
};
#define NV (sizeof V / sizeof V[0])

static void loads(void) {
    for (int k = 0; k < 4; k++) {
        const uint8_t *p = buf + 4 * k;
        uint64_t r;
        LOAD("lbu", C_LBU(0, 0, 1), 0); show("c.lbu 0", r);
        LOAD("lbu", C_LBU(0, 1, 1), 1); show("c.lbu 1", r);
        LOAD("lbu", C_LBU(0, 2, 1), 2); show("c.lbu 2", r);
        LOAD("lbu", C_LBU(0, 3, 1), 3); show("c.lbu 3", r);
        LOAD("lhu", C_LHU(0, 0, 1), 0); show("c.lhu 0", r);
        LOAD("lhu", C_LHU(0, 2, 1), 2); show("c.lhu 2", r);
        LOAD("lh", C_LH(0, 0, 1), 0); show("c.lh 0", r);
        LOAD("lh", C_LH(0, 2, 1), 2); show("c.lh 2", r);
    }
}

static void stores(void) {
    static uint8_t out[8] __attribute__((aligned(8)));
    uint8_t *p = out;
    for (size_t i = 0; i < NV; i++) {
        uint64_t v = V[i];
        for (int j = 0; j < 8; j++) out[j] = 0x5a;
        STORE("sb", C_SB(2, 0, 1), 0);
        STORE("sb", C_SB(2, 1, 1), 1);
        STORE("sb", C_SB(2, 3, 1), 3);
        STORE("sh", C_SH(2, 2, 1), 2); /* over byte 3, after it */
        v = ~v;
        STORE("sh", C_SH(2, 0, 1), 0);
        STORE("sb", C_SB(2, 2, 1), 2);
        uint64_t w = 0;
        for (int j = 7; j >= 0; j--) w = (w << 8) | out[j];
        show("stores", w);
    }
}

static void arith(void) {
    for (size_t i = 0; i < NV; i++) {
        uint64_t v = V[i], r;
        UNARY("andi a3, a3, 255", C_UNARY(3, 0)); show("c.zext.b", r);
        UNARY("sext.b a3, a3", C_UNARY(3, 1)); show("c.sext.b", r);
        UNARY("zext.h a3, a3", C_UNARY(3, 2)); show("c.zext.h", r);
        UNARY("sext.h a3, a3", C_UNARY(3, 3)); show("c.sext.h", r);
        UNARY("zext.w a3, a3", C_UNARY(3, 4)); show("c.zext.w", r);
        UNARY("not a3, a3", C_UNARY(3, 5)); show("c.not", r);
        for (size_t j = 0; j < NV; j += 3) {
            uint64_t b = V[j];
#ifdef REF
            __asm__ volatile("mv a4, %1\n mv a5, %2\n mul a4, a4, a5\n mv %0, a4" : "=r"(r) : "r"(v), "r"(b) : "a4", "a5");
#else
            __asm__ volatile("mv a4, %1\n mv a5, %2\n .2byte %3\n mv %0, a4" : "=r"(r) : "r"(v), "r"(b), "i"(C_MUL(4, 5)) : "a4", "a5");
#endif
            show("c.mul", r);
        }
        /* c.mul rd', rd' squares */
#ifdef REF
        __asm__ volatile("mv a4, %1\n mul a4, a4, a4\n mv %0, a4" : "=r"(r) : "r"(v) : "a4");
#else
        __asm__ volatile("mv a4, %1\n .2byte %2\n mv %0, a4" : "=r"(r) : "r"(v), "i"(C_MUL(4, 4)) : "a4");
#endif
        show("c.mul square", r);
    }
}

/* a hot loop of Zcb instructions, for the block compiler */
__attribute__((noinline)) static uint64_t hot(int n) {
    uint64_t s = 0;
    for (int i = 0; i < n; i++) {
        uint64_t v = (uint64_t)i * 0x9e3779b97f4a7c15ull, r;
        const uint8_t *p = buf + (i & 12);
        UNARY("sext.h a3, a3", C_UNARY(3, 3)); s += r;
        UNARY("not a3, a3", C_UNARY(3, 5)); s ^= r;
        UNARY("zext.w a3, a3", C_UNARY(3, 4)); s += r << 1;
        LOAD("lh", C_LH(0, 2, 1), 2); s += r;
        LOAD("lbu", C_LBU(0, 1, 1), 1); s ^= r << 9;
    }
    return s;
}

int main(void) {
    loads();
    stores();
    arith();
    show("hot", hot(20000));
    return 0;
}
