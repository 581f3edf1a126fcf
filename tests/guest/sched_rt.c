/* The real-time and deadline classes seen from user space, on one CPU:
 *   fifo [other]  a SCHED_FIFO task (or, with "other", a normal one) wakes
 *                 while a normal task spins: does it run at once, and does the
 *                 spinner get no CPU while it runs?
 *   rr            two SCHED_RR tasks of one priority spin: they alternate
 *                 every sched_rr_timeslice_ms.
 *   dl-admit      SCHED_DEADLINE admission control: reservations past 95%
 *                 of the CPU fail with EBUSY; a dead task's share is free again.
 *   dl-share      a 8 ms / 20 ms deadline task and a normal task both spin:
 *                 the deadline task gets its reservation, the rest goes on.
 * Prints facts as yes/no and counts, never times. */
#include "tg.h"
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

/* struct sched_attr of the uapi (glibc has no wrapper before 2.41). */
struct sched_attr {
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
};
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

struct shared {
    volatile unsigned long counter;
    volatile int last, n;
    long long when[64];
    int who[64];
};
static struct shared *sh;

static long long now_ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static pid_t child(void (*fn)(int), int arg) {
    pid_t p = fork();
    if (p == 0) { fn(arg); _exit(0); }
    return p;
}

static void spin_counter(int unused) { (void)unused; for (;;) sh->counter++; }

static int set_dl(pid_t pid, unsigned long long runtime_ms, unsigned long long period_ms) {
    struct sched_attr a = {.size = sizeof a, .sched_policy = SCHED_DEADLINE,
        .sched_runtime = runtime_ms * 1000000ULL, .sched_deadline = period_ms * 1000000ULL,
        .sched_period = period_ms * 1000000ULL};
    return syscall(SYS_sched_setattr, pid, &a, 0);
}

static int fifo_mode;
static void fifo_task(int unused) {
    (void)unused;
    if (fifo_mode) {
        struct sched_param sp = {.sched_priority = 10};
        if (sched_setscheduler(0, SCHED_FIFO, &sp)) { perror("sched_setscheduler"); _exit(1); }
    }
    long long want = now_ns(CLOCK_MONOTONIC) + 2000000;
    sleep_ms(2);
    long long late = now_ns(CLOCK_MONOTONIC) - want;
    unsigned long c0 = sh->counter;
    long long t0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    while (now_ns(CLOCK_THREAD_CPUTIME_ID) - t0 < 20000000) { }
    unsigned long c1 = sh->counter;
    printf("woken within 100 us: %s\n", late < 100000 ? "yes" : "no");
    printf("spinner ran meanwhile: %s\n", c1 != c0 ? "yes" : "no");
}

static void rr_task(int me) {
    for (;;) {
        if (sh->last != me) {
            int i = sh->n;
            if (i < 64) { sh->who[i] = me; sh->when[i] = now_ns(CLOCK_MONOTONIC); sh->n = i + 1; }
            sh->last = me;
        }
    }
}

static void pause_task(int unused) { (void)unused; for (;;) pause(); }

static void dl_spin(int unused) {
    (void)unused;
    if (set_dl(0, 8, 20)) { perror("sched_setattr"); _exit(1); }
    for (;;) { }
}

static void reap(pid_t p) { kill(p, SIGKILL); waitpid(p, NULL, 0); }

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "fifo";
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) return 1;
    if (!strcmp(mode, "fifo")) {
        fifo_mode = !(argc > 2 && !strcmp(argv[2], "other"));
        pid_t s = child(spin_counter, 0);
        sleep_ms(1);
        pid_t f = child(fifo_task, 0);
        waitpid(f, NULL, 0);
        reap(s);
    } else if (!strcmp(mode, "rr")) {
        /* The parent outranks them, so it can set both up and stop them. */
        struct sched_param hi = {.sched_priority = 50}, lo = {.sched_priority = 10};
        if (sched_setscheduler(0, SCHED_FIFO, &hi)) { perror("sched_setscheduler"); return 1; }
        sh->last = -1;
        pid_t a = child(rr_task, 1), b = child(rr_task, 2);
        R(sched_setscheduler(a, SCHED_RR, &lo));
        R(sched_setscheduler(b, SCHED_RR, &lo));
        struct timespec iv;
        R(sched_rr_get_interval(a, &iv));
        long long slice = iv.tv_sec * 1000000000LL + iv.tv_nsec;
        sleep_ms(slice * 55 / 10 / 1000000); /* five and a half slices */
        kill(a, SIGSTOP); kill(b, SIGSTOP);
        int n = sh->n, alternate = 1, even = 1;
        for (int i = 1; i < n; i++) {
            if (sh->who[i] == sh->who[i - 1]) alternate = 0;
            long long d = sh->when[i] - sh->when[i - 1];
            if (d < slice * 95 / 100 || d > slice * 105 / 100) even = 0;
        }
        printf("turns: %d\n", n);
        printf("alternating: %s\n", alternate ? "yes" : "no");
        printf("each turn one timeslice: %s\n", even ? "yes" : "no");
        reap(a); reap(b);
    } else if (!strcmp(mode, "dl-admit")) {
        pid_t p[4];
        for (int i = 0; i < 4; i++) p[i] = child(pause_task, 0);
        R(set_dl(p[0], 10, 20));
        R(set_dl(p[1], 10, 20));
        R(set_dl(p[1], 8, 20));
        R(set_dl(p[2], 2, 20));
        R(set_dl(p[2], 1, 20));
        R(set_dl(p[0], 11, 20));
        R(set_dl(p[0], 9, 20));
        reap(p[1]);
        R(set_dl(p[3], 8, 20));
        for (int i = 0; i < 4; i++) if (i != 1) reap(p[i]);
    } else if (!strcmp(mode, "dl-share")) {
        pid_t o = child(spin_counter, 0);
        pid_t d = child(dl_spin, 0);
        sleep_ms(400);
        kill(d, SIGSTOP); kill(o, SIGSTOP);
        long long rd = schedstat(d), ro = schedstat(o);
        printf("dl %lld other %lld\n", rd, ro);
        reap(d); reap(o);
    }
    return 0;
}
