/* RV64I/M register-register and register-immediate operations over a table
 * of edge values: sign extension of W ops, shift amounts, overflow, and the
 * M extension's defined results for division by zero and INT_MIN / -1. */
#include "rt.h"

static const uint64_t V[] = {
    0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xfff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x00000000deadbeef,
    0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, 0xffffffffffffffff,
    0xfffffffffffffffe, 0xfffffffffffffff9, 0xffffffff80000000, 0x123456789abcdef0,
    0xfedcba9876543210, 0x00000001fffffffe,
};
#define NV (sizeof V / sizeof V[0])

#define RR(name, insn)                                                         \
    static uint64_t name(uint64_t a, uint64_t b) {                             \
        uint64_t r;                                                            \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));       \
        return r;                                                              \
    }
RR(op_add, "add") RR(op_sub, "sub") RR(op_sll, "sll") RR(op_slt, "slt") RR(op_sltu, "sltu")
RR(op_xor, "xor") RR(op_srl, "srl") RR(op_sra, "sra") RR(op_or, "or") RR(op_and, "and")
RR(op_addw, "addw") RR(op_subw, "subw") RR(op_sllw, "sllw") RR(op_srlw, "srlw") RR(op_sraw, "sraw")
RR(op_mul, "mul") RR(op_mulh, "mulh") RR(op_mulhsu, "mulhsu") RR(op_mulhu, "mulhu")
RR(op_div, "div") RR(op_divu, "divu") RR(op_rem, "rem") RR(op_remu, "remu")
RR(op_mulw, "mulw") RR(op_divw, "divw") RR(op_divuw, "divuw") RR(op_remw, "remw") RR(op_remuw, "remuw")

struct rr { const char *name; uint64_t (*fn)(uint64_t, uint64_t); };
static const struct rr RRS[] = {
    {"add", op_add}, {"sub", op_sub}, {"sll", op_sll}, {"slt", op_slt}, {"sltu", op_sltu},
    {"xor", op_xor}, {"srl", op_srl}, {"sra", op_sra}, {"or", op_or}, {"and", op_and},
    {"addw", op_addw}, {"subw", op_subw}, {"sllw", op_sllw}, {"srlw", op_srlw}, {"sraw", op_sraw},
    {"mul", op_mul}, {"mulh", op_mulh}, {"mulhsu", op_mulhsu}, {"mulhu", op_mulhu},
    {"div", op_div}, {"divu", op_divu}, {"rem", op_rem}, {"remu", op_remu},
    {"mulw", op_mulw}, {"divw", op_divw}, {"divuw", op_divuw}, {"remw", op_remw}, {"remuw", op_remuw},
};

#define RI(name, insn, imm)                                                    \
    static uint64_t name(uint64_t a) {                                         \
        uint64_t r;                                                            \
        __asm__ volatile(insn " %0, %1, " #imm : "=r"(r) : "r"(a));            \
        return r;                                                              \
    }
#define RI_IMMS(base, insn) \
    RI(base##_0, insn, 0) RI(base##_1, insn, 1) RI(base##_m1, insn, -1) \
    RI(base##_max, insn, 2047) RI(base##_min, insn, -2048) RI(base##_x, insn, 0x555)
RI_IMMS(op_addi, "addi") RI_IMMS(op_slti, "slti") RI_IMMS(op_sltiu, "sltiu")
RI_IMMS(op_xori, "xori") RI_IMMS(op_ori, "ori") RI_IMMS(op_andi, "andi") RI_IMMS(op_addiw, "addiw")
#define SH_IMMS(base, insn) \
    RI(base##_0, insn, 0) RI(base##_1, insn, 1) RI(base##_31, insn, 31) \
    RI(base##_32, insn, 32) RI(base##_33, insn, 33) RI(base##_63, insn, 63)
SH_IMMS(op_slli, "slli") SH_IMMS(op_srli, "srli") SH_IMMS(op_srai, "srai")
#define SHW_IMMS(base, insn) \
    RI(base##_0, insn, 0) RI(base##_1, insn, 1) RI(base##_17, insn, 17) RI(base##_31, insn, 31)
SHW_IMMS(op_slliw, "slliw") SHW_IMMS(op_srliw, "srliw") SHW_IMMS(op_sraiw, "sraiw")

struct ri { const char *name; uint64_t (*fn)(uint64_t); };
#define E6(base, n) {n "_0", base##_0}, {n "_1", base##_1}, {n "_m1", base##_m1}, \
    {n "_max", base##_max}, {n "_min", base##_min}, {n "_x", base##_x}
#define S6(base, n) {n "_0", base##_0}, {n "_1", base##_1}, {n "_31", base##_31}, \
    {n "_32", base##_32}, {n "_33", base##_33}, {n "_63", base##_63}
#define S4(base, n) {n "_0", base##_0}, {n "_1", base##_1}, {n "_17", base##_17}, {n "_31", base##_31}
static const struct ri RIS[] = {
    E6(op_addi, "addi"), E6(op_slti, "slti"), E6(op_sltiu, "sltiu"), E6(op_xori, "xori"),
    E6(op_ori, "ori"), E6(op_andi, "andi"), E6(op_addiw, "addiw"),
    S6(op_slli, "slli"), S6(op_srli, "srli"), S6(op_srai, "srai"),
    S4(op_slliw, "slliw"), S4(op_srliw, "srliw"), S4(op_sraiw, "sraiw"),
};

static void upper(void) {
    uint64_t r, pc;
    __asm__ volatile("lui %0, 0xfffff" : "=r"(r)); show("lui_fffff", r);
    __asm__ volatile("lui %0, 0x80000" : "=r"(r)); show("lui_80000", r);
    __asm__ volatile("lui %0, 0x7ffff" : "=r"(r)); show("lui_7ffff", r);
    __asm__ volatile("lui %0, 1" : "=r"(r)); show("lui_1", r);
    /* auipc relative to a local label gives a pc-independent value */
    __asm__ volatile("1: auipc %0, 0x80000\n la %1, 1b" : "=r"(r), "=r"(pc)); show("auipc_80000", r - pc);
    __asm__ volatile("1: auipc %0, 0x7ffff\n la %1, 1b" : "=r"(r), "=r"(pc)); show("auipc_7ffff", r - pc);
    __asm__ volatile("1: auipc %0, 0\n la %1, 1b" : "=r"(r), "=r"(pc)); show("auipc_0", r - pc);
    /* writes to x0 are discarded */
    __asm__ volatile("li t0, 5\n addi x0, t0, 1\n add x0, t0, t0\n lui x0, 1\n mv %0, x0" : "=r"(r) : : "t0");
    show("x0", r);
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
    for (size_t k = 0; k < sizeof RIS / sizeof RIS[0]; k++)
        for (size_t i = 0; i < NV; i++) {
            put_str(RIS[k].name); put_char(' '); put_dec(i); put_char(' ');
            put_hex(RIS[k].fn(V[i])); put_char('\n');
        }
    upper();
    return 0;
}
