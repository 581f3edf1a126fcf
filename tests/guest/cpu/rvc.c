/* variants: rv64gc
 * The C extension, instruction by instruction (explicit c.* mnemonics), with
 * edge immediates: each must behave exactly as the 32-bit instruction it
 * expands to. */
#include "rt.h"

static uint64_t mem[64] __attribute__((aligned(8)));

#define CI(label, init, insn)                                                   \
    do {                                                                        \
        uint64_t r;                                                             \
        __asm__ volatile("mv a0, %1\n" insn "\n mv %0, a0" : "=r"(r) : "r"((uint64_t)(init)) : "a0"); \
        show(label, r);                                                         \
    } while (0)

#define CA(label, a, b, insn)                                                   \
    do {                                                                        \
        uint64_t r;                                                             \
        __asm__ volatile("mv a0, %1\n mv a1, %2\n" insn "\n mv %0, a0"         \
                         : "=r"(r) : "r"((uint64_t)(a)), "r"((uint64_t)(b)) : "a0", "a1"); \
        show(label, r);                                                         \
    } while (0)

static const uint64_t E[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x8000000000000000ull,
                             0xffffffffffffffffull, 0x123456789abcdef0ull};

int main(void) {
    CI("c.li -32", 5, "c.li a0, -32");
    CI("c.li 31", 5, "c.li a0, 31");
    CI("c.lui 1", 5, "c.lui a0, 1");
    CI("c.lui 1f", 5, "c.lui a0, 0x1f");
    CI("c.lui fffe0", 5, "c.lui a0, 0xfffe0");
    CI("c.lui fffff", 5, "c.lui a0, 0xfffff");
    for (int i = 0; i < 8; i++) {
        put_dec(i); put_char('\n');
        CI("c.addi -32", E[i], "c.addi a0, -32");
        CI("c.addi 31", E[i], "c.addi a0, 31");
        CI("c.addiw 1", E[i], "c.addiw a0, 1");
        CI("c.addiw -1", E[i], "c.addiw a0, -1");
        CI("c.addiw 0", E[i], "c.addiw a0, 0");
        CI("c.slli 1", E[i], "c.slli a0, 1");
        CI("c.slli 31", E[i], "c.slli a0, 31");
        CI("c.slli 32", E[i], "c.slli a0, 32");
        CI("c.slli 63", E[i], "c.slli a0, 63");
        CI("c.srli 1", E[i], "c.srli a0, 1");
        CI("c.srli 32", E[i], "c.srli a0, 32");
        CI("c.srli 63", E[i], "c.srli a0, 63");
        CI("c.srai 1", E[i], "c.srai a0, 1");
        CI("c.srai 33", E[i], "c.srai a0, 33");
        CI("c.srai 63", E[i], "c.srai a0, 63");
        CI("c.andi -32", E[i], "c.andi a0, -32");
        CI("c.andi 31", E[i], "c.andi a0, 31");
        CI("c.andi -1", E[i], "c.andi a0, -1");
        for (int j = 0; j < 8; j++) {
            CA("c.mv", E[i], E[j], "c.mv a0, a1");
            CA("c.add", E[i], E[j], "c.add a0, a1");
            CA("c.sub", E[i], E[j], "c.sub a0, a1");
            CA("c.xor", E[i], E[j], "c.xor a0, a1");
            CA("c.or", E[i], E[j], "c.or a0, a1");
            CA("c.and", E[i], E[j], "c.and a0, a1");
            CA("c.subw", E[i], E[j], "c.subw a0, a1");
            CA("c.addw", E[i], E[j], "c.addw a0, a1");
        }
    }

    /* stack-pointer forms; sp is restored by each block */
    uint64_t r, r2;
    __asm__ volatile("mv a0, sp\n c.addi16sp sp, -512\n sub %0, a0, sp\n c.addi16sp sp, 496\n c.addi16sp sp, 16"
                     : "=r"(r) : : "a0", "memory");
    show("c.addi16sp", r);
    __asm__ volatile("c.addi4spn a0, sp, 1020\n sub %0, a0, sp\n c.addi4spn a0, sp, 4\n sub %1, a0, sp"
                     : "=r"(r), "=r"(r2) : : "a0");
    show("c.addi4spn 1020", r); show("c.addi4spn 4", r2);
    __asm__ volatile("addi sp, sp, -512\n li a0, -2\n li a1, 0x7654321\n"
                     " c.sdsp a0, 504(sp)\n c.swsp a1, 252(sp)\n c.swsp a0, 0(sp)\n"
                     " c.ldsp a2, 504(sp)\n c.lwsp a3, 252(sp)\n c.lwsp a4, 0(sp)\n c.ldsp a5, 0(sp)\n"
                     " add a2, a2, a3\n add a2, a2, a4\n add %0, a2, a5\n addi sp, sp, 512"
                     : "=r"(r) : : "a0", "a1", "a2", "a3", "a4", "a5", "memory");
    show("sp loads/stores", r);

    /* register-based loads and stores at the largest offsets */
    for (int i = 0; i < 64; i++) mem[i] = 0x0101010101010101ull * i;
    __asm__ volatile("mv s1, %1\n li a0, -3\n c.sd a0, 248(s1)\n c.sw a0, 124(s1)\n c.ld a1, 248(s1)\n"
                     " c.lw a2, 124(s1)\n c.lw a3, 4(s1)\n c.ld a4, 8(s1)\n add a1, a1, a2\n add a1, a1, a3\n add %0, a1, a4"
                     : "=r"(r) : "r"(mem) : "s1", "a0", "a1", "a2", "a3", "a4", "memory");
    show("reg loads/stores", r);
    show("mem31", mem[31]); show("mem15", mem[15]);

    /* FP loads and stores move raw bits */
    mem[0] = 0x7ff0000000000001ull;  /* a signalling NaN must survive unchanged */
    mem[1] = 0xfff8000000000000ull;
    __asm__ volatile("mv s1, %0\n c.fld fa0, 0(s1)\n c.fld fa1, 8(s1)\n c.fsd fa1, 16(s1)\n c.fsd fa0, 248(s1)\n"
                     "addi sp, sp, -16\n c.fsdsp fa0, 8(sp)\n c.fldsp fa2, 8(sp)\n c.fsdsp fa2, 0(sp)\n ld a0, 0(sp)\n"
                     "addi sp, sp, 16\n sd a0, 24(s1)"
                     : : "r"(mem) : "s1", "a0", "fa0", "fa1", "fa2", "memory");
    show("fsd", mem[2]); show("fsd248", mem[31]); show("fsdsp", mem[3]);

    /* control flow */
    __asm__ volatile("li a0, 0\n c.j 1f\n li a0, 99\n 1: c.addi a0, 1\n mv %0, a0" : "=r"(r) : : "a0");
    show("c.j", r);
    __asm__ volatile("li a0, 0\n li s1, 3\n 1: c.addi a0, 5\n c.addi s1, -1\n c.bnez s1, 1b\n mv %0, a0"
                     : "=r"(r) : : "a0", "s1");
    show("c.bnez loop", r);
    __asm__ volatile("li a0, 1\n li s1, 0\n c.beqz s1, 1f\n li a0, 2\n 1: c.bnez s1, 2f\n c.addi a0, 4\n 2: mv %0, a0"
                     : "=r"(r) : : "a0", "s1");
    show("c.beqz", r);
    __asm__ volatile("la a1, 1f\n li a0, 7\n c.jr a1\n li a0, 8\n 1: mv %0, a0" : "=r"(r) : : "a0", "a1");
    show("c.jr", r);
    __asm__ volatile("la a1, 2f\n li a0, 0\n c.jalr a1\n 1: c.addi a0, 1\n j 3f\n"
                     " 2: la a2, 1b\n sub a0, ra, a2\n c.addi a0, 10\n c.jr ra\n 3: mv %0, a0"
                     : "=r"(r) : : "a0", "a1", "a2", "ra");
    show("c.jalr link", r);
    __asm__ volatile("li a0, 3\n c.nop\n c.mv a1, a0\n c.add a1, a0\n mv %0, a1" : "=r"(r) : : "a0", "a1");
    show("c.nop", r);
    return 0;
}
