/* Assorted syscalls whose answers are deterministic once machine-specific
 * values are reduced to facts: uname (sysname and machine only), ioctl on a
 * non-terminal, clocks and sleeping, getrandom, identity calls, and resource
 * limits set and read back. */
#include "tg.h"
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

static int64_t ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(void) {
    struct utsname u;
    R(uname(&u));
    printf("sysname=%s machine=%s\n", u.sysname, u.machine);
    /* Terminal ioctls on things that are not terminals. */
    struct termios t;
    int fd = open("/tmp/misc.f", O_CREAT | O_RDWR, 0644);
    R(ioctl(fd, TCGETS, &t));
    R(isatty(fd));
    int p[2];
    R(pipe(p));
    R(ioctl(p[0], TCGETS, &t));
    int avail = -1;
    R(write(p[1], "12345", 5));
    R(ioctl(p[0], FIONREAD, &avail));
    printf("FIONREAD = %d\n", avail);
    R(ioctl(99, TCGETS, &t));
    int nullfd = open("/dev/null", O_RDWR);
    R(ioctl(nullfd, TCGETS, &t));
    /* Clocks: monotonic never goes back; realtime is after 2020. */
    int64_t prev = ns(CLOCK_MONOTONIC), back = 0;
    for (int i = 0; i < 10000; i++) {
        int64_t now = ns(CLOCK_MONOTONIC);
        if (now < prev) back++;
        prev = now;
    }
    printf("monotonic went back %lld times\n", (long long)back);
    CHECK(ns(CLOCK_REALTIME) > 1577836800LL * 1000000000);
    CHECK(ns(CLOCK_BOOTTIME) >= 0);
    CHECK(ns(CLOCK_PROCESS_CPUTIME_ID) > 0);
    CHECK(ns(CLOCK_MONOTONIC_COARSE) > 0);
    struct timespec res;
    R(clock_getres(CLOCK_MONOTONIC, &res));
    CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
    struct timespec bad;
    R(clock_gettime((clockid_t)99, &bad));
    int64_t t0 = ns(CLOCK_MONOTONIC);
    struct timespec ten = {0, 10 * 1000 * 1000};
    R(nanosleep(&ten, NULL));
    int64_t slept = ns(CLOCK_MONOTONIC) - t0;
    CHECK(slept >= 10 * 1000 * 1000);
    CHECK(slept < 2000LL * 1000 * 1000);
    struct timespec neg = {0, -1};
    R(nanosleep(&neg, NULL));
    R(clock_nanosleep(CLOCK_MONOTONIC, 0, &ten, NULL) == 0);
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 5000000;
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    R(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0);
    CHECK(ns(CLOCK_MONOTONIC) >= (int64_t)abs.tv_sec * 1000000000 + abs.tv_nsec);
    struct timeval tv;
    R(gettimeofday(&tv, NULL));
    CHECK(tv.tv_sec > 1577836800);
    CHECK(time(NULL) > 1577836800);
    /* getrandom fills what was asked; two draws differ. */
    unsigned char a[64], b[64];
    R(getrandom(a, sizeof a, 0));
    R(getrandom(b, sizeof b, GRND_NONBLOCK));
    CHECK(memcmp(a, b, sizeof a) != 0);
    R(getrandom(a, 0, 0));
    R(getrandom(a, 4, 0x100));
    /* Identity. */
    pid_t pid = getpid();
    CHECK(pid > 0);
    /* A child's parent is us. (Our own parent is not checked: the first
     * program under tuxglass may be pid 1, whose parent is 0.) */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) _exit(getppid() == pid ? 0 : 1);
    int st = -1;
    waitpid(child, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(syscall(SYS_gettid) == pid);
    printf("uid=%u euid=%u gid=%u egid=%u\n", getuid(), geteuid(), getgid(), getegid());
    CHECK(getpgid(0) > 0);
    R(getpgid(-5));
    R(sched_yield());
    /* Resource limits: set, read back, and their rules. */
    struct rlimit rl = {64, 128}, got;
    R(setrlimit(RLIMIT_NOFILE, &rl));
    R(getrlimit(RLIMIT_NOFILE, &got));
    printf("NOFILE = %llu/%llu\n", (unsigned long long)got.rlim_cur, (unsigned long long)got.rlim_max);
    rl.rlim_cur = 256;
    R(setrlimit(RLIMIT_NOFILE, &rl)); /* soft above hard */
    struct rlimit nl = {5, 5}, old;
    R(prlimit(0, RLIMIT_NOFILE, &nl, &old));
    printf("old NOFILE = %llu/%llu\n", (unsigned long long)old.rlim_cur, (unsigned long long)old.rlim_max);
    R(dup(0));
    R(dup(0)); /* seven fds are open already, the limit is five */
    R(fcntl(0, F_DUPFD, 5));
    R(dup2(0, 5));
    R(open("/tmp/misc.f", O_RDONLY));
    R(getrlimit(RLIMIT_NOFILE, &got));
    printf("NOFILE = %llu/%llu\n", (unsigned long long)got.rlim_cur, (unsigned long long)got.rlim_max);
    /* Not tested: raising a hard limit (needs CAP_SYS_RESOURCE, which a
     * container's root may lack) and RLIMIT_STACK (qemu-user ignores it). */
    R(getrlimit(99, &got));
    struct rlimit core0 = {0, 0};
    R(setrlimit(RLIMIT_CORE, &core0));
    R(getrlimit(RLIMIT_CORE, &got));
    printf("CORE = %llu/%llu\n", (unsigned long long)got.rlim_cur, (unsigned long long)got.rlim_max);
    struct rusage ru;
    R(getrusage(RUSAGE_SELF, &ru));
    R(getrusage(7, &ru));
    R(unlink("/tmp/misc.f"));
    return 0;
}
