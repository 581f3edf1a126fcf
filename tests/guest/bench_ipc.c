// IPC micro-benchmarks for `npm run bench` (issue 5), in bench_proc's form:
// bench_ipc NAME N runs N operations and prints "NAME N CHECK", CHECK
// counting the operations that did what they should. Names:
//   pipe      4 KiB written by a child, read by the parent (throughput)
//   pingpong  one byte there and back over two pipes (two context switches)
//   unix      one byte there and back over a Unix stream socketpair
//   msg       a System V message there and back (msgsnd/msgrcv)
#include "tg.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static long n;

static int reap(pid_t p) {
  int st;
  return waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/** Read exactly len bytes (a pipe may return less). */
static int readall(int fd, char *b, size_t len) {
  while (len) {
    ssize_t r = read(fd, b, len);
    if (r <= 0) return 0;
    b += r; len -= (size_t)r;
  }
  return 1;
}

static long b_pipe(void) {
  int p[2];
  if (pipe(p)) return -1;
  static char buf[4096];
  pid_t c = fork();
  if (c == 0) {
    close(p[0]);
    memset(buf, 'x', sizeof buf);
    for (long i = 0; i < n; i++) if (write(p[1], buf, sizeof buf) != sizeof buf) _exit(1);
    _exit(0);
  }
  close(p[1]);
  long ok = 0;
  for (long i = 0; i < n; i++) if (readall(p[0], buf, sizeof buf) && buf[4095] == 'x') ok++;
  return reap(c) ? ok : -1;
}

/** Echo n bytes back over fds (rd, wr); the parent sends and checks. */
static long echo_loop(int prd, int pwr, int crd, int cwr, int cclose1, int cclose2) {
  pid_t c = fork();
  if (c == 0) {
    close(cclose1); close(cclose2);
    char b;
    for (long i = 0; i < n; i++) if (read(crd, &b, 1) != 1 || write(cwr, &b, 1) != 1) _exit(1);
    _exit(0);
  }
  long ok = 0;
  for (long i = 0; i < n; i++) {
    char b = (char)i, r = 0;
    if (write(pwr, &b, 1) == 1 && read(prd, &r, 1) == 1 && r == b) ok++;
  }
  return reap(c) ? ok : -1;
}

static long b_pingpong(void) {
  int a[2], b[2];
  if (pipe(a) || pipe(b)) return -1;
  // parent writes a[1], child reads a[0] and writes b[1], parent reads b[0]
  return echo_loop(b[0], a[1], a[0], b[1], a[1], b[0]);
}

static long b_unix(void) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) return -1;
  return echo_loop(sv[0], sv[0], sv[1], sv[1], sv[0], sv[0]);
}

struct m { long type; char text[64]; };

static long b_msg(void) {
  int q = msgget(IPC_PRIVATE, 0600);
  if (q < 0) return -1;
  pid_t c = fork();
  if (c == 0) {
    struct m x;
    for (long i = 0; i < n; i++) {
      if (msgrcv(q, &x, sizeof x.text, 1, 0) < 0) _exit(1);
      x.type = 2;
      if (msgsnd(q, &x, sizeof x.text, 0)) _exit(1);
    }
    _exit(0);
  }
  long ok = 0;
  struct m x = {1, "ping"}, y;
  for (long i = 0; i < n; i++) {
    x.type = 1;
    if (msgsnd(q, &x, sizeof x.text, 0) == 0 && msgrcv(q, &y, sizeof y.text, 2, 0) >= 0 && strcmp(y.text, "ping") == 0) ok++;
  }
  int good = reap(c);
  msgctl(q, IPC_RMID, 0);
  return good ? ok : -1;
}

static const struct tg_bench benches[] = {
  {"pipe", b_pipe}, {"pingpong", b_pingpong}, {"unix", b_unix}, {"msg", b_msg},
};

int main(int argc, char **argv) {
  return tg_bench_main("bench_ipc", benches, sizeof benches / sizeof benches[0], &n, argc, argv);
}
