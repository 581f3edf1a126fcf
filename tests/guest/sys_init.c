/* PID 1's signals (SIGNAL_UNKILLABLE, sig_task_ignored, get_signal): init
 * takes no signal it has no handler for, and no SIGKILL or SIGSTOP, from
 * its own namespace, whoever sends it; a signal it blocked and then unblocks
 * with no handler is dropped; one it handles arrives. An orphan whose parent
 * dies a zombie is announced to init at once. Run as PID 1 (the program of
 * `tuxglass run`, or under unshare --pid --fork on Linux). */
#include "tg.h"
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static volatile sig_atomic_t usr1;
static void on_usr1(int s) { (void)s; usr1++; }

static int child_kills(void) {
    pid_t c = fork();
    if (c == 0) {
        int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGSEGV, SIGKILL, SIGSTOP, SIGTSTP, SIGUSR2 };
        for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            if (kill(1, sigs[i]) != 0) _exit(100 + i);
        _exit(0);
    }
    return child_status(c);
}

int main(void) {
    struct timespec zero = {0, 0};
    siginfo_t si;
    sigset_t set, pend;
    CHECK(getpid() == 1);

    printf("child sent TERM INT HUP SEGV KILL STOP TSTP USR2 to init: exit %d\n", child_kills());
    printf("init alive\n");
    R(kill(1, SIGTERM));
    R(kill(1, SIGKILL));
    R(kill(1, SIGSTOP));
    R(raise(SIGQUIT));
    R(syscall(SYS_tgkill, 1, 1, SIGTERM));
    printf("init alive\n");

    /* One it handles arrives. */
    signal(SIGUSR1, on_usr1);
    pid_t c = fork();
    if (c == 0) { kill(1, SIGUSR1); _exit(0); }
    child_status(c);
    printf("handled SIGUSR1 arrived: %d\n", (int)usr1);

    /* Blocked, it is queued; unblocked with no handler, dropped. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    R(kill(1, SIGTERM));
    sigpending(&pend);
    printf("SIGTERM pending while blocked: %d\n", sigismember(&pend, SIGTERM));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    sigpending(&pend);
    printf("SIGTERM pending after unblock: %d\n", sigismember(&pend, SIGTERM));
    printf("init alive\n");

    /* A clone child whose exit signal is SIGINT: init ignores it too. */
    c = (pid_t)syscall(SYS_clone, (long)SIGINT, 0L, 0L, 0L, 0L);
    if (c == 0) _exit(5);
    int st;
    R(waitpid(c, &st, __WALL) == c);
    printf("clone(SIGINT) child status 0x%x, init alive\n", st);

    /* An orphan already dead when its parent dies: init hears of it at once. */
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    while (sigtimedwait(&set, &si, &zero) > 0) {}
    int pipefd[2];
    pipe(pipefd);
    pid_t m = fork();
    if (m == 0) {
        pid_t g = fork();
        if (g == 0) _exit(3);
        write(pipefd[1], &g, sizeof g);
        siginfo_t gi;
        waitid(P_PID, g, &gi, WEXITED | WNOWAIT);
        _exit(0);
    }
    pid_t g;
    read(pipefd[0], &g, sizeof g);
    waitid(P_PID, m, &si, WEXITED | WNOWAIT);
    int s = sigtimedwait(&set, &si, &zero);
    printf("first SIGCHLD: sig=%d from %s\n", s, si.si_pid == g ? "the orphaned zombie" : si.si_pid == m ? "its parent" : "?");
    R(waitpid(m, &st, 0) == m);
    R(waitpid(g, &st, WNOHANG) == g);
    printf("orphan status 0x%x\n", st);
    printf("done\n");
    return 0;
}
