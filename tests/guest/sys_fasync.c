/* O_ASYNC (signal-driven I/O) on a pipe: with an owner set, a write to the
 * pipe sends the reader's owner SIGIO (si_code SI_KERNEL), or with F_SETSIG
 * the chosen signal carrying si_code POLL_IN, si_band and si_fd; a read that
 * frees space signals a writer with O_ASYNC (POLL_OUT). Without O_ASYNC, or
 * without an owner, nothing is sent. */
#include "tg.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <time.h>

static sigset_t set;

static void expect(const char *what, int rfd) {
    siginfo_t si;
    struct timespec ts = { 0, 200 * 1000 * 1000 };
    int s = sigtimedwait(&set, &si, &ts);
    if (s < 0) { printf("%s: no signal (%s)\n", what, strerrorname_np(errno)); return; }
    printf("%s: %s code=%#x", what, sigabbrev_np(s), si.si_code);
    if (si.si_code > 0 && si.si_code < 0x80)
        printf(" band=%#lx fd_ok=%d", (long)si.si_band, si.si_fd == rfd);
    printf("\n");
}

int main(void) {
    int p[2];
    char c;
    sigemptyset(&set);
    sigaddset(&set, SIGIO);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    R(pipe(p));
    R(write(p[1], "x", 1));
    expect("no O_ASYNC", p[0]);
    R(fcntl(p[0], F_SETFL, O_ASYNC));
    R(fcntl(p[0], F_GETFL) & O_ASYNC);
    R(write(p[1], "x", 1));
    expect("O_ASYNC, no owner", p[0]);
    R(fcntl(p[0], F_SETOWN, getpid()));
    R(write(p[1], "x", 1));
    expect("owner set", p[0]);
    R(fcntl(p[0], F_SETSIG, SIGUSR1));
    R(fcntl(p[0], F_GETSIG));
    R(write(p[1], "x", 1));
    expect("F_SETSIG SIGUSR1", p[0]);
    int off = 0;
    R(ioctl(p[0], FIOASYNC, &off));
    R(write(p[1], "x", 1));
    expect("FIOASYNC off", p[0]);

    /* The write end: a read that makes room. */
    R(fcntl(p[1], F_SETOWN, getpid()));
    R(fcntl(p[1], F_SETSIG, SIGUSR1));
    R(fcntl(p[1], F_SETFL, O_ASYNC | O_NONBLOCK));
    while (write(p[1], "yyyyyyyyyyyyyyyy", 16) > 0) {}
    expect("writer after filling", p[1]);
    while (read(p[0], &c, 1) == 1 && c != 'y') {}
    char buf[4096];
    R(read(p[0], buf, sizeof buf));
    expect("writer after a read", p[1]);
    printf("done\n");
    return 0;
}
