/* Loads a vDSO image file (argv[1]) with the real glibc's dlopen and looks up
 * each vDSO function with dlvsym(..., "LINUX_4.15"): glibc's own hash-table
 * walk and version check must find them, and refuse another version. Prints
 * each symbol's offset from the load base, then calls one function. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <time.h>

static const char *const names[] = {
    "__vdso_rt_sigreturn", "__vdso_gettimeofday", "__vdso_clock_gettime", "__vdso_clock_getres",
    "__vdso_getcpu", "__vdso_flush_icache", "__vdso_riscv_hwprobe",
};

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) { printf("dlopen failed: %s\n", dlerror()); return 1; }
    struct link_map *lm;
    if (dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0) return 1;
    printf("soname-ok %d\n", lm->l_name != NULL);
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
        char *p = dlvsym(h, names[i], "LINUX_4.15");
        void *other = dlvsym(h, names[i], "LINUX_2.6");
        printf("sym %s %ld %s\n", names[i], p ? (long)(p - (char *)lm->l_addr) : -1L, other ? "other-version-found" : "other-version-refused");
    }
    long (*gettime)(clockid_t, struct timespec *) = (long (*)(clockid_t, struct timespec *))dlvsym(h, "__vdso_clock_gettime", "LINUX_4.15");
    struct timespec ts;
    printf("clock_gettime %ld\n", gettime ? gettime(CLOCK_MONOTONIC, &ts) : -1L);
    return 0;
}
