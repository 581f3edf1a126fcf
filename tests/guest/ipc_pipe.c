/* Pipes and FIFOs as Linux has them: capacity in page slots, F_SETPIPE_SZ,
 * PIPE_BUF atomicity, O_NONBLOCK, EPIPE and SIGPIPE, FIONREAD, O_DIRECT
 * packets, splice/tee/vmsplice, and the FIFO open rules. */
#include "tg.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

/* Fill a nonblocking pipe with writes of `chunk` bytes until EAGAIN. */
static long fill(int chunk) {
    int p[2];
    pipe2(p, O_NONBLOCK);
    char buf[70000];
    memset(buf, 'x', sizeof buf);
    long total = 0;
    for (;;) {
        ssize_t n = write(p[1], buf, chunk);
        if (n < 0) { if (errno != EAGAIN) printf("fill: %s\n", strerrorname_np(errno)); break; }
        total += n;
    }
    close(p[0]); close(p[1]);
    return total;
}

static void capacity(void) {
    int sizes[] = {1, 100, 1000, 4096, 4097, 5000, 65536, 70000};
    for (unsigned i = 0; i < sizeof sizes / sizeof *sizes; i++)
        printf("fill with %d-byte writes: %ld bytes\n", sizes[i], fill(sizes[i]));
    int p[2];
    pipe(p);
    R(fcntl(p[1], F_GETPIPE_SZ));
    R(fcntl(p[0], F_SETPIPE_SZ, 0));
    R(fcntl(p[0], F_SETPIPE_SZ, 5000));
    R(fcntl(p[0], F_SETPIPE_SZ, 12288));
    R(fcntl(p[0], F_SETPIPE_SZ, 1048576));
    R(fcntl(p[0], F_SETPIPE_SZ, -1));
    R(fcntl(p[0], F_SETPIPE_SZ, 4096));
    /* Three slots in use (a small write, then two pages): shrinking below three is EBUSY. */
    char page[4096] = {0};
    R(fcntl(p[0], F_SETPIPE_SZ, 16384));
    write(p[1], page, 100);
    write(p[1], page, 4096);
    write(p[1], page, 4096);
    R(fcntl(p[0], F_SETPIPE_SZ, 8192));
    R(fcntl(p[1], F_SETPIPE_SZ, 12000));
    int n = -1;
    ioctl(p[0], FIONREAD, &n);
    printf("FIONREAD = %d\n", n);
    R(fcntl(0, F_GETPIPE_SZ));
    close(p[0]); close(p[1]);
    /* The ceiling for an unprivileged user. */
    int fd = open("/proc/sys/fs/pipe-max-size", O_RDONLY);
    char b[32] = {0};
    read(fd, b, sizeof b - 1);
    close(fd);
    printf("pipe-max-size = %s", b);
    pid_t c = fork();
    if (c == 0) {
        setuid(1000);
        int q[2];
        pipe(q);
        R(fcntl(q[0], F_SETPIPE_SZ, 1048576));
        R(fcntl(q[0], F_SETPIPE_SZ, 1048577));
        R(fcntl(q[0], F_SETPIPE_SZ, 2097152));
        _exit(0);
    }
    waitpid(c, NULL, 0);
}

static void atomic_writes(void) {
    int p[2];
    pipe(p);
    for (int w = 0; w < 2; w++) {
        if (fork() == 0) {
            char rec[4096];
            memset(rec, 'A' + w, sizeof rec);
            for (int i = 0; i < 40; i++) write(p[1], rec, sizeof rec);
            _exit(0);
        }
    }
    close(p[1]);
    char rec[4096];
    int good = 0, bad = 0;
    for (;;) {
        size_t got = 0;
        while (got < sizeof rec) {
            ssize_t n = read(p[0], rec + got, sizeof rec - got);
            if (n <= 0) break;
            got += n;
        }
        if (got == 0) break;
        int same = got == sizeof rec;
        for (size_t i = 1; i < got; i++) if (rec[i] != rec[0]) same = 0;
        if (same) good++; else bad++;
    }
    while (wait(NULL) > 0) {}
    printf("atomic 4096-byte records: %d whole, %d mixed\n", good, bad);
    close(p[0]);
}

static void epipe(void) {
    int p[2];
    pipe(p);
    close(p[0]);
    pid_t c = fork();
    if (c == 0) { write(p[1], "x", 1); _exit(0); }
    int st;
    waitpid(c, &st, 0);
    printf("writer with no reader: %s %d\n", WIFSIGNALED(st) ? "killed by" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    signal(SIGPIPE, SIG_IGN);
    R(write(p[1], "x", 1));
    struct pollfd pf = {p[1], POLLOUT, 0};
    poll(&pf, 1, 0);
    printf("poll writer: revents=%#x\n", pf.revents);
    close(p[1]);
    signal(SIGPIPE, SIG_DFL);
    pipe(p);
    close(p[1]);
    char b[4];
    R(read(p[0], b, 4));
    pf.fd = p[0]; pf.events = POLLIN;
    poll(&pf, 1, 0);
    printf("poll reader, no writer: revents=%#x\n", pf.revents);
    close(p[0]);
}

static void nonblock(void) {
    int p[2];
    pipe2(p, O_NONBLOCK);
    char b[100000];
    memset(b, 'y', sizeof b);
    R(read(p[0], b, 10));
    R(write(p[1], b, 100000));
    R(write(p[1], b, 1));
    R(read(p[0], b, 5000));
    /* One slot is free again: a large write takes a page's worth. */
    R(write(p[1], b, 10000));
    close(p[0]); close(p[1]);
    /* Packet mode: each write is a record. */
    R(pipe2(p, O_DIRECT));
    write(p[1], "first", 5);
    write(p[1], "second", 6);
    memset(b, 0, 20);
    R(read(p[0], b, 3));
    printf("packet read: [%s]\n", b);
    memset(b, 0, 20);
    R(read(p[0], b, 20));
    printf("packet read: [%s]\n", b);
    close(p[0]); close(p[1]);
}

static void splices(void) {
    int p[2], q[2];
    pipe(p); pipe(q);
    int fd = open("/tmp/splice-src", O_RDWR | O_CREAT | O_TRUNC, 0600);
    char data[10000];
    for (int i = 0; i < 10000; i++) data[i] = 'a' + i % 26;
    write(fd, data, sizeof data);
    loff_t off = 100;
    R(splice(fd, &off, p[1], NULL, 5000, SPLICE_F_MOVE));
    printf("off after splice = %ld\n", (long)off);
    int n;
    ioctl(p[0], FIONREAD, &n);
    printf("pipe holds %d\n", n);
    R(tee(p[0], q[1], 3000, 0));
    ioctl(p[0], FIONREAD, &n);
    printf("after tee: source holds %d\n", n);
    ioctl(q[0], FIONREAD, &n);
    printf("after tee: copy holds %d\n", n);
    R(splice(q[0], NULL, p[1], NULL, 100000, SPLICE_F_NONBLOCK));
    int out = open("/tmp/splice-dst", O_RDWR | O_CREAT | O_TRUNC, 0600);
    R(splice(p[0], NULL, out, NULL, 100000, SPLICE_F_MORE));
    char back[9000] = {0};
    R(pread(out, back, sizeof back, 0));
    CHECK(memcmp(back, data + 100, 4900) == 0 && memcmp(back + 5000, data + 100, 3000) == 0);
    R(splice(p[0], NULL, out, NULL, 10, SPLICE_F_NONBLOCK));
    R(splice(fd, NULL, out, NULL, 10, 0));
    R(splice(p[0], &off, out, NULL, 10, 0));
    R(splice(p[0], NULL, p[1], NULL, 10, 0));
    R(tee(p[0], p[1], 10, 0));
    R(splice(p[0], NULL, out, NULL, 10, 0x100));
    /* vmsplice: user memory into a pipe and back. */
    struct iovec iov[2] = {{data, 30}, {data + 50, 20}};
    R(vmsplice(p[1], iov, 2, 0));
    char got[64] = {0};
    struct iovec riov = {got, 64};
    R(vmsplice(p[0], &riov, 1, 0));
    printf("vmspliced back: [%.50s]\n", got);
    R(vmsplice(p[0], &riov, 1, SPLICE_F_NONBLOCK));
    close(p[1]);
    R(vmsplice(p[0], &riov, 1, 0));
    close(p[0]); close(q[0]); close(q[1]); close(fd); close(out);
    unlink("/tmp/splice-src"); unlink("/tmp/splice-dst");
    /* splice into a pipe with no reader. */
    signal(SIGPIPE, SIG_IGN);
    pipe(p);
    close(p[0]);
    fd = open("/proc/self/comm", O_RDONLY);
    R(splice(fd, NULL, p[1], NULL, 10, 0));
    close(fd); close(p[1]);
    signal(SIGPIPE, SIG_DFL);
}

static void on_alarm(int s) { (void)s; }

static void fifos(void) {
    const char *f = "/tmp/ipc_pipe_fifo";
    unlink(f);
    R(mkfifo(f, 0600));
    R(open(f, O_WRONLY | O_NONBLOCK));
    int r = open(f, O_RDONLY | O_NONBLOCK);
    printf("nonblocking reader opened: %s\n", r >= 0 ? "yes" : "no");
    char b[16];
    R(read(r, b, sizeof b));
    struct pollfd pf = {r, POLLIN, 0};
    R(poll(&pf, 1, 0));
    int w = open(f, O_WRONLY | O_NONBLOCK);
    printf("nonblocking writer with a reader: %s\n", w >= 0 ? "yes" : "no");
    R(read(r, b, sizeof b));
    close(w);
    R(poll(&pf, 1, 0));
    printf("revents after the writer left: %#x\n", pf.revents);
    close(r);
    /* Blocking opens meet: the child opens for writing, the parent for reading. */
    pid_t c = fork();
    if (c == 0) {
        int fd = open(f, O_WRONLY);
        write(fd, "through the fifo", 16);
        close(fd);
        _exit(0);
    }
    r = open(f, O_RDONLY);
    memset(b, 0, sizeof b);
    size_t got = 0;
    ssize_t n;
    char big[32] = {0};
    while ((n = read(r, big + got, sizeof big - 1 - got)) > 0) got += n;
    printf("reader got [%s]\n", big);
    close(r);
    waitpid(c, NULL, 0);
    /* A writer waiting in open; the reader arrives. */
    c = fork();
    if (c == 0) {
        int fd = open(f, O_RDONLY);
        while ((n = read(fd, big, sizeof big)) > 0) write(1, big, n);
        _exit(0);
    }
    w = open(f, O_WRONLY);
    write(w, "writer waited\n", 14);
    close(w);
    waitpid(c, NULL, 0);
    /* O_RDWR never waits. */
    r = open(f, O_RDWR);
    R(write(r, "rw", 2));
    R(read(r, b, 2));
    close(r);
    /* Data does not outlive the last opener. */
    r = open(f, O_RDWR);
    write(r, "lost", 4);
    close(r);
    r = open(f, O_RDWR | O_NONBLOCK);
    R(read(r, b, 4));
    close(r);
    /* A signal interrupts an open waiting for a partner. */
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    R(open(f, O_RDONLY));
    unlink(f);
}

int main(void) {
    capacity();
    atomic_writes();
    epipe();
    nonblock();
    splices();
    fifos();
    printf("done\n");
    return 0;
}
