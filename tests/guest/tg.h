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

#endif
