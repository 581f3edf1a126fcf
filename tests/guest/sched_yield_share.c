/* CPU shares after a sched_yield phase (issue 11 §1.1): two CPU-bound
 * children pinned to CPU 0, one at nice 0 and one at nice N (argv[1], default
 * 5). With argv[2] "yield" (the default) both first spin on sched_yield()
 * until a start flag in shared memory is set; with "noyield" they start
 * counting at once. The parent sets the flag, then sleeps in usleep(50000)
 * steps until argv[3] ms (default 500) of CLOCK_MONOTONIC have passed, stops
 * both children and prints:
 *   share A B     the counts of work each child did after the flag
 *   ran A B       their run times in ns after the flag (/proc/PID/schedstat)
 *   waited NS     how long the parent's usleep loop took, CLOCK_MONOTONIC ns
 *   sleeps N      how many usleep(50000) calls it made */
#include "tg.h"
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

struct shared {
    volatile int start;
    volatile int ready[2];
    volatile unsigned long work[2];
};

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void pin0(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0) perror("sched_setaffinity");
}

static pid_t child(struct shared *sh, int i, int nice, int yield) {
    pid_t p = fork();
    if (p == 0) {
        if (nice) setpriority(PRIO_PROCESS, 0, nice);
        sh->ready[i] = 1;
        if (yield) while (!sh->start) sched_yield();
        else while (!sh->start) ;
        for (;;) sh->work[i]++;
    }
    return p;
}

int main(int argc, char **argv) {
    int nice = argc > 1 ? atoi(argv[1]) : 5;
    int yield = !(argc > 2 && strcmp(argv[2], "noyield") == 0);
    long ms = argc > 3 ? atol(argv[3]) : 500;
    struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) { perror("mmap"); return 1; }
    pin0();
    pid_t a = child(sh, 0, 0, yield), b = child(sh, 1, nice, yield);
    /* Both children are up (and spinning on sched_yield) before the flag. */
    while (!sh->ready[0] || !sh->ready[1]) usleep(1000);
    usleep(20000);
    /* The children wait (the parent runs): their run times so far. */
    long long ra0 = schedstat(a), rb0 = schedstat(b);
    long long t0 = now_ns();
    sh->start = 1;
    int sleeps = 0;
    while (now_ns() - t0 < ms * 1000000LL) { usleep(50000); sleeps++; }
    long long waited = now_ns() - t0;
    kill(a, SIGSTOP);
    kill(b, SIGSTOP);
    unsigned long wa = sh->work[0], wb = sh->work[1];
    long long ra = schedstat(a), rb = schedstat(b);
    printf("share %lu %lu\n", wa, wb);
    printf("ran %lld %lld\n", ra - ra0, rb - rb0);
    printf("waited %lld\n", waited);
    printf("sleeps %d\n", sleeps);
    kill(a, SIGKILL);
    kill(b, SIGKILL);
    waitpid(a, NULL, 0);
    waitpid(b, NULL, 0);
    return 0;
}
