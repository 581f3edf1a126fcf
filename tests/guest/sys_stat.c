/* The stat family: stat, lstat, fstat, fstatat (with AT_SYMLINK_NOFOLLOW and
 * AT_EMPTY_PATH) and statx, printing only fields that do not depend on the
 * machine: type and permission bits, size, link count, owner, device number
 * of /dev/null. */
#include "tg.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void pst(const char *what, int r, const struct stat *st) {
    if (r < 0) { printf("%s: %s\n", what, strerrorname_np(errno)); return; }
    printf("%s: mode=%06o size=%lld nlink=%lu uid=%u gid=%u", what, st->st_mode,
           S_ISDIR(st->st_mode) ? -1LL : (long long)st->st_size,
           (unsigned long)st->st_nlink, st->st_uid, st->st_gid);
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
        printf(" rdev=%u:%u", major(st->st_rdev), minor(st->st_rdev));
    printf("\n");
}

static void px(const char *what, int r, const struct statx *sx) {
    if (r < 0) { printf("%s: %s\n", what, strerrorname_np(errno)); return; }
    printf("%s: mask-has-basic=%d mode=%06o size=%lld nlink=%u uid=%u gid=%u\n", what,
           (sx->stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS, sx->stx_mode,
           S_ISDIR(sx->stx_mode) ? -1LL : (long long)sx->stx_size, sx->stx_nlink,
           sx->stx_uid, sx->stx_gid);
}

int main(void) {
    struct stat st;
    struct statx sx;
    int fd;
    umask(022);
    R(chdir("/tmp"));
    R(mkdir("stat.d", 0750));
    R(chdir("stat.d"));
    R(fd = open("file", O_CREAT | O_RDWR, 0666));
    R(write(fd, "0123456789", 10));
    R(mkdir("dir", 0777));
    R(symlink("file", "link"));
    R(link("file", "hard"));
    R(mkfifo("fifo", 0600));
    pst("stat file", stat("file", &st), &st);
    pst("fstat fd", fstat(fd, &st), &st);
    pst("stat link", stat("link", &st), &st);
    pst("lstat link", lstat("link", &st), &st);
    pst("stat dir", stat("dir", &st), &st);
    pst("stat .", stat(".", &st), &st);
    pst("stat fifo", stat("fifo", &st), &st);
    pst("stat /tmp", stat("/tmp", &st), &st);
    pst("stat /dev/null", stat("/dev/null", &st), &st);
    pst("stat missing", stat("missing", &st), &st);
    pst("stat file/x", stat("file/x", &st), &st);
    pst("fstatat nofollow", fstatat(AT_FDCWD, "link", &st, AT_SYMLINK_NOFOLLOW), &st);
    pst("fstatat empty path", fstatat(fd, "", &st, AT_EMPTY_PATH), &st);
    pst("fstatat empty no flag", fstatat(fd, "", &st, 0), &st);
    pst("fstat bad fd", fstat(77, &st), &st);
    R(fchmod(fd, 04711));
    pst("after fchmod", fstat(fd, &st), &st);
    R(chmod("dir", 01777));
    pst("after chmod", stat("dir", &st), &st);
    R(chown("file", 1000, 1000));
    pst("after chown", stat("file", &st), &st);
    R(lchown("link", 7, 8));
    pst("after lchown", lstat("link", &st), &st);
    pst("target after lchown", stat("link", &st), &st);
    R(fchown(fd, -1, 0));
    pst("after fchown", fstat(fd, &st), &st);
    R(ftruncate(fd, 1 << 20));
    pst("sparse 1M", fstat(fd, &st), &st);
    R(unlink("hard"));
    pst("after unlink hard", fstat(fd, &st), &st);
    R(unlink("file"));
    pst("unlinked but open", fstat(fd, &st), &st);
    px("statx dir", statx(AT_FDCWD, "dir", 0, STATX_BASIC_STATS, &sx), &sx);
    px("statx link nofollow", statx(AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx), &sx);
    px("statx fd", statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx), &sx);
    px("statx missing", statx(AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx), &sx);
    /* umask applies to creation modes. */
    umask(077);
    R(mkdir("masked", 0777));
    pst("masked dir", stat("masked", &st), &st);
    R(close(open("masked-file", O_CREAT | O_WRONLY, 0666)));
    pst("masked file", stat("masked-file", &st), &st);
    R(umask(0));
    R(umask(022));
    /* Timestamps: utimensat sets what stat reads back. */
    struct timespec ts[2] = {{1000000000, 5}, {1234567890, 123456789}};
    R(utimensat(AT_FDCWD, "masked-file", ts, 0));
    R(stat("masked-file", &st));
    printf("times: atime=%lld.%09ld mtime=%lld.%09ld\n", (long long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    R(close(fd));
    return 0;
}
