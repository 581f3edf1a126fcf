/* O_TMPFILE: an unnamed regular file in a directory (link count 0, shown as
 * "#ino (deleted)" in /proc/self/fd), the open flags it needs, and linkat
 * giving it a name through /proc/self/fd unless it was opened with O_EXCL.
 * A file whose last name was unlinked cannot be linked again (ENOENT). */
#include "tg.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

static int entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    if (!d) return -1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static int link_fd(int fd, const char *name) {
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, p, AT_FDCWD, name, AT_SYMLINK_FOLLOW);
}

int main(void) {
    struct stat st;
    char path[64], target[PATH_MAX];
    umask(022);
    mkdir("tmpfile.d", 0700);
    int plain;
    R(plain = open("tmpfile.d/plain", O_CREAT | O_RDWR, 0644));

    /* The flags O_TMPFILE needs: a directory, write access, no O_CREAT. */
    R(open("tmpfile.d", O_TMPFILE | O_RDONLY, 0600));
    R(open("tmpfile.d", O_TMPFILE | O_CREAT | O_RDWR, 0600));
    R(open("tmpfile.d/plain", O_TMPFILE | O_RDWR, 0600));
    R(open("tmpfile.d/none", O_TMPFILE | O_RDWR, 0600));

    int fd;
    R(fd = open("tmpfile.d", O_TMPFILE | O_RDWR, 0666));
    R(write(fd, "tmpfile data", 12));
    R(fstat(fd, &st));
    printf("nlink=%ld size=%ld mode=%o\n", (long)st.st_nlink, (long)st.st_size, st.st_mode);
    printf("entries besides plain: %d\n", entries("tmpfile.d") - 1);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    char *slash = strrchr(target, '/');
    printf("fd link: name starts with '#': %s, ends with \" (deleted)\": %s\n", slash && slash[1] == '#' ? "yes" : "no",
           n > 10 && !strcmp(target + n - 10, " (deleted)") ? "yes" : "no");

    R(link_fd(fd, "tmpfile.d/named"));
    R(stat("tmpfile.d/named", &st));
    printf("named: nlink=%ld size=%ld mode=%o\n", (long)st.st_nlink, (long)st.st_size, st.st_mode);
    R(fstat(fd, &st));
    printf("fd now: nlink=%ld\n", (long)st.st_nlink);
    /* Once named and unlinked again, it is an ordinary deleted file. */
    R(unlink("tmpfile.d/named"));
    R(link_fd(fd, "tmpfile.d/again"));
    R(close(fd));

    /* O_EXCL: never to be linked. */
    R(fd = open("tmpfile.d", O_TMPFILE | O_EXCL | O_WRONLY, 0600));
    R(link_fd(fd, "tmpfile.d/excl"));
    R(close(fd));

    /* An ordinary file whose name is gone. */
    R(unlink("tmpfile.d/plain"));
    R(link_fd(plain, "tmpfile.d/back"));
    R(close(plain));

    printf("entries at the end: %d\n", entries("tmpfile.d"));
    R(rmdir("tmpfile.d"));
    printf("done\n");
    return 0;
}
