/* Processes: fork, execve and wait4 with every kind of exit status — normal
 * exits (including values above 255), deaths by signal, stops and continues
 * — plus argv/envp passing through execve and execve's errors. Children are
 * always waited for before the parent prints, so output order is fixed. */
#include "tg.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void describe(const char *what, int st) {
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by %d\n", what, WTERMSIG(st));
    else if (WIFSTOPPED(st)) printf("%s: stopped by %d\n", what, WSTOPSIG(st));
    else if (WIFCONTINUED(st)) printf("%s: continued\n", what);
    else printf("%s: status %#x\n", what, st);
}

static void run(const char *what, void (*child)(void)) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) { child(); _exit(99); }
    int st;
    struct rusage ru;
    pid_t got = wait4(pid, &st, 0, &ru);
    if (got != pid) printf("%s: wait4 returned %s\n", what, got < 0 ? strerrorname_np(errno) : "other pid");
    describe(what, st);
}

static void c_exit0(void) { exit(0); }
static void c_exit42(void) { _exit(42); }
static void c_exit256(void) { _exit(256 + 7); }
static void c_return(void) { printf("child prints\n"); exit(3); }
static volatile int *volatile null_page = (int *)8;
static void c_segv(void) { *null_page = 1; }
static void c_abort(void) { abort(); }
static void c_kill9(void) { raise(SIGKILL); }
static void c_term(void) { kill(getpid(), SIGTERM); pause(); }
static void c_fpe(void) { raise(SIGFPE); }
static const char *self;
static void c_exec_self(void) {
    char *argv[] = {(char *)self, "child", "two words", "", "last", NULL};
    char *envp[] = {"A=1", "EMPTY=", "TG=tuxglass", NULL};
    execve(self, argv, envp);
    _exit(127);
}
static void c_exec_true(void) {
    execl("/bin/busybox", "true", (char *)NULL);
    _exit(127);
}
static void c_exec_false(void) {
    execl("/bin/busybox", "false", (char *)NULL);
    _exit(127);
}
static void c_exec_sh(void) {
    execl("/bin/busybox", "sh", "-c", "echo from sh $0 $1; exit 5", "zero", "one", (char *)NULL);
    _exit(127);
}

static void exec_err(const char *path) {
    char *argv[] = {(char *)path, NULL};
    char *envp[] = {NULL};
    errno = 0;
    execve(path, argv, envp);
    printf("execve(%s) = -1 %s\n", path, strerrorname_np(errno));
}

int main(int argc, char **argv, char **envp) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("argc=%d\n", argc);
        for (int i = 1; i < argc; i++) printf("argv[%d]=[%s]\n", i, argv[i]);
        /* Sorted: qemu-user hands a program its environment in reverse order. */
        int n = 0;
        while (envp[n]) n++;
        qsort(envp, n, sizeof *envp, cmp_str);
        for (char **e = envp; *e; e++) printf("env [%s]\n", *e);
        printf("getenv TG=%s\n", getenv("TG"));
        return 11;
    }
    self = argv[0];
    struct rlimit core0 = {0, 0};
    setrlimit(RLIMIT_CORE, &core0); /* no core files from the crashes below */
    run("exit(0)", c_exit0);
    run("_exit(42)", c_exit42);
    run("_exit(263)", c_exit256);
    run("exit(3) after printing", c_return);
    run("segfault", c_segv);
    run("abort", c_abort);
    run("SIGKILL", c_kill9);
    run("SIGTERM", c_term);
    run("SIGFPE", c_fpe);
    run("execve self", c_exec_self);
    run("exec true", c_exec_true);
    run("exec false", c_exec_false);
    run("exec sh", c_exec_sh);
    /* execve errors, tried in this process (it survives them). */
    R(chdir("/tmp"));
    R(mkdir("proc.d", 0755));
    int fd = open("proc.d/noexec", O_CREAT | O_WRONLY, 0644);
    write(fd, "#!/bin/busybox sh\necho hi\n", 26);
    close(fd);
    exec_err("/tmp/proc.d/missing");
    exec_err("/tmp/proc.d");
    exec_err("/tmp/proc.d/noexec");
    exec_err("/tmp/proc.d/noexec/x");
    exec_err("");
    /* A script with a #! line runs through its interpreter. */
    R(chmod("proc.d/noexec", 0755));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) { exec_err("/tmp/proc.d/noexec"); _exit(1); }
    int st;
    waitpid(pid, &st, 0);
    describe("script", st);
    /* Stop and continue, seen through WUNTRACED and WCONTINUED. */
    int p[2];
    pipe(p);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char c;
        close(p[1]);
        read(p[0], &c, 1); /* wait for the parent */
        _exit(c);
    }
    close(p[0]);
    R(waitpid(pid, &st, WNOHANG)); /* still running: 0 */
    R(kill(pid, SIGSTOP));
    R(waitpid(pid, &st, WUNTRACED) == pid);
    describe("stopped child", st);
    R(kill(pid, SIGCONT));
    R(waitpid(pid, &st, WCONTINUED) == pid);
    describe("continued child", st);
    write(p[1], "\x05", 1);
    R(waitpid(pid, &st, 0) == pid);
    describe("released child", st);
    R(waitpid(-1, &st, 0));
    R(waitpid(12345678, &st, WNOHANG));
    /* Several children reaped in any order; the exit codes add up. */
    fflush(stdout);
    for (int i = 1; i <= 5; i++)
        if (fork() == 0) _exit(i * 10);
    int total = 0, n = 0;
    while ((pid = wait(&st)) > 0) { total += WEXITSTATUS(st); n++; }
    printf("reaped %d children, sum %d, then %s\n", n, total, strerrorname_np(errno));
    /* The parent sees the child's exit through SIGCHLD. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    fflush(stdout);
    pid = fork();
    if (pid == 0) _exit(9);
    siginfo_t si;
    R(sigwaitinfo(&set, &si));
    printf("SIGCHLD: code=%d status=%d pid_ok=%d\n", si.si_code, si.si_status, si.si_pid == pid);
    R(waitid(P_PID, pid, &si, WEXITED) == 0);
    printf("waitid: code=%d status=%d\n", si.si_code, si.si_status);
    /* vfork: the parent resumes after the child execs or exits. */
    fflush(stdout);
    pid = vfork();
    if (pid == 0) _exit(77);
    waitpid(pid, &st, 0);
    describe("vfork", st);
    /* Memory is copied on fork: the child's write is not seen. */
    static volatile int shared = 1;
    fflush(stdout);
    pid = fork();
    if (pid == 0) { shared = 2; _exit(shared); }
    waitpid(pid, &st, 0);
    printf("after fork child saw %d, parent sees %d\n", WEXITSTATUS(st), shared);
    return 0;
}
