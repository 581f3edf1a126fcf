/* Orphaned process groups (POSIX; Linux kill_orphaned_pgrp and
 * is_current_pgrp_orphaned): when a group loses its last member with a parent
 * in another group of the session while a member is stopped, every member gets
 * SIGHUP then SIGCONT; a group with nothing stopped gets nothing; in an
 * orphaned group SIGTSTP's default stop is not taken. */
#include "tg.h"
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static int out = -1;
static void on_hup(int s) { (void)s; if (write(out, "hup ", 4) < 0) _exit(3); }

enum { SLEEP, STOP, TSTP };

/* A leads a new group; B joins it and stops, sleeps, or (once A is gone) raises SIGTSTP; A exits when B is ready. */
static void scenario(const char *name, int mode) {
  int p[2];
  if (pipe(p)) { perror("pipe"); return; }
  pid_t m = fork();
  if (m == 0) {
    pid_t a = fork();
    if (a == 0) {
      setpgid(0, 0);
      pid_t b = fork();
      if (b == 0) {
        out = p[1];
        close(p[0]);
        signal(SIGHUP, on_hup);
        struct timespec ts = {0, 300 * 1000 * 1000};
        if (mode == STOP) raise(SIGSTOP);
        else nanosleep(&ts, 0);
        /* By now A has exited and the group is orphaned: SIGTSTP's default stop is dropped. */
        if (mode == TSTP) raise(SIGTSTP);
        if (write(out, "after", 5) < 0) _exit(3);
        _exit(0);
      }
      close(p[0]); close(p[1]);
      int st;
      if (mode == STOP) waitpid(b, &st, WUNTRACED);
      _exit(0);
    }
    close(p[1]);
    waitpid(a, 0, 0);
    char buf[64] = {0};
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf - 1 && (r = read(p[0], buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)r;
    printf("%s: %s\n", name, buf);
    _exit(0);
  }
  close(p[0]); close(p[1]);
  waitpid(m, 0, 0);
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  scenario("stopped member", STOP);
  scenario("nothing stopped", SLEEP);
  scenario("SIGTSTP in an orphaned group", TSTP);
  return 0;
}
