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

/* A leads a new group; B joins it and stops (or sleeps); A exits when B is ready. */
static void scenario(const char *name, int stop) {
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
        if (stop) raise(SIGSTOP);
        else { struct timespec ts = {0, 300 * 1000 * 1000}; nanosleep(&ts, 0); }
        if (write(out, "after", 5) < 0) _exit(3);
        _exit(0);
      }
      close(p[0]); close(p[1]);
      int st;
      if (stop) waitpid(b, &st, WUNTRACED);
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
  scenario("stopped member", 1);
  scenario("nothing stopped", 0);
  /* SIGTSTP in an orphaned group: not stopped (the default action is dropped). */
  pid_t m = fork();
  if (m == 0) {
    pid_t a = fork();
    if (a == 0) {
      setpgid(0, 0);
      pid_t b = fork();
      if (b == 0) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, 0); /* A has exited: the group is orphaned */
        raise(SIGTSTP);
        printf("SIGTSTP in an orphaned group: still running\n");
        _exit(0);
      }
      _exit(0);
    }
    waitpid(a, 0, 0);
    struct timespec ts = {0, 400 * 1000 * 1000};
    nanosleep(&ts, 0);
    _exit(0);
  }
  waitpid(m, 0, 0);
  return 0;
}
