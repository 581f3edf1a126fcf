/* Scheduling and process attributes: nice values, policies and priorities,
 * I/O priorities, prctl's stored attributes, memory locking (VmLck), mincore
 * and membarrier, with the errors Linux gives, for root and for an
 * unprivileged user. Values shown in /proc/self/stat and status come back
 * as the calls set them. */
#include "tg.h"
#include <fcntl.h>
#include <linux/membarrier.h>
#ifndef MEMBARRIER_CMD_GET_REGISTRATIONS
#define MEMBARRIER_CMD_GET_REGISTRATIONS (1 << 9)
#endif
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

struct sattr { uint32_t size, policy; uint64_t flags; int32_t nice; uint32_t prio; uint64_t runtime, deadline, period; uint32_t umin, umax; };

/* Fields 18-19 (priority, nice) and 40-41 (rt_priority, policy) of our stat.
 * Through /proc/self/task/TID: qemu-user fakes /proc/self/stat itself. */
static void stat_prio(void) {
    char buf[1024], path[64];
    snprintf(path, sizeof path, "/proc/self/task/%ld/stat", (long)syscall(SYS_gettid));
    int fd = open(path, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    char *p = strrchr(buf, ')') + 2;
    long f[60];
    int i = 3;
    for (char *tok = strtok(p, " "); tok && i < 60; tok = strtok(NULL, " ")) f[i++] = strtol(tok, NULL, 10);
    printf("stat: priority=%ld nice=%ld rt_priority=%ld policy=%ld\n", f[18], f[19], f[40], f[41]);
}

static void status_line(const char *key) {
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    char *l = strstr(buf, key);
    if (!l) { printf("%s missing\n", key); return; }
    char *e = strchr(l, '\n');
    printf("%.*s\n", (int)(e - l), l);
}

static volatile sig_atomic_t got_sig;
static void on_sig(int s) { got_sig = s; }

int main(void) {
    /* Nice values: the raw syscall returns 20 - nice. */
    R(syscall(SYS_getpriority, PRIO_PROCESS, 0));
    R(setpriority(PRIO_PROCESS, 0, 5));
    R(getpriority(PRIO_PROCESS, 0));
    R(syscall(SYS_getpriority, PRIO_PROCESS, 0));
    R(setpriority(PRIO_PROCESS, 0, 100));
    R(getpriority(PRIO_PROCESS, 0));
    R(setpriority(PRIO_PROCESS, 0, -3));
    R(getpriority(PRIO_PGRP, 0));
    R(getpriority(PRIO_USER, 0) <= 23);
    R(getpriority(7, 0));
    R(setpriority(7, 0, 0));
    R(getpriority(PRIO_PROCESS, 999999));
    R(setpriority(PRIO_PROCESS, 999999, 1));
    stat_prio();

    /* Policies and priorities. */
    R(sched_getscheduler(0));
    R(sched_get_priority_max(SCHED_FIFO));
    R(sched_get_priority_min(SCHED_RR));
    R(sched_get_priority_max(SCHED_OTHER));
    R(sched_get_priority_min(SCHED_IDLE));
    R(sched_get_priority_max(SCHED_DEADLINE));
    R(sched_get_priority_max(42));
    struct sched_param sp = {.sched_priority = 10};
    R(sched_setscheduler(0, SCHED_OTHER, &sp));
    R(sched_setscheduler(0, SCHED_FIFO, &sp));
    R(sched_getscheduler(0));
    stat_prio();
    R(sched_getparam(0, &sp));
    printf("param = %d\n", sp.sched_priority);
    sp.sched_priority = 100;
    R(sched_setparam(0, &sp));
    sp.sched_priority = 0;
    R(sched_setparam(0, &sp));
    R(sched_setscheduler(0, 42, &sp));
    R(sched_setscheduler(-1, SCHED_OTHER, &sp));
    R(sched_setscheduler(0, SCHED_OTHER, NULL));
    R(sched_setscheduler(999999, SCHED_OTHER, &sp));
    R(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, (void *)8));
    R(sched_getparam(0, NULL));
    R(sched_getscheduler(-1));
    R(sched_getscheduler(999999));
    sp.sched_priority = 1;
    R(sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp));
    R(sched_getscheduler(0));
    struct timespec ts;
    R(sched_rr_get_interval(0, &ts));
    printf("rr interval = %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) { printf("child of reset-on-fork: policy=%d nice=%d\n", sched_getscheduler(0), getpriority(PRIO_PROCESS, 0)); _exit(0); }
    int st;
    waitpid(pid, &st, 0);
    sp.sched_priority = 0;
    R(sched_setscheduler(0, SCHED_BATCH, &sp));
    R(sched_rr_get_interval(0, &ts));
    R(sched_rr_get_interval(-1, &ts));

    /* sched_setattr / sched_getattr. */
    struct sattr a = {0};
    a.size = sizeof a; a.policy = SCHED_OTHER; a.nice = 7;
    R(syscall(SYS_sched_setattr, 0, &a, 0));
    R(getpriority(PRIO_PROCESS, 0));
    memset(&a, 0xff, sizeof a);
    R(syscall(SYS_sched_getattr, 0, &a, sizeof a, 0));
    printf("getattr: size=%u policy=%u flags=%llu nice=%d prio=%u\n", a.size, a.policy, (unsigned long long)a.flags, a.nice, a.prio);
    R(syscall(SYS_sched_getattr, 0, &a, 47, 0));
    R(syscall(SYS_sched_getattr, 0, &a, sizeof a, 1));
    R(syscall(SYS_sched_getattr, -1, &a, sizeof a, 0));
    memset(&a, 0, sizeof a);
    a.size = 20;
    R(syscall(SYS_sched_setattr, 0, &a, 0));
    printf("size written back = %u\n", a.size);
    a.size = sizeof a; a.policy = SCHED_OTHER; a.flags = 0x100;
    R(syscall(SYS_sched_setattr, 0, &a, 0));
    a.flags = 0; a.nice = -30;
    R(syscall(SYS_sched_setattr, 0, &a, 0));
    R(getpriority(PRIO_PROCESS, 0));
    a.nice = 0; a.policy = SCHED_DEADLINE; a.runtime = 10; a.deadline = 1000000; a.period = 1000000;
    R(syscall(SYS_sched_setattr, 0, &a, 0));
    a.policy = SCHED_OTHER; a.flags = 0x8 /* KEEP_POLICY */; a.nice = 2;
    R(syscall(SYS_sched_setattr, 0, &a, 0));
    R(getpriority(PRIO_PROCESS, 0));
    R(syscall(SYS_sched_setattr, 0, &a, 1));
    R(syscall(SYS_sched_setattr, 0, NULL, 0));

    /* I/O priorities: class << 13 | level. */
    R(syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 5));
    R(syscall(SYS_ioprio_get, 1, 0));
    R(syscall(SYS_ioprio_set, 1, 0, (3 << 13)));
    R(syscall(SYS_ioprio_get, 1, 0));
    R(syscall(SYS_ioprio_set, 1, 0, (0 << 13) | 1));
    R(syscall(SYS_ioprio_set, 1, 0, (5 << 13)));
    R(syscall(SYS_ioprio_set, 9, 0, (2 << 13)));
    R(syscall(SYS_ioprio_get, 9, 0));
    R(syscall(SYS_ioprio_get, 1, 999999));
    R(syscall(SYS_ioprio_set, 1, 0, 0));

    /* prctl. */
    char name[32] = {0};
    R(prctl(PR_SET_NAME, "a-very-long-thread-name"));
    R(prctl(PR_GET_NAME, name));
    printf("name = %s\n", name);
    status_line("Name:");
    R(prctl(PR_GET_DUMPABLE));
    R(prctl(PR_SET_DUMPABLE, 0));
    R(prctl(PR_GET_DUMPABLE));
    R(prctl(PR_SET_DUMPABLE, 2));
    R(prctl(PR_SET_DUMPABLE, 1));
    R(prctl(PR_CAPBSET_READ, 0));
    R(prctl(PR_CAPBSET_READ, 40));
    R(prctl(PR_CAPBSET_READ, 41));
    R(prctl(PR_GET_SECUREBITS));
    R(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    R(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
    R(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
    R(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
    status_line("NoNewPrivs:");
    R(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    R(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    status_line("NoNewPrivs:");
    R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0, 0, 0));
    R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 41, 0, 0));
    R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, 3, 0, 0));
    R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0));
    R(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0));
    R(prctl(PR_CAP_AMBIENT, 9, 1, 0, 0));
    status_line("CapAmb:");
    R(prctl(PR_GET_TIMERSLACK));
    R(prctl(PR_SET_TIMERSLACK, 1000));
    R(prctl(PR_GET_TIMERSLACK));
    R(prctl(PR_SET_TIMERSLACK, 0));
    R(prctl(PR_GET_TIMERSLACK));
    /* PR_*_THP_DISABLE and PR_GET_TID_ADDRESS: qemu-user refuses them (sys_noqemu.c). */
    int pds = -1;
    R(prctl(PR_GET_PDEATHSIG, &pds));
    printf("pdeathsig = %d\n", pds);
    R(prctl(PR_SET_PDEATHSIG, 65));
    R(prctl(PR_GET_KEEPCAPS));
    R(prctl(9999));
    R(prctl(PR_SET_NAME, (void *)8));

    /* PR_SET_PDEATHSIG is delivered when the parent dies. A middle process
     * forks the grandchild, which asks for SIGUSR1 and reports through a pipe. */
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t mid = fork();
    if (mid == 0) {
        pid_t g = fork();
        if (g == 0) {
            /* SIGUSR1 stays blocked outside sigsuspend: a signal between the
             * test of got_sig and a pause() would be waited for forever. */
            sigset_t usr1, old;
            sigemptyset(&usr1);
            sigaddset(&usr1, SIGUSR1);
            sigprocmask(SIG_BLOCK, &usr1, &old);
            signal(SIGUSR1, on_sig);
            prctl(PR_SET_PDEATHSIG, SIGUSR1);
            int pd = 0;
            prctl(PR_GET_PDEATHSIG, &pd);
            write(p[1], &pd, sizeof pd);
            while (!got_sig) sigsuspend(&old);
            int s = got_sig;
            write(p[1], &s, sizeof s);
            _exit(0);
        }
        int pd;
        read(p[0], &pd, sizeof pd);
        _exit(pd == SIGUSR1 ? 0 : 1);
    }
    waitpid(mid, &st, 0);
    int sig = 0;
    read(p[0], &sig, sizeof sig);
    printf("middle exited %d; the orphan got signal %d\n", WEXITSTATUS(st), sig);

    /* Memory locking. */
    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    status_line("VmLck:");
    R(mlock(m, 3 * pg));
    status_line("VmLck:");
    R(mlock(m + pg / 2, pg));
    status_line("VmLck:");
    R(munlock(m, pg));
    status_line("VmLck:");
    /* mlock2: qemu-user lacks it (sys_noqemu.c). */
    R(munmap(m + 6 * pg, pg));
    R(mlock(m + 5 * pg, 2 * pg));
    R(munlockall());
    status_line("VmLck:");
    R(mlockall(0));
    R(mlockall(MCL_ONFAULT));
    R(mlockall(8));
    /* mincore: touched pages are resident, untouched anonymous ones are not. */
    char *q = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    q[0] = 1; q[2 * pg] = 1;
    unsigned char vec[4];
    R(mincore(q, 4 * pg, vec));
    printf("mincore = %d%d%d%d\n", vec[0] & 1, vec[1] & 1, vec[2] & 1, vec[3] & 1);
    R(mincore(q + 1, pg, vec));
    R(munmap(q + 3 * pg, pg));
    R(mincore(q, 4 * pg, vec));
    R(mincore(q, pg, (void *)8));
    /* membarrier. */
    R(syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0));
    R(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
    R(syscall(SYS_membarrier, MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0));
    R(syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0));
    R(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
    R(syscall(SYS_membarrier, MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0));
    R(syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0));
    R(syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 1, 0));
    R(syscall(SYS_membarrier, 1024, 0, 0));

    /* An unprivileged user: lowering nice below RLIMIT_NICE, real-time policies, ioprio RT. */
    R(setpriority(PRIO_PROCESS, 0, 0));
    sp.sched_priority = 0;
    R(sched_setscheduler(0, SCHED_OTHER, &sp));
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct rlimit rl = {0, 0};
        setrlimit(RLIMIT_NICE, &rl);
        setrlimit(RLIMIT_RTPRIO, &rl);
        setrlimit(RLIMIT_MEMLOCK, &rl);
        if (setuid(1000) < 0) _exit(1);
        R(setpriority(PRIO_PROCESS, 0, 3));
        R(setpriority(PRIO_PROCESS, 0, 1));
        R(setpriority(PRIO_PROCESS, 1, 1));
        sp.sched_priority = 5;
        R(sched_setscheduler(0, SCHED_FIFO, &sp));
        sp.sched_priority = 0;
        R(sched_setscheduler(0, SCHED_BATCH, &sp));
        R(syscall(SYS_ioprio_set, 1, 0, (1 << 13) | 2));
        R(mlock(m, pg));
        R(mlockall(MCL_CURRENT));
        R(syscall(SYS_ioprio_set, 1, 1, (2 << 13) | 2));
        _exit(0);
    }
    waitpid(pid, &st, 0);
    return 0;
}
