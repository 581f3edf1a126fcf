/* A guest that never gives the host a reason to stop it: it says it has
 * started, then spins forever without reading its console, either in user
 * mode ("user", the default) or in a tight loop of system calls ("syscall").
 * tests/scenario/hostctl.test.ts stops it from the host in every way a user
 * would. Also usable as an init (argv[1] then comes from the kernel command
 * line after "--"). */
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int sys = argc > 1 && strcmp(argv[1], "syscall") == 0;
    const char *msg = sys ? "spinning in syscalls\n" : "spinning in user mode\n";
    write(1, msg, strlen(msg));
    if (sys)
        for (;;) syscall(SYS_getppid);
    for (volatile unsigned long i = 0;; i++) {
    }
}
