/* CPU shares under the fair scheduler: two CPU-bound children, one at nice 0
 * and one at nice N (argv[1], default 5), run for a fixed time (argv[2] ms,
 * default 1000) while the parent sleeps; then their run times are read from
 * /proc/PID/schedstat (ns) and /proc/PID/stat (utime, stime in ticks).
 * Prints "share a b" with the two run times. Meant for one CPU: under Linux
 * with several CPUs each child has a CPU of its own. */
#include "tg.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

static pid_t spin(int nice) {
    pid_t p = fork();
    if (p == 0) {
        if (nice) setpriority(PRIO_PROCESS, 0, nice);
        volatile unsigned long x = 0;
        for (;;) x++;
    }
    return p;
}

static void stat_times(pid_t p, long *ut, long *st) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", p);
    FILE *f = fopen(path, "r");
    *ut = *st = -1;
    if (!f) return;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *s = strrchr(buf, ')');
    /* after ") ": state(3) ... utime is field 14, stime 15 */
    int field = 2;
    for (char *q = s + 1; *q && field < 15; q++) if (*q == ' ') {
        field++;
        if (field == 14) *ut = strtol(q + 1, NULL, 10);
        if (field == 15) *st = strtol(q + 1, NULL, 10);
    }
}

int main(int argc, char **argv) {
    int nice = argc > 1 ? atoi(argv[1]) : 5;
    long ms = argc > 2 ? atol(argv[2]) : 1000;
    pid_t a = spin(0), b = spin(nice);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    kill(a, SIGSTOP);
    kill(b, SIGSTOP);
    long long ra = schedstat(a), rb = schedstat(b);
    long ua, sa, ub, sb;
    stat_times(a, &ua, &sa);
    stat_times(b, &ub, &sb);
    printf("share %lld %lld\n", ra, rb);
    printf("stat %ld %ld %ld %ld\n", ua, sa, ub, sb);
    kill(a, SIGKILL);
    kill(b, SIGKILL);
    waitpid(a, NULL, 0);
    waitpid(b, NULL, 0);
    return 0;
}
