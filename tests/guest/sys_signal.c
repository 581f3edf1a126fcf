/* Signals delivered to oneself: handlers with siginfo, raise (tgkill) versus
 * kill, blocking and pending sets, the mask inside a handler, SA_RESETHAND,
 * SA_NODEFER, SIG_IGN, siglongjmp out of a handler, an interval timer, and
 * registers (integer and FP) surviving a handler. */
#include "tg.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/time.h>

static volatile sig_atomic_t hits, depth, maxdepth;
static volatile int last_sig, last_code, pid_matches;
static volatile sig_atomic_t calls;
static sigjmp_buf jb;

static void on_info(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    hits++;
    last_sig = si->si_signo;
    last_code = si->si_code;
    pid_matches = si->si_pid == getpid();
    /* Not checked: the mask seen inside the handler (sa_mask), which
     * qemu-user 7.2 does not report the way Linux does. */
    (void)sig;
}
/* The interval timer's handler counts three alarms and disarms the timer on
 * the third. Alarms that were already due by then are not counted: with a
 * 10 ms interval, a loaded host (tuxglass's clock follows the host's) can make
 * the next expiry due before the handler's setitimer runs. */
static volatile sig_atomic_t alarm_armed;
static void on_alarm(int sig, siginfo_t *si, void *uc) {
    if (!alarm_armed) return;
    on_info(sig, si, uc);
    if (hits == 3) {
        struct itimerval off = {{0, 0}, {0, 0}};
        setitimer(ITIMER_REAL, &off, NULL);
        alarm_armed = 0;
    }
}

static void nested(int sig) {
    depth++;
    if (depth > maxdepth) maxdepth = depth;
    /* Delivered at once (nesting) only with SA_NODEFER, else after return. */
    if (++calls < 3) raise(sig);
    depth--;
}

static void jumper(int sig) { siglongjmp(jb, sig); }

static void fp_clobber(int sig) {
    (void)sig;
    volatile double x = 0;
    for (int i = 0; i < 10; i++) x += 1.5; /* use FP registers in the handler */
    hits++;
}

static void report(const char *what) {
    printf("%s: hits=%d sig=%d code=%d pid_ok=%d\n", what, (int)hits, last_sig,
           last_code, pid_matches);
}

static void pending(const char *what) {
    sigset_t s;
    sigpending(&s);
    printf("%s: pending usr1=%d usr2=%d\n", what, sigismember(&s, SIGUSR1), sigismember(&s, SIGUSR2));
}

int main(void) {
    struct sigaction sa = {0}, old;
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    R(sigaction(SIGUSR1, &sa, NULL));
    R(raise(SIGUSR1));
    report("raise");
    R(kill(getpid(), SIGUSR1));
    report("kill");
    R(sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 7}));
    report("sigqueue");
    /* After the handler the mask is restored: SIGUSR2 not blocked. */
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("usr2 blocked after handler: %d\n", sigismember(&cur, SIGUSR2));
    /* Blocked signals stay pending until unblocked. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    R(sigprocmask(SIG_BLOCK, &set, NULL));
    R(raise(SIGUSR1));
    R(raise(SIGUSR1)); /* standard signals do not queue */
    pending("blocked");
    int before = hits;
    R(sigprocmask(SIG_UNBLOCK, &set, NULL));
    printf("delivered on unblock: %d\n", hits - before);
    pending("unblocked");
    /* SIGKILL and SIGSTOP cannot be caught or blocked. */
    R(sigaction(SIGKILL, &sa, NULL));
    R(sigaction(SIGSTOP, &sa, NULL));
    R(sigaction(0, &sa, NULL));
    R(sigaction(65, &sa, NULL));
    sigaddset(&set, SIGKILL);
    R(sigprocmask(SIG_BLOCK, &set, NULL));
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("kill blockable: %d usr1 blocked: %d\n", sigismember(&cur, SIGKILL), sigismember(&cur, SIGUSR1));
    R(sigprocmask(SIG_SETMASK + 7, &set, NULL));
    R(sigprocmask(SIG_UNBLOCK, &set, NULL));
    /* The old action comes back from sigaction. */
    R(sigaction(SIGUSR1, NULL, &old));
    printf("old is ours: %d flags has SIGINFO: %d\n", old.sa_sigaction == on_info,
           !!(old.sa_flags & SA_SIGINFO));
    /* SA_NODEFER lets the handler re-enter; without it the raise waits. */
    struct sigaction ns = {0};
    ns.sa_handler = nested;
    R(sigaction(SIGUSR2, &ns, NULL));
    maxdepth = calls = 0;
    R(raise(SIGUSR2));
    printf("no NODEFER max depth %d calls %d\n", (int)maxdepth, (int)calls);
    ns.sa_flags = SA_NODEFER;
    R(sigaction(SIGUSR2, &ns, NULL));
    maxdepth = calls = 0;
    R(raise(SIGUSR2));
    printf("NODEFER max depth %d calls %d\n", (int)maxdepth, (int)calls);
    /* SA_RESETHAND: one shot, then back to default. */
    ns.sa_handler = fp_clobber;
    ns.sa_flags = SA_RESETHAND;
    R(sigaction(SIGUSR2, &ns, NULL));
    R(raise(SIGUSR2));
    R(sigaction(SIGUSR2, NULL, &old));
    printf("after RESETHAND default: %d\n", old.sa_handler == SIG_DFL);
    /* Ignored signals vanish. */
    signal(SIGUSR2, SIG_IGN);
    R(raise(SIGUSR2));
    pending("ignored");
    /* Live registers survive a handler that uses the same registers. */
    signal(SIGUSR2, fp_clobber);
    volatile double a = 1.25, b = 3.5;
    volatile long k = 12345;
    double sum = a * b;
    raise(SIGUSR2);
    printf("registers after handler: %g %ld\n", sum + a + b, k + 1);
    /* siglongjmp out of a handler restores the saved mask. */
    signal(SIGUSR2, jumper);
    int got = sigsetjmp(jb, 1);
    if (got == 0) {
        raise(SIGUSR2);
        printf("not reached\n");
    } else {
        sigprocmask(SIG_BLOCK, NULL, &cur);
        printf("longjmp from handler sig=%d usr2 blocked after: %d\n", got, sigismember(&cur, SIGUSR2));
    }
    /* An interval timer: three SIGALRMs then stop. */
    struct sigaction al = {0};
    al.sa_sigaction = on_alarm;
    al.sa_flags = SA_SIGINFO;
    R(sigaction(SIGALRM, &al, NULL));
    hits = 0;
    alarm_armed = 1;
    struct itimerval it = {{0, 10000}, {0, 10000}};
    /* SIGALRM is blocked except inside sigsuspend, so none can arrive between
     * the test of hits and the wait (which would then wait forever). */
    sigset_t alrm, waitmask;
    sigemptyset(&alrm); sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, &waitmask);
    R(setitimer(ITIMER_REAL, &it, NULL));
    while (hits < 3) sigsuspend(&waitmask);
    sigprocmask(SIG_SETMASK, &waitmask, NULL);
    printf("alarms: %d sig=%d code=%d\n", (int)hits, last_sig, last_code);
    /* sigsuspend waits with a temporary mask. */
    R(sigprocmask(SIG_BLOCK, &set, NULL));
    R(raise(SIGUSR1));
    sigset_t empty;
    sigemptyset(&empty);
    hits = 0;
    R(sigsuspend(&empty));
    printf("sigsuspend delivered %d\n", (int)hits);
    /* A pending signal taken with sigwaitinfo is not delivered to a handler. */
    R(raise(SIGUSR1));
    siginfo_t si;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    R(sigwaitinfo(&set, &si));
    printf("sigwaitinfo sig=%d code=%d hits=%d\n", si.si_signo, si.si_code, (int)hits);
    struct timespec zero = {0, 0};
    R(sigtimedwait(&set, &si, &zero));
    /* Finally, die of a signal whose handler is default: exit status 128+15.
     * In a child: under tuxglass this program is PID 1, which takes no signal it
     * has no handler for. */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        signal(SIGTERM, SIG_DFL);
        kill(getpid(), SIGTERM);
        printf("not reached\n");
        _exit(0);
    }
    printf("child ended by %d\n", child_status(c));
    return 0;
}
