/* epoll, poll, ppoll and pselect6: level- and edge-triggered readiness on
 * pipes and socketpairs, EPOLLONESHOT, EPOLLEXCLUSIVE with blocked waiters,
 * EPOLLRDHUP/HUP/ERR, nested epoll instances and their limits, epoll_ctl's
 * errors, closing watched descriptors, signal masks and EINTR, and the time
 * left written back. Counts and event masks only: never a time. */
#include "tg.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static void show(const char *what, int n, struct epoll_event *ev) {
    printf("%s: %d", what, n);
    for (int i = 0; i < n; i++) printf(" [%#x data=%llu]", ev[i].events, (unsigned long long)ev[i].data.u64);
    printf("\n");
}

static int wait0(int ep, const char *what) {
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, 8, 0);
    if (n < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
    else show(what, n, ev);
    return n;
}

static int add(int ep, int fd, unsigned events, unsigned long long data) {
    struct epoll_event e = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}
static int mod(int ep, int fd, unsigned events, unsigned long long data) {
    struct epoll_event e = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

/* epoll_pwait2 with one event and no mask. qemu-user (8.x) lacks it (ENOSYS):
 * there the answer comes from epoll_pwait with the same timeout, and a bad
 * timespec gives EINVAL as epoll_pwait2(2) documents. */
static int pwait2(int ep, struct epoll_event *ev, struct timespec *ts) {
    int r = syscall(SYS_epoll_pwait2, ep, ev, 1, ts, NULL, 8);
    if (r >= 0 || errno != ENOSYS) return r;
    if (ts && (ts->tv_nsec < 0 || ts->tv_nsec > 999999999 || ts->tv_sec < 0)) { errno = EINVAL; return -1; }
    return epoll_wait(ep, ev, 1, ts ? ts->tv_sec * 1000 + ts->tv_nsec / 1000000 : -1);
}

static volatile int got_usr1;
static void on_usr1(int s) { (void)s; got_usr1++; }

struct waiter { int ep; int n; };
static void *exclusive_waiter(void *arg) {
    struct waiter *w = arg;
    struct epoll_event ev;
    w->n = epoll_wait(w->ep, &ev, 1, 400);
    return NULL;
}

/* Two epoll instances, each with one thread blocked in epoll_wait, watch one
 * pipe; one write wakes both, or just one when the items are exclusive. */
static void exclusive(unsigned flag) {
    int p[2];
    pipe(p);
    struct waiter w[2];
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        w[i].ep = epoll_create1(0);
        w[i].n = -2;
        add(w[i].ep, p[0], EPOLLIN | flag, i);
    }
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, exclusive_waiter, &w[i]);
    usleep(100000);
    write(p[1], "x", 1);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    printf("%s: woken %d\n", flag ? "exclusive" : "shared", (w[0].n == 1) + (w[1].n == 1));
    close(p[0]); close(p[1]); close(w[0].ep); close(w[1].ep);
}

int main(void) {
    char buf[64];
    int p[2];
    R(pipe(p));
    R(epoll_create1(~EPOLL_CLOEXEC));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    R(ep >= 0);
    R(fcntl(ep, F_GETFD));

    /* Level-triggered: reported while data remain. */
    R(add(ep, p[0], EPOLLIN, 7));
    R(add(ep, p[0], EPOLLIN, 7));
    wait0(ep, "empty pipe");
    R(write(p[1], "abc", 3));
    wait0(ep, "LT after write");
    wait0(ep, "LT again");
    R(read(p[0], buf, 3));
    wait0(ep, "LT drained");

    /* Edge-triggered: one report per wake-up. */
    R(mod(ep, p[0], EPOLLIN | EPOLLET, 8));
    wait0(ep, "ET nothing");
    R(write(p[1], "abc", 3));
    wait0(ep, "ET after write");
    wait0(ep, "ET again");
    R(read(p[0], buf, 1));
    wait0(ep, "ET after partial read");
    R(write(p[1], "d", 1));
    wait0(ep, "ET after second write");
    R(read(p[0], buf, sizeof buf));

    /* One-shot: disabled after one report until MOD. */
    R(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 9));
    R(write(p[1], "e", 1));
    wait0(ep, "oneshot");
    wait0(ep, "oneshot disabled");
    R(write(p[1], "f", 1));
    wait0(ep, "oneshot still disabled");
    R(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 10));
    wait0(ep, "oneshot re-armed");
    R(read(p[0], buf, sizeof buf));

    /* The write end: POLLOUT, and EPOLLERR when the reader goes. */
    R(add(ep, p[1], EPOLLOUT, 11));
    R(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    R(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    wait0(ep, "write end");
    R(mod(ep, p[1], 0, 12));
    wait0(ep, "write end, no interest");
    R(close(p[0]));
    wait0(ep, "write end, reader closed");
    R(close(p[1]));
    wait0(ep, "after closing the watched fd");
    R(mod(ep, p[1], EPOLLIN, 0));

    /* Errors of epoll_ctl. */
    int fd = open("/tmp/epoll-file", O_CREAT | O_RDWR, 0600);
    R(add(ep, fd, EPOLLIN, 0));
    R(add(ep, ep, EPOLLIN, 0));
    R(add(ep, 99, EPOLLIN, 0));
    R(add(99, fd, EPOLLIN, 0));
    R(pipe(p));
    R(add(fd, p[0], EPOLLIN, 0));
    R(epoll_ctl(ep, 7, p[0], &(struct epoll_event){0}));
    R(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL));
    R(add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP, 0));
    R(add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 0));
    R(add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 0));
    R(mod(ep, p[0], EPOLLIN, 0));
    R(mod(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 0));
    R(mod(ep, p[1], EPOLLIN, 0));
    struct epoll_event evs[4];
    R(epoll_wait(ep, evs, 0, 0));
    volatile int minus1 = -1;
    R(epoll_wait(ep, evs, minus1, 0));
    R(epoll_wait(fd, evs, 1, 0));
    R(epoll_wait(99, evs, 1, 0));
    R(write(p[1], "x", 1));
    struct epoll_event *volatile nowhere = NULL;
    R(epoll_wait(ep, nowhere, 1, 0));
    close(fd); unlink("/tmp/epoll-file");

    /* A dup keeps the item alive: it goes with the last reference. */
    int ep2 = epoll_create1(0);
    int d = dup(p[0]);
    R(add(ep2, d, EPOLLIN, 42));
    R(close(d) == 0);
    int d2 = dup(p[0]);
    (void)d2;
    wait0(ep2, "item of a closed fd whose file lives on");
    close(ep2);
    close(p[0]); close(p[1]); close(d2);
    close(ep);

    /* Socketpairs: EPOLLRDHUP and EPOLLHUP. */
    int sv[2];
    R(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    ep = epoll_create1(0);
    R(add(ep, sv[0], EPOLLIN | EPOLLOUT | EPOLLRDHUP, 1));
    wait0(ep, "socket writable");
    R(mod(ep, sv[0], EPOLLIN | EPOLLRDHUP | EPOLLET, 2));
    R(send(sv[1], "hi", 2, 0));
    wait0(ep, "socket ET data");
    wait0(ep, "socket ET again");
    R(send(sv[1], "yo", 2, 0));
    wait0(ep, "socket ET more data");
    R(shutdown(sv[1], SHUT_WR));
    wait0(ep, "peer shut down writing");
    R(close(sv[1]));
    R(mod(ep, sv[0], EPOLLOUT, 3));
    wait0(ep, "peer closed");
    close(sv[0]);
    close(ep);

    /* Ready-list order with maxevents smaller than the number ready. */
    ep = epoll_create1(0);
    int q[3][2];
    for (int i = 0; i < 3; i++) { pipe(q[i]); write(q[i][1], "z", 1); add(ep, q[i][0], EPOLLIN, 100 + i); }
    for (int i = 0; i < 4; i++) {
        struct epoll_event e1[2];
        int n = epoll_wait(ep, e1, 2, 0);
        show("round robin", n, e1);
    }
    /* Nested: an epoll instance inside another. */
    int outer = epoll_create1(0);
    int inner = epoll_create1(0);
    R(add(outer, inner, EPOLLIN, 55));
    wait0(outer, "outer, inner idle");
    R(add(inner, q[0][0], EPOLLIN, 1));
    wait0(outer, "outer, inner ready");
    struct pollfd pf = {inner, POLLIN | POLLOUT, 0};
    R(poll(&pf, 1, 0));
    printf("poll of inner: revents %#x\n", pf.revents);
    R(add(inner, outer, EPOLLIN, 0));
    R(add(inner, inner, EPOLLIN, 0));
    R(add(outer, inner, EPOLLIN | EPOLLEXCLUSIVE, 0));
    int chain[7];
    for (int i = 0; i < 7; i++) chain[i] = epoll_create1(0);
    for (int i = 0; i < 6; i++) {
        errno = 0;
        int r = add(chain[i], chain[i + 1], EPOLLIN, 0);
        printf("chain %d in %d: %d %s\n", i + 1, i, r, r ? strerrorname_np(errno) : "");
    }
    for (int i = 0; i < 7; i++) close(chain[i]);
    /* fdinfo of an epoll fd lists its items. */
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", inner);
    FILE *f = fopen(path, "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        int tfd; unsigned ev; unsigned long long data;
        if (sscanf(line, "tfd: %d events: %x data: %llx", &tfd, &ev, &data) == 3)
            printf("fdinfo: tfd=%d events=%x data=%llx\n", tfd == q[0][0], ev, data);
        else if (!strncmp(line, "flags:", 6)) printf("fdinfo %s", line);
    }
    if (f) fclose(f);
    close(outer); close(inner);
    for (int i = 0; i < 3; i++) { close(q[i][0]); close(q[i][1]); }
    close(ep);

    exclusive(0);
    exclusive(EPOLLEXCLUSIVE);

    /* poll: POLLNVAL, negative fds, events masks, nfds limits. */
    R(pipe(p));
    struct pollfd pfs[4] = {{p[0], POLLIN, 0}, {p[1], POLLOUT | POLLIN, 0}, {-1, POLLIN, 0}, {77, POLLIN, 0}};
    R(poll(pfs, 4, 0));
    for (int i = 0; i < 4; i++) printf("  pollfd %d revents %#x\n", i, pfs[i].revents);
    R(write(p[1], "a", 1));
    R(poll(pfs, 2, 10));
    printf("  revents %#x %#x\n", pfs[0].revents, pfs[1].revents);
    /* nfds above RLIMIT_NOFILE (with memory behind all of them: qemu copies the array first). */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    struct rlimit small = {64, rl.rlim_max};
    setrlimit(RLIMIT_NOFILE, &small);
    static struct pollfd many[65];
    for (int i = 0; i < 65; i++) many[i].fd = -1;
    R(poll(many, 64, 0));
    R(poll(many, 65, 0));
    setrlimit(RLIMIT_NOFILE, &rl);
    R(close(p[1]));
    R(poll(pfs, 1, 0));
    printf("  writer closed: revents %#x\n", pfs[0].revents);
    R(read(p[0], buf, sizeof buf));
    pfs[0].events = 0;
    R(poll(pfs, 1, 0));
    printf("  no events asked: revents %#x\n", pfs[0].revents);

    /* ppoll: the time left written back, the mask in force only while waiting. */
    /* glibc's ppoll and pselect pass the kernel a copy of the timeout: the raw calls show what Linux writes back. */
    struct timespec ts = {0, 20000000};
    int e[2];
    pipe(e);
    struct pollfd pe = {e[0], POLLIN, 0};
    R(syscall(SYS_ppoll, &pe, 1, &ts, NULL, 8));
    printf("  timespec after timeout: %ld %ld\n", (long)ts.tv_sec, ts.tv_nsec);
    ts = (struct timespec){0, 0};
    R(syscall(SYS_ppoll, &pe, 1, &ts, NULL, 8));
    printf("  zero timeout: %ld %ld\n", (long)ts.tv_sec, ts.tv_nsec);
    ts = (struct timespec){7, 0};
    write(e[1], "q", 1);
    R(syscall(SYS_ppoll, &pe, 1, &ts, NULL, 8));
    printf("  ready at once: left <= 7s %d, > 6s %d\n", ts.tv_sec < 7 || (ts.tv_sec == 7 && ts.tv_nsec == 0), ts.tv_sec >= 6);
    read(e[0], buf, 1);
    ts.tv_nsec = -1;
    R(ppoll(&pe, 1, &ts, NULL));
    R(syscall(SYS_ppoll, &pe, 1, NULL, &(sigset_t){0}, 4));
    signal(SIGUSR1, on_usr1);
    sigset_t block, none, cur;
    sigemptyset(&block); sigaddset(&block, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    printf("  pending before ppoll, handled %d\n", got_usr1);
    ts = (struct timespec){5, 0};
    /* Linux writes the time left back on EINTR too; qemu-user copies it back only on success, so it is not shown. */
    R(syscall(SYS_ppoll, &pe, 1, &ts, &none, 8));
    printf("  handled %d\n", got_usr1);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("  mask restored: USR1 blocked %d\n", sigismember(&cur, SIGUSR1));
    /* Ready at once: the temporary mask never lets the signal in. */
    raise(SIGUSR1);
    write(e[1], "r", 1);
    R(ppoll(&pe, 1, NULL, &none));
    printf("  handled %d\n", got_usr1);
    sigpending(&cur);
    printf("  still pending %d\n", sigismember(&cur, SIGUSR1));
    /* pselect6 with the same mask rules, then its own checks. */
    read(e[0], buf, 1);
    fd_set rs;
    FD_ZERO(&rs); FD_SET(e[0], &rs);
    struct timespec t2 = {3, 0};
    R(pselect(e[0] + 1, &rs, NULL, NULL, &t2, &none));
    printf("  handled %d, set %d, mask restored %d\n", got_usr1, FD_ISSET(e[0], &rs), (sigprocmask(SIG_BLOCK, NULL, &cur), sigismember(&cur, SIGUSR1)));
    FD_ZERO(&rs); FD_SET(e[0], &rs);
    t2 = (struct timespec){0, 10000000};
    R(syscall(SYS_pselect6, e[0] + 1, &rs, NULL, NULL, &t2, NULL));
    printf("  after timeout: set %d timespec %ld %ld\n", FD_ISSET(e[0], &rs), (long)t2.tv_sec, t2.tv_nsec);
    fd_set ws, xs;
    FD_ZERO(&rs); FD_ZERO(&ws); FD_ZERO(&xs);
    FD_SET(e[0], &rs); FD_SET(e[1], &ws); FD_SET(e[0], &xs); FD_SET(e[1], &rs);
    R(select(e[1] + 1, &rs, &ws, &xs, &(struct timeval){0, 0}));
    printf("  r %d %d w %d x %d\n", FD_ISSET(e[0], &rs), FD_ISSET(e[1], &rs), FD_ISSET(e[1], &ws), FD_ISSET(e[0], &xs));
    FD_ZERO(&rs); FD_SET(60, &rs);
    R(select(61, &rs, NULL, NULL, &(struct timeval){0, 0}));
    R(select(-1, NULL, NULL, NULL, &(struct timeval){0, 0}));
    R(select(1, NULL, NULL, NULL, &(struct timeval){0, -1}));
    /* Bits past the descriptor table are not looked at. */
    static fd_set big;
    FD_ZERO(&big); FD_SET(1000, &big);
    R(select(1001, &big, NULL, NULL, &(struct timeval){0, 0}));

    /* epoll_pwait: EINTR with the handler run under the call's mask. */
    ep = epoll_create1(0);
    add(ep, e[0], EPOLLIN, 1);
    raise(SIGUSR1);
    struct epoll_event one;
    R(epoll_pwait(ep, &one, 1, 5000, &none));
    printf("  handled %d\n", got_usr1);
    R(epoll_pwait(ep, &one, 1, 0, &none));
    R(syscall(SYS_epoll_pwait, ep, &one, 1, 0, &none, 4));
    R(pwait2(ep, &one, &(struct timespec){0, 1000000000}));
    R(pwait2(ep, &one, &(struct timespec){0, 1000000}));
    write(e[1], "w", 1);
    R(pwait2(ep, &one, NULL));
    /* A child blocked in epoll_wait is woken by data from its parent. */
    pid_t pid = fork();
    if (pid == 0) {
        read(e[0], buf, 1);
        int n = epoll_wait(ep, &one, 1, 5000);
        _exit(n == 1 && one.data.u64 == 1 ? 0 : 1);
    }
    usleep(50000);
    write(e[1], "c", 1);
    int status;
    waitpid(pid, &status, 0);
    printf("child woken by the write: exit %d\n", WEXITSTATUS(status));
    printf("done\n");
    return 0;
}
