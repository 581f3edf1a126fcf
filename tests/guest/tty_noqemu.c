/* What qemu-user cannot judge about ttys (it lacks TIOCGPTLCK and TCGETS2 and
 * fakes /proc/self/stat's tty fields): checked against Linux's documented
 * answers in tests/diff/documented.test.ts. */
#include "tty.h"
#include <sys/sysmacros.h>
/* asm/termbits.h clashes with glibc's termios.h: the riscv64 termios2 as the kernel has it. */
struct termios2 { tcflag_t c_iflag, c_oflag, c_cflag, c_lflag; cc_t c_line; cc_t c_cc[19]; speed_t c_ispeed, c_ospeed; };
#ifndef BOTHER
#define BOTHER 0010000
#endif

int main(void) {
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(m);
    int lock = -1;
    R(ioctl(m, TIOCGPTLCK, &lock)); printf("locked before unlockpt: %d\n", lock);
    unlockpt(m);
    R(ioctl(m, TIOCGPTLCK, &lock)); printf("locked after: %d\n", lock);
    unsigned n; ioctl(m, TIOCGPTN, &n);
    int s = open(ptsname(m), O_RDWR | O_NOCTTY);
    unsigned dev = 0; R(ioctl(s, TIOCGDEV, &dev)); CHECK(dev == makedev(136, n));
    R(ioctl(m, TIOCGDEV, &dev)); CHECK(dev == makedev(136, n));
    struct termios2 t2;
    R(ioctl(s, TCGETS2, &t2)); printf("speeds %u %u cbaud %#x\n", t2.c_ispeed, t2.c_ospeed, t2.c_cflag & CBAUD);
    t2.c_cflag = (t2.c_cflag & ~CBAUD) | BOTHER; t2.c_ospeed = 12345; t2.c_ispeed = 0;
    R(ioctl(s, TCSETS2, &t2));
    R(ioctl(s, TCGETS2, &t2)); printf("after BOTHER: speeds %u %u cbaud %#x\n", t2.c_ispeed, t2.c_ospeed, t2.c_cflag & CBAUD);
    struct termios t; R(ioctl(s, TCGETS, &t)); printf("TCGETS cbaud %#x\n", t.c_cflag & CBAUD);
    t.c_cflag = (t.c_cflag & ~CBAUD) | B115200; R(ioctl(s, TCSETS, &t));
    R(ioctl(s, TCGETS2, &t2)); printf("B115200: speeds %u %u\n", t2.c_ispeed, t2.c_ospeed);
    pid_t c = fork();
    if (c == 0) {
        setsid();
        int cs = open(ptsname(m), O_RDWR);
        pid_t sid = 0; R(ioctl(cs, TIOCGSID, &sid)); CHECK(sid == getpid());
        FILE *f = fopen("/proc/self/stat", "r"); char buf[512]; fgets(buf, sizeof buf, f); fclose(f);
        int nr, tpgid, pgrp, sess, ppid; char st;
        sscanf(strrchr(buf, ')') + 2, "%c %d %d %d %d %d", &st, &ppid, &pgrp, &sess, &nr, &tpgid);
        CHECK(nr == (int)makedev(136, n) && tpgid == getpid());
        pid_t gc = fork();
        if (gc == 0) {
            setpgid(0, 0);
            signal(SIGTTOU, SIG_IGN); /* a background group may take the foreground then */
            tcsetpgrp(cs, getpid());
            FILE *g = fopen("/proc/self/stat", "r"); fgets(buf, sizeof buf, g); fclose(g);
            sscanf(strrchr(buf, ')') + 2, "%c %d %d %d %d %d", &st, &ppid, &pgrp, &sess, &nr, &tpgid);
            CHECK(tpgid == getpid());
            _exit(0);
        }
        waitpid(gc, NULL, 0);
        FILE *g = fopen("/proc/self/stat", "r"); fgets(buf, sizeof buf, g); fclose(g);
        sscanf(strrchr(buf, ')') + 2, "%c %d %d %d %d %d", &st, &ppid, &pgrp, &sess, &nr, &tpgid);
        CHECK(tpgid == gc);
        _exit(0);
    }
    waitpid(c, NULL, 0);
    c = fork();
    if (c == 0) {
        setuid(1000);
        char ch = 'x';
        R(ioctl(s, TIOCSTI, &ch));
        R(ioctl(s, TIOCVHANGUP));
        _exit(0);
    }
    waitpid(c, NULL, 0);
    R(ioctl(s, TIOCVHANGUP));
    char b[4];
    R(read(s, b, 4));
    R(write(s, "x", 1));
    R(ioctl(s, TCGETS, &t));
    R(ioctl(s, TIOCSPGRP, &c));
    printf("done\n");
    return 0;
}
