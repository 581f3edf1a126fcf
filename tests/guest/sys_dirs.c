/* Directory syscalls: mkdir/rmdir and their errors, readdir (printed sorted,
 * since on-disk order is the file system's business), rename in its forms,
 * unlink, hard links and link counts, symlinks and readlink, chdir/getcwd. */
#include "tg.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("opendir %s: %s\n", path, strerrorname_np(errno)); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f'
               : e->d_type == DT_LNK ? 'l' : e->d_type == DT_UNKNOWN ? '?' : 'o';
        names[n] = malloc(strlen(e->d_name) + 3);
        sprintf(names[n++], "%s:%c", e->d_name, t);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    printf("ls %s:", path);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

static void nlink(const char *path) {
    struct stat st;
    if (lstat(path, &st) < 0) printf("nlink %s: %s\n", path, strerrorname_np(errno));
    else printf("nlink %s = %lu\n", path, (unsigned long)st.st_nlink);
}

static void cwd(void) {
    char buf[PATH_MAX];
    printf("getcwd = %s\n", getcwd(buf, sizeof buf) ? buf : strerrorname_np(errno));
}

int main(void) {
    char buf[PATH_MAX];
    R(chdir("/tmp"));
    R(mkdir("dirs.d", 0755));
    R(mkdir("dirs.d", 0755));
    R(chdir("dirs.d"));
    cwd();
    R(mkdir("sub", 0700));
    R(mkdir("sub/deeper", 0700));
    R(mkdir("nope/x", 0700));
    R(mkdir("", 0700));
    nlink(".");
    nlink("sub");
    R(close(open("f1", O_CREAT | O_WRONLY, 0644)));
    R(close(open("sub/f2", O_CREAT | O_WRONLY, 0644)));
    R(mkdir("f1/x", 0700));
    list(".");
    list("sub");
    R(rmdir("sub"));
    R(rmdir("f1"));
    R(rmdir("."));
    R(rmdir("missing"));
    R(unlink("sub"));
    R(unlink("sub/deeper"));
    /* Hard links share the inode; the count follows. */
    R(link("f1", "f1-link"));
    nlink("f1");
    R(link("f1", "f1-link"));
    R(link("sub", "sub-link"));
    R(unlink("f1"));
    nlink("f1-link");
    /* Symlinks: relative, dangling, loops, and readlink truncation. */
    R(symlink("f1-link", "sym"));
    R(symlink("does-not-exist", "dangling"));
    R(symlink("loop2", "loop1"));
    R(symlink("loop1", "loop2"));
    R(symlink("x", "sym"));
    memset(buf, 0, sizeof buf);
    R(readlink("sym", buf, sizeof buf));
    printf("readlink sym = %s\n", buf);
    memset(buf, 0, sizeof buf);
    R(readlink("sym", buf, 3));
    printf("truncated = %s\n", buf);
    R(readlink("f1-link", buf, sizeof buf));
    R(readlink("missing", buf, sizeof buf));
    R(open("dangling", O_RDONLY));
    R(open("loop1", O_RDONLY));
    R(open("sym", O_RDONLY | O_NOFOLLOW));
    R(close(open("dangling", O_CREAT | O_WRONLY, 0644))); /* creates the target */
    R(access("does-not-exist", F_OK));
    nlink("sym");
    R(symlink("sub/deeper", "dirlink"));
    R(chdir("dirlink"));
    cwd();
    R(chdir(".."));
    cwd(); /* .. of the real directory, not of the link */
    R(chdir("/tmp/dirs.d"));
    /* rename: plain, over an existing file, directories, and its errors. */
    R(rename("f1-link", "g1"));
    R(rename("g1", "does-not-exist")); /* replaces the file */
    R(mkdir("d1", 0755));
    R(mkdir("d2", 0755));
    R(close(open("d2/inside", O_CREAT | O_WRONLY, 0644)));
    R(rename("d1", "d2"));              /* target not empty */
    R(rename("d2", "d1"));              /* over an empty dir */
    R(rename("d1", "d1/inside/x"));
    R(rename("d1", "d1/new"));          /* into itself */
    R(rename("does-not-exist", "d1"));  /* file over dir */
    R(rename("d1", "does-not-exist"));  /* dir over file */
    R(rename("missing", "x"));
    R(rename("sym", "sym2"));
    R(readlink("sym2", buf, sizeof buf));
    list(".");
    list("d1");
    /* *at variants relative to a directory fd, and fchdir. */
    int dfd = open("d1", O_RDONLY | O_DIRECTORY);
    R(mkdirat(dfd, "at", 0755));
    R(symlinkat("inside", dfd, "at-link"));
    R(renameat(dfd, "at-link", AT_FDCWD, "moved-link"));
    R(unlinkat(dfd, "at", 0));
    R(unlinkat(dfd, "at", AT_REMOVEDIR));
    R(fchdir(dfd));
    cwd();
    R(close(dfd));
    R(chdir("/tmp/dirs.d"));
    /* Remove a directory that is still the cwd of this process. */
    R(mkdir("gone", 0755));
    R(chdir("gone"));
    R(rmdir("/tmp/dirs.d/gone"));
    R(syscall(SYS_getcwd, buf, sizeof buf)); /* the raw call: ENOENT */
    R(open(".", O_RDONLY | O_DIRECTORY) >= 0);
    R(open("new", O_CREAT | O_WRONLY, 0644));
    R(chdir("/"));
    cwd();
    R(chdir("/tmp/dirs.d/nope"));
    R(chdir("/tmp/dirs.d/does-not-exist"));
    R(chdir("/tmp/dirs.d"));
    R(syscall(SYS_getcwd, buf, 2));
    R(syscall(SYS_getcwd, buf, sizeof buf)); /* length with the NUL */
    /* A long chain of directories. */
    R(chdir("/tmp/dirs.d"));
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        if (mkdir(name, 0755) < 0 || chdir(name) < 0) { printf("chain failed at %d\n", i); break; }
    }
    cwd();
    return 0;
}
