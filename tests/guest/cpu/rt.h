/* A tiny freestanding runtime for the CPU test programs (-nostdlib): entry
 * point, write/exit system calls and hex/decimal printing. Output must be
 * identical under qemu-riscv64-static and under the test harness. */
#ifndef RT_H
#define RT_H
#include <stdint.h>
#include <stddef.h>

static inline long rt_syscall3(long nr, long a, long b, long c) {
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a7 __asm__("a7") = nr;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

static __attribute__((noreturn)) void rt_exit(int code) {
    rt_syscall3(93, code, 0, 0);
    for (;;) {}
}

/* Output is buffered so that large tables cost few system calls. */
static char rt_buf[4096];
static size_t rt_len;

static void rt_flush(void) {
    if (rt_len) rt_syscall3(64, 1, (long)rt_buf, (long)rt_len);
    rt_len = 0;
}

static void put_char(char c) {
    if (rt_len == sizeof rt_buf) rt_flush();
    rt_buf[rt_len++] = c;
}

static void put_str(const char *s) {
    while (*s) put_char(*s++);
}

static void put_hex(uint64_t v) {
    for (int i = 60; i >= 0; i -= 4) put_char("0123456789abcdef"[(v >> i) & 15]);
}

static void put_dec(int64_t v) {
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    if (v < 0) put_char('-');
    do { tmp[n++] = '0' + u % 10; u /= 10; } while (u);
    while (n) put_char(tmp[--n]);
}

/* "label value\n" in hex */
static void show(const char *label, uint64_t v) {
    put_str(label);
    put_char(' ');
    put_hex(v);
    put_char('\n');
}

/* gcc may emit calls to these even in freestanding code */
void *memset(void *d, int c, size_t n) {
    unsigned char *p = d;
    while (n--) *p++ = (unsigned char)c;
    return d;
}
void *memcpy(void *d, const void *s, size_t n) {
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--) *p++ = *q++;
    return d;
}

int main(void);

/* gp must be set up: the linker relaxes accesses near __global_pointer$ */
__asm__(".section .text._start\n"
        ".globl _start\n"
        "_start:\n"
        ".option push\n"
        ".option norelax\n"
        "  la gp, __global_pointer$\n"
        ".option pop\n"
        "  call rt_main\n");

__attribute__((used, noreturn)) static void rt_main(void) {
    int code = main();
    rt_flush();
    rt_exit(code);
}
#endif
