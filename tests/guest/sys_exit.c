/* A process's death as its parent and its adopter see it (kernel/exit.c):
 * clone's exit signal taken as any number in CSIGNAL, one above 64 never sent
 * but the child still waited for with __WALL; a zombie adopted by a subreaper
 * announced to it at once (reparent_leader); an adopted clone child's exit
 * signal reset to SIGCHLD. `loop N` forks N children that each arm alarm()
 * and exit, for the host to measure what dead processes leave behind. */
#include "tg.h"
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <time.h>

/* fork with a chosen exit signal (clone(2) without CLONE_VM: the child returns 0 on a copied stack). */
static pid_t fork_sig(int sig) { return (pid_t)syscall(SYS_clone, (long)sig, 0L, 0L, 0L, 0L); }

static int loop(int n) {
    for (int i = 0; i < n; i++) {
        pid_t p = fork();
        if (p < 0) { printf("fork failed at %d: %s\n", i, strerrorname_np(errno)); return 1; }
        if (p == 0) {
            /* What a task holds when it dies: timers, a timerfd, an epoll and an inotify watch, a futex waiter. */
            alarm(100000);
            timer_t tm;
            struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
            struct itimerspec its = { { 0, 0 }, { 100000, 0 } };
            if (timer_create(CLOCK_MONOTONIC, &ev, &tm) == 0) timer_settime(tm, 0, &its, NULL);
            int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
            timerfd_settime(tfd, 0, &its, NULL);
            int ep = epoll_create1(0), pp[2];
            pipe(pp);
            struct epoll_event ee = { EPOLLIN, { 0 } };
            epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &ee);
            epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ee);
            int in = inotify_init1(0);
            inotify_add_watch(in, "/tmp", IN_ALL_EVENTS);
            _exit(0);
        }
        int st;
        if (waitpid(p, &st, 0) != p || st != 0) { printf("wait failed at %d\n", i); return 1; }
    }
    printf("loop %d done\n", n);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "loop") == 0) return loop(atoi(argv[2]));
    sigset_t set, old;
    int st;
    siginfo_t si;

    /* An exit signal above 64 (clone takes the low byte as it is): the child runs,
     * the parent waits for it with __WALL and gets its status. */
    pid_t c = fork_sig(66);
    if (c == 0) _exit(7);
    printf("clone(66) child: %s\n", c > 0 ? "yes" : strerrorname_np(errno));
    R(waitpid(c, &st, __WALL) == c);
    printf("status 0x%x\n", st);
    c = fork_sig(255);
    if (c == 0) _exit(8);
    R(waitpid(c, &st, __WALL) == c);
    printf("status 0x%x\n", st);

    /* We adopt orphans. */
    R(prctl(PR_SET_CHILD_SUBREAPER, 1));
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);

    /* A middle process whose child is already a zombie exits: the zombie's
     * SIGCHLD reaches us first (forget_original_parent runs before the
     * middle's own notification, which then finds SIGCHLD pending). */
    int pipefd[2], go[2];
    pipe(pipefd);
    pipe(go);
    pid_t m = fork();
    if (m == 0) {
        pid_t g = fork();
        if (g == 0) _exit(3);
        write(pipefd[1], &g, sizeof g);
        siginfo_t gi;
        waitid(P_PID, g, &gi, WEXITED | WNOWAIT); /* g is a zombie, not reaped */
        _exit(0);
    }
    pid_t g;
    read(pipefd[0], &g, sizeof g);
    waitid(P_PID, m, &si, WEXITED | WNOWAIT); /* the middle is dead; its children are ours */
    struct timespec zero = {0, 0};
    int s = sigtimedwait(&set, &si, &zero);
    printf("first SIGCHLD: sig=%d from %s code=%d status=%d\n", s,
        si.si_pid == g ? "the adopted zombie" : si.si_pid == m ? "the middle" : "?", si.si_code, si.si_status);
    R(waitpid(m, &st, 0) == m);
    R(waitpid(g, &st, 0) == g);
    printf("adopted zombie status 0x%x\n", st);

    /* A clone child with exit signal SIGUSR1, orphaned while alive: once
     * adopted it dies with SIGCHLD, and a plain waitpid finds it. */
    m = fork();
    if (m == 0) {
        pid_t g2 = fork_sig(SIGUSR1);
        if (g2 == 0) { char x; read(go[0], &x, 1); _exit(4); }
        write(pipefd[1], &g2, sizeof g2);
        _exit(0);
    }
    read(pipefd[0], &g, sizeof g);
    R(waitpid(m, &st, 0) == m);
    while (sigtimedwait(&set, &si, &zero) > 0) {} /* the middle's SIGCHLD */
    write(go[1], "x", 1); /* let the adopted child go */
    R(waitpid(g, &st, 0) == g);
    printf("adopted clone child status 0x%x\n", st);
    sigset_t pend;
    sigpending(&pend);
    printf("pending after: SIGCHLD %d SIGUSR1 %d\n", sigismember(&pend, SIGCHLD), sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("done\n");
    return 0;
}
