/* Integer ISA coverage (RV64IM): overflow, shifts, 32-bit ops with sign
 * extension, and the M extension's division corner cases, which RISC-V
 * defines (no trap) and C leaves undefined, hence inline asm. */
#include "tg.h"
#include <stdint.h>

#define OP(name, insn)                                                      \
    static int64_t name(int64_t a, int64_t b) {                             \
        int64_t r;                                                          \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));    \
        return r;                                                           \
    }
OP(op_add, "add") OP(op_sub, "sub") OP(op_addw, "addw") OP(op_subw, "subw")
OP(op_sll, "sll") OP(op_srl, "srl") OP(op_sra, "sra")
OP(op_sllw, "sllw") OP(op_srlw, "srlw") OP(op_sraw, "sraw")
OP(op_slt, "slt") OP(op_sltu, "sltu")
OP(op_mul, "mul") OP(op_mulh, "mulh") OP(op_mulhsu, "mulhsu") OP(op_mulhu, "mulhu")
OP(op_mulw, "mulw")
OP(op_div, "div") OP(op_divu, "divu") OP(op_rem, "rem") OP(op_remu, "remu")
OP(op_divw, "divw") OP(op_divuw, "divuw") OP(op_remw, "remw") OP(op_remuw, "remuw")

struct op { const char *name; int64_t (*fn)(int64_t, int64_t); };
static const struct op ops[] = {
    {"add", op_add}, {"sub", op_sub}, {"addw", op_addw}, {"subw", op_subw},
    {"sll", op_sll}, {"srl", op_srl}, {"sra", op_sra},
    {"sllw", op_sllw}, {"srlw", op_srlw}, {"sraw", op_sraw},
    {"slt", op_slt}, {"sltu", op_sltu},
    {"mul", op_mul}, {"mulh", op_mulh}, {"mulhsu", op_mulhsu}, {"mulhu", op_mulhu},
    {"mulw", op_mulw},
    {"div", op_div}, {"divu", op_divu}, {"rem", op_rem}, {"remu", op_remu},
    {"divw", op_divw}, {"divuw", op_divuw}, {"remw", op_remw}, {"remuw", op_remuw},
};

static const int64_t vals[] = {
    0, 1, -1, 2, -2, 31, 32, 33, 63, 64, 65, 0x7fffffff, (int64_t)0x80000000ULL,
    (int64_t)0xffffffffULL, (int64_t)0x100000000ULL, INT64_MAX, INT64_MIN,
    (int64_t)0x123456789abcdef0ULL, (int64_t)0xfedcba9876543210ULL, -0x80000000LL,
};
#define NV (sizeof vals / sizeof vals[0])

/* Immediate forms: the assembler picks addi/addiw/slli/srai... */
static void immediates(volatile int64_t x) {
    int64_t r;
    __asm__ volatile("addiw %0, %1, -1" : "=r"(r) : "r"(x)); printf("addiw(%llx,-1)=%llx\n", (long long)x, (long long)r);
    __asm__ volatile("addi %0, %1, -2048" : "=r"(r) : "r"(x)); printf("addi(%llx,-2048)=%llx\n", (long long)x, (long long)r);
    __asm__ volatile("slli %0, %1, 63" : "=r"(r) : "r"(x)); printf("slli63=%llx\n", (long long)r);
    __asm__ volatile("srli %0, %1, 63" : "=r"(r) : "r"(x)); printf("srli63=%llx\n", (long long)r);
    __asm__ volatile("srai %0, %1, 63" : "=r"(r) : "r"(x)); printf("srai63=%llx\n", (long long)r);
    __asm__ volatile("slliw %0, %1, 31" : "=r"(r) : "r"(x)); printf("slliw31=%llx\n", (long long)r);
    __asm__ volatile("srliw %0, %1, 0" : "=r"(r) : "r"(x)); printf("srliw0=%llx\n", (long long)r);
    __asm__ volatile("sraiw %0, %1, 31" : "=r"(r) : "r"(x)); printf("sraiw31=%llx\n", (long long)r);
    __asm__ volatile("sltiu %0, %1, -1" : "=r"(r) : "r"(x)); printf("sltiu-1=%llx\n", (long long)r);
    __asm__ volatile("slti %0, %1, 0" : "=r"(r) : "r"(x)); printf("slti0=%llx\n", (long long)r);
    __asm__ volatile("xori %0, %1, -1" : "=r"(r) : "r"(x)); printf("xori-1=%llx\n", (long long)r);
}

/* Loads of every width, signed and unsigned, from a known byte pattern. */
static void loads(void) {
    static volatile uint8_t buf[16] = {0x80, 0xff, 0x7f, 0x01, 0xfe, 0x00, 0x80, 0x90,
                                       0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    volatile int8_t *s8 = (volatile int8_t *)buf;
    volatile int16_t *s16 = (volatile int16_t *)buf;
    volatile int32_t *s32 = (volatile int32_t *)buf;
    volatile uint16_t *u16 = (volatile uint16_t *)buf;
    volatile uint32_t *u32 = (volatile uint32_t *)buf;
    volatile uint64_t *u64 = (volatile uint64_t *)buf;
    printf("lb=%lld lbu=%u lh=%lld lhu=%u lw=%lld lwu=%u ld=%llx\n",
           (long long)s8[0], buf[0], (long long)s16[0], u16[0],
           (long long)s32[1], u32[1], (unsigned long long)u64[1]);
    /* Misaligned accesses: Linux makes them work (hardware or trap emulation). */
    uint64_t m;
    memcpy(&m, (const void *)(buf + 3), 8);
    printf("unaligned-ish=%llx\n", (unsigned long long)m);
    buf[5] = 0xaa;
    s16[3] = -2;
    printf("after stores=%llx\n", (unsigned long long)u64[0]);
}

int main(void) {
    unsigned long long sum = 0;
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        printf("%s:", ops[o].name);
        for (size_t i = 0; i < NV; i++)
            for (size_t j = 0; j < NV; j++) {
                int64_t r = ops[o].fn(vals[i], vals[j]);
                sum = sum * 31 + (uint64_t)r;
                if (j % 5 == 0 && i % 3 == 0)
                    printf(" %llx", (unsigned long long)r);
            }
        printf(" sum=%016llx\n", sum);
    }
    /* The corner cases named by the spec, printed one by one. */
    printf("div by zero: div=%lld divu=%llx rem=%lld remu=%lld\n",
           (long long)op_div(7, 0), (unsigned long long)op_divu(7, 0),
           (long long)op_rem(7, 0), (long long)op_remu(7, 0));
    printf("overflow: div=%llx rem=%lld divw=%llx remw=%lld\n",
           (unsigned long long)op_div(INT64_MIN, -1), (long long)op_rem(INT64_MIN, -1),
           (unsigned long long)op_divw(INT32_MIN, -1), (long long)op_remw(INT32_MIN, -1));
    printf("divw by zero=%lld divuw by zero=%llx remuw by zero=%llx\n",
           (long long)op_divw(5, 0), (unsigned long long)op_divuw(5, 0),
           (unsigned long long)op_remuw(0x80000005LL, 0));
    printf("addw wrap=%llx mulw wrap=%llx\n",
           (unsigned long long)op_addw(0x7fffffff, 1), (unsigned long long)op_mulw(0x10000, 0x10000 + 1 - 1 + 0x8000));
    printf("shift masking: sll by 65=%llx sllw by 33=%llx sraw by 63=%llx\n",
           (unsigned long long)op_sll(1, 65), (unsigned long long)op_sllw(1, 33),
           (unsigned long long)op_sraw(INT32_MIN, 63));
    /* Signed overflow done in unsigned C arithmetic (wraps by definition). */
    volatile uint64_t big = INT64_MAX;
    printf("wrap: %lld\n", (long long)(int64_t)(big + 1));
    volatile uint32_t u = 0xffffffffu;
    printf("u32 wrap: %u, sign-extended int cast: %lld\n", u + 2, (long long)(int32_t)u);
    volatile __int128 p = (__int128)INT64_MAX * INT64_MAX;
    printf("i128 product hi=%llx lo=%llx\n", (unsigned long long)(p >> 64), (unsigned long long)p);
    printf("clz=%d ctz=%d popcount=%d\n", __builtin_clzll(0x00f0000000000000ULL),
           __builtin_ctzll(0x100ULL), __builtin_popcountll(0xf0f0f0f0f0f0f0f0ULL));
    immediates((int64_t)0x80000000LL);
    immediates(-5);
    loads();
    return 0;
}
