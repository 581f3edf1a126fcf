/* rename, renameat2 and link where tuxglass once departed from Linux (found by
 * a fuzzer): two hard links of one file, RENAME_EXCHANGE and RENAME_NOREPLACE,
 * the ancestor traps, link(2) of a directory against the target's own errors,
 * read and pread on a directory, and tmpfs's directory sizes (20 bytes per
 * entry with . and ..). On its own tmpfs (the reference runs as root in a
 * private mount namespace). */
#include "tg.h"
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

static long size_of(const char *p) { struct stat st; return stat(p, &st) ? -1 : (long)st.st_size; }
static long links_of(const char *p) { struct stat st; return stat(p, &st) ? -1 : (long)st.st_nlink; }
static void put(const char *p, const char *s) { int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644); write(fd, s, strlen(s)); close(fd); }
static void show(const char *p) {
    char b[32] = {0};
    int fd = open(p, O_RDONLY);
    if (fd < 0) { printf("%s: %s\n", p, strerrorname_np(errno)); return; }
    read(fd, b, sizeof b - 1);
    close(fd);
    printf("%s: [%s]\n", p, b);
}
#define RENAME2(a, b, f) syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, f)

int main(void) {
    mkdir("/tmp/rn", 0755);
    R(mount("none", "/tmp/rn", "tmpfs", 0, "mode=0755"));
    R(chdir("/tmp/rn"));
    printf("empty dir size %ld\n", size_of("."));
    put("f", "one");
    R(link("f", "g"));
    printf("size with two entries %ld\n", size_of("."));
    R(rename("f", "g"));
    printf("f links %ld g links %ld\n", links_of("f"), links_of("g"));
    R(RENAME2("f", "f", RENAME_NOREPLACE));
    R(RENAME2("f", "g", RENAME_NOREPLACE));
    R(RENAME2("f", "f", 0));

    put("a", "apple");
    put("b", "banana");
    R(RENAME2("a", "b", RENAME_EXCHANGE));
    show("a"); show("b");
    R(RENAME2("a", "nothere", RENAME_EXCHANGE));
    R(RENAME2("a", "b", RENAME_EXCHANGE | RENAME_NOREPLACE));
    mkdir("d", 0755);
    mkdir("d/sub", 0755);
    put("d/sub/x", "x");
    printf("d links %ld, size %ld\n", links_of("d"), size_of("d"));
    R(RENAME2("a", "d", RENAME_EXCHANGE));
    printf("after exchange: d is %s, a is %s, . links %ld\n", size_of("d") == 6 ? "the file" : "?", links_of("a") == 3 ? "the dir" : "?", links_of("."));
    R(RENAME2("a", "d", RENAME_EXCHANGE));
    R(RENAME2("d", "d/sub/inner", RENAME_EXCHANGE));
    R(RENAME2("d/sub", "d", RENAME_EXCHANGE));

    R(rename("d", "d/sub/y"));
    R(rename("d", "d/sub"));
    R(rename("d/sub", "d"));
    R(rename("d/sub/x", "d"));
    R(rename("d", "b"));
    R(rename("b", "d"));
    R(rename("b/", "c"));
    R(rename("b", "c/"));
    R(rename("d/", "e/"));
    printf("e size %ld\n", size_of("e"));
    R(rename("e", "d"));

    /* link(2) of a directory: the new name's errors first. */
    R(link("d", "b"));
    R(link("d", "nodir/x"));
    R(link("d", "b/x"));
    R(symlink("loop", "loop"));
    R(link("d", "loop/x"));
    R(link("d", "newname"));
    R(link("d", "."));
    R(link("nothere", "x"));

    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    char buf[16];
    R(read(dfd, buf, sizeof buf));
    R(pread(dfd, buf, sizeof buf, 0));
    R(read(dfd, buf, 0));
    close(dfd);
    printf("sizes: . %ld d %ld d/sub %ld\n", size_of("."), size_of("d"), size_of("d/sub"));

    /* statfs of a tmpfs with limits (shmem_statfs): pages and inodes of this instance. */
    mkdir("lim", 0755);
    R(mount("none", "lim", "tmpfs", 0, "size=1m,nr_inodes=100"));
    struct statfs sf;
    R(statfs("lim", &sf));
    printf("fresh: blocks %ld bfree %ld files %ld ffree %ld\n", (long)sf.f_blocks, (long)sf.f_bfree, (long)sf.f_files, (long)sf.f_ffree);
    char big[5000];
    memset(big, 'z', sizeof big);
    int fd = open("lim/f", O_WRONLY | O_CREAT, 0644);
    R(write(fd, big, sizeof big));
    close(fd);
    mkdir("lim/d", 0755);
    R(link("lim/f", "lim/g"));
    R(statfs("lim", &sf));
    printf("used: blocks %ld bfree %ld files %ld ffree %ld\n", (long)sf.f_blocks, (long)sf.f_bfree, (long)sf.f_files, (long)sf.f_ffree);
    unlink("lim/g");
    unlink("lim/f");
    R(statfs("lim", &sf));
    printf("freed: bfree %ld ffree %ld\n", (long)sf.f_bfree, (long)sf.f_ffree);
    R(umount("lim"));
    R(chdir("/"));
    R(umount("/tmp/rn"));
    printf("done\n");
    return 0;
}
