/* Descriptor plumbing: fcntl flags and duplication, dup/dup2/dup3, pipe2 with
 * its flags, EOF and EPIPE on pipes, and close-on-exec across execve. */
#include "tg.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

static void flags(const char *what, int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) { printf("%s: F_GETFL %s\n", what, strerrorname_np(errno)); return; }
    printf("%s: acc=%d append=%d nonblock=%d cloexec=%d\n", what, fl & O_ACCMODE,
           !!(fl & O_APPEND), !!(fl & O_NONBLOCK), fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "probe") == 0) {
        /* Re-executed: report whether each inherited fd survived execve. */
        for (char *p = argv[2]; *p; ) {
            int fd = (int)strtol(p, &p, 10);
            if (*p == ',') p++;
            printf("after exec fd %d: %s\n", fd, fcntl(fd, F_GETFD) < 0 ? "closed" : "open");
        }
        return 0;
    }
    int fd, p[2];
    char buf[16];
    R(chdir("/tmp"));
    R(fd = open("fcntl.f", O_CREAT | O_RDWR, 0644));
    flags("new", fd);
    R(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY)); /* access mode is ignored */
    flags("after F_SETFL", fd);
    R(fcntl(fd, F_SETFD, FD_CLOEXEC));
    flags("after F_SETFD", fd);
    R(fcntl(fd, F_DUPFD, 10));
    R(fcntl(fd, F_DUPFD, 10));
    flags("F_DUPFD copy", 10); /* the copy does not inherit FD_CLOEXEC */
    R(fcntl(fd, F_DUPFD_CLOEXEC, 0));
    flags("F_DUPFD_CLOEXEC copy", 4);
    R(fcntl(fd, F_DUPFD, -1));
    R(fcntl(99, F_GETFD));
    R(fcntl(fd, 0x7fff));
    R(dup(fd));
    R(dup2(fd, 20));
    R(dup2(fd, fd));
    R(dup2(99, 21));
    R(dup3(fd, fd, 0));
    R(dup3(fd, 22, O_CLOEXEC));
    flags("dup3 O_CLOEXEC", 22);
    R(dup3(fd, 23, 0x40));
    R(close(20));
    R(close(20));
    /* Status flags are shared between duplicates, descriptor flags are not. */
    R(fcntl(22, F_SETFL, 0));
    flags("original after dup changed", fd);
    R(pipe2(p, O_CLOEXEC | O_NONBLOCK));
    printf("pipe fds %d %d\n", p[0], p[1]);
    flags("pipe read end", p[0]);
    flags("pipe write end", p[1]);
    R(read(p[0], buf, sizeof buf));
    R(write(p[1], "abc", 3));
    R(read(p[0], buf, sizeof buf));
    R(write(p[0], "x", 1));
    R(read(p[1], buf, 1));
    R(close(p[1]));
    R(read(p[0], buf, sizeof buf)); /* EOF */
    R(close(p[0]));
    R(pipe2(p, 0x1234));
    R(pipe(p));
    R(close(p[0]));
    signal(SIGPIPE, SIG_IGN);
    R(write(p[1], "x", 1));
    R(close(p[1]));
    /* With SIGPIPE at its default, the writer dies of it. */
    fflush(stdout);
    R(pipe(p));
    /* The read end is closed before the fork so no reader exists at the write (no race). */
    close(p[0]);
    pid_t c = fork();
    if (c == 0) {
        signal(SIGPIPE, SIG_DFL);
        write(p[1], "x", 1);
        _exit(0);
    }
    close(p[1]);
    int status;
    waitpid(c, &status, 0);
    printf("writer: signaled=%d sig=%d\n", WIFSIGNALED(status), WTERMSIG(status));
    /* Pipe capacity: a non-blocking writer fills it and gets EAGAIN. */
    R(pipe2(p, O_NONBLOCK));
    long total = 0;
    static char chunk[4096];
    for (;;) {
        ssize_t n = write(p[1], chunk, sizeof chunk);
        if (n < 0) { printf("filled: %ld bytes then %s\n", total, strerrorname_np(errno)); break; }
        total += n;
    }
    R(fcntl(p[1], F_GETPIPE_SZ));
    R(close(p[0]));
    R(close(p[1]));
    /* Close-on-exec: fds 10 (plain) and 22 (cloexec) across execve. */
    fflush(stdout);
    c = fork();
    if (c == 0) {
        execl(argv[0], argv[0], "probe", "10,22,4,23", (char *)NULL);
        _exit(127);
    }
    waitpid(c, &status, 0);
    printf("probe exit=%d\n", WEXITSTATUS(status));
    return 0;
}
