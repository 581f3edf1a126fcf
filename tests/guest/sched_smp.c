/* Several CPUs: two CPU-bound children each get a CPU of their own; pinned
 * to one CPU with sched_setaffinity they share it; a task pinned to CPU 1
 * finds itself there with getcpu; the affinity calls' errors. Run times come
 * from /proc/PID/schedstat (ns), the CPU from field 39 of /proc/PID/stat.
 * Prints values meant for `--cpus 2`. */
#include "tg.h"
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static pid_t spin(void) {
    pid_t p = fork();
    if (p == 0) {
        volatile unsigned long x = 0;
        for (;;) x++;
    }
    return p;
}

/* Field 39 of /proc/PID/stat: the CPU it last ran on. */
static int processor(pid_t p) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", p);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *s = strrchr(buf, ')');
    int field = 2;
    for (char *q = s + 1; *q; q++) if (*q == ' ' && ++field == 39) return atoi(q + 1);
    return -1;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void pin(pid_t p, int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(p, sizeof set, &set)) perror("sched_setaffinity");
}

int main(void) {
    printf("online cpus: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
    pid_t a = spin(), b = spin();
    sleep_ms(200);
    long long a0 = schedstat(a), b0 = schedstat(b);
    int ca = processor(a), cb = processor(b);
    printf("spinners on different cpus: %s\n", ca != cb && ca >= 0 && cb >= 0 ? "yes" : "no");
    printf("ran %lld %lld\n", a0, b0);

    /* Both pinned to CPU 1: they share it. */
    pin(a, 1);
    pin(b, 1);
    sleep_ms(200);
    long long a1 = schedstat(a) - a0, b1 = schedstat(b) - b0;
    printf("pinned cpus %d %d\n", processor(a), processor(b));
    printf("ran pinned %lld %lld\n", a1, b1);
    kill(a, SIGKILL);
    kill(b, SIGKILL);
    waitpid(a, NULL, 0);
    waitpid(b, NULL, 0);

    /* getcpu after pinning oneself. */
    pid_t c = fork();
    if (c == 0) {
        pin(0, 1);
        unsigned cpu = 99;
        syscall(SYS_getcpu, &cpu, NULL, NULL);
        printf("child pinned to 1 runs on %u, sched_getcpu %d\n", cpu, sched_getcpu());
        cpu_set_t set;
        CPU_ZERO(&set);
        sched_getaffinity(0, sizeof set, &set);
        printf("child mask count %d has1 %d\n", CPU_COUNT(&set), CPU_ISSET(1, &set));
        _exit(0);
    }
    waitpid(c, NULL, 0);

    cpu_set_t set;
    CPU_ZERO(&set);
    R(sched_setaffinity(0, sizeof set, &set));
    CPU_SET(5, &set);
    R(sched_setaffinity(0, sizeof set, &set));
    R(syscall(SYS_sched_getaffinity, 0, 4, &set));
    R(syscall(SYS_sched_getaffinity, 0, 12, &set));
    R(syscall(SYS_sched_getaffinity, 0, 128, &set));
    R(syscall(SYS_sched_getaffinity, 999999, 128, &set));
    return 0;
}
