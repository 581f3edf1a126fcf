/* Bad pointers handed to the kernel come back as EFAULT instead of killing
 * the process; then the faults a program makes itself arrive as signals with
 * the right si_code and si_addr. */
#include "tg.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>

/* Through volatile variables so the compiler does not flag the misuse. */
static void *volatile bad_ptr = (void *)16;
static void *volatile high_ptr = (void *)0x7ff0000000000000ULL;
#define BAD bad_ptr
#define HIGH high_ptr

static sigjmp_buf jb;
static volatile uintptr_t fault_addr;
static volatile int fault_sig, fault_code;

static void on_fault(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    fault_sig = sig;
    fault_code = si->si_code;
    fault_addr = (uintptr_t)si->si_addr;
    siglongjmp(jb, 1);
}

static void expect_fault(const char *what, uintptr_t addr, void (*fn)(void)) {
    fault_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        fn();
        printf("%s: no fault\n", what);
    } else {
        printf("%s: sig=%d code=%d", what, fault_sig, fault_code);
        if (addr) printf(" addr_ok=%d", fault_addr == addr);
        printf("\n");
    }
}

static char *ro_page;
static void store_ro(void) { *(volatile char *)ro_page = 1; }
static void load_null(void) { (void)*(volatile long *)BAD; }
static void jump_bad(void) { ((void (*)(void))0x1000)(); }
static void store_high(void) { *(volatile long *)HIGH = 1; }

int main(void) {
    char buf[16];
    struct stat st;
    int p[2];
    R(write(1, BAD, 10));
    R(write(1, HIGH, 10));
    R(open(BAD, O_RDONLY));
    R(stat(BAD, &st));
    R(stat("/", BAD));
    R(mkdir(BAD, 0755));
    R(chdir(BAD));
    R(pipe(BAD));
    R(syscall(SYS_getcwd, BAD, 100));
    /* The raw call: through the vDSO, a bad pointer faults in user space. */
    R(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD));
    R(nanosleep(BAD, NULL));
    R(uname(BAD));
    /* Not tested: writev with a bad buffer after a good one. Linux fails it
     * whole with EFAULT on a pipe; qemu-user writes the good prefix. */
    R(pipe(p));
    R(writev(p[1], BAD, 1));
    R(read(p[0], BAD, 0)); /* nothing to copy: no fault */
    R(write(p[1], "abc", 3));
    R(read(p[0], BAD, 3));
    R(read(p[0], buf, sizeof buf)); /* the failed read consumed nothing */
    /* Raw calls: the libc wrappers would copy the struct in user space. */
    R(syscall(SYS_rt_sigaction, SIGUSR1, BAD, NULL, 8));
    R(syscall(SYS_rt_sigprocmask, SIG_BLOCK, BAD, NULL, 8));
    /* Faults of our own, caught with a handler on an alternate stack. */
    stack_t ss = {.ss_sp = malloc(65536), .ss_size = 65536};
    R(sigaltstack(&ss, NULL));
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect_fault("store to read-only page", (uintptr_t)ro_page, store_ro);
    expect_fault("load from page 0", (uintptr_t)BAD, load_null);
    expect_fault("jump to unmapped 0x1000", 0x1000, jump_bad);
    /* Not checked: si_addr here, which qemu-user does not report as Linux does. */
    expect_fault("store to non-canonical address", 0, store_high);
    R(mprotect(ro_page, 4096, PROT_READ | PROT_WRITE));
    expect_fault("store after mprotect", 0, store_ro);
    R(munmap(ro_page, 4096));
    expect_fault("store after munmap", (uintptr_t)ro_page, store_ro);
    return 0;
}
