/* File syscalls: open/openat flags and their errors, read/write, positioned
 * I/O, lseek (SEEK_END, seeking past the end to make a hole), vectored I/O,
 * truncation, and the errors of bad descriptors. Works under /tmp. */
#include "tg.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

static void show(int fd, const char *what) {
    char buf[64];
    off_t end = lseek(fd, 0, SEEK_END);
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    printf("%s: size=%lld [", what, (long long)end);
    for (ssize_t i = 0; i < n; i++)
        putchar(buf[i] >= 32 && buf[i] < 127 ? buf[i] : '.');
    printf("]\n");
}

int main(void) {
    int fd, fd2, dfd;
    char buf[32];
    R(chdir("/tmp"));
    R(mkdir("files.d", 0755));
    R(chdir("files.d"));
    R(open("missing", O_RDONLY));
    R(fd = open("a", O_WRONLY | O_CREAT | O_EXCL, 0644));
    R(open("a", O_WRONLY | O_CREAT | O_EXCL, 0644));
    R(write(fd, "hello world\n", 12));
    R(read(fd, buf, 4));
    R(lseek(fd, 0, SEEK_CUR));
    R(lseek(fd, -6, SEEK_END));
    R(write(fd, "WORLD", 5));
    R(lseek(fd, -100, SEEK_SET));
    R(lseek(fd, 0, 42));
    R(close(fd));
    R(close(fd));
    R(fd = open("a", O_RDWR));
    show(fd, "after overwrite");
    R(pwrite(fd, "J", 1, 0));
    R(lseek(fd, 0, SEEK_CUR));
    R(pread(fd, buf, 5, 6));
    printf("pread got %.5s\n", buf);
    /* A write past the end leaves a hole that reads back as zeros. */
    R(lseek(fd, 20, SEEK_SET));
    R(write(fd, "X", 1));
    show(fd, "with hole");
    R(ftruncate(fd, 5));
    show(fd, "truncated");
    R(ftruncate(fd, 8));
    show(fd, "extended");
    R(ftruncate(fd, -1));
    R(close(fd));
    R(fd = open("a", O_WRONLY | O_APPEND));
    R(lseek(fd, 0, SEEK_SET));
    R(write(fd, "+app", 4));
    R(lseek(fd, 0, SEEK_CUR));
    R(pwrite(fd, "P", 1, 0)); /* Linux: pwrite on O_APPEND appends */
    R(read(fd, buf, 1));
    R(close(fd));
    R(fd = open("a", O_RDONLY));
    show(fd, "appended");
    R(write(fd, "x", 1));
    R(close(fd));
    R(fd = open("a", O_RDWR | O_TRUNC));
    show(fd, "O_TRUNC");
    struct iovec iov[3] = {{"one ", 4}, {"", 0}, {"two\n", 4}};
    R(writev(fd, iov, 3));
    char b1[3], b2[10];
    struct iovec rv[2] = {{b1, 3}, {b2, 10}};
    R(lseek(fd, 0, SEEK_SET));
    R(readv(fd, rv, 2));
    printf("readv: %.3s|%.5s\n", b1, b2);
    R(read(fd, buf, sizeof buf)); /* at EOF */
    R(pread(fd, buf, 4, 1000));
    R(pwrite(fd, "z", 1, -1));
    R(close(fd));
    R(open("a/b", O_RDONLY));
    R(open("a", O_RDONLY | O_DIRECTORY));
    R(open(".", O_WRONLY));
    R(fd = open(".", O_RDONLY));
    R(read(fd, buf, 1));
    R(close(fd));
    R(dfd = open("/tmp/files.d", O_RDONLY | O_DIRECTORY));
    R(fd = openat(dfd, "b", O_CREAT | O_RDWR | O_CLOEXEC, 0600));
    R(openat(dfd, "b", O_RDONLY | O_NOFOLLOW));
    R(openat(fd, "x", O_RDONLY));          /* fd is not a directory */
    R(openat(1000, "x", O_RDONLY));        /* not an fd */
    R(openat(AT_FDCWD, "b", O_RDONLY) >= 0);
    R(fd2 = dup(fd));
    R(write(fd2, "shared offset", 13));
    R(lseek(fd, 0, SEEK_CUR));
    R(close(fd));
    R(close(fd2));
    R(read(-1, buf, 1));
    R(write(999, buf, 1));
    R(lseek(999, 0, SEEK_SET));
    R(truncate("b", 3));
    R(truncate("missing", 3));
    R(unlinkat(dfd, "b", 0));
    R(close(dfd));
    R(fd = open("big", O_CREAT | O_RDWR, 0644));
    static char block[100000];
    for (size_t i = 0; i < sizeof block; i++) block[i] = (char)(i * 7);
    R(write(fd, block, sizeof block));
    memset(block, 0, sizeof block);
    R(pread(fd, block, sizeof block, 0));
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof block; i++) sum = sum * 31 + (unsigned char)block[i];
    printf("big checksum %08x\n", sum);
    R(close(fd));
    /* A pipe cannot seek. */
    int p[2];
    R(pipe(p));
    R(lseek(p[0], 0, SEEK_SET));
    R(pread(p[0], buf, 1, 0));
    return 0;
}
