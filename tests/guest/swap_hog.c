/* A program bigger than RAM (tuxglass only, in the swap scenario test):
 * maps MB mebibytes of private anonymous memory, fills every 8-byte word
 * with a value computed from its address, reports its VmSwap, then forks:
 * the child and the parent each read every word back and compare, so a
 * page lost, mixed up or shared wrongly between the two after swap shows
 * as "bad". Each process prints its major faults (maj_flt, the 12th field
 * of /proc/self/stat) after the check. */
#include "tg.h"
#include <sys/mman.h>
#include <sys/wait.h>

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

int main(int argc, char **argv) {
    unsigned long mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 160;
    unsigned long words = mb << 17;
    unsigned long *m = mmap(NULL, mb << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        printf("mmap: %s\n", strerror(errno));
        return 1;
    }
    for (unsigned long i = 0; i < words; i++) m[i] = val(i);
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
