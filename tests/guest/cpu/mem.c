/* Loads and stores of every width: sign and zero extension, misaligned
 * addresses (Linux performs them for user programs), accesses that straddle a
 * page boundary, and stack-relative accesses. */
#include "rt.h"

static uint8_t buf[3 * 4096] __attribute__((aligned(4096)));

#define LOAD(name, insn)                                                    \
    static uint64_t name(const void *p) {                                   \
        uint64_t r;                                                         \
        __asm__ volatile(insn " %0, 0(%1)" : "=r"(r) : "r"(p) : "memory");  \
        return r;                                                           \
    }
LOAD(ld_b, "lb") LOAD(ld_bu, "lbu") LOAD(ld_h, "lh") LOAD(ld_hu, "lhu")
LOAD(ld_w, "lw") LOAD(ld_wu, "lwu") LOAD(ld_d, "ld")

#define STORE(name, insn)                                                   \
    static void name(void *p, uint64_t v) {                                 \
        __asm__ volatile(insn " %1, 0(%0)" : : "r"(p), "r"(v) : "memory");  \
    }
STORE(st_b, "sb") STORE(st_h, "sh") STORE(st_w, "sw") STORE(st_d, "sd")

static void pattern(void) {
    for (int i = 0; i < (int)sizeof buf; i++) buf[i] = (uint8_t)(i * 37 + 0x81);
}

static uint64_t checksum(void) {
    uint64_t h = 0;
    for (int i = 0; i < (int)sizeof buf; i++) h = h * 131 + buf[i];
    return h;
}

static void loads_at(int off) {
    const uint8_t *p = buf + off;
    put_dec(off);
    put_char(' '); put_hex(ld_b(p)); put_char(' '); put_hex(ld_bu(p));
    put_char(' '); put_hex(ld_h(p)); put_char(' '); put_hex(ld_hu(p));
    put_char(' '); put_hex(ld_w(p)); put_char(' '); put_hex(ld_wu(p));
    put_char(' '); put_hex(ld_d(p)); put_char('\n');
}

int main(void) {
    pattern();
    for (int off = 0; off < 16; off++) loads_at(off);
    for (int off = 4096 - 8; off <= 4096 + 1; off++) loads_at(off);   /* straddling */
    for (int off = 8192 - 3; off <= 8192; off++) loads_at(off);

    static const uint64_t vals[] = {0x8899aabbccddeeffull, 0x0123456789abcdefull, 0xffffffffffffffffull, 0};
    for (int v = 0; v < 4; v++) {
        for (int off = 0; off < 9; off++) {
            pattern();
            st_b(buf + 100 + off, vals[v]); st_h(buf + 200 + off, vals[v]);
            st_w(buf + 300 + off, vals[v]); st_d(buf + 400 + off, vals[v]);
            st_d(buf + 4096 - 8 + off, vals[v]);   /* crosses into the next page */
            st_w(buf + 8192 - 4 + off, ~vals[v]);
            st_h(buf + 8192 - 2 + (off & 1), vals[v] >> 8);
            put_dec(v); put_char(' '); put_dec(off); put_char(' '); put_hex(checksum()); put_char('\n');
        }
    }
    /* loads see what misaligned stores wrote */
    st_d(buf + 4093, 0x1122334455667788ull);
    show("ld_back", ld_d(buf + 4093));
    show("lw_back", ld_w(buf + 4095));
    show("lhu_back", ld_hu(buf + 4095));

    /* stack */
    volatile uint64_t local[4] = {1, 2, 3, 4};
    uint8_t *lp = (uint8_t *)local;
    st_d(lp + 3, 0xdeadbeefcafef00dull);
    show("stack0", local[0]); show("stack1", local[1]);
    show("stack_ld", ld_d(lp + 3));
    return 0;
}
