/* The N_TTY line discipline through a pty: canonical editing and its echo,
 * ICRNL/INLCR/IGNCR, OPOST/ONLCR, VMIN/VTIME, the 4095-byte line limit,
 * flow control, flushing, packet mode, and what each end sees when the other closes. */
#include "tty.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void set_lflag(int fd, tcflag_t on, tcflag_t off) {
    struct termios t; tcgetattr(fd, &t);
    t.c_lflag = (t.c_lflag | on) & ~off;
    tcsetattr(fd, TCSANOW, &t);
}
static void set_cc(int fd, int min, int time) {
    struct termios t; tcgetattr(fd, &t);
    t.c_cc[VMIN] = min; t.c_cc[VTIME] = time;
    tcsetattr(fd, TCSANOW, &t);
}

static void canon(int m, int s, const char *what, const char *in) {
    printf("-- %s\n", what);
    wr(m, in);
    show_read("slave read", s);
    show_drain("master echo", m);
}

int main(void) {
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    R(m >= 0);
    R(grantpt(m));
    char *name = ptsname(m);
    CHECK(name && strncmp(name, "/dev/pts/", 9) == 0);
    errno = 0;
    int early = open(name, O_RDWR | O_NOCTTY);
    printf("open slave before unlockpt = %d %s\n", early, early < 0 ? strerrorname_np(errno) : "");
    R(unlockpt(m));
    unsigned n = 99; R(ioctl(m, TIOCGPTN, &n));
    char want[32]; snprintf(want, sizeof want, "/dev/pts/%u", n);
    CHECK(strcmp(want, name) == 0);
    int s = open(name, O_RDWR | O_NOCTTY);
    R(s >= 0);
    char link[64] = {0}, path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", s);
    readlink(path, link, sizeof link - 1);
    CHECK(strcmp(link, name) == 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", m);
    memset(link, 0, sizeof link); readlink(path, link, sizeof link - 1);
    printf("master link %s\n", link);
    struct stat st; fstat(s, &st);
    printf("slave rdev major %u is chr %d\n", major(st.st_rdev), S_ISCHR(st.st_mode));
    CHECK(isatty(s) && isatty(m));

    struct termios t;
    R(tcgetattr(s, &t));
    printf("slave termios iflag=%#x oflag=%#x cflag=%#x lflag=%#x\n", t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag);
    printf("cc:"); for (int i = 0; i < 17; i++) printf(" %d", t.c_cc[i]); printf("\n");
    printf("speed out=%d in=%d\n", (int)cfgetospeed(&t), (int)cfgetispeed(&t));
    struct termios tm; tcgetattr(m, &tm);
    CHECK(memcmp(&t, &tm, sizeof t) == 0);
    struct winsize ws; R(ioctl(s, TIOCGWINSZ, &ws)); printf("winsize %d %d\n", ws.ws_row, ws.ws_col);
    int ld = -1; R(ioctl(s, TIOCGETD, &ld)); printf("ldisc %d\n", ld);

    canon(m, s, "erase", "abc\x7f" "d\n");
    canon(m, s, "kill (ECHOKE)", "hello\x15" "bye\n");
    canon(m, s, "word erase", "foo bar\x17" "baz\n");
    canon(m, s, "word erase over punctuation", "one two..  \x17" "x\n");
    canon(m, s, "erase a control character (ECHOCTL)", "a\x01\x7f" "b\n");
    canon(m, s, "erase a tab", "ab\t\x7f" "c\n");
    canon(m, s, "control character echo", "\x01\x1b\n");
    canon(m, s, "literal next", "\x16\x7f\x16\x15\n");
    canon(m, s, "reprint", "ab\x12" "c\n");
    canon(m, s, "EOF after text", "abc\x04");
    canon(m, s, "EOF at line start", "\x04");
    canon(m, s, "CR to NL (ICRNL)", "x\r");
    canon(m, s, "erase on an empty line", "\x7f\x7fz\n");
    printf("-- two lines, one read each\n");
    wr(m, "one\ntwo\n"); show_read("first", s); show_read("second", s); show_drain("echo", m);
    printf("-- a short read of a line\n");
    wr(m, "abcdef\n");
    { unsigned char b[8]; long r = read(s, b, 3); show("read 3", b, r); r = read(s, b, 8); show("rest", b, r); }
    show_drain("echo", m);
    printf("-- FIONREAD counts whole lines\n");
    wr(m, "abc"); usleep(100000);
    int q = -1; ioctl(s, FIONREAD, &q); printf("partial line: %d\n", q);
    wr(m, "\n"); usleep(100000);
    ioctl(s, FIONREAD, &q); printf("after newline: %d\n", q);
    show_read("read", s); show_drain("echo", m);

    printf("-- ECHOE off, ECHOK without ECHOKE\n");
    set_lflag(s, 0, ECHOE | ECHOKE);
    canon(m, s, "erase echoes the erase char", "ab\x7f" "c\n");
    canon(m, s, "kill echoes ^U and newline", "ab\x15" "c\n");
    set_lflag(s, ECHOE | ECHOKE, ECHOCTL);
    canon(m, s, "no ECHOCTL", "a\x01\x7f" "b\x01\n");
    set_lflag(s, ECHOCTL, ECHO);
    canon(m, s, "no echo", "quiet\n");
    set_lflag(s, ECHONL, 0);
    canon(m, s, "ECHONL alone", "nl\n");
    set_lflag(s, ECHO, ECHONL);

    printf("-- input mapping\n");
    t.c_iflag |= IGNCR; tcsetattr(s, TCSANOW, &t);
    canon(m, s, "IGNCR", "a\rb\n");
    t.c_iflag &= ~(IGNCR | ICRNL); t.c_iflag |= INLCR; tcsetattr(s, TCSANOW, &t);
    wr(m, "c\r"); usleep(100000);
    q = -1; ioctl(s, FIONREAD, &q); printf("INLCR, CR without ICRNL: FIONREAD %d\n", q);
    wr(m, "\n\x04"); show_read("INLCR read", s); show_drain("echo", m);
    t.c_iflag = ICRNL | IXON | ISTRIP; tcsetattr(s, TCSANOW, &t);
    canon(m, s, "ISTRIP", "\xc1\xe2\n");
    t.c_iflag = ICRNL | IXON; tcsetattr(s, TCSANOW, &t);

    printf("-- output processing\n");
    wr(s, "x\ny\n"); show_drain("ONLCR", m);
    t.c_oflag = OPOST | ONLCR | XTABS; tcsetattr(s, TCSANOW, &t);
    wr(s, "a\tbc\t|\n"); show_drain("XTABS", m);
    t.c_oflag = OPOST | OCRNL | ONLCR; tcsetattr(s, TCSANOW, &t);
    wr(s, "r\rn\n"); show_drain("OCRNL", m);
    t.c_oflag = OPOST | ONOCR; tcsetattr(s, TCSANOW, &t);
    wr(s, "\rab\rc\n"); show_drain("ONOCR", m);
    t.c_oflag = 0; tcsetattr(s, TCSANOW, &t);
    wr(s, "raw\n"); show_drain("no OPOST", m);
    t.c_oflag = OPOST | ONLCR; tcsetattr(s, TCSANOW, &t);

    printf("-- ISIG without a foreground group: input flushed, ^C echoed\n");
    canon(m, s, "intr", "abc\x03" "def\n");
    set_lflag(s, NOFLSH, 0);
    canon(m, s, "intr with NOFLSH", "abc\x03" "def\n");
    set_lflag(s, 0, NOFLSH);

    printf("-- the 4095-byte line limit\n");
    set_lflag(s, 0, ECHO);
    {
        static char big[10001];
        memset(big, 'a', 10000); big[10000] = '\n';
        long w = write(m, big, sizeof big);
        printf("wrote %ld\n", w);
        usleep(200000);
        int avail = -1; ioctl(s, FIONREAD, &avail); printf("FIONREAD %d\n", avail);
        static unsigned char rb[20000];
        long r = read(s, rb, sizeof rb);
        long as = 0; for (long i = 0; i < r; i++) as += rb[i] == 'a';
        printf("read %ld: %ld a, last %#x\n", r, as, r > 0 ? rb[r - 1] : 0);
        wr(m, "next\n"); show_read("next line", s);
        /* Without a newline the line never completes: overflow keeps the last char. */
        memset(big, 'b', 10000); big[9999] = 'Z';
        w = write(m, big, 10000); printf("wrote %ld without newline\n", w);
        usleep(200000);
        fcntl(s, F_SETFL, O_NONBLOCK);
        errno = 0; r = read(s, rb, sizeof rb); printf("nonblocking read = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
        fcntl(s, F_SETFL, 0);
        wr(m, "\x7f\x7f" "c\n");
        r = read(s, rb, sizeof rb);
        as = 0; for (long i = 0; i < r; i++) as += rb[i] == 'b';
        printf("read %ld: %ld b, tail %c%c\n", r, as, rb[r - 2], rb[r - 1] == '\n' ? '$' : rb[r - 1]);
    }
    set_lflag(s, ECHO, 0);

    printf("-- noncanonical VMIN/VTIME\n");
    set_lflag(s, 0, ICANON | ECHO);
    unsigned char b[64];
    long r;
    set_cc(s, 0, 0);
    r = read(s, b, sizeof b); printf("MIN=0 TIME=0, empty: %ld\n", r);
    wr(m, "xy"); usleep(100000);
    r = read(s, b, sizeof b); show("MIN=0 TIME=0, data", b, r);
    set_cc(s, 0, 2);
    r = read(s, b, sizeof b); printf("MIN=0 TIME=2, nothing comes: %ld\n", r);
    pid_t c = fork();
    if (c == 0) { usleep(100000); wr(m, "late"); _exit(0); }
    set_cc(s, 0, 10);
    r = read(s, b, sizeof b); show("MIN=0 TIME=10, data after 0.1 s", b, r);
    child_status(c);
    set_cc(s, 3, 0);
    wr(m, "a");
    c = fork();
    if (c == 0) { usleep(100000); wr(m, "b"); usleep(100000); wr(m, "cd"); _exit(0); }
    r = read(s, b, sizeof b); show("MIN=3 TIME=0", b, r);
    child_status(c);
    usleep(100000); drain(s, b, sizeof b, 50);
    wr(m, "12345"); usleep(100000);
    set_cc(s, 5, 0);
    r = read(s, b, 3); show("MIN=5 TIME=0, 3-byte buffer", b, r);
    set_cc(s, 0, 0);
    r = read(s, b, sizeof b); show("rest", b, r);
    set_cc(s, 3, 1);
    wr(m, "pq");
    r = read(s, b, sizeof b); show("MIN=3 TIME=1, two bytes then quiet", b, r);
    set_cc(s, 1, 0);
    fcntl(s, F_SETFL, O_NONBLOCK);
    errno = 0; r = read(s, b, sizeof b); printf("nonblocking MIN=1, empty: %ld %s\n", r, strerrorname_np(errno));
    fcntl(s, F_SETFL, 0);
    wr(m, "abc\x7f\n"); usleep(100000);
    r = read(s, b, sizeof b); show("noncanonical: no editing", b, r);
    printf("-- switching to canonical with pending input\n");
    wr(m, "pend"); usleep(100000);
    set_lflag(s, ICANON, 0);
    q = -1; ioctl(s, FIONREAD, &q); printf("FIONREAD %d\n", q);
    r = read(s, b, sizeof b); show("read", b, r);
    set_lflag(s, ECHO, 0);

    printf("-- flow control\n");
    wr(m, "\x13"); usleep(100000);
    fcntl(s, F_SETFL, O_NONBLOCK);
    errno = 0; r = write(s, "stopped", 7); printf("write while stopped: %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
    struct pollfd p = { s, POLLOUT, 0 };
    poll(&p, 1, 0); printf("POLLOUT while stopped: %d\n", !!(p.revents & POLLOUT));
    wr(m, "\x11"); usleep(100000);
    r = write(s, "go", 2); printf("write after ^Q: %ld\n", r);
    fcntl(s, F_SETFL, 0);
    show_drain("master", m);
    R(tcflow(s, TCOOFF));
    fcntl(s, F_SETFL, O_NONBLOCK);
    errno = 0; r = write(s, "x", 1); printf("write after TCOOFF: %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
    fcntl(s, F_SETFL, 0);
    R(tcflow(s, TCOON));
    R(tcflow(s, 7));
    show_drain("master", m);

    printf("-- flushing and packet mode\n");
    drain(m, b, sizeof b, 100);
    wr(m, "flushed\n"); usleep(100000);
    R(tcflush(s, TCIFLUSH));
    q = -1; ioctl(s, FIONREAD, &q); printf("FIONREAD after TCIFLUSH %d\n", q);
    R(tcflush(s, 9));
    int one = 1; R(ioctl(m, TIOCPKT, &one));
    R(tcflush(s, TCIFLUSH));
    r = read(m, b, sizeof b); show("packet status", b, r);
    wr(s, "hi"); usleep(100000);
    r = read(m, b, sizeof b); show("packet data", b, r);
    R(tcflow(s, TCOOFF));
    r = read(m, b, sizeof b); show("packet stop", b, r);
    R(tcflow(s, TCOON));
    r = read(m, b, sizeof b); show("packet start", b, r);
    int zero = 0; R(ioctl(m, TIOCPKT, &zero));
    int outq = -1; R(ioctl(s, TIOCOUTQ, &outq)); printf("TIOCOUTQ %d\n", outq);
    char ch = 'Q'; R(ioctl(s, TIOCSTI, &ch));
    wr(m, "\n");
    show_read("after TIOCSTI", s);
    drain(m, b, sizeof b, 50);

    printf("-- the slave closes\n");
    wr(s, "bye");
    close(s);
    show_read("master read (data left)", m);
    show_read("master read (slave gone)", m);
    p.fd = m; p.events = POLLIN; poll(&p, 1, 0); printf("master poll hup=%d\n", !!(p.revents & POLLHUP));
    r = write(m, "x", 1); printf("master write after slave closed: %ld\n", r);
    s = open(name, O_RDWR | O_NOCTTY);
    printf("reopen slave: %s\n", s >= 0 ? "ok" : strerrorname_np(errno));
    drain(s, b, sizeof b, 50);
    r = write(s, "again\n", 6);
    show_drain("master after reopen", m);

    printf("-- the master closes\n");
    wr(m, "unread\n"); usleep(100000);
    close(m);
    usleep(100000);
    show_read("slave read", s);
    show_read("slave read again", s);
    errno = 0; r = write(s, "x", 1); printf("slave write = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
    p.fd = s; p.events = POLLIN | POLLOUT; poll(&p, 1, 0); printf("slave poll in=%d out=%d hup=%d err=%d\n", !!(p.revents & POLLIN), !!(p.revents & POLLOUT), !!(p.revents & POLLHUP), !!(p.revents & POLLERR));
    errno = 0; r = tcgetattr(s, &t); printf("slave tcgetattr = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
    errno = 0; r = access(name, F_OK); printf("slave node: %s\n", r < 0 ? strerrorname_np(errno) : "present");
    errno = 0; r = open(name, O_RDWR | O_NOCTTY); printf("open slave after master closed: %s\n", r >= 0 ? "ok" : strerrorname_np(errno));
    close(s);

    printf("-- TIOCGPTPEER\n");
    int s2, m2 = open_pty(&s2, O_NOCTTY);
    close(s2);
    int peer = ioctl(m2, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    CHECK(peer >= 0 && isatty(peer));
    snprintf(path, sizeof path, "/proc/self/fd/%d", peer);
    memset(link, 0, sizeof link); readlink(path, link, sizeof link - 1);
    CHECK(strcmp(link, ptsname(m2)) == 0);
    errno = 0; r = ioctl(peer, TIOCGPTN, &n); printf("TIOCGPTN on a slave = %ld %s\n", r, strerrorname_np(errno));
    printf("done\n");
    return 0;
}
