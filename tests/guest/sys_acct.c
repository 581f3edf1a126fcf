/* BSD process accounting (acct(2), struct acct_v3): the errors acct gives
 * for what is not a writable regular file, and the record each ended process
 * appends: version 3, exit status as wait gives it, AFORK for a child that
 * never exec'd, AXSIG for one a signal killed, pid, ppid, uid, gid, comm. */
#include "tg.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/acct.h>
#include <sys/prctl.h>
#include <sys/wait.h>

int main(void) {
    R(acct("/dev/null"));
    R(acct("."));
    R(acct("acct.none/x"));
    R(close(open("acct.f", O_CREAT | O_TRUNC | O_WRONLY, 0644)));
    R(acct("acct.f"));
    pid_t a = fork();
    if (a == 0) {
        prctl(PR_SET_NAME, "acct-exit3");
        _exit(3);
    }
    int st;
    waitpid(a, &st, 0);
    pid_t b = fork();
    if (b == 0) {
        prctl(PR_SET_NAME, "acct-killed");
        raise(SIGTERM);
        _exit(0);
    }
    waitpid(b, &st, 0);
    R(acct(NULL));

    int fd = open("acct.f", O_RDONLY);
    struct acct_v3 r;
    int seen = 0;
    while (read(fd, &r, sizeof r) == sizeof r) {
        if (r.ac_pid != (unsigned)a && r.ac_pid != (unsigned)b) continue;
        seen++;
        /* Under qemu-user, ac_comm is the emulator's name and AXSIG may come from its own signals: neither is printed for a normal exit. */
        printf("%s: version=%d exitcode=%#x fork=%d ppid_ok=%d uid=%u gid=%u", r.ac_pid == (unsigned)a ? "exit(3)" : "SIGTERM",
               r.ac_version, r.ac_exitcode, !!(r.ac_flag & AFORK), r.ac_ppid == (unsigned)getpid(), r.ac_uid, r.ac_gid);
        if (r.ac_exitcode & 0x7f) printf(" xsig=%d", !!(r.ac_flag & AXSIG));
        printf("\n");
    }
    printf("records of our children: %d, record size %zu\n", seen, sizeof r);
    close(fd);
    unlink("acct.f");
    printf("done\n");
    return 0;
}
