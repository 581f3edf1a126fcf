/* Helpers shared by tuxglass's guest test programs. Every line they print must
 * be identical under Linux (qemu-riscv64-static) and under tuxglass, so results
 * are printed as values or errno names, never as addresses, pids or times. */
#ifndef TG_H
#define TG_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Line-buffered stdout: output survives a crash and is not duplicated by fork. */
__attribute__((constructor)) static void tg_init(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Print a syscall-style result: the value, or -1 and the errno name. */
static inline void tg_report(const char *what, long ret, int err) {
    if (ret < 0)
        printf("%s = -1 %s\n", what, strerrorname_np(err));
    else
        printf("%s = %ld\n", what, ret);
}

#define R(expr) do { errno = 0; long r_ = (long)(expr); tg_report(#expr, r_, errno); } while (0)

/* Print a boolean condition so a mismatch names the failing check. */
#define CHECK(cond) printf("%s: %s\n", #cond, (cond) ? "yes" : "no")

#include <sys/types.h>
#include <sys/wait.h>

/* A child's exit code, or 128 + the signal that killed it; -1 if waitpid fails. */
static inline int child_status(pid_t p) {
    int st;
    if (waitpid(p, &st, 0) < 0) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Wait until child p sleeps (in the call the test means it to block in). */
static inline void wait_blocked(pid_t p) {
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)p);
    for (int i = 0; i < 500; i++) {
        FILE *f = fopen(path, "r");
        char st = 0;
        if (f && fgets(buf, sizeof buf, f)) { char *e = strrchr(buf, ')'); if (e) st = e[2]; }
        if (f) fclose(f);
        if (st == 'S') break;
        usleep(10000);
    }
    usleep(20000);
}

/* The run time of task p in ns, the first field of /proc/PID/schedstat; -1 if unreadable. */
static inline long long schedstat(pid_t p) {
    char path[64];
    long long run = -1;
    snprintf(path, sizeof path, "/proc/%d/schedstat", (int)p);
    FILE *f = fopen(path, "r");
    if (!f || fscanf(f, "%lld", &run) != 1) run = -1;
    if (f) fclose(f);
    return run;
}

/* The benchmark programs' main: PROG NAME N runs benchmark NAME N times and
 * prints "NAME N CHECK" (CHECK: the operations that did what they should). */
struct tg_bench { const char *name; long (*fn)(void); };
static inline int tg_bench_main(const char *prog, const struct tg_bench *b, size_t nb, long *n, int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s NAME N\n", prog);
        return 2;
    }
    *n = atol(argv[2]);
    for (size_t i = 0; i < nb; i++) {
        if (strcmp(argv[1], b[i].name) == 0) {
            printf("%s %ld %ld\n", argv[1], *n, b[i].fn());
            return 0;
        }
    }
    fprintf(stderr, "%s: unknown benchmark %s\n", prog, argv[1]);
    return 2;
}

#endif
