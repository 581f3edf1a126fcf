/* Single errno and semantic details LTP found departing from Linux (issue 12
 * §7): raw sockets of protocol 0, a null socklen pointer, fchownat's flags,
 * ETXTBSY at execve, O_NOATIME by a non-owner, mmap of O_PATH descriptors and
 * of /dev/zero, memfd write seals against shared mappings, O_TRUNC through
 * /proc/self/fd, addresses of 2^64 - 1, sendfile's offset write-back,
 * pidfd_send_signal on a /proc/N directory, waitid on a non-blocking pidfd,
 * getcwd outside the root, utimensat's null name, personality(2) and
 * STICKY_TIMEOUTS, RLIMIT_SIGPENDING for real-time signals. Run as root. */
#include "tg.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <netinet/in.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int main(int argc, char **argv) {
    if (argc > 0 && strcmp(argv[0], "/tmp/errno-exe") == 0) { printf("the copy ran\n"); return 0; }
    int sv[2];
    struct sockaddr_in sin = { .sin_family = AF_INET };
    R(socket(AF_INET, SOCK_RAW, 0));
    R(socketpair(AF_INET, SOCK_RAW, 0, sv));
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    R(getsockname(s, (struct sockaddr *)&sin, NULL));
    close(s);

    int fd = open("/tmp/errno-f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    R(fchownat(AT_FDCWD, "/tmp/errno-f", 0, 0, 9999));

    /* A copy of this program, held open for writing, does not run. */
    int self = open(argv[0], O_RDONLY);
    int copy = open("/tmp/errno-exe", O_RDWR | O_CREAT | O_TRUNC, 0755);
    char buf[4096];
    ssize_t n;
    while ((n = read(self, buf, sizeof buf)) > 0) write(copy, buf, n);
    close(self);
    pid_t p = fork();
    if (p == 0) {
        char *args[] = { "/tmp/errno-exe", NULL };
        execv("/tmp/errno-exe", args);
        printf("execv(copy open for writing) = -1 %s\n", strerrorname_np(errno));
        _exit(0);
    }
    child_status(p);
    close(copy);
    unlink("/tmp/errno-exe");

    /* O_NOATIME is the owner's. */
    p = fork();
    if (p == 0) {
        if (setuid(65534) == 0) {
            R(open("/tmp/errno-f", O_RDONLY | O_NOATIME));
            int r = open("/tmp/errno-f", O_RDONLY);
            R(fcntl(r, F_SETFL, O_NOATIME));
        }
        _exit(0);
    }
    child_status(p);

    int pf = open("/tmp/errno-f", O_PATH);
    R(mmap(NULL, 4096, PROT_READ, MAP_SHARED, pf, 0) == MAP_FAILED ? -1 : 0);
    R(msync((void *)-1, 4096, MS_SYNC));
    R(mprotect((void *)-1, 4096, PROT_READ));

    /* /dev/zero: anonymous memory; read-only descriptor, shared mapping: never writable. */
    int z = open("/dev/zero", O_RDONLY);
    char *zp = mmap(NULL, 4096, PROT_READ, MAP_SHARED, z, 0);
    CHECK(zp != MAP_FAILED);
    R(mprotect(zp, 4096, PROT_READ | PROT_WRITE));
    char *zq = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    CHECK(zq != MAP_FAILED);
    if (zq != MAP_FAILED) { zq[10] = 7; printf("private /dev/zero page: %d %d\n", zq[0], zq[10]); }

    /* memfd write seals. */
    int m = memfd_create("seal", MFD_ALLOW_SEALING);
    ftruncate(m, 8192);
    char *mp = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
    R(fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
    munmap(mp, 8192);
    R(fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
    R(mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0) == MAP_FAILED ? -1 : 0);
    mp = mmap(NULL, 8192, PROT_READ, MAP_SHARED, m, 0);
    R(mprotect(mp, 8192, PROT_READ | PROT_WRITE));
    R(mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, m, 0) == MAP_FAILED ? -1 : 0);
    int m2 = memfd_create("trunc", 0);
    ftruncate(m2, 8192);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", m2);
    int m3 = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    struct stat st;
    fstat(m2, &st);
    printf("O_TRUNC through /proc/self/fd: opened %s, size %ld\n", m3 >= 0 ? "yes" : "no", (long)st.st_size);

    /* sendfile writes the offset back: a read-only pointer is EFAULT. */
    write(fd, "data", 4);
    int out = open("/tmp/errno-out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    off_t *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    R(sendfile(out, fd, ro, 1));
    off_t off = 1;
    R(sendfile(out, fd, &off, 2));
    printf("offset now %ld\n", (long)off);

    /* pidfd_send_signal on /proc/self; waitid on a PIDFD_NONBLOCK pidfd. */
    int procfd = open("/proc/self", O_DIRECTORY | O_CLOEXEC);
    R(syscall(SYS_pidfd_send_signal, procfd, 0, NULL, 0));
    siginfo_t si = { 0 };
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    R(syscall(SYS_pidfd_send_signal, procfd, SIGUSR2, &si, 0));
    R(syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0));
    int pipefd[2];
    pipe(pipefd);
    p = fork();
    if (p == 0) { char c; read(pipefd[0], &c, 1); _exit(3); }
    int pidfd = syscall(SYS_pidfd_open, p, O_NONBLOCK);
    R(waitid(P_PIDFD, pidfd, &si, WEXITED));
    write(pipefd[1], "x", 1);
    struct pollfd pfd = { pidfd, POLLIN, 0 };
    poll(&pfd, 1, -1);
    R(waitid(P_PIDFD, pidfd, &si, WEXITED | __WALL) == 0 ? si.si_status : -1);

    /* getcwd from outside the root: "(unreachable)/..." and realpath's ENOENT. */
    mkdir("/tmp/errno-root", 0755);
    p = fork();
    if (p == 0) {
        chdir("/tmp");
        chroot("/tmp/errno-root");
        char cwd[256];
        long r = syscall(SYS_getcwd, cwd, sizeof cwd);
        printf("getcwd outside root: %s\n", r > 0 && strncmp(cwd, "(unreachable)/", 14) == 0 ? "(unreachable)/..." : cwd);
        R(realpath(".", NULL) == NULL ? -1 : 0);
        _exit(0);
    }
    child_status(p);
    rmdir("/tmp/errno-root");

    R(syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0));

    /* personality(2) keeps the persona; STICKY_TIMEOUTS keeps select's timeout. */
    R(personality(PER_SVR4));
    R(personality(0xffffffff) == PER_SVR4);
    R(personality(PER_LINUX | STICKY_TIMEOUTS));
    fd_set rfds;
    FD_ZERO(&rfds);
    FD_SET(pipefd[0], &rfds);
    char c;
    read(pipefd[0], &c, 0);
    int q[2];
    pipe(q);
    FD_ZERO(&rfds);
    FD_SET(q[0], &rfds);
    struct timeval tv = { 0, 10 };
    R(select(q[0] + 1, &rfds, NULL, NULL, &tv));
    printf("sticky timeout: %ld\n", (long)tv.tv_usec);
    p = fork();
    if (p == 0) { printf("child persona %#x\n", personality(0xffffffff)); _exit(0); }
    child_status(p);
    personality(PER_LINUX);

    /* Real-time signals are held to RLIMIT_SIGPENDING; kill's are sent without their siginfo. */
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &rt, NULL);
    struct rlimit old, none = { 0, 0 };
    getrlimit(RLIMIT_SIGPENDING, &old);
    setrlimit(RLIMIT_SIGPENDING, &none);
    R(syscall(SYS_tgkill, getpid(), gettid(), SIGRTMIN));
    union sigval v = { .sival_int = 1 };
    R(sigqueue(getpid(), SIGRTMIN, v));
    R(kill(getpid(), SIGRTMIN));
    setrlimit(RLIMIT_SIGPENDING, &old);
    sigset_t pend;
    sigpending(&pend);
    printf("SIGRTMIN pending: %d\n", sigismember(&pend, SIGRTMIN));
    unlink("/tmp/errno-f");
    unlink("/tmp/errno-out");
    printf("done\n");
    return 0;
}
