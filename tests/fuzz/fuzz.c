/* tuxglass's own seeded syscall fuzzer, a guest program. It runs batches:
 * each batch is a child process (its own process group) that issues random
 * syscalls with boundary and random arguments (numbers near the edges of
 * their types, good and bad pointers, open descriptors, paths of every
 * kind), random file operations, and execs corrupt executables (a copy of
 * this program with bytes of its headers flipped or cut short, and #!
 * scripts). The parent (PID 1 under `tuxglass run`, so no stray signal ends
 * it) is a watchdog: a batch that has not ended after 5 s of guest time is
 * killed, with whatever it left behind. What the host must show: no internal
 * error, no hang, memory flat (tests/fuzz/fuzz.test.ts).
 *
 * usage: fuzz SEED BATCHES CALLS   (same seed: same calls) */
#include "../guest/tg.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static uint64_t rng;
static uint64_t next(void) { /* splitmix64 */
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned below(unsigned n) { return (unsigned)(next() % n); }

#define SCRATCH_SIZE (64 * 1024)
static unsigned char *scratch;
static unsigned char *exe;
static volatile long *issued; /* shared with the watchdog: calls made, for the report */
static size_t exe_len;

static const char *const PATHS[] = {
    "/tmp/fz/a", "/tmp/fz/b", "/tmp/fz/dir", "/tmp/fz/dir/x", "/tmp/fz/link", "/tmp/fz/fifo", "/tmp/fz/exe",
    "/tmp/fz", "/tmp", "/", "/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "/dev/tty", "/dev/ptmx",
    "/proc/self/status", "/proc/self/mem", "/proc/self/maps", "/proc/self/fd/0", "/proc/sys/kernel/hostname",
    "/proc/1/stat", "/sys/kernel", "/etc/passwd", "/nonexistent", "", ".", "..", "/tmp/fz/a/", "/tmp/fz/dir/../a",
};
#define NPATHS (sizeof PATHS / sizeof PATHS[0])

/* Syscalls never issued: ones that would end or reconfigure the whole machine
 * or reach into the watchdog (reboot, ptrace, process_vm_writev, mount and
 * friends, swap, modules, kexec), and exit itself (batches would be short). */
static int excluded(long nr) {
    switch (nr) {
    case 39: case 40: case 41: /* umount2 mount pivot_root */
    case 58: case 89: /* vhangup acct */
    case 93: case 94: /* exit exit_group */
    case 104: case 105: case 106: case 273: case 294: /* modules, kexec */
    case 117: case 142: case 224: case 225: case 271: /* ptrace reboot swapon swapoff process_vm_writev */
    case 428: case 429: case 430: case 431: case 432: case 433: case 442: /* new mount API, mount_setattr */
        return 1;
    }
    return 0;
}

static long arg(void) {
    switch (below(16)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return -1;
    case 3: return below(16);          /* small numbers, likely descriptors */
    case 4: return (long)below(4096);
    case 5: return 0x7fffffff;
    case 6: return (long)0x80000000u;
    case 7: return (long)(1ull << 32);
    case 8: return (long)0x8000000000000000ull;
    case 9: return (long)0x7fffffffffffffffull;
    case 10: return (long)(scratch + below(SCRATCH_SIZE));      /* a good pointer */
    case 11: return (long)(scratch + SCRATCH_SIZE - below(16)); /* at the end of it */
    case 12: return (long)PATHS[below(NPATHS)];                 /* a path */
    case 13: return (long)0xfffffffffffff000ull;                /* kernel-half pointers */
    case 14: return 1L << below(63);
    default: return (long)next();
    }
}

static void file_op(void) {
    const char *p = PATHS[below(NPATHS)];
    int fd = open(p, (int)(next() & 0x7fffff), 0666);
    if (fd < 0) fd = open(p, O_RDONLY);
    if (fd < 0) return;
    for (int i = 0, n = 1 + below(8); i < n; i++) {
        long len = below(3) ? below(9000) : arg();
        off_t off = below(2) ? (off_t)below(1 << 20) : (off_t)arg();
        switch (below(10)) {
        case 0: read(fd, scratch, (size_t)len % SCRATCH_SIZE); break;
        case 1: write(fd, scratch, (size_t)len % SCRATCH_SIZE); break;
        case 2: pread(fd, scratch, (size_t)len % SCRATCH_SIZE, off); break;
        case 3: pwrite(fd, scratch, (size_t)len % SCRATCH_SIZE, off); break;
        case 4: lseek(fd, off, (int)below(6)); break;
        case 5: ftruncate(fd, off); break;
        case 6: fallocate(fd, (int)below(128), off, len); break;
        case 7: { void *m = mmap(NULL, (size_t)(len & 0xffff) + 1, (int)below(8), below(2) ? MAP_SHARED : MAP_PRIVATE, fd, off & ~4095L);
                  if (m != MAP_FAILED) { if (below(2)) memset(m, 'x', 1); munmap(m, (size_t)(len & 0xffff) + 1); } break; }
        case 8: { struct stat st; fstat(fd, &st); break; }
        default: syscall(SYS_getdents64, fd, scratch, (size_t)len % SCRATCH_SIZE); break;
        }
    }
    close(fd);
}

/* A corrupt executable: this program with header bytes flipped or cut short, or a #! script. */
static void corrupt_exec(void) {
    int fd = open("/tmp/fz/exe", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0) return;
    if (below(4) == 0) {
        char s[300];
        int n = snprintf(s, sizeof s, "#!%s %s\n", below(2) ? "/tmp/fz/exe" : PATHS[below(NPATHS)], below(2) ? "x" : "");
        if (below(2)) memset(s + 2, 'A' + below(26), below(290));
        write(fd, s, (size_t)n);
    } else {
        static unsigned char copy[16384];
        size_t len = exe_len < sizeof copy ? exe_len : sizeof copy;
        memcpy(copy, exe, len);
        for (int i = 0, n = 1 + below(12); i < n; i++) copy[below(below(2) ? 64 : (unsigned)len)] ^= (unsigned char)(1 + below(255));
        write(fd, copy, below(3) ? len : below((unsigned)len));
        if (below(2) && exe_len > len) write(fd, exe + len, exe_len - len);
    }
    close(fd);
    pid_t c = fork();
    if (c == 0) {
        char *argv[] = { "exe", "exit", NULL };
        execve("/tmp/fz/exe", argv, argv + 2);
        _exit(127);
    }
}

static void on_alarm(int s) { (void)s; }
static sigjmp_buf resume;
/* A fault (a call wrote over our own memory, a bad sigreturn...) ends the call, not the batch. */
static void on_fault(int s) { (void)s; siglongjmp(resume, 1); }

static void batch(int calls) {
    setpgid(0, 0);
    /* A timer interrupts whatever call blocks (no SA_RESTART), so a batch gets through its calls. */
    /* Signals the calls send themselves are caught, so a batch lives on (but for SIGKILL). */
    for (int sig = 1; sig < 65; sig++) {
        int fault = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP || sig == SIGSYS;
        struct sigaction fa = { .sa_handler = fault ? on_fault : on_alarm, .sa_flags = SA_NODEFER };
        sigaction(sig, &fa, NULL);
    }
    struct sigaction sa = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0); dup2(null, 1); dup2(null, 2);
    pid_t me = getpid();
    for (volatile int i = 0; i < calls; i++) {
        if (sigsetjmp(resume, 1)) { if (getpid() != me) _exit(0); continue; }
        switch (below(20)) {
        case 0: file_op(); break;
        case 1: corrupt_exec(); break;
        default: {
            long nr = (long)below(464);
            if (excluded(nr)) break;
            /* rt_sigreturn from a garbage frame ends the batch (as on Linux): rarely */
            if (nr == 139 && below(10)) break;
            long a[6];
            for (int j = 0; j < 6; j++) a[j] = arg();
            /* kill-like calls aim at this batch only, not at the watchdog */
            if (nr == 129 || nr == 130 || nr == 131 || nr == 138 || nr == 240) a[0] = below(2) ? 0 : me;
            /* signal numbers around the table's edges: where sig is the second argument, and clone's
             * exit signal (a fork, no new stack, with any byte as its exit signal) */
            if ((nr == 129 || nr == 130 || nr == 138 || nr == 240) && below(2)) a[1] = below(70);
            if (nr == 131 && below(2)) a[2] = below(70);
            if ((nr == 134 || nr == 167) && below(2)) a[nr == 134 ? 0 : 1] = below(70); /* rt_sigaction, prctl(PR_SET_PDEATHSIG) */
            if (nr == 220 && below(2)) { a[0] = below(256); a[1] = 0; }
            syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        }
        }
        if (getpid() != me) _exit(0); /* a fork or clone's child: no fork bomb */
        (*issued)++;
    }
    _exit(0);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "exit") == 0) _exit(0); /* a corrupt copy of us that still runs */
    unsigned long seed = argc > 1 ? strtoul(argv[1], NULL, 0) : 1;
    int batches = argc > 2 ? atoi(argv[2]) : 10, calls = argc > 3 ? atoi(argv[3]) : 200;
    scratch = mmap(NULL, SCRATCH_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    issued = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int fd = open("/proc/self/exe", O_RDONLY);
    struct stat st;
    fstat(fd, &st);
    exe_len = (size_t)st.st_size;
    exe = malloc(exe_len);
    for (size_t got = 0; got < exe_len;) { ssize_t n = read(fd, exe + got, exe_len - got); if (n <= 0) break; got += (size_t)n; }
    close(fd);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    long killed = 0;
    for (int b = 0; b < batches; b++) {
        rng = seed * 1000003u + (uint64_t)b;
        /* a fresh playground for each batch */
        if (fork() == 0) { execl("/bin/rm", "rm", "-rf", "/tmp/fz", (char *)NULL); _exit(1); }
        while (wait(NULL) > 0) {}
        mkdir("/tmp/fz", 0777); mkdir("/tmp/fz/dir", 0777);
        close(open("/tmp/fz/a", O_CREAT | O_WRONLY, 0644));
        symlink("/tmp/fz/a", "/tmp/fz/link");
        mkfifo("/tmp/fz/fifo", 0644);
        for (int i = 0; i < 4; i++) next(); /* the batch's stream differs from the playground's */
        pid_t c = fork();
        if (c == 0) batch(calls);
        struct timespec limit = { 5, 0 };
        siginfo_t si;
        for (;;) {
            int r = waitpid(c, NULL, WNOHANG);
            if (r == c) break;
            if (sigtimedwait(&chld, &si, &limit) < 0 && errno == EAGAIN) {
                kill(-c, SIGKILL); kill(c, SIGKILL); killed++;
                waitpid(c, NULL, 0);
                break;
            }
        }
        kill(-1, SIGKILL); /* whatever the batch left running (all but PID 1) */
        while (waitpid(-1, NULL, 0) > 0) {}
    }
    printf("fuzz done: seed %lu, %d batches of %d calls, %ld killed by the watchdog, %ld calls made\n", seed, batches, calls, killed, *issued);
    return 0;
}
