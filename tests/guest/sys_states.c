/* Task states as /proc/PID/stat and /proc/PID/status report them (fs/proc/array.c
 * task_state_array): a job-control stop T, a ptrace stop t, a vfork parent
 * waiting for its child D (wait_for_vfork_done sleeps TASK_KILLABLE), a zombie
 * Z, a sleeper S; and a group stop of a threaded process: SIGSTOP stops every
 * thread (every /proc/PID/task/TID/stat shows T), SIGCONT resumes them all. qemu-user has
 * no ptrace and makes vfork a fork, so this runs under tuxglass only. */
#include "tg.h"
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

/* The state letter of /proc/<pid>/stat (or task/<tid> of pid). */
static char stat_state(int pid, int tid) {
    char path[64], buf[512];
    if (tid) snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
    else snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return '?';
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return '?';
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : '?';
}

/* The State: line of /proc/<pid>/status, without the newline. */
static void status_state(int pid, char *out, size_t len) {
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0) close(fd);
    snprintf(out, len, "?");
    if (n <= 0) return;
    buf[n] = 0;
    char *s = strstr(buf, "State:\t");
    if (!s) return;
    char *e = strchr(s, '\n');
    if (e) *e = 0;
    snprintf(out, len, "%s", s + 7);
}

static void show(const char *what, int pid) {
    char st[64];
    status_state(pid, st, sizeof st);
    printf("%s: stat %c, status \"%s\"\n", what, stat_state(pid, 0), st);
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { (void)sig; got_usr1++; }

static void *spin(void *arg) {
    (void)arg;
    for (;;) pause();
    return NULL;
}

/* Every thread's state letter, in tid order (threads list in creation order). */
static void threads(int pid, const char *what) {
    char path[64], letters[16] = {0};
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *d = opendir(path);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)) && n < 15)
        if (e->d_name[0] != '.') letters[n++] = stat_state(pid, atoi(e->d_name));
    if (d) closedir(d);
    printf("%s: %d threads, states %s\n", what, n, letters);
}

int main(void) {
    int st;
    /* S: a child blocked in pause(). */
    pid_t c = fork();
    if (c == 0) { pause(); _exit(0); }
    usleep(100000);
    show("sleeping child", c);
    /* T: stopped by SIGSTOP, the parent told through WUNTRACED. */
    kill(c, SIGSTOP);
    R(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    show("stopped child", c);
    kill(c, SIGCONT);
    R(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st));
    usleep(100000);
    show("continued child", c);
    /* Z: exited, not yet reaped (waitid with WNOWAIT leaves it). */
    kill(c, SIGKILL);
    siginfo_t si;
    R(waitid(P_PID, c, &si, WEXITED | WNOWAIT));
    show("zombie child", c);
    R(waitpid(c, &st, 0) == c && WIFSIGNALED(st));

    /* t: a tracee in a signal-delivery stop. */
    c = fork();
    if (c == 0) { ptrace(PTRACE_TRACEME, 0, 0, 0); raise(SIGUSR1); _exit(7); }
    R(waitpid(c, &st, 0) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGUSR1);
    show("ptrace-stopped child", c);
    R(ptrace(PTRACE_CONT, c, 0, 0));
    R(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7);

    /* D: the vfork child looks at its parent, which waits for it killably. */
    signal(SIGUSR1, on_usr1);
    int parent = getpid();
    c = vfork();
    if (c == 0) {
        char line[96], st2[64];
        status_state(parent, st2, sizeof st2);
        int n = snprintf(line, sizeof line, "vfork parent: stat %c, status \"%s\"\n", stat_state(parent, 0), st2);
        write(1, line, n);
        /* A caught signal does not end a killable sleep: still D after it. */
        kill(parent, SIGUSR1);
        struct timespec ts = {0, 50000000};
        nanosleep(&ts, NULL);
        n = snprintf(line, sizeof line, "vfork parent after SIGUSR1: stat %c\n", stat_state(parent, 0));
        write(1, line, n);
        _exit(0);
    }
    R(waitpid(c, &st, 0) == c);
    printf("handler ran after vfork returned: %d\n", got_usr1);

    /* A group stop of a threaded process: all threads T, then all running again. */
    int pfd[2];
    R(pipe(pfd));
    c = fork();
    if (c == 0) {
        pthread_t t1, t2;
        pthread_create(&t1, NULL, spin, NULL);
        pthread_create(&t2, NULL, spin, NULL);
        write(pfd[1], "x", 1);
        for (;;) pause();
    }
    char x;
    R(read(pfd[0], &x, 1));
    usleep(100000);
    threads(c, "threaded child");
    kill(c, SIGSTOP);
    R(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st));
    threads(c, "after SIGSTOP");
    kill(c, SIGCONT);
    R(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st));
    usleep(100000);
    threads(c, "after SIGCONT");
    kill(c, SIGKILL);
    R(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    return 0;
}
