/* Test vectors for the F and D extensions, produced by the real thing: run
 * under qemu-riscv64-static (whose FPU is softfloat configured for RISC-V),
 * every line is an oracle answer that tests/unit/fpu-vectors.test.ts checks
 * against tuxglass's execFp.
 *
 * Usage: fpu-vectors [count] [seed]
 *   count: random vectors per instruction and rounding mode (default 300)
 *
 * Output lines (all numbers hex, operands and results as raw 64-bit register
 * contents, so NaN boxing is visible):
 *   <op> <rm> <frm> <a> <b> <c> -> <result> <fflags>
 *   probe <insn> <frm> -> ok|ill       (is this encoding legal?)
 * rm is the instruction's rounding-mode field (7 = dynamic, using frm); for
 * instructions without one it is printed as 0. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef uint64_t u64;
typedef void (*opfn)(u64 a, u64 b, u64 c, u64 *out, u64 *flags);

/* ---- one function per instruction and static rounding mode ------------- */

/* Operands are loaded as raw bits into ft0..ft2 (rs1..rs3); FP results come
 * from ft3 as raw bits; fflags are cleared just before the instruction. */
#define PRE "fmv.d.x ft0, %[a]\n\tfmv.d.x ft1, %[b]\n\tfmv.d.x ft2, %[c]\n\tcsrwi fflags, 0\n\t"
#define POST_F "\n\tfrflags %[f]\n\tfmv.x.d %[r], ft3"
#define POST_X "\n\tfrflags %[f]"
#define OPERANDS                                                             \
    : [r] "=&r"(res), [f] "=&r"(fl)                                           \
    : [a] "r"(a), [b] "r"(b), [c] "r"(c)                                      \
    : "ft0", "ft1", "ft2", "ft3"

#define T_FFF(insn, rm) PRE insn " ft3, ft0, ft1" rm POST_F
#define T_FF(insn, rm) PRE insn " ft3, ft0" rm POST_F
#define T_FFFF(insn, rm) PRE insn " ft3, ft0, ft1, ft2" rm POST_F
#define T_XF(insn, rm) PRE insn " %[r], ft0" rm POST_X
#define T_XFF(insn, rm) PRE insn " %[r], ft0, ft1" rm POST_X
#define T_FX(insn, rm) PRE insn " ft3, %[a]" rm POST_F

#define DEF(fname, body)                                                      \
    static void fname(u64 a, u64 b, u64 c, u64 *out, u64 *flo) {              \
        u64 res, fl;                                                          \
        __asm__ volatile(body OPERANDS);                                      \
        *out = res;                                                           \
        *flo = fl;                                                            \
    }
#define DEF_RM(T, fname, insn)                                                \
    DEF(fname##_0, T(insn, ", rne")) DEF(fname##_1, T(insn, ", rtz"))         \
    DEF(fname##_2, T(insn, ", rdn")) DEF(fname##_3, T(insn, ", rup"))         \
    DEF(fname##_4, T(insn, ", rmm")) DEF(fname##_7, T(insn, ", dyn"))
#define DEF_NORM(T, fname, insn) DEF(fname, T(insn, ""))
/* The assembler refuses a rounding mode on the exact conversions, but the
 * field is still decoded (rm = 5 or 6 is illegal), so those are encoded raw. */
#define T_RAW(f7, rs1, rs2, rm) PRE ".insn r 0x53, " rm ", " f7 ", ft3, " rs1 ", " rs2 POST_F
#define DEF_RAW(fname, f7, rs1, rs2)                                          \
    DEF(fname##_0, T_RAW(f7, rs1, rs2, "0")) DEF(fname##_1, T_RAW(f7, rs1, rs2, "1")) \
    DEF(fname##_2, T_RAW(f7, rs1, rs2, "2")) DEF(fname##_3, T_RAW(f7, rs1, rs2, "3")) \
    DEF(fname##_4, T_RAW(f7, rs1, rs2, "4")) DEF(fname##_7, T_RAW(f7, rs1, rs2, "7"))

#define BOTH_RM(T, fname, insn) DEF_RM(T, fname##_s, insn ".s") DEF_RM(T, fname##_d, insn ".d")
#define BOTH_NORM(T, fname, insn) DEF_NORM(T, fname##_s, insn ".s") DEF_NORM(T, fname##_d, insn ".d")

BOTH_RM(T_FFF, fadd, "fadd")
BOTH_RM(T_FFF, fsub, "fsub")
BOTH_RM(T_FFF, fmul, "fmul")
BOTH_RM(T_FFF, fdiv, "fdiv")
BOTH_RM(T_FF, fsqrt, "fsqrt")
BOTH_RM(T_FFFF, fmadd, "fmadd")
BOTH_RM(T_FFFF, fmsub, "fmsub")
BOTH_RM(T_FFFF, fnmsub, "fnmsub")
BOTH_RM(T_FFFF, fnmadd, "fnmadd")
DEF_RM(T_FF, fcvt_s_d, "fcvt.s.d")
DEF_RAW(fcvt_d_s, "0x21", "ft0", "f0")
DEF_RM(T_XF, fcvt_w_s, "fcvt.w.s")
DEF_RM(T_XF, fcvt_wu_s, "fcvt.wu.s")
DEF_RM(T_XF, fcvt_l_s, "fcvt.l.s")
DEF_RM(T_XF, fcvt_lu_s, "fcvt.lu.s")
DEF_RM(T_XF, fcvt_w_d, "fcvt.w.d")
DEF_RM(T_XF, fcvt_wu_d, "fcvt.wu.d")
DEF_RM(T_XF, fcvt_l_d, "fcvt.l.d")
DEF_RM(T_XF, fcvt_lu_d, "fcvt.lu.d")
DEF_RM(T_FX, fcvt_s_w, "fcvt.s.w")
DEF_RM(T_FX, fcvt_s_wu, "fcvt.s.wu")
DEF_RM(T_FX, fcvt_s_l, "fcvt.s.l")
DEF_RM(T_FX, fcvt_s_lu, "fcvt.s.lu")
DEF_RAW(fcvt_d_w, "0x69", "%[a]", "x0")
DEF_RAW(fcvt_d_wu, "0x69", "%[a]", "x1")
DEF_RM(T_FX, fcvt_d_l, "fcvt.d.l")
DEF_RM(T_FX, fcvt_d_lu, "fcvt.d.lu")
BOTH_NORM(T_FFF, fsgnj, "fsgnj")
BOTH_NORM(T_FFF, fsgnjn, "fsgnjn")
BOTH_NORM(T_FFF, fsgnjx, "fsgnjx")
BOTH_NORM(T_FFF, fmin, "fmin")
BOTH_NORM(T_FFF, fmax, "fmax")
BOTH_NORM(T_XFF, feq, "feq")
BOTH_NORM(T_XFF, flt, "flt")
BOTH_NORM(T_XFF, fle, "fle")
BOTH_NORM(T_XF, fclass, "fclass")
DEF_NORM(T_XF, fmv_x_w, "fmv.x.w")
DEF_NORM(T_XF, fmv_x_d, "fmv.x.d")
DEF_NORM(T_FX, fmv_w_x, "fmv.w.x")
DEF_NORM(T_FX, fmv_d_x, "fmv.d.x")

/* ---- the instruction table -------------------------------------------- */

/* Operand generators: single, double, integer, and near-integer values for
 * float-to-integer conversions. */
enum { G_S, G_D, G_X, G_CVT_S, G_CVT_D };

struct op {
    const char *name;
    int nargs;
    int gen;
    int has_rm;
    opfn fn[8];
};

#define E_RM(name, f, n, g) {name, n, g, 1, {f##_0, f##_1, f##_2, f##_3, f##_4, 0, 0, f##_7}},
#define E_NORM(name, f, n, g) {name, n, g, 0, {f}},

static const struct op ops[] = {
    E_RM("fadd.s", fadd_s, 2, G_S) E_RM("fadd.d", fadd_d, 2, G_D)
    E_RM("fsub.s", fsub_s, 2, G_S) E_RM("fsub.d", fsub_d, 2, G_D)
    E_RM("fmul.s", fmul_s, 2, G_S) E_RM("fmul.d", fmul_d, 2, G_D)
    E_RM("fdiv.s", fdiv_s, 2, G_S) E_RM("fdiv.d", fdiv_d, 2, G_D)
    E_RM("fsqrt.s", fsqrt_s, 1, G_S) E_RM("fsqrt.d", fsqrt_d, 1, G_D)
    E_RM("fmadd.s", fmadd_s, 3, G_S) E_RM("fmadd.d", fmadd_d, 3, G_D)
    E_RM("fmsub.s", fmsub_s, 3, G_S) E_RM("fmsub.d", fmsub_d, 3, G_D)
    E_RM("fnmsub.s", fnmsub_s, 3, G_S) E_RM("fnmsub.d", fnmsub_d, 3, G_D)
    E_RM("fnmadd.s", fnmadd_s, 3, G_S) E_RM("fnmadd.d", fnmadd_d, 3, G_D)
    E_RM("fcvt.s.d", fcvt_s_d, 1, G_D) E_RM("fcvt.d.s", fcvt_d_s, 1, G_S)
    E_RM("fcvt.w.s", fcvt_w_s, 1, G_CVT_S) E_RM("fcvt.wu.s", fcvt_wu_s, 1, G_CVT_S)
    E_RM("fcvt.l.s", fcvt_l_s, 1, G_CVT_S) E_RM("fcvt.lu.s", fcvt_lu_s, 1, G_CVT_S)
    E_RM("fcvt.w.d", fcvt_w_d, 1, G_CVT_D) E_RM("fcvt.wu.d", fcvt_wu_d, 1, G_CVT_D)
    E_RM("fcvt.l.d", fcvt_l_d, 1, G_CVT_D) E_RM("fcvt.lu.d", fcvt_lu_d, 1, G_CVT_D)
    E_RM("fcvt.s.w", fcvt_s_w, 1, G_X) E_RM("fcvt.s.wu", fcvt_s_wu, 1, G_X)
    E_RM("fcvt.s.l", fcvt_s_l, 1, G_X) E_RM("fcvt.s.lu", fcvt_s_lu, 1, G_X)
    E_RM("fcvt.d.w", fcvt_d_w, 1, G_X) E_RM("fcvt.d.wu", fcvt_d_wu, 1, G_X)
    E_RM("fcvt.d.l", fcvt_d_l, 1, G_X) E_RM("fcvt.d.lu", fcvt_d_lu, 1, G_X)
    E_NORM("fsgnj.s", fsgnj_s, 2, G_S) E_NORM("fsgnj.d", fsgnj_d, 2, G_D)
    E_NORM("fsgnjn.s", fsgnjn_s, 2, G_S) E_NORM("fsgnjn.d", fsgnjn_d, 2, G_D)
    E_NORM("fsgnjx.s", fsgnjx_s, 2, G_S) E_NORM("fsgnjx.d", fsgnjx_d, 2, G_D)
    E_NORM("fmin.s", fmin_s, 2, G_S) E_NORM("fmin.d", fmin_d, 2, G_D)
    E_NORM("fmax.s", fmax_s, 2, G_S) E_NORM("fmax.d", fmax_d, 2, G_D)
    E_NORM("feq.s", feq_s, 2, G_S) E_NORM("feq.d", feq_d, 2, G_D)
    E_NORM("flt.s", flt_s, 2, G_S) E_NORM("flt.d", flt_d, 2, G_D)
    E_NORM("fle.s", fle_s, 2, G_S) E_NORM("fle.d", fle_d, 2, G_D)
    E_NORM("fclass.s", fclass_s, 1, G_S) E_NORM("fclass.d", fclass_d, 1, G_D)
    E_NORM("fmv.x.w", fmv_x_w, 1, G_S) E_NORM("fmv.x.d", fmv_x_d, 1, G_D)
    E_NORM("fmv.w.x", fmv_w_x, 1, G_X) E_NORM("fmv.d.x", fmv_d_x, 1, G_X)
};

/* ---- random operands --------------------------------------------------- */

static u64 rng = 0x9e3779b97f4a7c15ull;
static u64 rnd(void) { /* xorshift64* */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}
static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define BOX(x) (0xffffffff00000000ull | (uint32_t)(x))

static double d_of(u64 x) { double d; memcpy(&d, &x, 8); return d; }
static u64 bits_d(double d) { u64 x; memcpy(&x, &d, 8); return x; }
static float f_of(uint32_t x) { float f; memcpy(&f, &x, 4); return f; }
static uint32_t bits_f(float f) { uint32_t x; memcpy(&x, &f, 4); return x; }

/* Zeros, infinities, NaNs (quiet, signalling, with payloads), subnormal and
 * normal extremes, and the float/integer conversion boundaries. */
static const u64 d_special[] = {
    0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
    0x4000000000000000, 0x3fe0000000000000, 0x4008000000000000, 0x7ff0000000000000,
    0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000, 0x7ff0000000000001,
    0x7ff4000000000000, 0xfff0000000000001, 0x7ffc000000000001, 0x0000000000000001,
    0x8000000000000001, 0x000fffffffffffff, 0x800fffffffffffff, 0x0010000000000000,
    0x8010000000000000, 0x0010000000000001, 0x001fffffffffffff, 0x7fefffffffffffff,
    0xffefffffffffffff, 0x7fe0000000000000, 0x3ff0000000000001, 0x3fefffffffffffff,
    0x4330000000000000, 0x4340000000000000, 0x43e0000000000000, 0xc3e0000000000000,
    0x43f0000000000000, 0x41e0000000000000, 0xc1e0000000000000, 0x41f0000000000000,
    0x41dfffffffc00000, 0x3ca0000000000000, 0x36a0000000000000, 0x3810000000000000,
    0x47efffffe0000000, 0x47efffffefffffff, 0x47effffff0000000, 0x36a0000000000001,
    0x3690000000000000, 0x380fffffffffffff, 0x380ffffff0000000, 0x380fffffe0000000,
    0x43dfffffffffffff, 0x43efffffffffffff, 0xc3dfffffffffffff, 0xc1e0000000100000,
    0x41efffffffe00000, 0x3fe0000000000001, 0xbfe0000000000000, 0x3ff8000000000000,
};
/* The values whose every pair is tried for two-operand instructions. */
static const u64 d_core[] = {
    0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
    0x7ff8000000000000, 0x7ff4000000000000, 0x0000000000000001, 0x800fffffffffffff,
    0x0010000000000000, 0x7fefffffffffffff, 0xffefffffffffffff, 0x3ff0000000000000,
    0xbff0000000000000, 0x3ff0000000000001, 0x4000000000000000, 0x3ca0000000000000,
};
static const uint32_t s_special[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x40000000, 0x3f000000, 0x40400000,
    0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000, 0xff800001,
    0x7fc00001, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000, 0x80800000,
    0x00800001, 0x00ffffff, 0x7f7fffff, 0xff7fffff, 0x7f000000, 0x3f800001, 0x3f7fffff,
    0x4b000000, 0x4b800000, 0x5f000000, 0xdf000000, 0x5f800000, 0x4f000000, 0xcf000000,
    0x4f800000, 0x4effffff, 0x33800000, 0x34000000, 0x5effffff, 0x5f7fffff, 0xdeffffff,
    0x4f7fffff, 0x3f000001, 0xbf000000, 0x3fc00000, 0x3effffff,
};
static const uint32_t s_core[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 0x00000001,
    0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000, 0x3f800001,
    0x40000000, 0x33800000,
};
static const u64 x_special[] = {
    0, 1, (u64)-1, 2, 3, 0x7fffffff, 0xffffffff80000000ull, 0x80000000, 0xffffffff,
    0x100000000ull, 0x1fffffffffffffull, 0x20000000000000ull, 0x20000000000001ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull, 0x1000000,
    0x1000001, 0x2000001, 0x1000003, 0xfffffffffeffffffull, 0x7fffffc0, 0x7fffffbf,
    0xffffff80, 0xffffff7f, 0x7fffffffffffffc0ull, 0xfffffffffffff800ull,
    0x0123456789abcdefull, 0xfedcba9876543210ull, 0x80000001, 0x00000000ffffffffull,
};

static u64 gen_d(void) {
    unsigned k = pick(100);
    u64 sign = (rnd() & 1) << 63;
    u64 frac = rnd() & 0xfffffffffffffull;
    u64 e;
    if (k < 15) return d_special[pick(NELEM(d_special))];
    if (k < 25) return rnd();
    if (k < 40) { /* few significant bits: exact results and exact ties */
        unsigned keep = pick(10);
        frac &= ~0ull << (52 - keep);
        frac &= 0xfffffffffffffull;
        if (rnd() & 1) frac |= 1ull << pick(52);
    }
    if (k < 65) e = 1023 - 40 + pick(81);
    else if (k < 75) e = pick(2047);
    else if (k < 87) e = pick(4); /* subnormals and the smallest normals */
    else e = 2046 - pick(4);      /* near overflow */
    return sign | e << 52 | frac;
}

static uint32_t gen_s32(void) {
    unsigned k = pick(100);
    uint32_t sign = (uint32_t)(rnd() & 1) << 31;
    uint32_t frac = (uint32_t)rnd() & 0x7fffff;
    uint32_t e;
    if (k < 15) return s_special[pick(NELEM(s_special))];
    if (k < 25) return (uint32_t)rnd();
    if (k < 40) {
        unsigned keep = pick(8);
        frac &= (~0u << (23 - keep)) & 0x7fffff;
        if (rnd() & 1) frac |= 1u << pick(23);
    }
    if (k < 65) e = 127 - 20 + pick(41);
    else if (k < 75) e = pick(255);
    else if (k < 87) e = pick(4);
    else e = 254 - pick(4);
    return sign | e << 23 | frac;
}

/* A single in an FP register: NaN-boxed, except now and then (an unboxed
 * single must read as the canonical NaN). */
static u64 box_s(uint32_t v) {
    unsigned k = pick(100);
    if (k < 3) return (rnd() & 0xffffffff00000000ull) | v;
    if (k < 4) return v;
    return BOX(v);
}

static u64 gen_s(void) { return box_s(gen_s32()); }

/* A value near an integer or a conversion boundary, with or without fraction. */
static double gen_near_int(void) {
    static const double base[] = {0, 1, 2, 2147483648.0, 4294967296.0, 9223372036854775808.0,
                                  18446744073709551616.0, 4503599627370496.0, 9007199254740992.0,
                                  16777216.0};
    static const double frac[] = {0, 0.5, 0.25, 0.75, 0.4999999999, 0.5000000001, 1e-9};
    double b = pick(4) == 0 ? (double)pick(1u << 20) : base[pick(NELEM(base))];
    double v = b + (double)((int)pick(5) - 2) + frac[pick(NELEM(frac))];
    return (rnd() & 1) ? -v : v;
}

static u64 gen_cvt_d(void) {
    if (pick(2)) return gen_d();
    return bits_d(gen_near_int()) + (u64)(int64_t)((int)pick(5) - 2) * (pick(3) == 0);
}

static u64 gen_cvt_s(void) {
    if (pick(2)) return gen_s();
    return BOX(bits_f((float)gen_near_int()) + (uint32_t)((int)pick(5) - 2) * (pick(3) == 0));
}

/* Integers: boundaries, random widths, and values with exactly 24 or 53
 * significant bits followed by a tie, just below or above one. */
static u64 gen_x(void) {
    unsigned k = pick(100);
    if (k < 15) return x_special[pick(NELEM(x_special))];
    if (k < 30) return rnd();
    if (k < 60) {
        unsigned p = (rnd() & 1) ? 24 : 53;
        unsigned low = 1 + pick(64 - p);
        u64 top = (rnd() | 1ull << 63) >> (64 - p);
        u64 half = 1ull << (low - 1);
        u64 tails[5] = {0, half, half - 1, half + 1, rnd() & ((half << 1) - 1)};
        u64 v = top << low | tails[pick(5)];
        if (low + p < 64 && (rnd() & 1)) v = -v;
        return v;
    }
    if (k < 75) return (u64)(int64_t)(int32_t)(rnd() >> pick(33)) | (pick(2) ? rnd() << 32 : 0);
    unsigned n = 1 + pick(64);
    u64 v = rnd() >> (64 - n);
    return (rnd() & 1) ? -v : v;
}

static u64 gen(int g) {
    switch (g) {
    case G_S: return gen_s();
    case G_D: return gen_d();
    case G_CVT_S: return gen_cvt_s();
    case G_CVT_D: return gen_cvt_d();
    default: return gen_x();
    }
}

/* A second operand related to the first: cancellation (b near -a or a),
 * nearby exponents, or a divisor/factor that makes results exact. */
static u64 related_d(u64 a) {
    int64_t d = (int)pick(7) - 3;
    switch (pick(4)) {
    case 0: return a + (u64)d;
    case 1: return (a ^ 0x8000000000000000ull) + (u64)d;
    case 2: {
        u64 e = (a >> 52) & 0x7ff;
        u64 ne = e + (u64)((int)pick(121) - 60);
        if (e == 0 || e == 0x7ff || ne == 0 || ne >= 0x7ff) return gen_d();
        return (a & ~(0x7ffull << 52)) | ne << 52;
    }
    default: return bits_d(d_of(a) * (double)(1 + pick(16)));
    }
}

static u64 related_s(u64 a) {
    uint32_t x = (uint32_t)a;
    int32_t d = (int)pick(7) - 3;
    switch (pick(4)) {
    case 0: return BOX(x + (uint32_t)d);
    case 1: return BOX((x ^ 0x80000000u) + (uint32_t)d);
    case 2: {
        uint32_t e = (x >> 23) & 0xff;
        uint32_t ne = e + (uint32_t)((int)pick(61) - 30);
        if (e == 0 || e == 0xff || ne == 0 || ne >= 0xff) return gen_s();
        return BOX((x & ~(0xffu << 23)) | ne << 23);
    }
    default: return BOX(bits_f(f_of(x) * (float)(1 + pick(16))));
    }
}

/* An addend that (nearly) cancels the product: the hard cases for FMA. */
static u64 cancelling_d(u64 a, u64 b) {
    double p = d_of(a) * d_of(b);
    u64 c = bits_d(-p) + (u64)(int64_t)((int)pick(7) - 3);
    if (pick(3) == 0) c = bits_d(-p * 0x1p-30);
    return c;
}

static u64 cancelling_s(u64 a, u64 b) {
    double p = (double)f_of((uint32_t)a) * (double)f_of((uint32_t)b);
    uint32_t c = bits_f((float)-p) + (uint32_t)((int)pick(7) - 3);
    if (pick(3) == 0) c = bits_f((float)(-p * 0x1p-12));
    return BOX(c);
}

/* ---- running ----------------------------------------------------------- */

static void set_frm(unsigned v) { __asm__ volatile("csrw frm, %0" ::"r"(v)); }

static void run(const struct op *o, int rm, unsigned frm, u64 a, u64 b, u64 c) {
    u64 r, fl;
    set_frm(frm);
    o->fn[rm](a, b, c, &r, &fl);
    printf("%s %d %u %016llx %016llx %016llx -> %016llx %02llx\n", o->name, rm, frm,
           (unsigned long long)a, (unsigned long long)b, (unsigned long long)c,
           (unsigned long long)r, (unsigned long long)fl);
}

static void run_op(const struct op *o, unsigned count) {
    static const int rms[] = {0, 1, 2, 3, 4, 7};
    int nrm = o->has_rm ? 6 : 1;
    int single = o->gen == G_S || o->gen == G_CVT_S;
    for (int ri = 0; ri < nrm; ri++) {
        int rm = rms[ri];
        unsigned n = 0;
        /* A static rounding mode runs with a different frm, so that using frm
         * by mistake shows; the dynamic one cycles frm through all five. */
#define FRM() (rm == 7 ? n % 5 : (unsigned)(rm + 1 + n % 4) % 5)
        if (o->nargs == 2 && o->gen != G_X) {
            unsigned nc = single ? NELEM(s_core) : NELEM(d_core);
            for (unsigned i = 0; i < nc; i++)
                for (unsigned j = 0; j < nc; j++, n++) {
                    u64 a = single ? BOX(s_core[i]) : d_core[i];
                    u64 b = single ? BOX(s_core[j]) : d_core[j];
                    run(o, rm, FRM(), a, b, 0);
                }
        }
        for (unsigned i = 0; i < count; i++, n++) {
            u64 a = gen(o->gen), b = gen(o->gen), c = gen(o->gen);
            if (o->nargs >= 2 && pick(3) == 0) b = single ? related_s(a) : related_d(a);
            if (o->nargs == 3 && pick(3) == 0) c = single ? cancelling_s(a, b) : cancelling_d(a, b);
            if (o->nargs == 1 && pick(8) == 0 && o->gen == G_D) a = bits_d(d_of(related_d(a)) * d_of(a));
            run(o, rm, FRM(), a, b, c);
        }
#undef FRM
    }
}

/* ---- which encodings are legal ------------------------------------------ */

static sigjmp_buf probe_env;
static void on_sigill(int sig) { (void)sig; siglongjmp(probe_env, 1); }

static uint32_t *probe_code;

static void probe(uint32_t insn, unsigned frm) {
    int ill;
    probe_code[0] = insn;
    probe_code[1] = 0x00008067; /* ret */
    __builtin___clear_cache((char *)probe_code, (char *)(probe_code + 2));
    set_frm(frm);
    if (sigsetjmp(probe_env, 1) == 0) {
        ((void (*)(void))probe_code)();
        ill = 0;
    } else {
        ill = 1;
    }
    set_frm(0);
    printf("probe %08x %u -> %s\n", insn, frm, ill ? "ill" : "ok");
}

static void run_probes(void) {
    static const unsigned rs2s[] = {0, 1, 2, 3, 4, 31};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigill;
    sigaction(SIGILL, &sa, NULL);
    probe_code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (probe_code == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    /* rd = x0/f0 and rs1 = x0/f0 throughout: f0 (ft0) is caller-saved. */
    for (uint32_t f7 = 0; f7 < 128; f7++)
        for (uint32_t f3 = 0; f3 < 8; f3++)
            for (unsigned i = 0; i < NELEM(rs2s); i++) {
                uint32_t insn = f7 << 25 | rs2s[i] << 20 | f3 << 12 | 0x53;
                probe(insn, 0);
                if (f3 == 7) {
                    probe(insn, 5);
                    probe(insn, 7);
                }
            }
    static const uint32_t r4[] = {0x43, 0x47, 0x4b, 0x4f};
    for (unsigned i = 0; i < 4; i++)
        for (uint32_t fmt = 0; fmt < 4; fmt++)
            for (uint32_t f3 = 0; f3 < 8; f3++) {
                probe(fmt << 25 | f3 << 12 | r4[i], 0);
                if (f3 == 7) probe(fmt << 25 | f3 << 12 | r4[i], 6);
            }
}

int main(int argc, char **argv) {
    static char buf[1 << 20];
    unsigned count = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 300;
    if (argc > 2) rng = strtoull(argv[2], NULL, 0) | 1;
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    for (unsigned i = 0; i < NELEM(ops); i++) run_op(&ops[i], count);
    run_probes();
    return 0;
}
