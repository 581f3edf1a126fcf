/* Wake-up latency under the fair scheduler: N CPU-bound children at nice 0
 * (argv[1], default 1) and a sleeper, all pinned to CPU 0. With argv[3]
 * "yield" the children first spin on sched_yield() until the sleeper sets a
 * start flag in shared memory (50 ms after they started). The sleeper sleeps
 * to absolute CLOCK_MONOTONIC times 10 ms apart (clock_nanosleep with
 * TIMER_ABSTIME), argv[2] times (default 50), and measures how late it runs
 * after each one. Prints:
 *   wakeups K
 *   latency max NS mean NS   (ns from each wake-up time to the sleeper running)
 *   spinners ran: yes|no     (the spinners had the CPU meanwhile)
 * Meant for one CPU: under Linux with several, pinning keeps it one. */
#include "tg.h"
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1;
    int k = argc > 2 ? atoi(argv[2]) : 50;
    if (n < 0 || n > 8 || k < 1) { fprintf(stderr, "usage: sched_wakeup [SPINNERS<=8] [WAKEUPS] [yield]\n"); return 2; }
    int yield = argc > 3 && strcmp(argv[3], "yield") == 0;
    volatile unsigned long *work = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (work == MAP_FAILED) { perror("mmap"); return 1; }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0) perror("sched_setaffinity");
    pid_t kids[8];
    for (int i = 0; i < n; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            if (yield) while (!work[8]) sched_yield();
            for (;;) work[i]++;
        }
    }
    /* Let the spinners settle into the run queue first (yielding, if asked). */
    usleep(50000);
    work[8] = 1;
    unsigned long before = 0, after = 0;
    for (int i = 0; i < n; i++) before += work[i];
    long long max = 0, sum = 0;
    long long next = now_ns();
    for (int i = 0; i < k; i++) {
        next += 10000000LL;
        struct timespec ts = {next / 1000000000LL, next % 1000000000LL};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) ;
        long long late = now_ns() - next;
        if (late > max) max = late;
        sum += late;
    }
    for (int i = 0; i < n; i++) after += work[i];
    printf("wakeups %d\n", k);
    printf("latency max %lld mean %lld\n", max, sum / k);
    printf("spinners ran: %s\n", n == 0 || after > before ? "yes" : "no");
    for (int i = 0; i < n; i++) { kill(kids[i], SIGKILL); waitpid(kids[i], NULL, 0); }
    return 0;
}
