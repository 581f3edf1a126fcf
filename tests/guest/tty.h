/* Helpers for the tty tests: a pty pair, printing bytes with escapes, and
 * collecting what a master has to say (echo arrives asynchronously on Linux). */
#ifndef TTY_H
#define TTY_H
#include "tg.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <sys/ioctl.h>

static int open_pty(int *slave, int nocttyflag) {
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0) return -1;
    if (grantpt(m) || unlockpt(m)) return -1;
    *slave = open(ptsname(m), O_RDWR | nocttyflag);
    return m;
}

static void show(const char *what, const unsigned char *b, long n) {
    printf("%s (%ld): \"", what, n);
    for (long i = 0; i < n; i++) {
        unsigned c = b[i];
        if (c == '\n') printf("\\n");
        else if (c == '\r') printf("\\r");
        else if (c == '\b') printf("\\b");
        else if (c == '\\') printf("\\\\");
        else if (c < 32 || c >= 127) printf("\\x%02x", c);
        else putchar(c);
    }
    printf("\"\n");
}

/* Everything the fd has within a quiet period (ms). */
static long drain(int fd, unsigned char *buf, long max, int ms) {
    long n = 0;
    while (n < max) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, ms) <= 0 || !(p.revents & POLLIN)) break;
        long r = read(fd, buf + n, max - n);
        if (r <= 0) break;
        n += r;
    }
    return n;
}

static void show_drain(const char *what, int fd) {
    unsigned char buf[512];
    long n = drain(fd, buf, sizeof buf, 150);
    show(what, buf, n);
}

static void show_read(const char *what, int fd) {
    unsigned char buf[512];
    errno = 0;
    long n = read(fd, buf, sizeof buf);
    if (n < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
    else show(what, buf, n);
}

static void wr(int fd, const char *s) { if (write(fd, s, strlen(s)) < 0) printf("write failed: %s\n", strerrorname_np(errno)); }
#endif
