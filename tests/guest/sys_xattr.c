/* Extended attributes on a fresh tmpfs (mounted by the program itself, so the
 * reference answers from Linux's tmpfs, not the host's /tmp file system):
 * the namespaces, XATTR_CREATE/REPLACE, size queries and ERANGE, the limits,
 * the user.* rules for non-regular files, symlink-following variants, the
 * trusted.* rule for unprivileged callers, POSIX ACLs, and procfs. */
#include "tg.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>

static void list(const char *what, ssize_t n, const char *buf) {
    if (n < 0) { printf("%s = -1 %s\n", what, strerrorname_np(errno)); return; }
    printf("%s = %zd:", what, n);
    for (ssize_t i = 0; i < n; i += strlen(buf + i) + 1) printf(" [%s]", buf + i);
    printf("\n");
}

static void val(const char *what, ssize_t n, const char *buf) {
    if (n < 0) { printf("%s = -1 %s\n", what, strerrorname_np(errno)); return; }
    printf("%s = %zd \"%.*s\"\n", what, n, (int)n, buf);
}

/* An ACL as the system.posix_acl_* xattr carries it. */
struct acl_entry { uint16_t tag, perm; uint32_t id; };
struct acl { uint32_t version; struct acl_entry e[6]; };

static void mode_of(const char *p) {
    struct stat st;
    if (lstat(p, &st) < 0) printf("lstat %s: %s\n", p, strerrorname_np(errno));
    else printf("mode %s = %04o\n", p, st.st_mode & 07777);
}

int main(void) {
    char buf[512];
    R(mkdir("/tmp/x", 0755));
    R(mount("none", "/tmp/x", "tmpfs", 0, "mode=0755"));
    R(chdir("/tmp/x"));
    int fd = open("f", O_CREAT | O_RDWR, 0644);
    R(symlink("f", "link"));
    R(mkfifo("fifo", 0644));
    R(mkdir("d", 0755));

    /* Nothing yet: each namespace answers ENODATA; unknown ones EOPNOTSUPP. */
    R(getxattr("f", "user.a", buf, sizeof buf));
    R(getxattr("f", "trusted.a", buf, sizeof buf));
    R(getxattr("f", "security.selinux", buf, sizeof buf));
    R(getxattr("f", "system.posix_acl_access", buf, sizeof buf));
    R(getxattr("f", "system.foo", buf, sizeof buf));
    R(getxattr("f", "foo.bar", buf, sizeof buf));
    list("listxattr(f) empty", listxattr("f", buf, sizeof buf), buf);

    /* Set, create-only, replace-only. */
    R(setxattr("f", "user.b", "two", 3, 0));
    R(setxattr("f", "user.a", "one", 3, XATTR_CREATE));
    R(setxattr("f", "user.a", "uno", 3, XATTR_CREATE));
    R(setxattr("f", "user.c", "x", 1, XATTR_REPLACE));
    R(setxattr("f", "user.a", "eins", 4, XATTR_REPLACE));
    R(setxattr("f", "user.a", "x", 1, XATTR_CREATE | XATTR_REPLACE));
    R(setxattr("f", "user.a", "x", 1, 4));
    R(setxattr("f", "user.empty", "", 0, 0));
    R(fsetxattr(fd, "trusted.t", "tt", 2, 0));
    R(setxattr("f", "security.s", "ss", 2, 0));
    R(setxattr("f", "system.foo", "x", 1, 0));
    R(setxattr("f", "foo.bar", "x", 1, 0));
    R(setxattr("f", "user.", "x", 1, 0));
    R(setxattr("f", "", "x", 1, 0));
    char longname[300];
    memset(longname, 'n', sizeof longname);
    memcpy(longname, "user.", 5);
    longname[255] = 0;
    R(setxattr("f", longname, "x", 1, 0));
    longname[256] = 0;
    longname[255] = 'n';
    R(setxattr("f", longname, "x", 1, 0));
    static char big[65537];
    R(setxattr("f", "user.big", big, 65537, 0));
    R(setxattr("f", "user.max", big, 65536, 0));
    R(removexattr("f", "user.max"));
    R(setxattr("f", "user.bad", (void *)8, 4, 0));
    R(setxattr("f", (void *)8, "x", 1, 0));
    R(setxattr("nonexistent", "user.a", "x", 1, 0));
    R(setxattr("f", "user.a", "x", 1, 0) == 0 && setxattr("f", "user.a", "eins", 4, 0));

    /* Reading: size queries, small buffers, exact fits. */
    val("getxattr(user.a)", getxattr("f", "user.a", buf, sizeof buf), buf);
    R(getxattr("f", "user.a", NULL, 0));
    R(getxattr("f", "user.a", buf, 3));
    val("getxattr(user.a, 4)", getxattr("f", "user.a", buf, 4), buf);
    val("getxattr(user.empty)", getxattr("f", "user.empty", buf, sizeof buf), buf);
    val("fgetxattr(trusted.t)", fgetxattr(fd, "trusted.t", buf, sizeof buf), buf);
    val("getxattr(security.s)", getxattr("f", "security.s", buf, sizeof buf), buf);
    R(getxattr("f", "user.a", (void *)8, 100));
    R(fgetxattr(99, "user.a", buf, sizeof buf));
    list("listxattr(f)", listxattr("f", buf, sizeof buf), buf);
    R(listxattr("f", NULL, 0));
    R(listxattr("f", buf, 10));
    R(flistxattr(fd, buf, sizeof buf) > 0);
    R(flistxattr(99, buf, sizeof buf));
    R(listxattr("f", (void *)8, 1000)); /* fits: the copy-out faults (qemu checks the buffer first) */

    /* Symlinks: the plain calls follow, the l* calls act on the link. */
    val("getxattr(link)", getxattr("link", "user.a", buf, sizeof buf), buf);
    R(lgetxattr("link", "user.a", buf, sizeof buf));
    R(lsetxattr("link", "user.a", "x", 1, 0));
    R(lsetxattr("link", "trusted.l", "lt", 2, 0));
    list("llistxattr(link)", llistxattr("link", buf, sizeof buf), buf);
    list("listxattr(link)", listxattr("link", buf, sizeof buf), buf);
    R(lremovexattr("link", "trusted.l"));
    R(lremovexattr("link", "trusted.l"));
    R(lgetxattr("link", "system.posix_acl_access", buf, sizeof buf));
    R(lsetxattr("link", "system.posix_acl_access", buf, 4 + 3 * 8, 0));
    /* user.* only on regular files and directories. */
    R(setxattr("fifo", "user.a", "x", 1, 0));
    R(getxattr("fifo", "user.a", buf, sizeof buf));
    R(setxattr("fifo", "trusted.a", "x", 1, 0));
    R(setxattr("d", "user.a", "dir", 3, 0));
    val("getxattr(d)", getxattr("d", "user.a", buf, sizeof buf), buf);
    R(setxattr("/dev/null", "user.a", "x", 1, 0));
    R(getxattr("/dev/null", "system.posix_acl_access", buf, sizeof buf));

    /* Removal. */
    R(removexattr("f", "user.b"));
    R(removexattr("f", "user.b"));
    R(fremovexattr(fd, "user.empty"));
    R(fremovexattr(99, "user.empty"));
    R(removexattr("f", "foo.bar"));
    list("listxattr(f) after removes", listxattr("f", buf, sizeof buf), buf);

    /* POSIX ACLs: one equivalent to a mode only changes the mode. */
    struct acl a = {2, {{1, 7, 0}, {4, 5, 0}, {0x20, 0, 0}}};
    R(setxattr("f", "system.posix_acl_access", &a, 4 + 3 * 8, 0));
    mode_of("f");
    R(getxattr("f", "system.posix_acl_access", buf, sizeof buf));
    /* A named user needs a mask; the mask becomes the group bits. */
    struct acl b = {2, {{1, 6, 0}, {2, 4, 1000}, {4, 4, 0}, {0x10, 6, 0}, {0x20, 4, 0}}};
    R(setxattr("f", "system.posix_acl_access", &b, 4 + 5 * 8, 0));
    mode_of("f");
    struct acl got;
    memset(&got, 0, sizeof got);
    R(getxattr("f", "system.posix_acl_access", &got, sizeof got));
    for (int i = 0; i < 5; i++) printf("acl[%d] tag=%#x perm=%o id=%d\n", i, got.e[i].tag, got.e[i].perm, (int)got.e[i].id);
    R(chmod("f", 0751));
    memset(&got, 0, sizeof got);
    R(getxattr("f", "system.posix_acl_access", &got, sizeof got));
    for (int i = 0; i < 5; i++) printf("acl[%d] tag=%#x perm=%o\n", i, got.e[i].tag, got.e[i].perm);
    list("listxattr(f) with acl", listxattr("f", buf, sizeof buf), buf);
    struct acl nomask = {2, {{1, 6, 0}, {2, 4, 1000}, {4, 4, 0}, {0x20, 4, 0}}};
    R(setxattr("f", "system.posix_acl_access", &nomask, 4 + 4 * 8, 0));
    struct acl badver = {3, {{1, 6, 0}, {4, 4, 0}, {0x20, 4, 0}}};
    R(setxattr("f", "system.posix_acl_access", &badver, 4 + 3 * 8, 0));
    R(setxattr("f", "system.posix_acl_access", &badver, 7, 0));
    R(setxattr("f", "system.posix_acl_default", &a, 4 + 3 * 8, 0));
    R(setxattr("d", "system.posix_acl_default", &a, 4 + 3 * 8, 0));
    list("listxattr(d)", listxattr("d", buf, sizeof buf), buf);
    R(removexattr("f", "system.posix_acl_access"));
    R(removexattr("f", "system.posix_acl_access"));
    R(getxattr("f", "system.posix_acl_access", buf, sizeof buf));
    mode_of("f");

    /* procfs has no xattr handlers. */
    R(getxattr("/proc/self/status", "security.selinux", buf, sizeof buf));
    R(getxattr("/proc/self/status", "user.a", buf, sizeof buf));
    R(getxattr("/proc/self/status", "system.posix_acl_access", buf, sizeof buf));
    R(lgetxattr("/proc/self/exe", "security.selinux", buf, sizeof buf));
    R(listxattr("/proc/self/status", buf, sizeof buf));
    R(setxattr("/proc/self/status", "user.a", "x", 1, 0));

    /* An unprivileged caller: trusted.* is invisible, security.* needs CAP_SYS_ADMIN,
     * user.* needs write permission, the sticky-directory rule. */
    R(chmod("f", 0644));
    R(mkdir("sticky", 01777));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(1000) < 0) _exit(1);
        R(getxattr("f", "trusted.t", buf, sizeof buf));
        list("listxattr(f) as user", listxattr("f", buf, sizeof buf), buf);
        R(setxattr("f", "trusted.u", "x", 1, 0));
        R(setxattr("f", "security.u", "x", 1, 0));
        R(setxattr("f", "user.u", "x", 1, 0));
        R(removexattr("f", "user.a"));
        R(removexattr("f", "security.s"));
        val("getxattr(f, user.a) as user", getxattr("f", "user.a", buf, sizeof buf), buf);
        R(setxattr("sticky", "user.u", "x", 1, 0));
        struct acl a2 = {2, {{1, 7, 0}, {4, 5, 0}, {0x20, 0, 0}}};
        R(setxattr("f", "system.posix_acl_access", &a2, 4 + 3 * 8, 0));
        R(removexattr("f", "system.posix_acl_access"));
        R(chmod("f", 0644));
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    R(chdir("/"));
    R(umount("/tmp/x"));
    return 0;
}
