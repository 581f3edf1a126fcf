/* POSIX timers (timer_create and friends) on wall and CPU-time clocks, with
 * their siginfo and overruns; ITIMER_VIRTUAL and ITIMER_PROF; RLIMIT_CPU's
 * SIGXCPU then SIGKILL. Timer ids are not printed: qemu-user hands out its
 * own. */
#include "tg.h"
#include <signal.h>
#include <time.h>
#include <sys/time.h>
#include <sys/resource.h>
static volatile sig_atomic_t got, vt, prof, xcpu;
static volatile int last_code, last_overrun, last_tid, last_val;
static void h(int s, siginfo_t *si, void *u) { (void)u; (void)s; got++; last_code = si->si_code; last_overrun = si->si_overrun; last_tid = si->si_timerid; last_val = si->si_value.sival_int; }
static void hv(int s) { (void)s; vt++; }
static void hp(int s) { (void)s; prof++; }
static void hx(int s) { (void)s; xcpu++; }
static void spin_until(volatile sig_atomic_t *c, int n) { while (*c < n) { } }
int main(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = h; sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN, &sa, NULL);
    timer_t a, b, c;
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL; ev.sigev_signo = SIGRTMIN; ev.sigev_value.sival_int = 77;
    R(timer_create(CLOCK_MONOTONIC, &ev, &a));
    R(timer_create(CLOCK_REALTIME, NULL, &b));
    R(timer_create(CLOCK_MONOTONIC_RAW, &ev, &c));
    R(timer_create(99, &ev, &c));
    ev.sigev_signo = 65; R(timer_create(CLOCK_MONOTONIC, &ev, &c));
    ev.sigev_signo = SIGRTMIN; ev.sigev_notify = 77; R(timer_create(CLOCK_MONOTONIC, &ev, &c));
    ev.sigev_notify = SIGEV_SIGNAL;
    /* SIGRTMIN is blocked except inside sigsuspend: a signal between the test
     * of got and a pause() would leave the program waiting forever. */
    sigset_t s, waitmask;
    sigemptyset(&s); sigaddset(&s, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &s, &waitmask);
    struct itimerspec its = {{0, 0}, {0, 20000000}}, old;
    R(timer_settime(a, 0, &its, NULL));
    R(timer_gettime(a, &old));
    printf("armed: interval %ld value>0 %d\n", old.it_interval.tv_nsec, old.it_value.tv_sec > 0 || old.it_value.tv_nsec > 0);
    while (!got) sigsuspend(&waitmask);
    printf("got code %d (SI_TIMER %d) val %d overrun %d\n", last_code, SI_TIMER, last_val, last_overrun);
    R(timer_gettime(a, &old));
    printf("after one-shot: %ld %ld\n", (long)old.it_value.tv_sec, old.it_value.tv_nsec);
    /* periodic, with the signal blocked for a while: overruns */
    struct itimerspec p = {{0, 10000000}, {0, 10000000}};
    R(timer_settime(a, 0, &p, NULL));
    struct timespec z = {0, 105000000};
    nanosleep(&z, NULL);
    got = 0;
    while (!got) sigsuspend(&waitmask);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    printf("overrun after ~105ms blocked at 10ms: siginfo %s, getoverrun %s\n",
        last_overrun >= 8 && last_overrun <= 10 ? "9ish" : "other", timer_getoverrun(a) == last_overrun ? "same" : "differs");
    R(timer_delete(a));
    R(timer_delete(a));
    R(timer_gettime(a, &old));
    R(timer_getoverrun(a));
    R(timer_settime(b, 0, NULL, NULL));
    its.it_value.tv_nsec = 1000000000; R(timer_settime(b, 0, &its, NULL));
    /* CPU clock timer */
    timer_t cp; ev.sigev_value.sival_int = 5;
    R(timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &cp));
    struct itimerspec cs = {{0, 0}, {0, 50000000}};
    got = 0;
    R(timer_settime(cp, 0, &cs, NULL));
    spin_until(&got, 1);
    printf("cpu timer fired val %d\n", last_val);
    /* ITIMER_VIRTUAL and ITIMER_PROF */
    signal(SIGVTALRM, hv); signal(SIGPROF, hp);
    struct itimerval iv = {{0, 20000}, {0, 20000}}, ov;
    R(setitimer(ITIMER_VIRTUAL, &iv, NULL));
    R(setitimer(ITIMER_PROF, &iv, NULL));
    R(getitimer(ITIMER_VIRTUAL, &ov));
    printf("virtual interval %ld value>0 %d\n", ov.it_interval.tv_usec, ov.it_value.tv_usec > 0);
    spin_until(&vt, 3); spin_until(&prof, 3);
    printf("SIGVTALRM and SIGPROF came\n");
    struct itimerval zero = {0};
    R(setitimer(ITIMER_VIRTUAL, &zero, &ov));
    printf("old interval %ld\n", ov.it_interval.tv_usec);
    R(setitimer(ITIMER_PROF, &zero, NULL));
    R(getitimer(ITIMER_VIRTUAL, &ov));
    printf("disarmed %ld %ld\n", (long)ov.it_value.tv_sec, ov.it_value.tv_usec);
    /* RLIMIT_CPU in a child */
    pid_t ch = fork();
    if (ch == 0) {
        signal(SIGXCPU, hx);
        struct rlimit rl = {1, 2};
        setrlimit(RLIMIT_CPU, &rl);
        spin_until(&xcpu, 1);
        printf("child: SIGXCPU at the soft limit\n");
        for (;;) { }
    }
    printf("child ended by %d\n", child_status(ch));
    puts("done");
    return 0;
}
