/* Process lifecycle: wait status encodings and options, zombies in /proc,
 * orphans, SIGCHLD codes, process groups and sessions, exec from a thread,
 * RLIMIT_NPROC, signalfd, pidfd, real-time signal queueing, EINTR/restart. */
#include "tg.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static void show(const char *what, int st) {
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by %d core=%d\n", what, WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
    else if (WIFSTOPPED(st)) printf("%s: stopped by %d\n", what, WSTOPSIG(st));
    else if (WIFCONTINUED(st)) printf("%s: continued\n", what);
}

static char proc_state(pid_t pid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return '-';
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return '?';
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p ? p[2] : '?';
}

static char status_state(pid_t pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    char s = '-';
    while (f && fgets(line, sizeof line, f)) if (!strncmp(line, "State:", 6)) sscanf(line, "State: %c", &s);
    if (f) fclose(f);
    return s;
}

static void settle(void) { for (int i = 0; i < 20; i++) usleep(1000); }

static void test_statuses(void) {
    int st;
    pid_t p = fork();
    if (!p) _exit(42);
    waitpid(p, &st, 0); show("exit 42", st);
    p = fork();
    if (!p) { kill(getpid(), SIGTERM); pause(); }
    waitpid(p, &st, 0); show("SIGTERM", st);
    p = fork();
    if (!p) { abort(); }
    waitpid(p, &st, 0); show("abort with RLIMIT_CORE 0", st);
    p = fork();
    if (!p) { for (;;) pause(); }
    settle();
    kill(p, SIGSTOP);
    pid_t r = waitpid(p, &st, WUNTRACED); show("SIGSTOP", st); printf("  pid ok=%d\n", r == p);
    printf("  stopped state stat=%c status=%c\n", proc_state(p), status_state(p));
    r = waitpid(p, &st, WUNTRACED | WNOHANG);
    printf("  stop reported once: %d\n", r);
    kill(p, SIGCONT);
    r = waitpid(p, &st, WCONTINUED); show("SIGCONT", st);
    settle();
    printf("  sleeping state=%c\n", proc_state(p));
    kill(p, SIGKILL);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, p, &si, WEXITED | WNOWAIT);
    printf("waitid WNOWAIT: code=%d status=%d signo=%d pid_ok=%d\n", si.si_code, si.si_status, si.si_signo, si.si_pid == p);
    printf("  zombie state stat=%c status=%c\n", proc_state(p), status_state(p));
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, p, &si, WEXITED);
    printf("waitid again: code=%d status=%d\n", si.si_code, si.si_status);
    printf("  reaped: stat=%c\n", proc_state(p));
    errno = 0;
    printf("wait with no children: %d %s\n", waitpid(-1, &st, 0), strerrorname_np(errno));
    errno = 0;
    printf("waitid no flags: %d %s\n", waitid(P_ALL, 0, &si, 0), strerrorname_np(errno));
    errno = 0;
    printf("wait4 bad option: %d %s\n", (int)syscall(SYS_wait4, -1, &st, 0x100, NULL), strerrorname_np(errno));
    /* WNOHANG with a live child: 0, and waitid's siginfo zeroed. */
    p = fork();
    if (!p) { pause(); _exit(0); }
    memset(&si, 0xff, sizeof si);
    r = waitid(P_PID, p, &si, WEXITED | WNOHANG);
    printf("waitid WNOHANG live: %d si_pid=%d si_signo=%d\n", r, si.si_pid, si.si_signo);
    kill(p, SIGKILL); waitpid(p, &st, 0);
}

static void test_groups(void) {
    int st;
    pid_t p = fork();
    if (!p) {
        pid_t s = setsid();
        printf("setsid: new session=%d pgid=%d\n", s == getpid(), getpgid(0) == getpid());
        errno = 0;
        printf("setsid again: %d %s\n", setsid(), strerrorname_np(errno));
        _exit(0);
    }
    waitpid(p, &st, 0);
    /* Two children in a new process group; wait by group, kill by group. */
    pid_t a = fork();
    if (!a) { setpgid(0, 0); for (;;) pause(); }
    setpgid(a, a);
    pid_t b = fork();
    if (!b) { for (;;) pause(); }
    setpgid(b, a);
    printf("b in a's group: %d\n", getpgid(b) == a);
    kill(-a, SIGUSR1);
    pid_t r1 = waitpid(-a, &st, 0); show("group member", st);
    pid_t r2 = waitpid(-a, &st, 0); show("group member", st);
    printf("both: %d\n", (r1 == a && r2 == b) || (r1 == b && r2 == a));
    /* waitid P_PGID */
    a = fork();
    if (!a) { setpgid(0, 0); _exit(9); }
    setpgid(a, a);
    siginfo_t si; memset(&si, 0, sizeof si);
    waitid(P_PGID, a, &si, WEXITED);
    printf("waitid P_PGID: code=%d status=%d\n", si.si_code, si.si_status);
    pid_t c = fork();
    if (!c) { errno = 0; printf("setpgid of the parent: %d %s\n", setpgid(getppid(), 0), strerrorname_np(errno)); _exit(0); }
    waitpid(c, NULL, 0);
}

static volatile sig_atomic_t chld_code, chld_status, chld_hits;
static void on_chld(int s, siginfo_t *si, void *u) { (void)s; (void)u; chld_code = si->si_code; chld_status = si->si_status; chld_hits++; }

static void test_sigchld(void) {
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_chld; sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    int st;
    pid_t p = fork();
    if (!p) { for (;;) pause(); }
    settle();
    kill(p, SIGSTOP); waitpid(p, &st, WUNTRACED);
    while (chld_hits < 1) usleep(1000);
    printf("SIGCHLD stop: code=%d status=%d\n", chld_code, chld_status);
    kill(p, SIGCONT); waitpid(p, &st, WCONTINUED);
    while (chld_hits < 2) usleep(1000);
    printf("SIGCHLD cont: code=%d status=%d\n", chld_code, chld_status);
    kill(p, SIGQUIT); waitpid(p, &st, 0);
    while (chld_hits < 3) usleep(1000);
    printf("SIGCHLD killed: code=%d status=%d\n", chld_code, chld_status);
    p = fork();
    if (!p) _exit(5);
    waitpid(p, &st, 0);
    while (chld_hits < 4) usleep(1000);
    printf("SIGCHLD exited: code=%d status=%d\n", chld_code, chld_status);
    signal(SIGCHLD, SIG_DFL);
    /* SIGCHLD ignored: children are reaped at once, wait reports ECHILD. */
    signal(SIGCHLD, SIG_IGN);
    p = fork();
    if (!p) _exit(1);
    settle();
    errno = 0;
    printf("SIGCHLD ignored: wait=%d %s\n", waitpid(p, &st, 0), strerrorname_np(errno));
    signal(SIGCHLD, SIG_DFL);
}

static void test_orphan(void) {
    /* The middle process exits; its child's parent becomes someone else (not the middle). */
    int pfd[2]; pipe(pfd);
    pid_t mid = fork();
    if (!mid) {
        pid_t c = fork();
        if (!c) {
            while (getppid() == mid) usleep(1000);
            char ok = 1; write(pfd[1], &ok, 1);
            _exit(0);
        }
        _exit(0);
    }
    int st; waitpid(mid, &st, 0);
    char ok = 0; read(pfd[0], &ok, 1);
    printf("orphan reparented away from its dead parent: %d\n", ok);
    close(pfd[0]); close(pfd[1]);
}

/* SA_NOCLDSTOP: no SIGCHLD for a stop (sigaction(2)); qemu-user sends one. */
static void test_nocldstop(void) {
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_chld; sa.sa_flags = SA_SIGINFO | SA_RESTART;
    int st;
    pid_t p;
    /* SA_NOCLDSTOP: no SIGCHLD for a stop. */
    sa.sa_flags |= SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    p = fork();
    if (!p) { for (;;) pause(); }
    settle();
    int before = chld_hits;
    kill(p, SIGSTOP); waitpid(p, &st, WUNTRACED); settle();
    printf("SA_NOCLDSTOP: signals for stop=%d\n", chld_hits - before);
    kill(p, SIGKILL); waitpid(p, &st, 0);
    signal(SIGCHLD, SIG_DFL);
}

static void *exec_thread(void *arg) {
    char *const argv[] = { arg, "after-exec", NULL };
    execv("/proc/self/exe", argv);
    printf("exec from thread failed\n");
    return NULL;
}

static void test_exec_thread(char *self) {
    int st;
    pid_t p = fork();
    if (!p) {
        /* A pid file for the re-exec'd image to compare with. */
        char buf[32]; snprintf(buf, sizeof buf, "%d", getpid());
        setenv("TG_PID", buf, 1);
        pthread_t th;
        pthread_create(&th, NULL, exec_thread, self);
        for (;;) pause();
    }
    waitpid(p, &st, 0);
    show("exec from a non-leader thread", st);
}

static void exec_thread_child(void) {
    const char *want = getenv("TG_PID");
    printf("  after exec: same pid=%d tid==pid=%d\n", want && atoi(want) == getpid(), (pid_t)syscall(SYS_gettid) == getpid());
    int n = 0;
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) sscanf(line, "Threads: %d", &n);
    if (f) fclose(f);
    /* qemu-user runs a thread of its own in every process: compare with a fresh process's count. */
    const char *base = getenv("TG_THREADS");
    printf("  threads after exec as in a fresh process=%d\n", base && atoi(base) == n);
    exit(3);
}

static void test_nproc(void) {
    int st;
    pid_t p = fork();
    if (!p) {
        struct rlimit rl = { 5, 5 };
        setrlimit(RLIMIT_NPROC, &rl);
        /* Root is exempt; an ordinary user is not. */
        pid_t c = fork();
        if (c == 0) _exit(0);
        printf("root with RLIMIT_NPROC 5: fork ok=%d\n", c > 0);
        if (c > 0) waitpid(c, &st, 0);
        if (setgid(65534) || setuid(65534)) { printf("setuid failed\n"); _exit(1); }
        int made = 0, err = 0;
        pid_t kids[64];
        for (int i = 0; i < 64; i++) {
            pid_t k = fork();
            if (k == 0) { pause(); _exit(0); }
            if (k < 0) { err = errno; break; }
            kids[made++] = k;
        }
        printf("fork bomb as nobody stopped by %s after %s\n", strerrorname_np(err), made > 0 && made < 64 ? "some forks" : "wrong count");
        for (int i = 0; i < made; i++) kill(kids[i], SIGKILL);
        for (int i = 0; i < made; i++) waitpid(kids[i], &st, 0);
        pid_t again = fork();
        if (again == 0) _exit(0);
        printf("after reaping, fork works again: %d\n", again > 0);
        if (again > 0) waitpid(again, &st, 0);
        _exit(0);
    }
    waitpid(p, &st, 0);
}

static void test_signalfd(void) {
    sigset_t m; sigemptyset(&m); sigaddset(&m, SIGUSR1); sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
    struct signalfd_siginfo si;
    errno = 0;
    printf("signalfd empty read: %zd %s\n", read(fd, &si, sizeof si), strerrorname_np(errno));
    struct pollfd pf = { fd, POLLIN, 0 };
    printf("poll empty: %d\n", poll(&pf, 1, 0));
    union sigval v = { .sival_int = 77 };
    sigqueue(getpid(), SIGUSR2, v);
    kill(getpid(), SIGUSR1);
    printf("poll pending: %d revents=%#x\n", poll(&pf, 1, 0), pf.revents);
    ssize_t n = read(fd, &si, sizeof si);
    printf("read %zd: signo=%u code=%d pid_ok=%d\n", n, si.ssi_signo, si.ssi_code, si.ssi_pid == (uint32_t)getpid());
    n = read(fd, &si, sizeof si);
    printf("read %zd: signo=%u code=%d int=%d\n", n, si.ssi_signo, si.ssi_code, si.ssi_int);
    errno = 0;
    printf("short buffer: %zd %s\n", read(fd, &si, 10), strerrorname_np(errno));
    close(fd);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
}

static void test_pidfd(void) {
    int st;
    pid_t p = fork();
    if (!p) { for (;;) pause(); }
    int pfd = syscall(SYS_pidfd_open, p, 0);
    printf("pidfd_open: %s\n", pfd >= 0 ? "ok" : strerrorname_np(errno));
    struct pollfd pf = { pfd, POLLIN, 0 };
    printf("poll live: %d\n", poll(&pf, 1, 0));
    printf("pidfd_send_signal: %ld\n", syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0));
    printf("poll after death: %d revents=%#x\n", poll(&pf, 1, 1000), pf.revents);
    siginfo_t si; memset(&si, 0, sizeof si);
    printf("waitid P_PIDFD: %d code=%d status=%d\n", waitid(P_PIDFD, pfd, &si, WEXITED), si.si_code, si.si_status);
    errno = 0;
    printf("pidfd_send_signal after reap: %ld %s\n", syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0), strerrorname_np(errno));
    close(pfd);
    errno = 0;
    printf("pidfd_open bad pid: %ld %s\n", syscall(SYS_pidfd_open, 999999, 0), strerrorname_np(errno));
    /* pidfd_getfd: a duplicate of the child's fd. */
    int pipefd[2]; pipe(pipefd);
    p = fork();
    if (!p) { close(pipefd[1]); for (;;) pause(); }
    pfd = syscall(SYS_pidfd_open, p, 0);
    int got = syscall(SYS_pidfd_getfd, pfd, pipefd[0], 0);
    write(pipefd[1], "x", 1);
    char c = 0;
    printf("pidfd_getfd: ok=%d read=%zd %c\n", got >= 0, got >= 0 ? read(got, &c, 1) : -1L, c);
    errno = 0;
    printf("pidfd_getfd bad fd: %ld %s\n", syscall(SYS_pidfd_getfd, pfd, 500, 0), strerrorname_np(errno));
    kill(p, SIGKILL); waitpid(p, &st, 0);
    close(pfd); close(got); close(pipefd[0]); close(pipefd[1]);
}

static int rt_order[16], rt_n;
static void on_rt(int s, siginfo_t *si, void *u) { (void)u; rt_order[rt_n++] = (s - SIGRTMIN) * 100 + si->si_value.sival_int; }

static void test_rt_queue(void) {
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_rt; sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN, &sa, NULL); sigaction(SIGRTMIN + 1, &sa, NULL);
    sigset_t m; sigemptyset(&m); sigaddset(&m, SIGRTMIN); sigaddset(&m, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    for (int i = 1; i <= 3; i++) {
        sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = i });
        sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i });
    }
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    printf("rt order:");
    for (int i = 0; i < rt_n; i++) printf(" %d", rt_order[i]);
    printf("\n");
}

static volatile sig_atomic_t storm;
static void on_storm(int s) { (void)s; storm++; }
static void test_storm(void) {
    signal(SIGUSR1, on_storm);
    pid_t parent = getpid();
    int st;
    pid_t p = fork();
    if (!p) { for (int i = 0; i < 2000; i++) kill(parent, SIGUSR1); _exit(0); }
    waitpid(p, &st, 0);
    printf("signal storm survived: some delivered=%d\n", storm > 0);
    signal(SIGUSR1, SIG_DFL);
}

static void on_alrm(int s) { (void)s; }
static void test_restart(void) {
    int pfd[2]; pipe(pfd);
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alrm;
    sigaction(SIGALRM, &sa, NULL);
    char c;
    alarm(1);
    errno = 0;
    ssize_t r = read(pfd[0], &c, 1);
    printf("read without SA_RESTART: %zd %s\n", r, strerrorname_np(errno));
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    pid_t p = fork();
    if (!p) { sleep(2); write(pfd[1], "y", 1); _exit(0); }
    alarm(1);
    r = read(pfd[0], &c, 1);
    printf("read with SA_RESTART: %zd %c\n", r, c);
    int st; waitpid(p, &st, 0);
    struct timespec req = { 5, 0 }, rem = { 0, 0 };
    alarm(1);
    errno = 0;
    int n = nanosleep(&req, &rem);
    printf("nanosleep with SA_RESTART: %d %s rem>=3=%d rem<5=%d\n", n, strerrorname_np(errno), rem.tv_sec >= 3, rem.tv_sec < 5);
    close(pfd[0]); close(pfd[1]);
}

static int threads_now(void) {
    int n = 0;
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) sscanf(line, "Threads: %d", &n);
    if (f) fclose(f);
    return n;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "after-exec")) exec_thread_child();
    /* RLIMIT_NPROC counts qemu-user's own threads too, so qemu cannot run a fork bomb: Linux's documented answer (fork(2): EAGAIN; setrlimit(2): root exempt). */
    if (argc > 1 && !strcmp(argv[1], "noqemu")) { test_nproc(); test_nocldstop(); return 0; }
    char base[16]; snprintf(base, sizeof base, "%d", threads_now());
    setenv("TG_THREADS", base, 1);
    test_statuses();
    test_groups();
    test_sigchld();
    test_orphan();
    test_exec_thread(argv[0]);
    test_signalfd();
    test_pidfd();
    test_rt_queue();
    test_storm();
    test_restart();
    printf("done\n");
    return 0;
}
