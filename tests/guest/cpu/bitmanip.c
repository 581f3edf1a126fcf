/* variants: rv64gc_zba_zbb_zbs
 * The B extension (Zba, Zbb, Zbs) over a table of edge values: every
 * register-register form on every pair, every one-operand form, and the
 * immediate forms at the edge shift amounts (0, 1, 31, 32, 33, 63). Shift
 * and bit-index operands >= 32 and >= 64 (taken mod 64), sign bits, rotates
 * by 0, clz/ctz of 0, min/max across signs. Then the same instructions with
 * the destination also a source, and compiler-generated B code in hot loops
 * (so the block compiler translates them too). */
#include "rt.h"

static const uint64_t V[] = {
    0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x00000000deadbeef,
    0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, 0xffffffffffffffff,
    0xfffffffffffffffe, 0xfffffffffffffff9, 0xffffffff80000000, 0x123456789abcdef0,
    0xfedcba9876543210, 0x00000001fffffffe, 0x0100000000ff0000, 0x00ff00ff00000001,
    0x8080808080808080, 0x0001000000000080, 0xffffffff7fffffff,
};
#define NV (sizeof V / sizeof V[0])

#define RR(name, insn)                                                         \
    static uint64_t name(uint64_t a, uint64_t b) {                             \
        uint64_t r;                                                            \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));       \
        return r;                                                              \
    }
RR(op_add_uw, "add.uw") RR(op_sh1add, "sh1add") RR(op_sh2add, "sh2add") RR(op_sh3add, "sh3add")
RR(op_sh1add_uw, "sh1add.uw") RR(op_sh2add_uw, "sh2add.uw") RR(op_sh3add_uw, "sh3add.uw")
RR(op_andn, "andn") RR(op_orn, "orn") RR(op_xnor, "xnor")
RR(op_max, "max") RR(op_maxu, "maxu") RR(op_min, "min") RR(op_minu, "minu")
RR(op_rol, "rol") RR(op_ror, "ror") RR(op_rolw, "rolw") RR(op_rorw, "rorw")
RR(op_bclr, "bclr") RR(op_bext, "bext") RR(op_binv, "binv") RR(op_bset, "bset")

struct rr { const char *name; uint64_t (*fn)(uint64_t, uint64_t); };
static const struct rr RRS[] = {
    {"add.uw", op_add_uw}, {"sh1add", op_sh1add}, {"sh2add", op_sh2add}, {"sh3add", op_sh3add},
    {"sh1add.uw", op_sh1add_uw}, {"sh2add.uw", op_sh2add_uw}, {"sh3add.uw", op_sh3add_uw},
    {"andn", op_andn}, {"orn", op_orn}, {"xnor", op_xnor},
    {"max", op_max}, {"maxu", op_maxu}, {"min", op_min}, {"minu", op_minu},
    {"rol", op_rol}, {"ror", op_ror}, {"rolw", op_rolw}, {"rorw", op_rorw},
    {"bclr", op_bclr}, {"bext", op_bext}, {"binv", op_binv}, {"bset", op_bset},
};

#define R1(name, insn)                                                         \
    static uint64_t name(uint64_t a) {                                         \
        uint64_t r;                                                            \
        __asm__ volatile(insn " %0, %1" : "=r"(r) : "r"(a));                   \
        return r;                                                              \
    }
#define RI(name, insn, imm)                                                    \
    static uint64_t name(uint64_t a) {                                         \
        uint64_t r;                                                            \
        __asm__ volatile(insn " %0, %1, " #imm : "=r"(r) : "r"(a));            \
        return r;                                                              \
    }
R1(op_clz, "clz") R1(op_ctz, "ctz") R1(op_cpop, "cpop") R1(op_clzw, "clzw") R1(op_ctzw, "ctzw")
R1(op_cpopw, "cpopw") R1(op_sext_b, "sext.b") R1(op_sext_h, "sext.h") R1(op_zext_h, "zext.h")
R1(op_orc_b, "orc.b") R1(op_rev8, "rev8") R1(op_zext_w, "zext.w")
#define SH_IMMS(base, insn) \
    RI(base##_0, insn, 0) RI(base##_1, insn, 1) RI(base##_31, insn, 31) \
    RI(base##_32, insn, 32) RI(base##_33, insn, 33) RI(base##_63, insn, 63)
SH_IMMS(op_slli_uw, "slli.uw") SH_IMMS(op_rori, "rori") SH_IMMS(op_bclri, "bclri")
SH_IMMS(op_bexti, "bexti") SH_IMMS(op_binvi, "binvi") SH_IMMS(op_bseti, "bseti")
RI(op_roriw_0, "roriw", 0) RI(op_roriw_1, "roriw", 1) RI(op_roriw_17, "roriw", 17) RI(op_roriw_31, "roriw", 31)

struct r1 { const char *name; uint64_t (*fn)(uint64_t); };
#define S6(base, n) {n " 0", base##_0}, {n " 1", base##_1}, {n " 31", base##_31}, \
    {n " 32", base##_32}, {n " 33", base##_33}, {n " 63", base##_63}
static const struct r1 R1S[] = {
    {"clz", op_clz}, {"ctz", op_ctz}, {"cpop", op_cpop}, {"clzw", op_clzw}, {"ctzw", op_ctzw},
    {"cpopw", op_cpopw}, {"sext.b", op_sext_b}, {"sext.h", op_sext_h}, {"zext.h", op_zext_h},
    {"orc.b", op_orc_b}, {"rev8", op_rev8}, {"zext.w", op_zext_w},
    S6(op_slli_uw, "slli.uw"), S6(op_rori, "rori"), S6(op_bclri, "bclri"),
    S6(op_bexti, "bexti"), S6(op_binvi, "binvi"), S6(op_bseti, "bseti"),
    {"roriw 0", op_roriw_0}, {"roriw 1", op_roriw_1}, {"roriw 17", op_roriw_17}, {"roriw 31", op_roriw_31},
};

/* The destination is also a source: a0 = op(a0, a1) and a1 = op(a0, a1). */
#define ALIAS(insn)                                                            \
    do {                                                                       \
        uint64_t r, s;                                                         \
        __asm__ volatile("mv a0, %2\n mv a1, %3\n " insn " a0, a0, a1\n mv %0, a0\n" \
                         "mv a0, %2\n " insn " a1, a0, a1\n mv %1, a1"         \
                         : "=&r"(r), "=&r"(s) : "r"(x), "r"(y) : "a0", "a1");  \
        put_str(insn); put_char(' '); put_hex(r); put_char(' '); put_hex(s); put_char('\n'); \
    } while (0)

static void aliasing(uint64_t x, uint64_t y) {
    ALIAS("add.uw"); ALIAS("sh1add"); ALIAS("sh3add.uw"); ALIAS("andn"); ALIAS("xnor");
    ALIAS("max"); ALIAS("minu"); ALIAS("rol"); ALIAS("ror"); ALIAS("rorw"); ALIAS("bclr");
    ALIAS("bext"); ALIAS("binv"); ALIAS("bset");
    uint64_t r;
    __asm__ volatile("mv a0, %1\n rev8 a0, a0\n orc.b a0, a0\n clz a0, a0\n mv %0, a0" : "=r"(r) : "r"(x) : "a0");
    show("chain", r);
    /* writes to x0 are discarded */
    __asm__ volatile("li t0, 5\n sh3add x0, t0, t0\n max x0, t0, t0\n rev8 x0, t0\n bseti x0, t0, 40\n mv %0, x0" : "=r"(r) : : "t0");
    show("x0", r);
    __asm__ volatile("mv a0, %1\n bext a0, a0, zero\n mv %0, a0" : "=r"(r) : "r"(x) : "a0");
    show("bext by x0", r);
}

/* Code the compiler writes with B instructions, run hot. */
static uint64_t rotl(uint64_t v, unsigned s) { return (v << (s & 63)) | (v >> (-s & 63)); }
static uint32_t rotr32(uint32_t v, unsigned s) { return (v >> (s & 31)) | (v << (-s & 31)); }

static uint64_t table[64];

__attribute__((noinline)) static uint64_t mix(uint64_t seed, int n) {
    uint64_t h = seed;
    for (int i = 0; i < n; i++) {
        uint64_t v = h ^ (uint64_t)i * 0x9e3779b97f4a7c15ull;
        h += (uint64_t)__builtin_popcountll(v) + (uint64_t)__builtin_clzll(v | 1) * 3 + (uint64_t)__builtin_ctzll(v | (1ull << 63));
        h ^= __builtin_bswap64(v);
        h = rotl(h, (unsigned)v);
        h += rotr32((uint32_t)v, (unsigned)(v >> 7));
        int64_t sv = (int64_t)v, sh = (int64_t)h;
        h += (uint64_t)(sv < sh ? sv : sh) ^ (v > h ? v : h);
        h += (uint64_t)(int8_t)v + (uint64_t)(int16_t)(v >> 8) + (uint16_t)(v >> 3) + (uint32_t)v;
        h &= ~(v >> 13);
        h ^= 1ull << (v & 63);
        h += (h >> (v & 63)) & 1;
        table[(uint32_t)i & 63] += h;
        h += table[(uint32_t)(h >> 3) & 63] + ((uint64_t)(uint32_t)h << 3);
        h = (v & 4) ? h : h + 1; /* a conditional move candidate */
    }
    return h;
}

int main(void) {
    for (size_t k = 0; k < sizeof RRS / sizeof RRS[0]; k++) {
        uint64_t sum = 0;
        for (size_t i = 0; i < NV; i++)
            for (size_t j = 0; j < NV; j++) {
                uint64_t r = RRS[k].fn(V[i], V[j]);
                sum = sum * 31 + r;
                put_str(RRS[k].name); put_char(' '); put_dec(i); put_char(' '); put_dec(j);
                put_char(' '); put_hex(r); put_char('\n');
            }
        show(RRS[k].name, sum);
    }
    for (size_t k = 0; k < sizeof R1S / sizeof R1S[0]; k++)
        for (size_t i = 0; i < NV; i++) {
            put_str(R1S[k].name); put_char(' '); put_dec(i); put_char(' ');
            put_hex(R1S[k].fn(V[i])); put_char('\n');
        }
    for (size_t i = 0; i < NV; i += 3) aliasing(V[i], V[NV - 1 - i]);
    show("mix", mix(1, 20000));
    show("mix2", mix(0xfedcba9876543210ull, 5000));
    for (int i = 0; i < 64; i++) show("table", table[i]);
    return 0;
}
