/* dnotify (fcntl F_NOTIFY): the F_SETSIG signal with POLL_MSG and si_fd
 * when something in the watched directory, or the directory itself, changes
 * as asked; a request without DN_MULTISHOT ends at its first signal; DN_RENAME
 * is a rename within the directory only; F_NOTIFY 0 ends every request. */
#include "tg.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

static sigset_t set;
static int dfd;

static void expect(const char *what) {
    siginfo_t si;
    struct timespec ts = { 0, 100 * 1000 * 1000 };
    int s = sigtimedwait(&set, &si, &ts);
    if (s < 0) printf("%s: no signal\n", what);
    else printf("%s: %s code=%d fd_ok=%d\n", what, sigabbrev_np(s), si.si_code, si.si_fd == dfd);
}

int main(void) {
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGIO);
    sigprocmask(SIG_BLOCK, &set, NULL);
    mkdir("dn.d", 0755);
    mkdir("dn.other", 0755);
    int file;
    R(file = open("dn.d/f", O_CREAT | O_RDWR, 0644));
    R(fcntl(file, F_NOTIFY, DN_CREATE));
    R(dfd = open("dn.d", O_RDONLY));
    R(fcntl(dfd, F_SETSIG, SIGUSR1));

    R(fcntl(dfd, F_NOTIFY, DN_CREATE));
    R(close(open("dn.d/a", O_CREAT | O_WRONLY, 0644)));
    expect("create (one shot)");
    R(close(open("dn.d/b", O_CREAT | O_WRONLY, 0644)));
    expect("create again");

    R(fcntl(dfd, F_NOTIFY, DN_ATTRIB | DN_MULTISHOT));
    R(chmod("dn.d/a", 0600));
    expect("chmod child");
    R(chmod("dn.d", 0700));
    expect("chmod the directory");
    R(write(file, "x", 1));
    expect("write without DN_MODIFY");

    R(fcntl(dfd, F_NOTIFY, DN_RENAME | DN_MULTISHOT));
    R(rename("dn.d/a", "dn.other/a"));
    expect("rename out");
    R(rename("dn.d/b", "dn.d/c"));
    expect("rename within");

    R(fcntl(dfd, F_NOTIFY, 0));
    R(chmod("dn.d/c", 0600));
    expect("after F_NOTIFY 0");

    R(fcntl(dfd, F_SETSIG, 0));
    R(fcntl(dfd, F_NOTIFY, DN_DELETE));
    R(unlink("dn.d/c"));
    expect("delete, no F_SETSIG");

    unlink("dn.d/f");
    unlink("dn.other/a");
    rmdir("dn.d");
    rmdir("dn.other");
    printf("done\n");
    return 0;
}
