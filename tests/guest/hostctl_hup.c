/* A program whose terminal hangs up under it (tests/scenario/hostctl.test.ts).
 * It says it is ready on stdout (the terminal), then, in "read" mode, reads
 * stdin until the end of file, or, in "spin" mode, spins without reading.
 * Everything it sees of the hang-up goes to stderr (a file the test reads):
 * the SIGHUP and SIGCONT that Linux sends the session leader when its
 * controlling terminal hangs up, and what read() then returns (0, the end of
 * file, as hung_up_tty_read gives). It ends on its own after the read. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t hup, cont;
static void on_hup(int s) { (void)s; hup = 1; write(2, "SIGHUP\n", 7); }
static void on_cont(int s) { (void)s; cont = 1; write(2, "SIGCONT\n", 8); }

int main(int argc, char **argv) {
    int spin = argc > 1 && strcmp(argv[1], "spin") == 0;
    signal(SIGHUP, on_hup);
    signal(SIGCONT, on_cont);
    write(1, "ready\n", 6);
    if (spin)
        for (;;) {
        }
    char buf[256];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
    }
    const char *r = n == 0 ? "read 0\n" : "read error\n";
    write(2, r, strlen(r));
    return hup && cont ? 0 : 3;
}
