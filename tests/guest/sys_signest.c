/* Several signals that become deliverable together (issue 11 §1.2): the
 * return to user mode sets up one frame per deliverable signal, each on top
 * of the last (Linux's exit_to_user_mode_loop calling
 * arch_do_signal_or_restart again while signals are pending), so the handler
 * of the last frame runs first and no handler is interrupted in the middle of
 * its body by a signal that was already pending.
 *
 * Each handler records its entry and its exit, and the deepest nesting of
 * handler bodies: a signal delivered in the middle of a handler shows as
 * nesting 2.
 *
 * With "noqemu" it runs the case qemu-user answers otherwise than Linux:
 * handlers with a full sa_mask. Linux sets up one frame (the lowest signal's)
 * and the rest follow one by one as each handler returns; qemu-user stacks
 * them all. (The same program built for the host and run on Linux 6.18 prints
 * what tests/diff/documented.test.ts expects.) */
#include "tg.h"
#include <signal.h>
#include <sys/syscall.h>

static volatile int n;
static char log_[256][24];
static volatile int depth, maxdepth;

static const char *name(int sig) {
    static char b[4][16];
    static int i;
    char *s = b[i++ & 3];
    if (sig == SIGUSR1) return "USR1";
    if (sig == SIGUSR2) return "USR2";
    if (sig >= SIGRTMIN) snprintf(s, 16, "RTMIN+%d", sig - SIGRTMIN);
    else snprintf(s, 16, "%d", sig);
    return s;
}

static void on_sig(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    int v = si->si_code == SI_QUEUE ? si->si_value.sival_int : 0;
    if (++depth > maxdepth) maxdepth = depth;
    if (n < 256) {
        if (v) snprintf(log_[n++], 24, "%s:%d", name(sig), v);
        else snprintf(log_[n++], 24, "%s", name(sig));
    }
    /* A handler body with some work in it: a signal set up later would land here. */
    for (volatile int i = 0; i < 20000; i++) ;
    if (n < 256) snprintf(log_[n++], 24, "/%s", name(sig));
    depth--;
}

static void handle(int sig, int flags, int maskall) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO | flags;
    if (maskall) sigfillset(&sa.sa_mask); else sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void show(const char *what) {
    printf("%s:", what);
    for (int i = 0; i < n; i++) printf(" %s", log_[i]);
    printf("\nmax nesting %d\n", maxdepth);
    n = 0;
    maxdepth = 0;
}

static void queue_all(void) {
    for (int i = 1; i <= 3; i++) {
        sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i});
        sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = i});
        kill(getpid(), SIGUSR1);
    }
}

int main(int argc, char **argv) {
    int noqemu = argc > 1 && strcmp(argv[1], "noqemu") == 0;
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGRTMIN);
    sigaddset(&m, SIGRTMIN + 1);

    if (noqemu) {
        /* Handlers that block everything (full sa_mask): one frame at a time, lowest number first. */
        handle(SIGUSR1, 0, 1);
        handle(SIGRTMIN, 0, 1);
        handle(SIGRTMIN + 1, 0, 1);
        R(sigprocmask(SIG_BLOCK, &m, NULL));
        queue_all();
        R(sigprocmask(SIG_UNBLOCK, &m, NULL));
        show("full sa_mask");
        printf("done\n");
        return 0;
    }

    /* The case: plain handlers (empty sa_mask: each blocks only its own
     * signal), all unblocked at once by sigprocmask. */
    handle(SIGUSR1, 0, 0);
    handle(SIGRTMIN, 0, 0);
    handle(SIGRTMIN + 1, 0, 0);
    R(sigprocmask(SIG_BLOCK, &m, NULL));
    queue_all();
    R(sigprocmask(SIG_UNBLOCK, &m, NULL));
    show("sigprocmask");

    /* The same, unblocked by sigsuspend's temporary mask: the frames save the mask to restore after. */
    R(sigprocmask(SIG_BLOCK, &m, NULL));
    queue_all();
    sigset_t none;
    sigemptyset(&none);
    R(sigsuspend(&none));
    show("sigsuspend");
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    printf("blocked after: usr1=%d rtmin=%d rtmin+1=%d\n", sigismember(&now, SIGUSR1), sigismember(&now, SIGRTMIN), sigismember(&now, SIGRTMIN + 1));
    R(sigprocmask(SIG_UNBLOCK, &m, NULL));

    /* SA_NODEFER: a handler does not block its own signal, so every queued one stacks. */
    handle(SIGUSR1, SA_NODEFER, 0);
    handle(SIGRTMIN, SA_NODEFER, 0);
    handle(SIGRTMIN + 1, SA_NODEFER, 0);
    R(sigprocmask(SIG_BLOCK, &m, NULL));
    queue_all();
    R(sigprocmask(SIG_UNBLOCK, &m, NULL));
    show("SA_NODEFER");

    /* Pending when a handler returns: rt_sigreturn's return to user mode delivers them first. */
    handle(SIGUSR1, 0, 0);
    handle(SIGRTMIN, 0, 0);
    handle(SIGRTMIN + 1, 0, 0);
    R(sigprocmask(SIG_BLOCK, &m, NULL));
    queue_all();
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, SIGRTMIN + 1);
    R(sigprocmask(SIG_UNBLOCK, &one, NULL));
    show("RTMIN+1 alone");
    R(sigprocmask(SIG_UNBLOCK, &m, NULL));
    show("then the rest");
    printf("done\n");
    return 0;
}
