// Process and thread micro-benchmarks for `npm run bench`: bench_proc NAME N
// runs N operations of one kind and prints "NAME N CHECK", where CHECK is
// derived from what each operation returned, so a run that skipped the work
// shows. The bench times the program with N and with 0 and divides the
// difference by N. Names: getppid fork exec thread futex signal.
#include "tg.h"
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long n;

static long b_getppid(void) {
  long sum = 0;
  // The raw call: glibc does not cache getppid, but be explicit about the trap.
  for (long i = 0; i < n; i++) sum += syscall(SYS_getppid);
  return n == 0 || sum / n == getppid() ? n : -1;
}

static long b_fork(void) {
  long ok = 0;
  for (long i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) _exit((int)(i & 127));
    int st;
    if (p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == (int)(i & 127)) ok++;
  }
  return ok;
}

static long b_exec(void) {
  long ok = 0;
  for (long i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) {
      execl("/bin/true", "true", (char *)0);
      _exit(127);
    }
    int st;
    if (p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0) ok++;
  }
  return ok;
}

static void *thread_fn(void *arg) { return (void *)((long)arg + 1); }

static long b_thread(void) {
  long ok = 0;
  for (long i = 0; i < n; i++) {
    pthread_t th;
    void *r;
    if (pthread_create(&th, 0, thread_fn, (void *)i) == 0 && pthread_join(th, &r) == 0 && (long)r == i + 1) ok++;
  }
  return ok;
}

// Futex ping-pong: a shared word that each side flips and wakes the other on.
static atomic_int turn;
static atomic_long pongs;

static void fwait(int val) { syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, val, 0, 0, 0); }
static void fwake(void) { syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0); }

static void *ponger(void *arg) {
  (void)arg;
  for (long i = 0; i < n; i++) {
    while (atomic_load(&turn) != 1) fwait(0);
    atomic_fetch_add(&pongs, 1);
    atomic_store(&turn, 0);
    fwake();
  }
  return 0;
}

static long b_futex(void) {
  pthread_t th;
  if (pthread_create(&th, 0, ponger, 0) != 0) return -1;
  for (long i = 0; i < n; i++) {
    atomic_store(&turn, 1);
    fwake();
    while (atomic_load(&turn) != 0) fwait(1);
  }
  pthread_join(th, 0);
  return atomic_load(&pongs);
}

// Signal round trip: raise SIGUSR1 at ourselves, the handler runs, sigreturn.
static volatile sig_atomic_t caught;
static void on_usr1(int sig) { (void)sig; caught++; }

static long b_signal(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, 0);
  pid_t self = getpid();
  for (long i = 0; i < n; i++) kill(self, SIGUSR1);
  return caught;
}

static const struct tg_bench benches[] = {
  {"getppid", b_getppid}, {"fork", b_fork}, {"exec", b_exec},
  {"thread", b_thread},   {"futex", b_futex}, {"signal", b_signal},
};

int main(int argc, char **argv) {
  return tg_bench_main("bench_proc", benches, sizeof benches / sizeof benches[0], &n, argc, argv);
}
