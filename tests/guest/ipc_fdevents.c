/* eventfd, timerfd and inotify: counters, expiration counts (never times)
 * and the event sequence of a scripted set of file operations. */
#include "tg.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

static void eventfds(void) {
    uint64_t v;
    int e = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    printf("eventfd semaphore reads:");
    for (int i = 0; i < 3; i++) { read(e, &v, 8); printf(" %lu", (unsigned long)v); }
    printf("\n");
    R(read(e, &v, 8));
    close(e);
    e = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    R(fcntl(e, F_GETFD));
    v = 5; R(write(e, &v, 8));
    v = 7; R(write(e, &v, 8));
    R(read(e, &v, 4));
    R(write(e, &v, 4));
    R(read(e, &v, 8));
    printf("count = %lu\n", (unsigned long)v);
    v = UINT64_MAX; R(write(e, &v, 8));
    v = UINT64_MAX - 1; R(write(e, &v, 8));
    struct pollfd pf = {e, POLLIN | POLLOUT, 0};
    poll(&pf, 1, 0);
    printf("poll at the maximum: %#x\n", pf.revents);
    v = 1; R(write(e, &v, 8));
    R(read(e, &v, 8));
    poll(&pf, 1, 0);
    printf("poll when empty: %#x\n", pf.revents);
    char sixteen[16] = {0};
    R(read(e, sixteen, 16));
    close(e);
    R(eventfd(0, 0x40));
    /* A blocking read is woken by a writer in another process. */
    e = eventfd(0, 0);
    if (fork() == 0) { usleep(20000); v = 42; write(e, &v, 8); _exit(0); }
    R(read(e, &v, 8));
    printf("woken with %lu\n", (unsigned long)v);
    wait(NULL);
    close(e);
}

static void timerfds(void) {
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    uint64_t n;
    R(read(t, &n, 8));
    struct itimerspec its = {{0, 10000000}, {0, 10000000}}, cur;
    R(timerfd_settime(t, 0, &its, NULL));
    struct pollfd pf = {t, POLLIN, 0};
    R(poll(&pf, 1, 1000));
    usleep(30000);
    n = 0;
    R(read(t, &n, 8));
    printf("timerfd interval count >= 3: %s\n", n >= 3 ? "yes" : "no");
    R(timerfd_gettime(t, &cur));
    printf("interval kept: %ld ns, value armed: %s\n", cur.it_interval.tv_nsec, cur.it_value.tv_nsec > 0 || cur.it_value.tv_sec > 0 ? "yes" : "no");
    struct itimerspec zero = {{0, 0}, {0, 0}};
    R(timerfd_settime(t, 0, &zero, &cur));
    R(timerfd_gettime(t, &cur));
    printf("disarmed: %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
    close(t);
    /* One-shot, absolute, blocking read: exactly one expiration. */
    t = timerfd_create(CLOCK_REALTIME, 0);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct itimerspec abs = {{0, 0}, {now.tv_sec, now.tv_nsec}};
    abs.it_value.tv_nsec += 20000000;
    if (abs.it_value.tv_nsec >= 1000000000) { abs.it_value.tv_sec++; abs.it_value.tv_nsec -= 1000000000; }
    R(timerfd_settime(t, TFD_TIMER_ABSTIME, &abs, NULL));
    R(read(t, &n, 8));
    printf("one-shot count = %lu\n", (unsigned long)n);
    /* An absolute time in the past expires at once. */
    abs.it_value.tv_sec = 1;
    R(timerfd_settime(t, TFD_TIMER_ABSTIME, &abs, NULL));
    R(read(t, &n, 8));
    printf("past count = %lu\n", (unsigned long)n);
    close(t);
    t = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC);
    R(fcntl(t, F_GETFD));
    struct itimerspec bad = {{0, 0}, {0, 1000000000}};
    R(timerfd_settime(t, 0, &bad, NULL));
    R(timerfd_settime(t, 8, &its, NULL));
    R(read(t, &n, 4));
    close(t);
    R(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
    R(timerfd_create(CLOCK_MONOTONIC, 0x1));
    R(timerfd_settime(0, 0, &its, NULL));
}

static const char *names[] = {"ACCESS", "MODIFY", "ATTRIB", "CLOSE_WRITE", "CLOSE_NOWRITE", "OPEN", "MOVED_FROM",
    "MOVED_TO", "CREATE", "DELETE", "DELETE_SELF", "MOVE_SELF"};
static uint32_t from_cookie, to_cookie;

static void drain(int fd, const char *what) {
    char buf[4096] __attribute__((aligned(8)));
    printf("-- %s\n", what);
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *e = (struct inotify_event *)p;
            printf("  wd=%d", e->wd);
            for (int i = 0; i < 12; i++) if (e->mask & (1u << i)) printf(" %s", names[i]);
            if (e->mask & IN_ISDIR) printf(" ISDIR");
            if (e->mask & IN_IGNORED) printf(" IGNORED");
            if (e->mask & IN_Q_OVERFLOW) printf(" Q_OVERFLOW");
            if (e->len) printf(" name=%s len=%u", e->name, e->len);
            if (e->mask & IN_MOVED_FROM) from_cookie = e->cookie;
            if (e->mask & IN_MOVED_TO) to_cookie = e->cookie;
            printf("\n");
            p += sizeof *e + e->len;
        }
    }
}

static void inotifies(void) {
    mkdir("/tmp/inw", 0700);
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    R(inotify_add_watch(in, "/tmp/inw", IN_ALL_EVENTS));
    int fd = open("/tmp/inw/a", O_CREAT | O_WRONLY, 0600);
    write(fd, "hello", 5);
    write(fd, "hello", 5);
    close(fd);
    drain(in, "create, write twice, close");
    /* creat: O_TRUNC truncates (IN_MODIFY) only a file that was already there. */
    close(creat("/tmp/inw/t", 0600));
    close(creat("/tmp/inw/t", 0600));
    unlink("/tmp/inw/t");
    drain(in, "creat new, creat existing, unlink");
    R(inotify_add_watch(in, "/tmp/inw/a", IN_ATTRIB | IN_DELETE_SELF | IN_OPEN));
    int n = -1;
    chmod("/tmp/inw/a", 0644);
    fd = open("/tmp/inw/a", O_RDONLY);
    char b[8];
    read(fd, b, 8);
    close(fd);
    ioctl(in, FIONREAD, &n);
    printf("FIONREAD = %d\n", n);
    drain(in, "chmod, open, read, close");
    mkdir("/tmp/inw/sub", 0700);
    rename("/tmp/inw/a", "/tmp/inw/b");
    rename("/tmp/inw/sub", "/tmp/inw/sub2");
    drain(in, "mkdir and renames");
    printf("IN_MOVED_FROM and IN_MOVED_TO share a cookie: %s\n", from_cookie && from_cookie == to_cookie ? "yes" : "no");
    link("/tmp/inw/b", "/tmp/inw/c");
    unlink("/tmp/inw/c");
    unlink("/tmp/inw/b");
    rmdir("/tmp/inw/sub2");
    symlink("b", "/tmp/inw/l");
    truncate("/tmp/inw/l", 0);
    unlink("/tmp/inw/l");
    drain(in, "link, unlinks, rmdir, symlink");
    /* One-shot, mask add and create, only-dir, removal. */
    fd = open("/tmp/inw/f", O_CREAT | O_RDWR, 0600);
    close(fd);
    drain(in, "make f");
    int w = inotify_add_watch(in, "/tmp/inw/f", IN_MODIFY | IN_ONESHOT);
    R(inotify_add_watch(in, "/tmp/inw/f", IN_ATTRIB | IN_MASK_CREATE));
    R(inotify_add_watch(in, "/tmp/inw/f", IN_ATTRIB | IN_MASK_ADD | IN_MASK_CREATE));
    R(inotify_add_watch(in, "/tmp/inw/f", IN_ONLYDIR | IN_MODIFY));
    R(inotify_add_watch(in, "/tmp/inw/nope", IN_MODIFY));
    R(inotify_add_watch(in, "/tmp/inw/f", 0));
    R(inotify_add_watch(0, "/tmp/inw/f", IN_MODIFY));
    fd = open("/tmp/inw/f", O_WRONLY);
    write(fd, "1", 1);
    write(fd, "2", 1);
    close(fd);
    drain(in, "one-shot modify watch on f");
    R(inotify_rm_watch(in, w));
    R(inotify_rm_watch(in, 1));
    R(inotify_rm_watch(in, 1));
    drain(in, "rm_watch");
    unlink("/tmp/inw/f");
    drain(in, "nothing after the directory's watch is gone");
    rmdir("/tmp/inw");
    char small[8];
    R(read(in, small, sizeof small));
    close(in);
}

/* The watches /proc/self/fdinfo lists for an inotify fd, newest first (ino and
 * sdev differ between machines; the trailing fhandle fields with the host's fs). */
static void fdinfo(int in) {
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", in);
    FILE *f = fopen(path, "r");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        int wd;
        unsigned long ino;
        unsigned sdev, mask, ignored;
        int end = 0;
        if (sscanf(line, "inotify wd:%x ino:%lx sdev:%x mask:%x ignored_mask:%x%n", &wd, &ino, &sdev, &mask, &ignored,
                &end) == 5)
        {
            unsigned fhb = 0;
            int fht = -1;
            sscanf(line + end, " fhandle-bytes:%x fhandle-type:%x", &fhb, &fht);
            printf("  fdinfo wd=%d mask=%x ignored_mask=%x then '%c' fhandle-bytes=%x fhandle-type=%x\n", wd, mask, ignored,
                line[end], fhb, fht);
        }
    }
    fclose(f);
}

/* IN_EXCL_UNLINK: open/modify/close events stop once the file's name is gone,
 * on the directory's watch and the file's own; attribute changes still count. */
static void excl_unlink(void) {
    /* On a tmpfs of its own: the fhandle fdinfo shows is the filesystem's. */
    mkdir("/tmp/inxm", 0700);
    R(mount("none", "/tmp/inxm", "tmpfs", 0, NULL));
    mkdir("/tmp/inxm/d", 0700);
    int in = inotify_init1(IN_NONBLOCK), plain = inotify_init1(IN_NONBLOCK);
    int fd = open("/tmp/inxm/d/a", O_CREAT | O_RDWR, 0600);
    R(inotify_add_watch(in, "/tmp/inxm/d", IN_MODIFY | IN_CLOSE | IN_EXCL_UNLINK));
    R(inotify_add_watch(in, "/tmp/inxm/d/a", IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_EXCL_UNLINK));
    R(inotify_add_watch(plain, "/tmp/inxm/d", IN_MODIFY | IN_CLOSE));
    fdinfo(in);
    fdinfo(plain);
    unlink("/tmp/inxm/d/a");
    drain(in, "IN_EXCL_UNLINK: unlink of an open file");
    write(fd, "x", 1);
    fchmod(fd, 0644);
    drain(in, "IN_EXCL_UNLINK: write, fchmod after unlink");
    close(fd);
    drain(in, "IN_EXCL_UNLINK: last close after unlink");
    drain(plain, "no IN_EXCL_UNLINK: write, fchmod, close after unlink");
    fdinfo(in);
    rmdir("/tmp/inxm/d");
    drain(in, "rmdir");
    close(in);
    close(plain);
    R(umount("/tmp/inxm"));
    rmdir("/tmp/inxm");
}

int main(void) {
    eventfds();
    timerfds();
    inotifies();
    excl_unlink();
    printf("done\n");
    return 0;
}
