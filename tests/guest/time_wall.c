// The clocks a program sees while it works and sleeps, for the time-source
// tests (tests/scenario/time.test.ts): it spins until CLOCK_MONOTONIC says
// SPIN_MS have passed, sleeps SLEEP_MS with nanosleep, and prints
//   start REALTIME_NS MONOTONIC_NS
//   end REALTIME_NS MONOTONIC_NS
//   rusage UTIME_NS STIME_NS
//   spins N
// Usage: time_wall SPIN_MS SLEEP_MS
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>

static long long ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: time_wall SPIN_MS SLEEP_MS\n"); return 2; }
  long long spin = atoll(argv[1]) * 1000000LL, sleep = atoll(argv[2]) * 1000000LL;
  long long r0 = ns(CLOCK_REALTIME), m0 = ns(CLOCK_MONOTONIC);
  printf("start %lld %lld\n", r0, m0);
  fflush(stdout);
  long long spins = 0;
  volatile unsigned x = 0;
  while (ns(CLOCK_MONOTONIC) - m0 < spin) {
    for (int i = 0; i < 1000; i++) x += i;
    spins++;
  }
  struct timespec req = { sleep / 1000000000LL, sleep % 1000000000LL };
  nanosleep(&req, 0);
  long long r1 = ns(CLOCK_REALTIME), m1 = ns(CLOCK_MONOTONIC);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("end %lld %lld\n", r1, m1);
  printf("rusage %lld %lld\n", ru.ru_utime.tv_sec * 1000000000LL + ru.ru_utime.tv_usec * 1000LL,
         ru.ru_stime.tv_sec * 1000000000LL + ru.ru_stime.tv_usec * 1000LL);
  printf("spins %lld\n", spins);
  return 0;
}
