// CPU-time accounting as a program sees it: work of a known size, then the
// figures of every interface that reports it, so a test can check they agree
// with each other and with the work done.
//   sys_cputime loop N      2N user instructions (a counted asm loop)
//   sys_cputime sys N       N getppid system calls
//   sys_cputime child N     a child runs loop N; the parent reports children's time
//   sys_cputime threads N   4 threads run loop N each and are joined
//   sys_cputime spin MS     burn user time for MS ms of CPU time (for top/pidstat)
//   sys_cputime yield N     N times sched_yield and a 1 ms sleep (voluntary switches)
//   sys_cputime sleep N     N 1 ms sleeps
// Lines printed (times in µs unless named ticks):
//   rusage UTIME STIME MINFLT NVCSW NIVCSW   getrusage(RUSAGE_SELF or _CHILDREN)
//   stat UTIME STIME CUTIME CSTIME           /proc/self/stat fields 14-17 (ticks)
//   times UTIME STIME CUTIME CSTIME          times(2) (ticks)
//   status NVCSW NIVCSW                      /proc/self/status
//   wait4 UTIME STIME                        the child's rusage from wait4
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>

static long us(struct timeval tv) { return tv.tv_sec * 1000000L + tv.tv_usec; }

/** 2 instructions per iteration: addi and bnez. */
static void loop(long n) {
  if (n <= 0) return;
  __asm__ volatile("1: addi %0, %0, -1\n bnez %0, 1b" : "+r"(n));
}

static void *thread_loop(void *arg) { loop((long)arg); return 0; }

static void print_rusage(const char *tag, int who) {
  struct rusage ru;
  getrusage(who, &ru);
  printf("%s %ld %ld %ld %ld %ld\n", tag, us(ru.ru_utime), us(ru.ru_stime), ru.ru_minflt, ru.ru_nvcsw, ru.ru_nivcsw);
}

static void print_stat(void) {
  char buf[1024];
  FILE *f = fopen("/proc/self/stat", "r");
  if (!f || !fgets(buf, sizeof buf, f)) { printf("stat unreadable\n"); return; }
  fclose(f);
  // Fields after the command's closing parenthesis start at field 3.
  char *p = strrchr(buf, ')') + 2;
  long v[64];
  int n = 0;
  for (char *tok = strtok(p, " "); tok && n < 64; tok = strtok(0, " ")) v[n++] = atol(tok);
  printf("stat %ld %ld %ld %ld\n", v[11], v[12], v[13], v[14]);
}

static void print_times(void) {
  struct tms t;
  times(&t);
  printf("times %ld %ld %ld %ld\n", (long)t.tms_utime, (long)t.tms_stime, (long)t.tms_cutime, (long)t.tms_cstime);
}

static void print_status(void) {
  char line[256];
  long vol = -1, invol = -1;
  FILE *f = fopen("/proc/self/status", "r");
  while (f && fgets(line, sizeof line, f)) {
    sscanf(line, "voluntary_ctxt_switches: %ld", &vol);
    sscanf(line, "nonvoluntary_ctxt_switches: %ld", &invol);
  }
  if (f) fclose(f);
  printf("status %ld %ld\n", vol, invol);
}

static long cputime_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: sys_cputime loop|sys|child|threads|spin|yield|sleep N\n"); return 2; }
  const char *mode = argv[1];
  long n = atol(argv[2]);
  if (!strcmp(mode, "loop")) loop(n);
  else if (!strcmp(mode, "sys")) for (long i = 0; i < n; i++) syscall(SYS_getppid);
  else if (!strcmp(mode, "threads")) {
    pthread_t th[4];
    for (int i = 0; i < 4; i++) pthread_create(&th[i], 0, thread_loop, (void *)n);
    for (int i = 0; i < 4; i++) pthread_join(th[i], 0);
  } else if (!strcmp(mode, "spin")) { long end = cputime_ns() + n * 1000000L; while (cputime_ns() < end) loop(10000); }
  else if (!strcmp(mode, "yield")) {
    struct timespec ts = {0, 1000000};
    for (long i = 0; i < n; i++) { sched_yield(); nanosleep(&ts, 0); }
  } else if (!strcmp(mode, "sleep")) {
    struct timespec ts = {0, 1000000};
    for (long i = 0; i < n; i++) nanosleep(&ts, 0);
  } else if (!strcmp(mode, "child")) {
    pid_t p = fork();
    if (p == 0) { loop(n); _exit(0); }
    int st;
    struct rusage ru;
    wait4(p, &st, 0, &ru);
    printf("wait4 %ld %ld\n", us(ru.ru_utime), us(ru.ru_stime));
    print_rusage("rusage", RUSAGE_CHILDREN);
    print_times();
    print_stat();
    return 0;
  } else { fprintf(stderr, "sys_cputime: unknown mode %s\n", mode); return 2; }
  print_rusage("rusage", RUSAGE_SELF);
  print_stat();
  print_times();
  print_status();
  return 0;
}
