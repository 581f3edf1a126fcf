/* A JIT-like guest: it writes machine code into memory it maps, makes it
 * executable and runs it, hot enough for the emulator to compile it, then
 * changes it in every way a JIT or a loader does: rewritten in place after
 * fence.i, mprotect'ed writable and back, unmapped and replaced by other code
 * at the same address, written through a second (writable) view of the same
 * pages, copied on write by fork, and made non-executable (SIGSEGV). Each
 * step prints what the code returned: a compiled copy that outlived its code
 * shows up as an old value.
 *
 * `isa_jit alias` runs one more step alone: code written through a second,
 * writable view of the same shared pages and run through the executable
 * view after fence.i. Linux (and the RISC-V ISA: fence.i orders stores and
 * fetches of the same physical memory) runs the new code; qemu-user keeps
 * running what it translated, since it watches writes per virtual page. */
#include "tg.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

#define PAGE 4096

/* RV64I encodings (base instructions only: any emulator runs them). */
static uint32_t addi(int rd, int rs1, int imm) { return ((uint32_t)(imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13u; }
static uint32_t bne(int rs1, int rs2, int off) {
    uint32_t o = (uint32_t)off;
    return (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (1 << 12) |
           (((o >> 1) & 0xf) << 8) | (((o >> 11) & 1) << 7) | 0x63u;
}
enum { ZERO = 0, RA = 1, T0 = 5, A0 = 10 };
static const uint32_t RET = 0x00008067u; /* jalr zero, 0(ra) */

/* long f(long n): t0 = 0; do t0 += k; while (--n); return t0 (a loop the emulator compiles). */
static void emit_loop(uint32_t *at, int k) {
    at[0] = addi(T0, ZERO, 0);
    at[1] = addi(T0, T0, k);
    at[2] = addi(A0, A0, -1);
    at[3] = bne(A0, ZERO, -8);
    at[4] = addi(A0, T0, 0);
    at[5] = RET;
}

/* Run the code at p hot: 300 calls of 1000 iterations each; returns the last result. */
static long run(void *p) {
    long (*f)(long) = (long (*)(long))p, r = 0;
    for (int i = 0; i < 300; i++) r = f(1000);
    return r;
}

static sigjmp_buf env;
static volatile int got_sig, got_code;
static void on_segv(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    siglongjmp(env, 1);
}

/* Call p once; print its result or the signal it raised. */
static void try_call(const char *what, void *p) {
    got_sig = 0;
    if (sigsetjmp(env, 1) == 0) printf("%s: %ld\n", what, ((long (*)(long))p)(10));
    else printf("%s: sig=%d code=%d\n", what, got_sig, got_code);
}

/* Two views of one shared page: written through the writable one, run through the executable one. */
static int alias(void) {
    int fd = memfd_create("jit", 0);
    if (fd < 0 || ftruncate(fd, PAGE) < 0) { perror("memfd"); return 1; }
    uint32_t *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    uint32_t *x = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    if (w == MAP_FAILED || x == MAP_FAILED) { perror("mmap shared"); return 1; }
    for (int k = 21; k <= 25; k += 2) {
        emit_loop(w, k);
        __builtin___clear_cache((char *)x, (char *)(x + 6));
        printf("dual view k=%d: %ld\n", k, run(x));
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "alias") == 0) return alias();
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    /* 1. mapped writable, made executable, run hot */
    uint32_t *code = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) { perror("mmap"); return 1; }
    emit_loop(code, 3);
    R(mprotect(code, 2 * PAGE, PROT_READ | PROT_EXEC));
    __builtin___clear_cache((char *)code, (char *)(code + 6));
    printf("k=3: %ld\n", run(code));

    /* 2. writable again, rewritten, executable again */
    R(mprotect(code, 2 * PAGE, PROT_READ | PROT_WRITE));
    emit_loop(code, 5);
    R(mprotect(code, 2 * PAGE, PROT_READ | PROT_EXEC));
    __builtin___clear_cache((char *)code, (char *)(code + 6));
    printf("k=5 after mprotect: %ld\n", run(code));

    /* 3. writable and executable at once: rewritten in place, fence.i, run; several times */
    R(mprotect(code, 2 * PAGE, PROT_READ | PROT_WRITE | PROT_EXEC));
    for (int k = 7; k <= 11; k += 2) {
        code[1] = addi(T0, T0, k);
        __builtin___clear_cache((char *)code, (char *)(code + 6));
        printf("k=%d rewritten in place: %ld\n", k, run(code));
    }

    /* 4. only the immediate of one instruction changes, mid-page */
    uint32_t *mid = code + 512;
    emit_loop(mid, 2);
    __builtin___clear_cache((char *)mid, (char *)(mid + 6));
    printf("mid k=2: %ld\n", run(mid));
    mid[1] = addi(T0, T0, -2);
    __builtin___clear_cache((char *)mid, (char *)(mid + 6));
    printf("mid k=-2: %ld\n", run(mid));

    /* 5. a function spanning the page boundary (its loop straddles two pages) */
    uint32_t *span = code + PAGE / 4 - 3;
    emit_loop(span, 13);
    __builtin___clear_cache((char *)span, (char *)(span + 6));
    printf("across pages k=13: %ld\n", run(span));
    span[4] = addi(A0, T0, 1); /* second page: return t0 + 1 */
    __builtin___clear_cache((char *)span, (char *)(span + 6));
    printf("across pages, second page changed: %ld\n", run(span));

    /* 6. fork: the child rewrites its copy (copy on write); the parent's code stays */
    pid_t pid = fork();
    if (pid == 0) {
        code[1] = addi(T0, T0, 100);
        __builtin___clear_cache((char *)code, (char *)(code + 6));
        printf("child k=100: %ld\n", run(code));
        _exit(0);
    }
    printf("child exit %d\n", child_status(pid));
    printf("parent still k=11: %ld\n", run(code));

    /* 7. unmapped, and other code mapped at the same address */
    R(munmap(code, 2 * PAGE));
    uint32_t *again = mmap(code, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("same address: %s\n", again == code ? "yes" : "no");
    emit_loop(again, 17);
    R(mprotect(again, PAGE, PROT_READ | PROT_EXEC));
    __builtin___clear_cache((char *)again, (char *)(again + 6));
    printf("new mapping k=17: %ld\n", run(again));
    R(munmap(again, PAGE));
    again = mmap(code, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    emit_loop(again, 19);
    R(mprotect(again, PAGE, PROT_READ | PROT_EXEC));
    __builtin___clear_cache((char *)again, (char *)(again + 6));
    printf("remapped again k=19: %ld\n", run(again));

    /* 8. not executable any more: the next call faults (SEGV_ACCERR) */
    R(mprotect(again, PAGE, PROT_READ));
    try_call("after PROT_READ", again);
    R(mprotect(again, PAGE, PROT_READ | PROT_EXEC));
    try_call("executable again", again);

    printf("done\n");
    return 0;
}
