/* A zombie and an orphan, to watch with ps.
 * The child exits at once but the parent does not wait for 2 seconds: in the
 * meantime ps shows the child as "Z <defunct>". A grandchild whose parent
 * exits is adopted by PID 1 (or the nearest PR_SET_CHILD_SUBREAPER).
 * Build: riscv64-linux-gnu-gcc -static -O2 -o zombie examples/zombie.c
 * Run:   npx tuxglass run --add zombie:/root/zombie -- /bin/bash -c \
 *          '/root/zombie & sleep 1; ps -o pid,ppid,stat,cmd'            */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    pid_t zombie = fork();
    if (zombie == 0) exit(7);
    pid_t middle = fork();
    if (middle == 0) {
        if (fork() == 0) {
            sleep(1); /* by now its parent has exited */
            printf("orphan %d: adopted by %d\n", getpid(), getppid());
            fflush(stdout);
            sleep(1);
            exit(0);
        }
        exit(0);
    }
    waitpid(middle, NULL, 0);
    sleep(2);
    int status;
    waitpid(zombie, &status, 0);
    printf("reaped zombie %d, status %d\n", zombie, WEXITSTATUS(status));
    fflush(stdout);
    return 0;
}
