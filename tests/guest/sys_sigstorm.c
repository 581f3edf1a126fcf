/* Bad input: a signal storm. A child fills its user's signal queue with
 * real-time sigqueue()s until EAGAIN at RLIMIT_SIGPENDING (sigqueue(3)); with
 * the queue full a kill() still arrives and a standard signal from sigqueue
 * arrives without its siginfo (Linux's "silent loss of information");
 * meanwhile its parent sends it 100000 SIGUSR1s, which coalesce. The child
 * then drains its queue in FIFO order, and both finish normally. */
#include "tg.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define STORM 100000
static volatile sig_atomic_t handled;
static void on_usr1(int sig) { (void)sig; handled++; }

static int child(int ready, int done) {
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGRTMIN);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, NULL);
    struct rlimit rl;
    getrlimit(RLIMIT_SIGPENDING, &rl);
    long n = 0;
    while (sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = (int)n}) == 0 && n <= (long)rl.rlim_cur) n++;
    printf("queued until %s: count == RLIMIT_SIGPENDING: %d\n", strerrorname_np(errno), n == (long)rl.rlim_cur);
    /* A standard signal from sigqueue: sent, its siginfo lost. */
    R(sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 5}));
    siginfo_t si;
    sigset_t u2;
    sigemptyset(&u2);
    sigaddset(&u2, SIGUSR2);
    R(sigwaitinfo(&u2, &si));
    printf("its siginfo: code=%d pid=%d value=%d\n", si.si_code, si.si_pid, si.si_value.sival_int);
    /* kill() is never refused for a full queue. */
    R(kill(getpid(), SIGUSR1));
    printf("kill with a full queue handled: %d\n", handled == 1);
    write(ready, "r", 1);
    char c;
    R(read(done, &c, 1)); /* restarted across the storm's handlers */
    /* The queue drains in order, one siginfo per sigqueue. */
    struct timespec zero = {0, 0};
    long got = 0, in_order = 1;
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN);
    while (sigtimedwait(&rt, &si, &zero) == SIGRTMIN) {
        if (si.si_value.sival_int != got || si.si_code != SI_QUEUE) in_order = 0;
        got++;
    }
    printf("drained %s: all %d, in order %ld\n", strerrorname_np(errno), got == n, in_order);
    printf("storm handled at least once, at most %d times: %d\n", STORM + 1, handled > 1 && handled <= STORM + 1);
    fflush(stdout);
    return 0;
}

int main(void) {
    int r[2], d[2];
    pipe(r);
    pipe(d);
    pid_t c = fork();
    if (c == 0) _exit(child(r[1], d[0]));
    char x;
    read(r[0], &x, 1);
    long failed = 0;
    for (int i = 0; i < STORM; i++) if (kill(c, SIGUSR1)) failed++;
    printf("parent sent %d signals, failures %ld\n", STORM, failed);
    fflush(stdout);
    write(d[1], "d", 1);
    int st;
    R(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return 0;
}
