/* Leases (F_SETLEASE, F_GETLEASE): a read lease needs the file open for
 * writing nowhere, a write lease needs it open nowhere else; F_UNLCK with no
 * lease is EAGAIN; leases belong to the open file description and go with its
 * last close. Another process's conflicting O_NONBLOCK open signals the holder
 * (F_SETSIG: POLL_MSG with si_fd) and fails with EWOULDBLOCK, and the holder
 * then sees the lease type the break asks for. */
#include "tg.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static const char *lname(int t) { return t == F_RDLCK ? "F_RDLCK" : t == F_WRLCK ? "F_WRLCK" : t == F_UNLCK ? "F_UNLCK" : "?"; }

int main(void) {
    int r, w, d;
    R(r = open("lease.f", O_CREAT | O_RDONLY | O_TRUNC, 0644));
    R(fcntl(r, F_SETLEASE, 7));
    R(fcntl(r, F_SETLEASE, F_UNLCK));
    printf("F_GETLEASE none: %s\n", lname(fcntl(r, F_GETLEASE)));
    R(fcntl(r, F_SETLEASE, F_RDLCK));
    printf("F_GETLEASE: %s\n", lname(fcntl(r, F_GETLEASE)));
    R(fcntl(r, F_SETLEASE, F_WRLCK));         /* upgrade: only this file has it open */
    printf("F_GETLEASE: %s\n", lname(fcntl(r, F_GETLEASE)));
    R(fcntl(r, F_SETLEASE, F_UNLCK));
    R(d = dup(r));
    R(fcntl(d, F_SETLEASE, F_RDLCK));         /* the same open file: d and r share it */
    printf("F_GETLEASE through r: %s\n", lname(fcntl(r, F_GETLEASE)));
    R(close(d));
    printf("after closing the dup: %s\n", lname(fcntl(r, F_GETLEASE)));
    R(fcntl(r, F_SETLEASE, F_UNLCK));

    R(w = open("lease.f", O_RDWR));
    R(fcntl(w, F_SETLEASE, F_RDLCK));         /* open for writing (by itself) */
    R(fcntl(r, F_SETLEASE, F_RDLCK));
    R(fcntl(w, F_SETLEASE, F_WRLCK));         /* r is open too */
    R(close(w));
    int r2;
    R(r2 = open("lease.f", O_RDONLY));
    R(fcntl(r, F_SETLEASE, F_WRLCK));         /* r2 is open too */
    R(fcntl(r, F_SETLEASE, F_RDLCK));
    R(fcntl(r2, F_SETLEASE, F_RDLCK));        /* two read leases */
    R(close(r2));

    /* Breaking: r holds a read lease; another process opens to write. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGIO);
    sigprocmask(SIG_BLOCK, &set, NULL);
    R(fcntl(r, F_SETSIG, SIGUSR1));
    pid_t p = fork();
    if (p == 0) {
        int fd = open("lease.f", O_RDONLY | O_NONBLOCK);
        printf("child: reader open = %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
        fd = open("lease.f", O_WRONLY | O_NONBLOCK);
        printf("child: writer open = %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
        _exit(0);
    }
    printf("child status %d\n", child_status(p));
    siginfo_t si;
    struct timespec ts = { 1, 0 };
    int s = sigtimedwait(&set, &si, &ts);
    printf("holder got %s code=%d fd_ok=%d\n", s > 0 ? sigabbrev_np(s) : strerrorname_np(errno), si.si_code, si.si_fd == r);
    printf("F_GETLEASE while breaking: %s\n", lname(fcntl(r, F_GETLEASE)));
    R(fcntl(r, F_SETLEASE, F_UNLCK));
    printf("F_GETLEASE after giving it up: %s\n", lname(fcntl(r, F_GETLEASE)));
    R(close(r));
    R(unlink("lease.f"));
    printf("done\n");
    return 0;
}
