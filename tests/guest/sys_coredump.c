/* Core dumps (core(5)): with RLIMIT_CORE 0 a SIGABRT leaves no core and no
 * core-dump bit; with a limit and /proc/sys/kernel/core_pattern set, the core
 * is written under the expanded name, the wait status has WCOREDUMP and waitid
 * says CLD_DUMPED; a pipe pattern with no helper to run writes nothing.
 * Usage: sys_coredump (prints results; the core stays in /tmp/cores). */
#include "tg.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

static void pattern(const char *p) {
    int fd = open("/proc/sys/kernel/core_pattern", O_WRONLY | O_TRUNC);
    write(fd, p, strlen(p));
    close(fd);
}

/* Kept where the compiler must assume abort() can see it. */
char *volatile heap_marker;

static pid_t crash(rlim_t limit) {
    pid_t c = fork();
    if (c == 0) {
        struct rlimit r = { limit, RLIM_INFINITY };
        setrlimit(RLIMIT_CORE, &r);
        heap_marker = malloc(64 * 1024);
        strcpy(heap_marker, "a marker in the heap");
        abort();
    }
    return c;
}

int main(void) {
    mkdir("/tmp/cores", 0755);
    chdir("/tmp/cores");
    int st;
    pid_t c = crash(0);
    waitpid(c, &st, 0);
    printf("limit 0: signal %d core %d\n", WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
    struct stat sb;
    R(stat("/tmp/cores/core", &sb));

    pattern("/tmp/cores/core.%e.%s.%%");
    c = crash(RLIM_INFINITY);
    siginfo_t si;
    R(waitid(P_PID, c, &si, WEXITED));
    printf("waitid: si_code %s si_status %d\n", si.si_code == CLD_DUMPED ? "CLD_DUMPED" : "other", si.si_status);
    R(stat("/tmp/cores/core.sys_coredump.6.%", &sb));
    printf("mode %o\n", sb.st_mode & 07777);

    pattern("|/no/such/helper %p");
    c = crash(RLIM_INFINITY);
    waitpid(c, &st, 0);
    printf("pipe: signal %d core %d\n", WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
    pattern("core");
    printf("done\n");
    return 0;
}
