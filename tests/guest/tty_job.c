/* Job control on a pty: sessions and controlling terminals (setsid, open,
 * TIOCSCTTY, TIOCNOTTY, /dev/tty), the foreground group and TIOCSPGRP's
 * errors, signal characters reaching the foreground group, SIGTTIN/SIGTTOU
 * for a background group, SIGWINCH, and hang-ups when the session leader
 * exits or the master closes. Each step runs in a child; its lines come one
 * process at a time. */
#include "tty.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>

static int m, ptn;
static char name[64];

/* Whether the process has a controlling tty, and which: /dev/tty opens it.
 * (qemu-user fakes /proc/self/stat's tty fields, so they are checked elsewhere.) */
static const char *ctty(void) {
    errno = 0;
    int t = open("/dev/tty", O_RDWR | O_NONBLOCK);
    if (t < 0) return strerrorname_np(errno);
    close(t);
    return "yes";
}

static void newpty(void) {
    m = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(m); unlockpt(m);
    ioctl(m, TIOCGPTN, &ptn);
    snprintf(name, sizeof name, "%s", ptsname(m));
}

#define E(expr) do { errno = 0; long r_ = (long)(expr); printf("%s = %ld%s%s\n", #expr, r_, r_ < 0 ? " " : "", r_ < 0 ? strerrorname_np(errno) : ""); } while (0)

static volatile sig_atomic_t got;
static void on_sig(int s) { got = s; }

/* A child that becomes a session leader with the slave as its controlling tty. */
static int session_with_ctty(void) {
    setsid();
    int s = open(name, O_RDWR);
    return s;
}

static void wait_report(pid_t c, const char *what) {
    int st;
    waitpid(c, &st, WUNTRACED);
    if (WIFSTOPPED(st)) printf("%s: stopped by %s\n", what, sigabbrev_np(WSTOPSIG(st)));
    else if (WIFSIGNALED(st)) printf("%s: killed by %s\n", what, sigabbrev_np(WTERMSIG(st)));
    else printf("%s: exited %d\n", what, WEXITSTATUS(st));
    if (WIFSTOPPED(st)) { kill(c, SIGKILL); waitpid(c, &st, 0); }
}

static void step_acquire(void) {
    printf("-- acquiring a controlling tty\n");
    pid_t c = fork();
    if (c == 0) {
        printf("before: ctty %s\n", ctty());
        int s0 = open(name, O_RDWR | O_NOCTTY);
        E(ioctl(s0, TIOCSCTTY, 0));
        E(tcgetpgrp(s0));
        E(setsid() == getpid());
        int s1 = open(name, O_RDWR | O_NOCTTY);
        printf("after O_NOCTTY open: ctty %s\n", ctty());
        close(s1);
        int s = open(name, O_RDWR);
        printf("after open: ctty %s\n", ctty());
        printf("tcgetpgrp is me=%d\n", tcgetpgrp(s) == getpid());
        pid_t pg = 0; ioctl(m, TIOCGPGRP, &pg); printf("master TIOCGPGRP is me=%d\n", pg == getpid());
        E(ioctl(s, TIOCSCTTY, 0));
        int t = open("/dev/tty", O_RDWR);
        char link[64] = {0}, path[64]; snprintf(path, sizeof path, "/proc/self/fd/%d", t);
        readlink(path, link, sizeof link - 1);
        printf("/dev/tty opened: %s, link %s, isatty %d\n", t >= 0 ? "ok" : "no", link, isatty(t));
        wr(t, "via /dev/tty\n");
        /* Closing every descriptor of the terminal keeps it as the controlling tty. */
        close(s); close(s0); close(t);
        printf("after closing all fds: ctty %s\n", ctty());
        t = open("/dev/tty", O_RDWR);
        pid_t gc = fork();
        if (gc == 0) {
            printf("child inherits: ctty %s\n", ctty());
            E(ioctl(t, TIOCSCTTY, 0));
            E(setsid() > 0);
            printf("after setsid: ctty %s\n", ctty());
            E(tcgetpgrp(t));
            E(ioctl(t, TIOCSCTTY, 0));
            _exit(0);
        }
        child_status(gc);
        /* The leader's TIOCNOTTY sends SIGHUP and SIGCONT to the foreground group: its own. */
        signal(SIGHUP, on_sig);
        E(ioctl(t, TIOCNOTTY));
        printf("after TIOCNOTTY: got %s, ctty %s\n", got ? sigabbrev_np(got) : "-", ctty());
        got = 0;
        E(ioctl(t, TIOCNOTTY));
        E(tcgetpgrp(t));
        _exit(0);
    }
    child_status(c);
    show_drain("master", m);
}

static void step_pgrp_errors(void) {
    printf("-- TIOCSPGRP and TIOCSCTTY rules\n");
    pid_t c = fork();
    if (c == 0) {
        pid_t outside = getppid();
        int s = session_with_ctty();
        E(tcsetpgrp(s, getpid()));
        E(tcsetpgrp(s, -1));
        E(tcsetpgrp(s, 0));
        E(tcsetpgrp(s, 999999));
        E(tcsetpgrp(s, getpgid(outside)));
        pid_t gc = fork();
        if (gc == 0) { setpgid(0, 0); pause(); _exit(0); }
        setpgid(gc, gc);
        E(tcsetpgrp(s, gc) == 0);
        printf("foreground is the new group=%d\n", tcgetpgrp(s) == gc);
        E(tcsetpgrp(s, getpid()));
        kill(gc, SIGKILL); waitpid(gc, NULL, 0);
        /* A pty that is not our controlling tty. */
        int m2 = posix_openpt(O_RDWR | O_NOCTTY); grantpt(m2); unlockpt(m2);
        int s2 = open(ptsname(m2), O_RDWR | O_NOCTTY);
        E(tcsetpgrp(s2, getpid()));
        E(tcgetpgrp(s2));
        pid_t pg = 99; ioctl(m2, TIOCGPGRP, &pg); printf("unowned master TIOCGPGRP gives %d\n", pg);
        E(ioctl(s2, TIOCSCTTY, 0));
        pid_t gc2 = fork();
        if (gc2 == 0) {
            /* Not a session leader. */
            E(ioctl(s2, TIOCSCTTY, 0));
            setsid();
            /* The tty of another session: only stolen with arg 1 by root. */
            E(ioctl(s, TIOCSCTTY, 0));
            int rs = ioctl(s, TIOCSCTTY, 1);
            printf("steal with 1 as root = %d\n", rs);
            _exit(0);
        }
        child_status(gc2);
        printf("after the steal: ctty %s\n", ctty());
        _exit(0);
    }
    child_status(c);
}

/* A foreground job blocked reading; the master types a signal character. */
static void step_isig(const char *what, const char *ch, int handle) {
    int p[2]; pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        int s = session_with_ctty();
        pid_t gc = fork();
        if (gc == 0) {
            setpgid(0, 0);
            if (handle) { struct sigaction sa = { .sa_handler = on_sig }; sigaction(SIGINT, &sa, 0); }
            /* Read only once in the foreground (else SIGTTIN). */
            while (tcgetpgrp(s) != getpid()) usleep(10000);
            char b[16];
            long r = read(s, b, sizeof b);
            printf("reader: read = %ld %s got %s\n", r, r < 0 ? strerrorname_np(errno) : "", got ? sigabbrev_np(got) : "-");
            _exit(0);
        }
        setpgid(gc, gc);
        tcsetpgrp(s, gc);
        write(p[1], "x", 1);
        wait_report(gc, what);
        _exit(0);
    }
    close(p[1]);
    char x; read(p[0], &x, 1); close(p[0]);
    usleep(200000);
    wr(m, "typed");
    usleep(100000);
    wr(m, ch);
    child_status(c);
    show_drain("master", m);
}

static void step_background(void) {
    printf("-- background groups\n");
    pid_t c = fork();
    if (c == 0) {
        int s = session_with_ctty();
        struct termios t;
        tcgetattr(s, &t);
        pid_t bg = fork();
        if (bg == 0) { setpgid(0, 0); char b[4]; read(s, b, 4); _exit(0); }
        setpgid(bg, bg);
        wait_report(bg, "background read");
        bg = fork();
        if (bg == 0) { setpgid(0, 0); signal(SIGTTIN, SIG_IGN); char b[4]; errno = 0; long r = read(s, b, 4); printf("read with SIGTTIN ignored = %ld %s\n", r, strerrorname_np(errno)); _exit(0); }
        setpgid(bg, bg);
        wait_report(bg, "background read, SIGTTIN ignored");
        bg = fork();
        if (bg == 0) { setpgid(0, 0); long r = write(s, "bg\n", 3); printf("write without TOSTOP = %ld\n", r); _exit(0); }
        setpgid(bg, bg);
        wait_report(bg, "background write");
        t.c_lflag |= TOSTOP; tcsetattr(s, TCSANOW, &t);
        bg = fork();
        if (bg == 0) { setpgid(0, 0); write(s, "no\n", 3); _exit(0); }
        setpgid(bg, bg);
        wait_report(bg, "background write with TOSTOP");
        bg = fork();
        if (bg == 0) { setpgid(0, 0); signal(SIGTTOU, SIG_IGN); long r = write(s, "ign\n", 4); printf("write with SIGTTOU ignored = %ld\n", r); _exit(0); }
        setpgid(bg, bg);
        wait_report(bg, "background write, SIGTTOU ignored");
        bg = fork();
        if (bg == 0) { setpgid(0, 0); tcsetattr(s, TCSANOW, &t); _exit(0); }
        setpgid(bg, bg);
        wait_report(bg, "background tcsetattr");
        bg = fork();
        if (bg == 0) { setpgid(0, 0); E(tcsetpgrp(s, getpid())); _exit(0); }
        setpgid(bg, bg);
        wait_report(bg, "background tcsetpgrp");
        bg = fork();
        if (bg == 0) { setpgid(0, 0); signal(SIGTTOU, SIG_IGN); E(tcsetpgrp(s, getpid())); E(tcgetpgrp(s) == getpid()); _exit(0); }
        setpgid(bg, bg);
        wait_report(bg, "background tcsetpgrp, SIGTTOU ignored");
        tcsetpgrp(s, getpid());
        bg = fork();
        if (bg == 0) { setpgid(0, 0); sigset_t ss; sigemptyset(&ss); sigaddset(&ss, SIGTTIN); sigprocmask(SIG_BLOCK, &ss, 0); char b[4]; errno = 0; long r = read(s, b, 4); printf("read with SIGTTIN blocked = %ld %s\n", r, strerrorname_np(errno)); _exit(0); }
        setpgid(bg, bg);
        wait_report(bg, "background read, SIGTTIN blocked");
        /* TIOCGWINSZ needs no foreground. */
        bg = fork();
        if (bg == 0) { setpgid(0, 0); struct winsize w; E(ioctl(s, TIOCGWINSZ, &w)); _exit(0); }
        setpgid(bg, bg);
        wait_report(bg, "background TIOCGWINSZ");
        _exit(0);
    }
    child_status(c);
    show_drain("master", m);
}

static void step_winch(void) {
    printf("-- window size\n");
    int p[2]; pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        int s = session_with_ctty();
        signal(SIGWINCH, on_sig);
        sigset_t block, old; sigemptyset(&block); sigaddset(&block, SIGWINCH);
        sigprocmask(SIG_BLOCK, &block, &old);
        write(p[1], "x", 1);
        while (!got) sigsuspend(&old);
        struct winsize w; ioctl(s, TIOCGWINSZ, &w);
        printf("got %s, size %dx%d (%dx%d px)\n", sigabbrev_np(got), w.ws_row, w.ws_col, w.ws_xpixel, w.ws_ypixel);
        got = 0;
        ioctl(s, TIOCSWINSZ, &w);
        printf("same size again: signal %s\n", got ? "yes" : "no");
        _exit(0);
    }
    close(p[1]);
    char x; read(p[0], &x, 1); close(p[0]);
    struct winsize w = { 40, 132, 800, 600 };
    errno = 0; int rw = ioctl(m, TIOCSWINSZ, &w);
    child_status(c);
    printf("TIOCSWINSZ on the master = %d %s\n", rw, rw < 0 ? strerrorname_np(errno) : "");
    struct winsize r; ioctl(m, TIOCGWINSZ, &r); printf("master sees %dx%d\n", r.ws_row, r.ws_col);
    E(ioctl(m, TIOCSWINSZ, (void *)8));
}

static void step_leader_exit(void) {
    printf("-- the session leader exits\n");
    int p[2]; pipe(p);
    pid_t c = fork();
    if (c == 0) {
        int s = session_with_ctty();
        pid_t gc = fork();
        if (gc == 0) {
            setpgid(0, 0);
            signal(SIGHUP, on_sig);
            signal(SIGCONT, SIG_IGN);
            close(p[0]);
            while (tcgetpgrp(s) != getpid()) usleep(10000);
            write(p[1], "r", 1);
            while (!got) pause();
            printf("foreground job: got %s, ctty %s\n", sigabbrev_np(got), ctty());
            errno = 0; long r = tcgetpgrp(s); printf("tcgetpgrp = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
            long w = write(s, "still\n", 6); printf("write to the slave = %ld\n", w);
            _exit(0);
        }
        setpgid(gc, gc);
        tcsetpgrp(s, gc);
        close(p[1]);
        char x; read(p[0], &x, 1);
        _exit(0);
    }
    close(p[1]);
    waitpid(c, NULL, 0);
    char x; read(p[0], &x, 1); close(p[0]);
    /* The orphaned job reports to init, not us: wait until its output is done. */
    usleep(300000);
    show_drain("master", m);
}

static void step_master_close(void) {
    printf("-- the master closes under a session\n");
    int p[2]; pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        close(m);
        int s = session_with_ctty();
        struct sigaction sa = { .sa_handler = on_sig }; sigaction(SIGHUP, &sa, 0);
        write(p[1], "x", 1);
        char b[8];
        errno = 0;
        long r = read(s, b, sizeof b);
        printf("leader: read = %ld %s, got %s\n", r, r < 0 ? strerrorname_np(errno) : "", got ? sigabbrev_np(got) : "-");
        printf("leader: ctty %s\n", ctty());
        errno = 0; r = write(s, "x", 1); printf("leader: write = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
        _exit(0);
    }
    close(p[1]);
    char x; read(p[0], &x, 1); close(p[0]);
    usleep(200000);
    close(m);
    child_status(c);
}

int main(void) {
    newpty();
    step_acquire();
    step_pgrp_errors();
    printf("-- signal characters\n");
    step_isig("^C", "\x03", 0);
    step_isig("^C caught", "\x03", 1);
    step_isig("^\\", "\x1c", 0);
    step_isig("^Z", "\x1a", 0);
    step_background();
    step_winch();
    step_leader_exit();
    step_master_close();
    printf("done\n");
    return 0;
}
