/* Argument checks and limits where tuxglass once departed from Linux (each
 * found by LTP): O_PATH descriptors refused by calls that act on the file,
 * getrusage's who, mknod's file types, wait4(INT_MIN), SA_RESETHAND keeping
 * SA_SIGINFO, socket option levels, kcmp, readahead, vhangup, RNDGETENTCNT, setpgid after exec, shared futex keys, readlink of "" and of an over-long name, RLIMIT_FSIZE on write
 * and truncate (SIGXFSZ, EFBIG, short writes), fallocate past 2^63. */
#include "tg.h"
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netinet/in.h>

#define TCP_NODELAY_ 1
static volatile sig_atomic_t xfsz;
static void on_xfsz(int s) { (void)s; xfsz++; }
static void on_usr1(int s, siginfo_t *si, void *u) { (void)s; (void)si; (void)u; }

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "exec") == 0) { write(atoi(argv[2]), "x", 1); pause(); return 0; }
    int fd = open("/tmp/edges", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int pf = open("/tmp/edges", O_PATH);
    int ep = epoll_create1(0);
    struct epoll_event ev = { EPOLLIN, { 0 } };
    struct rusage ru;
    char buf[64];
    R(fchmod(pf, 0600));
    R(fchown(pf, 0, 0));
    R(accept(pf, NULL, NULL));
    R(epoll_ctl(ep, EPOLL_CTL_ADD, pf, &ev));
    R(ftruncate(pf, 0));
    R(fsync(pf));
    R(syscall(SYS_getrusage, -2, &ru));
    R(syscall(SYS_getrusage, 2, &ru));
    R(mknod("/tmp/edges-n", S_IFMT, 0));
    R(mknod("/tmp/edges-n", S_IFDIR | 0755, 0));
    R(mknod("/tmp/edges-n", S_IFLNK | 0755, 0));
    R(syscall(SYS_wait4, INT_MIN, NULL, 0, NULL));
    R(waitpid(INT_MIN + 1, NULL, WNOHANG));

    struct sigaction sa = {0}, old;
    sa.sa_sigaction = on_usr1; sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    sigaction(SIGUSR1, NULL, &old);
    printf("after SA_RESETHAND: default %d siginfo kept %d\n", old.sa_handler == SIG_DFL, (old.sa_flags & SA_SIGINFO) != 0);

    char longp[PATH_MAX + 10];
    memset(longp, 'a', sizeof longp - 1); longp[sizeof longp - 1] = 0;
    R(readlink("", buf, sizeof buf));
    R(readlink(longp, buf, sizeof buf));
    R(readlink("/tmp/edges", buf, sizeof buf));
    R(readlink("/tmp/edges", buf, 0));

    signal(SIGXFSZ, on_xfsz);
    struct rlimit rl = { 100, RLIM_INFINITY };
    setrlimit(RLIMIT_FSIZE, &rl);
    memset(buf, 'x', sizeof buf);
    R(pwrite(fd, buf, 64, 60));
    R(write(fd, buf, 64));
    printf("SIGXFSZ so far %d\n", (int)xfsz);
    R(pwrite(fd, buf, 10, 100));
    printf("SIGXFSZ so far %d\n", (int)xfsz);
    R(ftruncate(fd, 101));
    R(ftruncate(fd, 50));
    R(truncate("/tmp/edges", 200));
    printf("SIGXFSZ so far %d\n", (int)xfsz);
    rl.rlim_cur = RLIM_INFINITY;
    setrlimit(RLIMIT_FSIZE, &rl);
    R(fallocate(fd, 0, 0x7ffffffffffffc00LL, 1024));
    R(fallocate(fd, 0, 1024, 0x7ffffffffffffc00LL));
    /* Socket option levels: an unknown level falls through to ip_getsockopt (EOPNOTSUPP)
     * but ip_setsockopt says ENOPROTOOPT; unknown option numbers are ENOPROTOOPT. */
    int tcp = socket(AF_INET, SOCK_STREAM, 0), v = 1;
    socklen_t vl = sizeof v;
    R(getsockopt(tcp, 500, 1, &v, &vl));
    R(getsockopt(tcp, IPPROTO_UDP, 1, &v, &vl));
    R(setsockopt(tcp, 500, 1, &v, sizeof v));
    R(setsockopt(tcp, IPPROTO_IP, 500, &v, sizeof v));
    R(setsockopt(tcp, IPPROTO_TCP, 500, &v, sizeof v));
    R(setsockopt(tcp, IPPROTO_TCP, TCP_NODELAY_, &v, sizeof v));
    close(tcp);
    /* kcmp: the same object is 0, different ones an order (1 or 2). */
    pid_t me = getpid(), kid = fork();
    if (kid == 0) { pause(); _exit(0); }
    int d = dup(1);
    R(syscall(SYS_kcmp, me, me, 0 /* KCMP_FILE */, 1, d));
    R(syscall(SYS_kcmp, me, me, 0, 1, 99));
    long r = syscall(SYS_kcmp, me, me, 0, 0, fd);
    printf("kcmp different files: %s\n", r == 1 || r == 2 ? "ordered" : "?");
    R(syscall(SYS_kcmp, me, kid, 0 /* KCMP_FILE */, 1, 1));
    r = syscall(SYS_kcmp, me, kid, 2 /* KCMP_FILES */, 0, 0);
    printf("kcmp files after fork: %s\n", r == 1 || r == 2 ? "ordered" : "?");
    r = syscall(SYS_kcmp, me, kid, 1 /* KCMP_VM */, 0, 0);
    printf("kcmp vm after fork: %s\n", r == 1 || r == 2 ? "ordered" : "?");
    R(syscall(SYS_kcmp, me, me, 4 /* KCMP_SIGHAND */, 0, 0));
    R(syscall(SYS_kcmp, me, me, 99, 0, 0));
    R(syscall(SYS_kcmp, me, 0x3fffffff, 1, 0, 0));
    kill(kid, SIGKILL);
    child_status(kid);
    close(d);
    /* readahead: regular files open for reading only. */
    int pp[2]; pipe(pp);
    int wo = open("/tmp/edges", O_WRONLY);
    R(readahead(fd, 0, 4096));
    R(readahead(pp[0], 0, 4096));
    R(readahead(wo, 0, 4096));
    R(readahead(pf, 0, 4096));
    close(pp[0]); close(pp[1]); close(wo);
    /* vhangup: CAP_SYS_ADMIN; with no controlling terminal there is nothing to hang up. */
    pid_t vh = fork();
    if (vh == 0) {
        setsid();
        R(vhangup());
        if (setuid(65534) == 0) R(vhangup());
        _exit(0);
    }
    child_status(vh);
    /* setpgid on a child that has exec'd: EACCES; before it has, it works. */
    int sync[2]; pipe(sync);
    pid_t ex = fork();
    if (ex == 0) {
        char num[16]; snprintf(num, sizeof num, "%d", sync[1]);
        execl("/tmp/sys_edges", "sys_edges", "exec", num, (char *)NULL);
        _exit(127);
    }
    char c; read(sync[0], &c, 1);
    R(setpgid(ex, ex));
    pid_t nx = fork();
    if (nx == 0) { pause(); _exit(0); }
    R(setpgid(nx, nx) == 0 && getpgid(nx) == nx);
    kill(ex, SIGKILL); kill(nx, SIGKILL); child_status(ex); child_status(nx);
    /* A shared futex needs its page: PROT_NONE or unmapped is EFAULT, even to wake. */
    void *pn = mmap(NULL, 4096, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    R(syscall(SYS_futex, pn, 1 /* FUTEX_WAKE */, 1, NULL, NULL, 0));
    munmap(pn, 4096);
    R(syscall(SYS_futex, pn, 1 /* FUTEX_WAKE */, 1, NULL, NULL, 0));
    /* /dev/random's entropy count: a seeded CRNG reads as 256 bits. */
    int rnd = open("/dev/random", O_RDONLY), ent = -1;
    R(ioctl(rnd, 0x80045200 /* RNDGETENTCNT */, &ent));
    printf("entropy %d\n", ent);
    close(rnd);
    close(fd); close(pf);
    unlink("/tmp/edges");
    puts("done");
    return 0;
}
