/* POSIX IPC: message queues (mq_*, the mqueue file system, limits in
 * /proc/sys/fs/mqueue) and shared memory through glibc's shm_open on
 * /dev/shm. The reference runs in a fresh IPC namespace. With the argument
 * "notify": mq_notify, which qemu-user lacks (checked against mq_notify(3)). */
#include "tg.h"
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static void getattr(mqd_t q, const char *what) {
    struct mq_attr a;
    if (mq_getattr(q, &a)) { printf("%s: mq_getattr -1 %s\n", what, strerrorname_np(errno)); return; }
    printf("%s: flags=%lo maxmsg=%ld msgsize=%ld curmsgs=%ld\n", what, a.mq_flags, a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs);
}

static void rcv(mqd_t q, size_t len) {
    char buf[128];
    unsigned prio = 99;
    errno = 0;
    ssize_t n = mq_receive(q, buf, len, &prio);
    if (n < 0) printf("mq_receive = -1 %s\n", strerrorname_np(errno));
    else printf("mq_receive = %zd prio=%u [%.*s]\n", n, prio, (int)n, buf);
}

static void file_line(const char *path) {
    char buf[256] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("open %s: %s\n", path, strerrorname_np(errno)); return; }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    /* NOTIFY_PID is a pid: shown as whether it is ours. */
    char *p = strstr(buf, "NOTIFY_PID:");
    if (p) { int pid = atoi(p + 11); sprintf(p, "NOTIFY_PID:%s\n", pid == 0 ? "0" : pid == getpid() ? "self" : "other"); }
    printf("read %s (%zd bytes): %s", path, n, buf);
}

/* The status line as another process reads it: a close by the registered
 * process itself would drop its registration (mqueue_flush_file). */
static void status_from_child(const char *path) {
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char buf[256] = {0};
        int fd = open(path, O_RDONLY);
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        char *p = strstr(buf, "NOTIFY_PID:");
        if (p) { int pid = atoi(p + 11); sprintf(p, "NOTIFY_PID:%s\n", pid == 0 ? "0" : pid == getppid() ? "parent" : "other"); }
        printf("read %s (%zd bytes): %s", path, n, buf);
        _exit(0);
    }
    child_status(c);
}

static void sysctl_write(const char *path, const char *v) {
    int fd = open(path, O_WRONLY);
    errno = 0;
    long r = write(fd, v, strlen(v));
    printf("write %s %s = %ld %s\n", path, v, r, r < 0 ? strerrorname_np(errno) : "");
    close(fd);
}

static void test_mq(void) {
    printf("--- mq\n");
    struct mq_attr at = { .mq_maxmsg = 4, .mq_msgsize = 64 };
    mqd_t q = mq_open("/tgq", O_CREAT | O_RDWR, 0600, &at);
    printf("mq_open ok=%d cloexec=%d\n", q >= 0, fcntl(q, F_GETFD) == FD_CLOEXEC);
    R(mq_open("/tgq", O_CREAT | O_EXCL | O_RDWR, 0600, &at));
    R(mq_open("/nope", O_RDONLY));
    R(mq_open("/a/b", O_CREAT | O_RDWR, 0600, NULL));
    R(mq_open("tgq", O_RDWR));
    struct mq_attr bad = { .mq_maxmsg = 0, .mq_msgsize = 64 };
    R(mq_open("/bad", O_CREAT | O_RDWR, 0600, &bad));
    bad.mq_maxmsg = 100000;
    R(mq_open("/bad", O_CREAT | O_RDWR, 0600, &bad));
    getattr(q, "new");

    R(mq_send(q, "low", 3, 1));
    R(mq_send(q, "high", 4, 5));
    R(mq_send(q, "mid", 3, 3));
    R(mq_send(q, "high2", 5, 5));
    getattr(q, "four queued");
    struct pollfd pfd = { .fd = q, .events = POLLIN | POLLOUT };
    R(poll(&pfd, 1, 0));
    printf("revents=%x\n", pfd.revents);
}

static void test_mq_full(mqd_t q) {
    struct mq_attr na = { .mq_flags = O_NONBLOCK }, old;
    R(mq_setattr(q, &na, &old));
    printf("old flags=%lo curmsgs=%ld\n", old.mq_flags, old.mq_curmsgs);
    R(mq_send(q, "x", 1, 0));
    struct timespec ts;
    na.mq_flags = 0;
    R(mq_setattr(q, &na, NULL));
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 50000000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    R(mq_timedsend(q, "x", 1, 0, &ts));
    ts.tv_nsec = -1;
    R(mq_timedsend(q, "x", 1, 0, &ts));
    R(mq_send(q, "x", 1, 40000));
    char big[100] = {0};
    R(mq_send(q, big, 65, 0));
    rcv(q, 10);
    rcv(q, 64);
    rcv(q, 64);
    rcv(q, 64);
    rcv(q, 128);
    struct timespec ts2;
    clock_gettime(CLOCK_REALTIME, &ts2);
    ts2.tv_nsec += 50000000;
    if (ts2.tv_nsec >= 1000000000) { ts2.tv_sec++; ts2.tv_nsec -= 1000000000; }
    char buf[64];
    R(mq_timedreceive(q, buf, 64, NULL, &ts2));
    na.mq_flags = O_NONBLOCK;
    R(mq_setattr(q, &na, NULL));
    rcv(q, 64);
    na.mq_flags = O_APPEND;
    R(mq_setattr(q, &na, NULL));
    na.mq_flags = 0;
    R(mq_setattr(q, &na, NULL));

    /* A receiver blocked on the empty queue is woken by a send; a sender blocked on a full one by a receive. */
    pid_t c = fork();
    if (c == 0) {
        char b[64];
        unsigned pr;
        ssize_t n = mq_receive(q, b, 64, &pr);
        _exit(n == 4 && pr == 7 ? 0 : 1);
    }
    wait_blocked(c);
    R(mq_send(q, "wake", 4, 7));
    printf("receiver exit %d\n", child_status(c));
    for (int i = 0; i < 4; i++) mq_send(q, "fill", 4, 0);
    c = fork();
    if (c == 0) _exit(mq_send(q, "last", 4, 9) == 0 ? 0 : 1);
    wait_blocked(c);
    getattr(q, "while sender blocked");
    rcv(q, 64);
    printf("sender exit %d\n", child_status(c));
    rcv(q, 64);
    getattr(q, "after");

    /* Descriptor modes and bad descriptors. */
    mqd_t ro = mq_open("/tgq", O_RDONLY);
    R(mq_send(ro, "x", 1, 0));
    mqd_t wo = mq_open("/tgq", O_WRONLY);
    R(mq_receive(wo, buf, 64, NULL));
    R(mq_send(0, "x", 1, 0));
    R(mq_send(99, "x", 1, 0));
    R(mq_getattr(1, &old));
    mq_close(ro);
    mq_close(wo);
}

static void test_mqueue_fs(mqd_t q) {
    printf("--- mqueue fs\n");
    mkdir("/tmp/mq", 0755);
    R(mount("none", "/tmp/mq", "mqueue", 0, NULL));
    struct stat st;
    R(stat("/tmp/mq", &st));
    printf("root mode=%o\n", st.st_mode);
    R(stat("/tmp/mq/tgq", &st));
    printf("queue mode=%o size=%ld\n", st.st_mode, (long)st.st_size);
    file_line("/tmp/mq/tgq");
    DIR *d = opendir("/tmp/mq");
    struct dirent *e;
    while (d && (e = readdir(d))) if (e->d_name[0] != '.') printf("entry %s\n", e->d_name);
    if (d) closedir(d);
    /* A queue made through the file system has the default attributes. */
    int fd = open("/tmp/mq/viafs", O_CREAT | O_RDWR, 0644);
    printf("open O_CREAT ok=%d\n", fd >= 0);
    getattr(fd, "viafs");
    close(fd);
    R(mkdir("/tmp/mq/sub", 0755));
    R(unlink("/tmp/mq/viafs"));
    R(mq_open("/viafs", O_RDONLY));
    R(mq_unlink("/tgq"));
    R(mq_unlink("/tgq"));
    R(stat("/tmp/mq/tgq", &st));
    /* The queue lives on while a descriptor is open. */
    R(mq_send(q, "still", 5, 0));
    getattr(q, "unlinked");
    R(umount("/tmp/mq"));
}

static void test_limits(void) {
    printf("--- limits\n");
    const char *names[] = { "msg_default", "msg_max", "msgsize_default", "msgsize_max", "queues_max" };
    for (int i = 0; i < 5; i++) {
        char p[96], buf[32] = {0};
        snprintf(p, sizeof p, "/proc/sys/fs/mqueue/%s", names[i]);
        int fd = open(p, O_RDONLY);
        read(fd, buf, sizeof buf - 1);
        close(fd);
        printf("%s = %s", names[i], buf);
    }
    sysctl_write("/proc/sys/fs/mqueue/msg_max", "0");
    sysctl_write("/proc/sys/fs/mqueue/msg_max", "5");
    mqd_t keep = mq_open("/one", O_CREAT | O_RDWR, 0666, NULL);
    getattr(keep, "default after msg_max=5");
    mqd_t priv = mq_open("/priv", O_CREAT | O_RDWR, 0600, NULL);
    printf("priv ok=%d\n", priv >= 0);
    /* (The limits bind those without CAP_SYS_RESOURCE: checked as another user.) */
    /* Queues count until their last descriptor closes: /tgq (unlinked, open), /one, /priv. */
    sysctl_write("/proc/sys/fs/mqueue/queues_max", "4");
    struct mq_attr six = { .mq_maxmsg = 6, .mq_msgsize = 16 };
    pid_t c = fork();
    if (c == 0) {
        if (setgid(1000) || setuid(1000)) _exit(99);
        R(mq_open("/user", O_CREAT | O_RDWR, 0600, &six));
        six.mq_maxmsg = 5;
        six.mq_msgsize = 9000;
        R(mq_open("/user", O_CREAT | O_RDWR, 0600, &six));
        six.mq_msgsize = 16;
        R(mq_open("/user", O_CREAT | O_RDWR, 0600, &six) >= 0);
        R(mq_open("/user2", O_CREAT | O_RDWR, 0600, &six));
        R(mq_open("/priv", O_RDONLY));
        R(mq_open("/one", O_RDONLY) >= 0);
        R(mq_unlink("/one"));
        R(mq_unlink("/priv"));
        _exit(0);
    }
    printf("user child exit %d\n", child_status(c));
    R(mq_unlink("/one"));
    R(mq_unlink("/priv"));
    R(mq_unlink("/user"));
    R(mq_unlink("/user2"));
    mq_close(keep);
    mq_close(priv);
    sysctl_write("/proc/sys/fs/mqueue/msg_max", "10");
    sysctl_write("/proc/sys/fs/mqueue/queues_max", "256");
}

static void test_shm(void) {
    printf("--- posix shm\n");
    /* A private /dev/shm (the reference shares the host's /dev). */
    R(mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777"));
    int fd = shm_open("/tgshm", O_CREAT | O_EXCL | O_RDWR, 0600);
    printf("shm_open ok=%d\n", fd >= 0);
    R(shm_open("/tgshm", O_CREAT | O_EXCL | O_RDWR, 0600));
    R(ftruncate(fd, 8192));
    struct stat st;
    R(stat("/dev/shm/tgshm", &st));
    printf("/dev/shm/tgshm size=%ld mode=%o\n", (long)st.st_size, st.st_mode);
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    strcpy(p, "parent");
    strcpy(p + 4096, "page two");
    pid_t c = fork();
    if (c == 0) {
        /* The child maps it again by name and writes through both views. */
        int f2 = shm_open("/tgshm", O_RDWR, 0);
        char *q = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, f2, 0);
        printf("child sees [%s] [%s]\n", q, p + 4096);
        strcpy(q, "child");
        strcpy(p + 4096, "child two");
        _exit(0);
    }
    printf("child exit %d\n", child_status(c));
    printf("parent sees [%s] [%s]\n", p, p + 4096);
    char buf[16] = {0};
    R(pread(fd, buf, 5, 0));
    printf("read back [%s]\n", buf);
    R(shm_unlink("/tgshm"));
    R(shm_unlink("/tgshm"));
    R(shm_open("/tgshm", O_RDWR, 0));
    printf("mapping after unlink [%s]\n", p);
    munmap(p, 8192);
    close(fd);
    R(umount("/dev/shm"));
}

static volatile sig_atomic_t got_sig, got_code, got_val;
static void on_usr1(int s, siginfo_t *si, void *u) { (void)u; got_sig = s; got_code = si->si_code; got_val = si->si_value.sival_int; }

static int thread_pipe[2];
static void notify_thread(union sigval v) { char c = (char)v.sival_int; write(thread_pipe[1], &c, 1); }

static void test_notify(void) {
    struct mq_attr at = { .mq_maxmsg = 4, .mq_msgsize = 16 };
    mqd_t q = mq_open("/nq", O_CREAT | O_RDWR, 0600, &at);
    struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
    sigaction(SIGUSR1, &sa, NULL);
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1, .sigev_value.sival_int = 42 };
    R(mq_notify(q, &ev));
    R(mq_notify(q, &ev));
    mkdir("/tmp/mq", 0755);
    R(mount("none", "/tmp/mq", "mqueue", 0, NULL));
    status_from_child("/tmp/mq/nq");
    pid_t c = fork();
    if (c == 0) { _exit(mq_notify(q, &ev) < 0 && errno == EBUSY ? 0 : 1); }
    printf("other process registering: exit %d\n", child_status(c));
    R(mq_send(q, "a", 1, 0));
    printf("signal %d code=%d (SI_MESGQ=%d) value=%d\n", got_sig, got_code, SI_MESGQ, got_val);
    status_from_child("/tmp/mq/nq");
    /* Once fired the registration is gone; a send to a non-empty queue notifies no one. */
    got_sig = 0;
    R(mq_notify(q, &ev));
    R(mq_send(q, "b", 1, 0));
    printf("non-empty queue: signal %d\n", got_sig);
    R(mq_notify(q, NULL));
    status_from_child("/tmp/mq/nq");
    struct sigevent none = { .sigev_notify = SIGEV_NONE };
    R(mq_notify(q, &none));
    status_from_child("/tmp/mq/nq");
    /* Closing any descriptor of the queue drops the closer's registration. */
    mqd_t q2 = mq_open("/nq", O_RDWR);
    R(mq_notify(q2, &ev));
    status_from_child("/tmp/mq/nq");
    mq_close(q2);
    status_from_child("/tmp/mq/nq");
    R(mq_notify(q, NULL));
    /* SIGEV_THREAD: glibc's helper thread hears of the message on a netlink socket and starts the function. */
    struct mq_attr drain;
    char b[16];
    mq_getattr(q, &drain);
    for (long i = 0; i < drain.mq_curmsgs; i++) mq_receive(q, b, 16, NULL);
    if (pipe(thread_pipe)) return;
    struct sigevent tev = { .sigev_notify = SIGEV_THREAD, .sigev_notify_function = notify_thread, .sigev_value.sival_int = 7 };
    R(mq_notify(q, &tev));
    status_from_child("/tmp/mq/nq");
    R(mq_send(q, "t", 1, 0));
    struct pollfd pfd = { .fd = thread_pipe[0], .events = POLLIN };
    int ready = poll(&pfd, 1, 10000);
    char tv = 0;
    if (ready == 1) read(thread_pipe[0], &tv, 1);
    printf("thread notified: %d value=%d\n", ready, tv);
    struct sigevent badev = { .sigev_notify = 77 };
    R(mq_notify(q, &badev));
    R(mq_notify(99, NULL));
    mq_unlink("/nq");
    umount("/tmp/mq");
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "notify")) { test_notify(); printf("done\n"); return 0; }
    test_mq();
    mqd_t q = mq_open("/tgq", O_RDWR);
    test_mq_full(q);
    test_mqueue_fs(q);
    test_limits();
    test_shm();
    printf("done\n");
    return 0;
}
