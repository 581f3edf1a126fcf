/* Signal queueing and delivery details (signal(7), sigaction(2), sigaltstack(2),
 * rt_sigqueueinfo(2), tkill(2), sigtimedwait(2)): the siginfo a handler gets
 * (si_code, si_pid, si_value), the alternate signal stack, pending sets per
 * thread and per process, real-time queueing next to coalescing standard
 * signals, sigtimedwait's timeout, rt_sigqueueinfo's rules, tkill/tgkill. */
#include "tg.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static volatile int got_sig, got_code, got_pid_ok, got_value, on_alt, alt_flags, order_n;
static int order[64];
static char *alt_base;
static size_t alt_size;

static void on_info(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    got_sig = sig; got_code = si->si_code; got_pid_ok = si->si_pid == getpid();
    got_value = si->si_value.sival_int;
    if (order_n < 64) order[order_n++] = sig * 100 + (si->si_code == SI_QUEUE ? si->si_value.sival_int : 0);
}

static void on_stack(int sig) {
    (void)sig;
    char here;
    on_alt = &here >= alt_base && &here < alt_base + alt_size;
    stack_t cur;
    sigaltstack(NULL, &cur);
    alt_flags = cur.ss_flags;
}

static void show_pending(const char *what) {
    sigset_t s;
    sigpending(&s);
    printf("%s: pending usr1=%d usr2=%d rtmin=%d\n", what, sigismember(&s, SIGUSR1), sigismember(&s, SIGUSR2), sigismember(&s, SIGRTMIN));
}

static pthread_barrier_t bar;
static void *other_thread(void *arg) {
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    pthread_barrier_wait(&bar); /* signals queued */
    show_pending("other thread");
    pthread_barrier_wait(&bar); /* then the main thread looks */
    return NULL;
}

static void handle(int sig, int flags) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

int main(void) {
    /* si_code and si_value as the sender chose them. */
    handle(SIGUSR1, 0);
    R(sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 42}));
    printf("sigqueue: sig=%d code=%d pid_ok=%d value=%d\n", got_sig, got_code, got_pid_ok, got_value);
    R(kill(getpid(), SIGUSR1));
    printf("kill: code=%d pid_ok=%d\n", got_code, got_pid_ok);
    R(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
    printf("tgkill: code=%d pid_ok=%d\n", got_code, got_pid_ok);
    R(syscall(SYS_tkill, gettid(), SIGUSR1));
    printf("tkill: code=%d\n", got_code);
    R(syscall(SYS_tgkill, getpid() + 100000, gettid(), SIGUSR1));
    R(syscall(SYS_tgkill, getpid(), gettid(), 65));
    R(syscall(SYS_tgkill, getpid(), 0, SIGUSR1));
    R(syscall(SYS_tkill, -1, SIGUSR1));
    R(syscall(SYS_tgkill, getpid(), gettid(), 0));

    /* rt_sigqueueinfo: a negative si_code is the caller's to choose; to itself any is allowed. */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1; si.si_code = SI_QUEUE; si.si_pid = getpid(); si.si_value.sival_int = 9;
    R(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si));
    printf("rt_sigqueueinfo: code=%d value=%d\n", got_code, got_value);
    si.si_code = SI_USER;
    R(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si));
    R(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, (void *)8));
    R(syscall(SYS_rt_sigqueueinfo, 0x7ffffff0, SIGUSR1, &si));
    pid_t child = fork();
    if (child == 0) { pause(); _exit(0); }
    si.si_code = SI_USER;
    R(syscall(SYS_rt_sigqueueinfo, child, SIGUSR1, &si));
    si.si_code = SI_TKILL;
    R(syscall(SYS_rt_sigqueueinfo, child, SIGUSR1, &si));
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);

    /* The alternate stack: the handler runs on it and sees SS_ONSTACK. */
    alt_size = 64 * 1024;
    alt_base = malloc(alt_size);
    stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0}, old;
    R(sigaltstack(&ss, &old));
    printf("old alt stack disabled: %d\n", old.ss_flags == SS_DISABLE);
    struct sigaction sa = {0};
    sa.sa_handler = on_stack;
    sa.sa_flags = SA_ONSTACK;
    R(sigaction(SIGUSR2, &sa, NULL));
    R(raise(SIGUSR2));
    printf("SA_ONSTACK: on alt stack %d, ss_flags %d\n", on_alt, alt_flags);
    sa.sa_flags = 0;
    R(sigaction(SIGUSR2, &sa, NULL));
    R(raise(SIGUSR2));
    printf("no SA_ONSTACK: on alt stack %d, ss_flags %d\n", on_alt, alt_flags);
    stack_t tiny = {.ss_sp = alt_base, .ss_size = 512, .ss_flags = 0};
    R(sigaltstack(&tiny, NULL));
    stack_t bad = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 99};
    R(sigaltstack(&bad, NULL));
    stack_t off = {.ss_flags = SS_DISABLE};
    R(sigaltstack(&off, NULL));
    R(sigaltstack(NULL, &old));
    printf("after disable: flags %d\n", old.ss_flags);

    /* Pending per thread and per process: each thread sees its own plus the process's. */
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1); sigaddset(&m, SIGUSR2); sigaddset(&m, SIGRTMIN); sigaddset(&m, SIGRTMIN + 2);
    R(sigprocmask(SIG_BLOCK, &m, NULL));
    pthread_barrier_init(&bar, NULL, 2);
    pthread_t th;
    pthread_create(&th, NULL, other_thread, NULL);
    R(raise(SIGUSR1));                     /* this thread only */
    R(kill(getpid(), SIGUSR2));            /* the process */
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar);
    show_pending("main thread");
    pthread_join(th, NULL);
    /* Real-time signals queue, standard ones coalesce; delivery: lowest number first, FIFO within one. */
    handle(SIGUSR2, 0);
    handle(SIGRTMIN, 0);
    handle(SIGRTMIN + 2, 0);
    for (int i = 1; i <= 3; i++) {
        sigqueue(getpid(), SIGRTMIN + 2, (union sigval){.sival_int = i});
        sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i});
        sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = i});
    }
    show_pending("queued");
    order_n = 0;
    R(sigprocmask(SIG_UNBLOCK, &m, NULL));
    printf("delivery order:");
    /* signal/value, in the order the handlers ran: each handler blocks only its own
     * signal, so the frames nest and the highest signal's handler runs first. */
    for (int i = 0; i < order_n; i++) {
        int sig = order[i] / 100, v = order[i] % 100;
        if (sig >= SIGRTMIN) printf(" RTMIN+%d/%d", sig - SIGRTMIN, v);
        else printf(" %d/%d", sig, v);
    }
    printf("\n");

    /* sigtimedwait: a timeout with nothing pending is EAGAIN; a pending one is taken at once. */
    R(sigprocmask(SIG_BLOCK, &m, NULL));
    struct timespec t = {0, 20000000};
    R(sigtimedwait(&m, &si, &t));
    sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 5});
    int r = sigtimedwait(&m, &si, &t);
    printf("sigtimedwait: %d code=%d value=%d\n", r == SIGRTMIN, si.si_code, si.si_value.sival_int);
    struct timespec badt = {0, 1000000000};
    R(sigtimedwait(&m, &si, &badt));
    /* rt_sigsuspend: returns EINTR after the handler, with the old mask back. */
    raise(SIGUSR1);
    sigset_t none;
    sigemptyset(&none);
    got_sig = 0;
    R(sigsuspend(&none));
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("sigsuspend: handled %d, usr1 blocked again %d\n", got_sig, sigismember(&now, SIGUSR1));
    R(syscall(SYS_rt_sigsuspend, &none, 4));
    /* A zombie keeps its pid until reaped: kill succeeds on it and does nothing; after, ESRCH. */
    pid_t z = fork();
    if (z == 0) _exit(3);
    siginfo_t zi;
    R(waitid(P_PID, z, &zi, WEXITED | WNOWAIT));
    R(kill(z, SIGTERM));
    R(kill(z, 0));
    int zst = 0;
    R(waitpid(z, &zst, 0) == z && WIFEXITED(zst) && WEXITSTATUS(zst) == 3);
    R(kill(z, 0));
    return 0;
}
