/* File locks between processes: flock (owned by the open file description,
 * conversion, LOCK_NB, a blocked flock ended by a signal), POSIX record locks
 * (F_GETLK's answer with the holder's pid, splitting, merging, dropped on any
 * close by the process, not inherited by fork, EDEADLK for F_SETLKW) and OFD
 * locks (owned by the open file, l_pid -1, l_pid must be 0). */
#include "tg.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>

static pid_t parent;

static const char *tname(int t) { return t == F_RDLCK ? "F_RDLCK" : t == F_WRLCK ? "F_WRLCK" : t == F_UNLCK ? "F_UNLCK" : "?"; }

static int setlk(int fd, int cmd, int type, off_t start, off_t len) {
    struct flock l = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
    return fcntl(fd, cmd, &l);
}

/* F_GETLK (or F_OFD_GETLK) for [start, start+len): the answer, with the pid named relative to the parent. */
static void getlk(const char *what, int fd, int cmd, int type, off_t start, off_t len) {
    struct flock l = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
    if (fcntl(fd, cmd, &l) < 0) { printf("%s: -1 %s\n", what, strerrorname_np(errno)); return; }
    if (l.l_type == F_UNLCK) { printf("%s: F_UNLCK\n", what); return; }
    printf("%s: %s start=%ld len=%ld pid=%s\n", what, tname(l.l_type), (long)l.l_start, (long)l.l_len,
           l.l_pid == parent ? "parent" : l.l_pid == -1 ? "-1" : l.l_pid == getpid() ? "self" : "other");
}

static void on_alarm(int s) { (void)s; }

static void flock_tests(void) {
    int a, b;
    R(a = open("locks.f", O_CREAT | O_RDWR | O_TRUNC, 0644));
    R(b = open("locks.f", O_RDWR));
    R(flock(a, LOCK_SH));
    R(flock(b, LOCK_SH));
    R(flock(b, LOCK_EX | LOCK_NB));           /* a holds a shared lock */
    R(flock(a, LOCK_UN));
    R(flock(b, LOCK_EX | LOCK_NB));           /* conversion to exclusive */
    R(flock(a, LOCK_SH | LOCK_NB));
    R(flock(a, 0));
    R(flock(a, LOCK_NB));
    R(flock(-1, LOCK_SH));
    int c = dup(b);
    R(close(b));                              /* c still holds the description's lock */
    R(flock(a, LOCK_EX | LOCK_NB));
    pid_t p = fork();
    if (p == 0) {
        /* Inherited descriptor: the same open file, so the same lock. */
        printf("child: flock(c, LOCK_EX|LOCK_NB) = %d\n", flock(c, LOCK_EX | LOCK_NB));
        int d = open("locks.f", O_RDWR);
        printf("child: own open LOCK_SH|LOCK_NB = %d %s\n", flock(d, LOCK_SH | LOCK_NB), strerrorname_np(errno));
        /* A blocking request ended by a signal without SA_RESTART: EINTR. */
        struct sigaction sa = { .sa_handler = on_alarm };
        sigaction(SIGALRM, &sa, NULL);
        alarm(1);
        errno = 0;
        printf("child: blocking LOCK_SH = %d %s\n", flock(d, LOCK_SH), strerrorname_np(errno));
        _exit(0);
    }
    printf("child exited %d\n", child_status(p));
    R(close(c));                              /* last reference: the lock goes */
    R(flock(a, LOCK_EX | LOCK_NB));
    R(close(a));
}

static void posix_tests(void) {
    int fd, fd2;
    R(fd = open("posix.f", O_CREAT | O_RDWR | O_TRUNC, 0644));
    R(write(fd, "0123456789abcdef", 16));
    R(setlk(fd, F_SETLK, F_WRLCK, 0, 10));
    R(setlk(fd, F_SETLK, F_UNLCK, 3, 2));      /* split: [0,3) and [5,10) */
    R(setlk(fd, F_SETLK, F_RDLCK, 20, 0));     /* to end of file */
    int sync_[2], back[2];
    R(pipe(sync_));
    R(pipe(back));
    pid_t p = fork();
    if (p == 0) {
        int f = open("posix.f", O_RDWR);
        getlk("child GETLK W 0..1", f, F_GETLK, F_WRLCK, 0, 1);
        getlk("child GETLK W 3..5", f, F_GETLK, F_WRLCK, 3, 2);
        getlk("child GETLK W 4..8", f, F_GETLK, F_WRLCK, 4, 4);
        getlk("child GETLK R 25..", f, F_GETLK, F_RDLCK, 25, 0);
        getlk("child GETLK W 25..", f, F_GETLK, F_WRLCK, 25, 0);
        printf("child SETLK W 3..5 = %d\n", setlk(f, F_SETLK, F_WRLCK, 3, 2));
        errno = 0;
        printf("child SETLK W 8 = %d %s\n", setlk(f, F_SETLK, F_WRLCK, 8, 1), strerrorname_np(errno));
        /* Deadlock: the child holds byte 3, waits for byte 0; the parent then asks for byte 3. */
        write(sync_[1], "x", 1);
        errno = 0;
        int r = setlk(f, F_SETLKW, F_WRLCK, 0, 1);
        printf("child SETLKW W 0 = %d %s\n", r, strerrorname_np(errno));
        getlk("child GETLK after", f, F_GETLK, F_WRLCK, 0, 1);
        _exit(0);
    }
    char ch;
    R(read(sync_[0], &ch, 1));
    usleep(200000);                            /* let the child sleep in F_SETLKW */
    R(setlk(fd, F_SETLKW, F_WRLCK, 3, 1));     /* EDEADLK */
    /* Any close of the file by this process drops its locks: the child gets byte 0. */
    R(fd2 = open("posix.f", O_RDONLY));
    int closed = close(fd2);                   /* printed after the child's lines: they race */
    printf("child exited %d\n", child_status(p));
    printf("close(fd2) = %d\n", closed);
    /* Merging: two adjacent write locks become one. */
    R(setlk(fd, F_SETLK, F_WRLCK, 0, 4));
    R(setlk(fd, F_SETLK, F_WRLCK, 4, 4));
    p = fork();
    if (p == 0) {
        int f = open("posix.f", O_RDWR);
        getlk("child GETLK merged", f, F_GETLK, F_RDLCK, 2, 4);
        /* Locks are not inherited: the parent's fd gives the child no lock of its own. */
        getlk("child GETLK via inherited fd", fd, F_GETLK, F_WRLCK, 0, 1);
        _exit(0);
    }
    printf("child exited %d\n", child_status(p));
    /* Errors. */
    R(setlk(fd, F_SETLK, 7, 0, 1));
    struct flock bad = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = -5, .l_len = 1 };
    R(fcntl(fd, F_SETLK, &bad));
    bad.l_whence = 9; bad.l_start = 0;
    R(fcntl(fd, F_SETLK, &bad));
    int ro;
    R(ro = open("posix.f", O_RDONLY));
    R(setlk(ro, F_SETLK, F_WRLCK, 0, 1));     /* EBADF: not open for writing */
    R(fcntl(fd, F_SETLK, (struct flock *)8));
    R(close(ro));
    R(close(fd));
}

static void ofd_tests(void) {
    int a, b;
    R(a = open("ofd.f", O_CREAT | O_RDWR | O_TRUNC, 0644));
    R(b = open("ofd.f", O_RDWR));
    R(setlk(a, F_OFD_SETLK, F_WRLCK, 0, 10));
    R(setlk(b, F_OFD_SETLK, F_RDLCK, 5, 1));   /* another open file in the same process conflicts */
    getlk("OFD GETLK from b", b, F_OFD_GETLK, F_RDLCK, 0, 0);
    getlk("POSIX GETLK from b", b, F_GETLK, F_RDLCK, 0, 0);
    R(setlk(b, F_SETLK, F_RDLCK, 5, 1));       /* a POSIX lock conflicts with it too */
    struct flock l = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1 };
    R(fcntl(b, F_OFD_SETLK, &l));             /* l_pid must be 0 */
    int c = dup(a);
    R(close(a));                              /* c keeps the description and its lock */
    R(setlk(b, F_OFD_SETLK, F_RDLCK, 5, 1));
    R(close(c));
    R(setlk(b, F_OFD_SETLK, F_RDLCK, 5, 1));
    R(close(b));
}

int main(void) {
    parent = getpid();
    R(chdir("/tmp"));
    flock_tests();
    posix_tests();
    ofd_tests();
    printf("done\n");
    return 0;
}
