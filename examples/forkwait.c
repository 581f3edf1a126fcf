/* The classic: fork a child, let it work and exit with a status, wait for it.
 * Build: riscv64-linux-gnu-gcc -static -O2 -o forkwait examples/forkwait.c
 * Run:   npx tuxglass run --add forkwait:/root/forkwait -- /root/forkwait */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    printf("parent %d: forking\n", getpid());
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) {
        printf("child %d: my parent is %d\n", getpid(), getppid());
        exit(42);
    }
    int status;
    pid_t done = waitpid(pid, &status, 0);
    if (WIFEXITED(status))
        printf("parent: child %d exited with %d\n", done, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("parent: child %d killed by signal %d\n", done, WTERMSIG(status));
    return 0;
}
