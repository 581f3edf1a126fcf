/* Positioned and flagged vectored I/O, and sigtimedwait's claim on the
 * signals it waits for: preadv/pwritev on a pipe fail with ESPIPE before
 * anything could block; preadv2/pwritev2 with offset -1 use the file
 * position, and their per-call flags (RWF_NOWAIT, RWF_APPEND, unknown bits);
 * pread's argument checks in Linux's order; a signal sigtimedwait waits for
 * is returned by the call even when it is unblocked and has a handler. */
#include "tg.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#ifndef RWF_NOWAIT
#define RWF_HIPRI 0x1
#define RWF_NOWAIT 0x8
#define RWF_APPEND 0x10
#endif

static volatile sig_atomic_t handled;
static void on_usr1(int s) { (void)s; handled++; }

int main(void) {
    char buf[16] = {0};
    struct iovec iov = { buf, sizeof buf - 1 };
    int p[2];
    if (pipe(p) < 0) return 1;
    /* The pipe is empty and its writer open: a read would block, but a
     * positioned one is refused first. */
    R(preadv(p[0], &iov, 1, 0));
    R(pwritev(p[1], &iov, 1, 0));
    R(pread(p[0], buf, 4, 0));
    R(preadv2(p[0], &iov, 1, 0, 0));
    R(preadv2(p[0], &iov, 1, -1, RWF_NOWAIT));
    R(preadv2(p[0], &iov, 1, -1, 0x100000));
    R(write(p[1], "abc", 3));
    R(preadv2(p[0], &iov, 1, -1, RWF_NOWAIT | RWF_HIPRI));
    printf("read [%s]\n", buf);

    /* Negative offsets are EINVAL before the descriptor is looked at. */
    R(pread(-1, buf, 4, -1));
    R(preadv(-1, &iov, 1, -1));
    R(pread(-1, buf, 4, 0));

    int fd = open("/tmp/rwv2", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return 1;
    struct iovec w[2] = { { "hello ", 6 }, { "world", 5 } };
    R(pwritev2(fd, w, 2, -1, 0));
    R(lseek(fd, 0, SEEK_CUR));
    R(pwritev2(fd, w, 1, 0, RWF_APPEND));
    R(lseek(fd, 0, SEEK_CUR));
    memset(buf, 0, sizeof buf);
    R(preadv2(fd, &iov, 1, 6, 0));
    printf("read [%s]\n", buf);
    R(lseek(fd, 0, SEEK_SET));
    memset(buf, 0, sizeof buf);
    R(preadv2(fd, &iov, 1, -1, 0));
    printf("read [%s]\n", buf);
    R(lseek(fd, 0, SEEK_CUR));
    R(preadv2(fd, &iov, 1, -2, 0));
    close(fd);
    unlink("/tmp/rwv2");

    /* SIGUSR1 unblocked, with a handler, and waited for: the call takes it. */
    signal(SIGUSR1, on_usr1);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        usleep(100000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    struct timespec ts = { 5, 0 };
    siginfo_t si;
    R(sigtimedwait(&set, &si, &ts));
    printf("handler ran %d times\n", (int)handled);
    child_status(c);
    /* Already pending while blocked, then waited for: returned at once. */
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    R(sigtimedwait(&set, &si, &ts));
    printf("handler ran %d times\n", (int)handled);
    puts("done");
    return 0;
}
