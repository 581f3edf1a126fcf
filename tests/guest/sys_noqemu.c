/* Calls qemu-user refuses or lacks, checked against Linux's documented
 * answers (prctl(2), mlock2(2)): PR_{GET,SET}_THP_DISABLE, PR_GET_TID_ADDRESS,
 * mlock2 with MLOCK_ONFAULT and its VmLck accounting, syslog's EINVAL cases,
 * fchmodat2 (qemu-user lacks it) refusing a symlink's mode. */
#include "tg.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static void vmlck(void) {
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    char *l = strstr(buf, "VmLck:"), *e = strchr(l, '\n');
    printf("%.*s\n", (int)(e - l), l);
}

/* fchmodat2(2): fchmodat with flags; a symlink reached with AT_SYMLINK_NOFOLLOW
 * or AT_EMPTY_PATH is EOPNOTSUPP (notify_change), unknown flags EINVAL. */
static void fchmodat2(void) {
    struct stat st;
    close(open("/tmp/fm_f", O_CREAT | O_WRONLY, 0644));
    symlink("fm_f", "/tmp/fm_sl");
    int slfd = open("/tmp/fm_sl", O_PATH | O_NOFOLLOW);
    R(syscall(452, AT_FDCWD, "/tmp/fm_sl", 0600, AT_SYMLINK_NOFOLLOW));
    R(syscall(452, slfd, "", 0600, AT_EMPTY_PATH));
    R(syscall(452, AT_FDCWD, "/tmp/fm_sl", 0600, 0x4));
    R(syscall(452, AT_FDCWD, "/tmp/fm_sl", 0640, 0));
    lstat("/tmp/fm_sl", &st);
    printf("symlink mode %o\n", st.st_mode);
    stat("/tmp/fm_f", &st);
    printf("target mode %o\n", st.st_mode);
    close(slfd);
    unlink("/tmp/fm_sl");
    unlink("/tmp/fm_f");
}

int main(void) {
    R(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
    R(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
    R(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
    R(prctl(PR_GET_THP_DISABLE, 1, 0, 0, 0));
    R(prctl(PR_SET_THP_DISABLE, 1, 1, 0, 0));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) { printf("child: THP disabled = %d\n", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0)); _exit(0); }
    int st;
    waitpid(pid, &st, 0);
    R(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0));
    R(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
    int *tidaddr = (int *)1;
    R(prctl(PR_GET_TID_ADDRESS, &tidaddr));
    CHECK(tidaddr != (int *)1 && tidaddr != NULL);
    R(prctl(PR_GET_TID_ADDRESS, (void *)8));
    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    vmlck();
    R(mlock2(m, 2 * pg, MLOCK_ONFAULT));
    vmlck();
    R(mlock2(m, pg, 2));
    R(mlock2(m + 2 * pg, pg, 0));
    vmlck();
    R(munlock(m, 4 * pg));
    vmlck();
    /* syslog(2): a NULL buffer or a negative length is EINVAL before anything else. */
    R(klogctl(3 /* READ_ALL */, NULL, 10));
    R(klogctl(3, (char *)m, -1));
    R(klogctl(2 /* READ */, NULL, 10));
    R(klogctl(4 /* READ_CLEAR */, NULL, 0));
    fchmodat2();
    return 0;
}
