/* rseq(2): glibc's own registration at startup, then a registration of our
 * own (with glibc's disabled through its tunable) and Linux's checks, the ids
 * the kernel writes, inheritance across fork, and the restart mechanism: a
 * thread preempted or signalled inside its critical section resumes at the
 * abort handler. qemu-user has no rseq (ENOSYS), so this runs under tuxglass
 * only and its output is what Linux documents (rseq(2), kernel/rseq.c). */
#include "tg.h"
#include <signal.h>
#include <stdint.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sched.h>

#define SIG 0x0ff00073u /* an illegal instruction, as signatures should be */

/* Linux 6.12's struct rseq (glibc's header stops at flags). */
struct krseq { uint32_t cpu_id_start, cpu_id; uint64_t rseq_cs; uint32_t flags, node_id, mm_cid; } __attribute__((aligned(32)));
static struct krseq area, other;
static char misaligned_buf[64] __attribute__((aligned(32)));

static long sys_rseq(void *p, uint32_t len, int flags, uint32_t sig) {
    return syscall(SYS_rseq, p, len, flags, sig);
}

/* Spins forever inside [1, 2); only a restart at 4 gets it out. Returns the
 * number of loop turns observed before the abort (at least 1). */
static long spin_in_cs(struct krseq *rs) {
    long turns = 0;
    __asm__ volatile(
        ".pushsection .data.rseq_cs, \"aw\"\n"
        ".balign 32\n"
        "3: .long 0, 0\n"
        "   .dword 1f, 2f - 1f, 4f\n"
        ".popsection\n"
        "la t0, 3b\n"
        "sd t0, 8(%[rs])\n"
        "1: addi %[n], %[n], 1\n"
        "   j 1b\n"
        "2:\n"
        ".word 0x0ff00073\n"
        "4:\n"
        : [n] "+r"(turns) : [rs] "r"(rs) : "t0", "memory");
    return turns;
}

/* A descriptor with an unsupported version: the kernel kills the thread. */
static void bad_descriptor(struct krseq *rs) {
    __asm__ volatile(
        ".pushsection .data.rseq_cs, \"aw\"\n"
        ".balign 32\n"
        "5: .long 1, 0\n"
        "   .dword 0, 0, 0\n"
        ".popsection\n"
        "la t0, 5b\n"
        "sd t0, 8(%[rs])\n"
        : : [rs] "r"(rs) : "t0", "memory");
}

static volatile int alarms;
static void on_alarm(int s) { (void)s; alarms++; }
static void on_usr1(int s) { (void)s; }

int main(int argc, char **argv) {
    if (!getenv("GLIBC_TUNABLES")) {
        /* glibc (2.40 and later on riscv) registered its own area at startup;
         * sched_getcpu reads it then. */
        printf("sched_getcpu = %d\n", sched_getcpu());
        CHECK(__rseq_size == 0 || ((struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset))->cpu_id == 0);
        fflush(stdout);
        setenv("GLIBC_TUNABLES", "glibc.pthread.rseq=0", 1);
        execv("/proc/self/exe", argv);
        perror("execv");
        return 1;
    }
    (void)argc;
    printf("after exec with the tunable: __rseq_size = %u\n", __rseq_size);

    /* Registration checks. */
    R(sys_rseq(&area, 31, 0, SIG));
    R(sys_rseq(misaligned_buf + 8, 32, 0, SIG));
    R(sys_rseq(&area, 32, 2, SIG));
    R(sys_rseq((void *)0x3fffffffe0, 64, 0, SIG));
    area.cpu_id = 77; area.cpu_id_start = 77;
    R(sys_rseq(&area, 32, 0, SIG));
    printf("ids: cpu_id_start=%u cpu_id=%u node_id=%u mm_cid=%u\n", area.cpu_id_start, area.cpu_id, area.node_id, area.mm_cid);
    R(sys_rseq(&area, 32, 0, SIG));
    R(sys_rseq(&area, 32, 0, SIG + 1));
    R(sys_rseq(&other, 32, 0, SIG));
    R(sys_rseq(&area, 64, 0, SIG));
    R(sys_rseq(&area, 32, 1 | 2, SIG));
    R(sys_rseq(&other, 32, 1, SIG));
    R(sys_rseq(&area, 64, 1, SIG));
    R(sys_rseq(&area, 32, 1, SIG + 1));

    /* Inherited by a forked child, which sees its ids refreshed when it first runs. */
    fflush(stdout);
    area.cpu_id = 55;
    pid_t pid = fork();
    if (pid == 0) {
        printf("child: cpu_id=%u, registering again: ", area.cpu_id);
        R(sys_rseq(&area, 32, 0, SIG));
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);

    /* Preemption inside the critical section: a spinning child takes the cpu. */
    fflush(stdout);
    pid_t spinner = fork();
    if (spinner == 0) for (;;) __asm__ volatile("");
    long turns = spin_in_cs(&area);
    printf("preempted in the critical section: aborted after %s turns, rseq_cs cleared: %s\n",
           turns > 0 ? "some" : "no", area.rseq_cs == 0 ? "yes" : "no");
    kill(spinner, SIGKILL);
    waitpid(spinner, &st, 0);

    /* A signal inside the critical section: the handler returns to the abort handler. */
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    turns = spin_in_cs(&area);
    printf("signalled in the critical section: alarms=%d aborted=%s cleared=%s\n", alarms,
           turns > 0 ? "yes" : "no", area.rseq_cs == 0 ? "yes" : "no");

    /* Outside the section the descriptor pointer is just cleared at the next check. */
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        bad_descriptor(&area);
        raise(SIGUSR1);
        printf("child survived a bad descriptor\n");
        _exit(0);
    }
    waitpid(pid, &st, 0);
    printf("bad descriptor: %s %d\n", WIFSIGNALED(st) ? "killed by signal" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));

    /* Unregister: the ids go back to their unregistered values. */
    R(sys_rseq(&area, 32, 1, SIG));
    printf("after unregister: cpu_id_start=%u cpu_id=%d\n", area.cpu_id_start, (int)area.cpu_id);
    R(sys_rseq(&area, 32, 1, SIG));
    return 0;
}
