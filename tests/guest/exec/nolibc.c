/* A libc-free program: Debian's riscv64 glibc ships no rcrt1.o, so this is
 * how the tests get a static-pie (ET_DYN without PT_INTERP) binary. */
static const char msg[] = "hello from static-pie\n";
static long counter = 1; /* a data segment */
static char bss[8192];   /* and a bss larger than a page */

static long sys3(long nr, long a, long b, long c) {
    register long a0 __asm__("a0") = a, a1 __asm__("a1") = b, a2 __asm__("a2") = c, a7 __asm__("a7") = nr;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

void _start(void) {
    bss[sizeof bss - 1] = (char)counter;
    sys3(64 /* write */, 1, (long)msg, sizeof msg - 1);
    sys3(93 /* exit */, bss[sizeof bss - 1] - 1, 0, 0);
    for (;;) {}
}
