/* swapon(2) and swapoff(2) as called directly (tuxglass only, in the swap
 * scenario test): "on PATH FLAGS" and "off PATH" print the result and the
 * errno name, past util-linux's own checks of the header.
 *
 * "hold MB FILE": fills MB mebibytes the same way, waits until FILE
 * exists, then prints its VmSwap and checks every word (for swapoff).
 *
 * "hog MB": a program bigger than RAM:
 * maps MB mebibytes of private anonymous memory, fills every 8-byte word
 * with a value computed from its address, reports its VmSwap, then forks:
 * the child and the parent each read every word back and compare, so a
 * page lost, mixed up or shared wrongly between the two after swap shows
 * as "bad". Each process prints its major faults (maj_flt, the 12th field
 * of /proc/self/stat) after the check. */
#include "tg.h"
#include <sys/mman.h>
#include <sys/wait.h>
#include <sys/syscall.h>

static unsigned long val(unsigned long i) {
    unsigned long x = i * 0x9e3779b97f4a7c15UL;
    return x ^ (x >> 29);
}

static void status_line(const char *who, const char *key) {
    char b[4096];
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(b, sizeof b, f))
        if (!strncmp(b, key, strlen(key))) printf("%s %s", who, b);
    if (f) fclose(f);
}

static long majflt(void) {
    char b[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f || !fgets(b, sizeof b, f)) return -1;
    fclose(f);
    char *p = strrchr(b, ')');
    long v = -1;
    /* after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt */
    if (p) sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %ld", &v);
    return v;
}

static long check(unsigned long *m, unsigned long words) {
    long bad = 0;
    for (unsigned long i = 0; i < words; i++)
        if (m[i] != val(i)) bad++;
    return bad;
}

static const char *ename(int e) {
    switch (e) {
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case EBUSY: return "EBUSY";
    case ENOENT: return "ENOENT";
    case ENOMEM: return "ENOMEM";
    case EROFS: return "EROFS";
    default: return strerror(e);
    }
}

int main(int argc, char **argv) {
    if (argc > 2 && (!strcmp(argv[1], "on") || !strcmp(argv[1], "off"))) {
        long r = !strcmp(argv[1], "on") ? syscall(SYS_swapon, argv[2], argc > 3 ? strtol(argv[3], NULL, 0) : 0L) : syscall(SYS_swapoff, argv[2]);
        printf("swap%s %s = %ld %s\n", argv[1], argv[2], r, r < 0 ? ename(errno) : "");
        return 0;
    }
    unsigned long mb = argc > 2 ? strtoul(argv[2], NULL, 10) : 160;
    unsigned long words = mb << 17;
    unsigned long *m = mmap(NULL, mb << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        printf("mmap: %s\n", strerror(errno));
        return 1;
    }
    for (unsigned long i = 0; i < words; i++) m[i] = val(i);
    if (!strcmp(argv[1], "hold") && argc > 3) {
        printf("held\n");
        fflush(stdout);
        while (access(argv[3], F_OK) != 0) usleep(100000);
        status_line("holder", "VmSwap:");
        printf("holder bad %ld\n", check(m, words));
        return 0;
    }
    status_line("filled", "VmSwap:");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        long bad = check(m, words);
        printf("child bad %ld majflt %s\n", bad, majflt() > 0 ? "yes" : "no");
        return bad != 0;
    }
    long bad = check(m, words);
    int st;
    waitpid(pid, &st, 0);
    printf("parent bad %ld majflt %s child exit %d\n", bad, majflt() > 0 ? "yes" : "no", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return bad != 0;
}
