/* ptrace(2) as a debugger uses it: PTRACE_TRACEME, syscall stops with
 * PTRACE_SYSCALL and TRACESYSGOOD, registers through GETREGSET, memory through
 * PEEKDATA and process_vm_readv, fork and exec events, skipping a call by
 * setting its number to -1, and riscv64's EIO for requests it lacks.
 * qemu-user has no ptrace: the expected output is Linux's documented answer
 * (ptrace(2), arch/riscv/kernel/ptrace.c, kernel/ptrace.c). Events of the child
 * and grandchild are gathered and printed in a fixed order at the end. */
#include "tg.h"
#include <elf.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/ptrace.h>

static char secret[16] = "ptrace-secret";

struct regs { uint64_t pc, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7, rest[14]; };

/* Bad input: a pid that vanishes. Attaching to a zombie is EPERM
 * (ptrace_attach refuses an exit_state), to a reaped pid ESRCH; a tracee
 * killed while stopped is gone for every request (ESRCH) and its death is
 * still reported to the tracer's wait. */
static int getregs(pid_t pid, struct regs *r, size_t *len);
static void vanishing(void) {
    pid_t c = fork();
    if (c == 0) _exit(3);
    siginfo_t si;
    R(waitid(P_PID, c, &si, WEXITED | WNOWAIT));
    R(ptrace(PTRACE_ATTACH, c, 0, 0));
    R(ptrace(PTRACE_SEIZE, c, 0, 0));
    int st;
    R(waitpid(c, &st, 0) == c);
    R(ptrace(PTRACE_ATTACH, c, 0, 0));
    R(ptrace(PTRACE_SEIZE, c, 0, 0));
    R(ptrace(PTRACE_CONT, c, 0, 0));
    R(ptrace(PTRACE_DETACH, c, 0, 0));
    c = fork();
    if (c == 0) { for (;;) pause(); }
    R(ptrace(PTRACE_ATTACH, c, 0, 0));
    R(waitpid(c, &st, 0) == c && WIFSTOPPED(st));
    R(kill(c, SIGKILL));
    R(waitid(P_PID, c, &si, WEXITED | WNOWAIT));
    struct regs r;
    R(getregs(c, &r, NULL));
    R(ptrace(PTRACE_CONT, c, 0, 0));
    R(ptrace(PTRACE_DETACH, c, 0, 0));
    R(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    R(ptrace(PTRACE_INTERRUPT, c, 0, 0));
}

static int getregs(pid_t pid, struct regs *r, size_t *len) {
    struct iovec iov = { r, sizeof *r };
    int ret = ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRSTATUS, &iov);
    if (len) *len = iov.iov_len;
    return ret;
}

int main(int argc, char **argv) {
    if (argc > 2 && !strcmp(argv[1], "exec-child")) return atoi(argv[2]);
    pid_t me = getpid();
    pid_t child = fork();
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        long pp = syscall(SYS_getppid);
        long skipped = syscall(SYS_getpid);
        pid_t g = fork();
        if (g == 0) _exit(7);
        int gs;
        waitpid(g, &gs, 0);
        char code[8];
        snprintf(code, sizeof code, "%d", (pp == me) + 2 * (skipped == 4242) + 4 * (WEXITSTATUS(gs) == 7));
        execl("/proc/self/exe", argv[0], "exec-child", code, (char *)NULL);
        _exit(100);
    }
    int st;
    waitpid(child, &st, 0);
    printf("first stop: status = %#x\n", st);
    siginfo_t si;
    R(ptrace(PTRACE_GETSIGINFO, child, 0, &si));
    CHECK(si.si_signo == SIGSTOP);
    R(ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXEC));
    errno = 0;
    long word = ptrace(PTRACE_PEEKDATA, child, secret, 0);
    printf("PEEKDATA: \"%.8s\" errno=%d\n", (char *)&word, errno);
    char buf[16] = {0};
    struct iovec local = { buf, 13 }, remote = { secret, 13 };
    R(process_vm_readv(child, &local, 1, &remote, 1, 0));
    printf("process_vm_readv read \"%s\"\n", buf);
    struct regs r;
    size_t len;
    R(getregs(child, &r, &len));
    printf("NT_PRSTATUS iov_len = %zu\n", len);
    uint64_t fp[33];
    struct iovec fiov = { fp, sizeof fp };
    R(ptrace(PTRACE_GETREGSET, child, (void *)NT_PRFPREG, &fiov));
    printf("NT_PRFPREG iov_len = %zu\n", fiov.iov_len);
    struct iovec odd = { &r, 12 };
    R(ptrace(PTRACE_GETREGSET, child, (void *)NT_PRSTATUS, &odd));
    R(ptrace(PTRACE_GETREGSET, child, (void *)0x999, &fiov));
    R(ptrace(PTRACE_PEEKUSER, child, 0, 0));
    R(ptrace(PTRACE_SINGLESTEP, child, 0, 0));
    R(ptrace(PTRACE_PEEKDATA, child, (void *)8, 0));
    R(ptrace(PTRACE_PEEKDATA, 999999, secret, 0));

    int entries = 0, exits = 0, sysgood = 1, alternate = 1, info_agrees = 1, getppid_ok = 0, skip_done = 0;
    int fork_event = 0, fork_msg_ok = 0, exec_event = 0, exec_msg_ok = 0, grand_first_sigstop = 0, grand_exit7 = 0, sigchld_seen = 0;
    int in_sys = 0, seen_getppid = 0, clone_exit_ret = -1;
    unsigned long fork_msg = 0;
    pid_t grand = 0;
    ptrace(PTRACE_SYSCALL, child, 0, 0);
    for (;;) {
        pid_t w = waitpid(-1, &st, __WALL);
        if (w < 0) break;
        if (w != child) {
            if (!grand) grand = w;
            if (WIFSTOPPED(st)) {
                if (WSTOPSIG(st) == SIGSTOP && !grand_first_sigstop) grand_first_sigstop = 1;
                ptrace(PTRACE_CONT, w, 0, 0);
            } else if (WIFEXITED(st) && WEXITSTATUS(st) == 7) grand_exit7 = 1;
            continue;
        }
        if (WIFEXITED(st)) { printf("child exited with %d\n", WEXITSTATUS(st)); break; }
        if (!WIFSTOPPED(st)) { printf("child: unexpected status %#x\n", st); break; }
        int sig = WSTOPSIG(st), event = st >> 16, deliver = 0;
        if (sig == (SIGTRAP | 0x80)) {
            struct ptrace_syscall_info info;
            long n = ptrace(PTRACE_GET_SYSCALL_INFO, child, sizeof info, &info);
            getregs(child, &r, NULL);
            if (!in_sys) {
                entries++;
                if (n != 80 || info.op != PTRACE_SYSCALL_INFO_ENTRY || info.entry.nr != r.a7 || info.instruction_pointer != r.pc) info_agrees = 0;
                if (r.a7 == SYS_getppid) seen_getppid = 1;
                if (r.a7 == SYS_getpid && seen_getppid && !skip_done) {
                    /* Skip it: number -1, and a0 is what the call returns. */
                    r.a7 = -1; r.a0 = 4242;
                    struct iovec iov = { &r, sizeof r };
                    ptrace(PTRACE_SETREGSET, child, (void *)NT_PRSTATUS, &iov);
                    skip_done = 1;
                }
            } else {
                exits++;
                if (n != 33 || info.op != PTRACE_SYSCALL_INFO_EXIT || info.exit.rval != (long)r.a0) info_agrees = 0;
                if (r.a7 == SYS_getppid && (pid_t)r.a0 == me) getppid_ok = 1;
                if (r.a7 == SYS_clone) clone_exit_ret = (int)r.a0;
            }
            in_sys = !in_sys;
        } else if (sig == SIGTRAP && event == PTRACE_EVENT_FORK) {
            fork_event = 1;
            ptrace(PTRACE_GETEVENTMSG, child, 0, &fork_msg);
        } else if (sig == SIGTRAP && event == PTRACE_EVENT_EXEC) {
            unsigned long m = 0;
            exec_event = 1;
            ptrace(PTRACE_GETEVENTMSG, child, 0, &m);
            exec_msg_ok = m == (unsigned long)child;
        } else if (sig == SIGTRAP && event == 0) {
            sysgood = 0;
        } else {
            if (sig == SIGCHLD) sigchld_seen = 1;
            deliver = sig;
        }
        ptrace(PTRACE_SYSCALL, child, 0, deliver);
    }
    fork_msg_ok = fork_event && grand && fork_msg == (unsigned long)grand && clone_exit_ret == grand;
    CHECK(entries > 5 && entries - exits <= 1);
    CHECK(sysgood && alternate);
    CHECK(info_agrees);
    CHECK(getppid_ok);
    CHECK(skip_done);
    CHECK(fork_event && fork_msg_ok);
    CHECK(grand_first_sigstop && grand_exit7);
    CHECK(sigchld_seen);
    CHECK(exec_event && exec_msg_ok);
    errno = 0;
    R(ptrace(PTRACE_PEEKDATA, child, secret, 0));
    vanishing();
    return 0;
}
