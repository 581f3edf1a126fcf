/* Credentials and permission checks: umask, then root dropping to uid 1000
 * with seteuid (reversible) and setuid (permanent), and the EACCES/EPERM
 * answers a non-root user gets. */
#include "tg.h"
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>

static void ids(const char *when) {
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    printf("%s: uid=%u/%u/%u gid=%u/%u/%u\n", when, r, e, s, gr, ge, gs);
}

int main(void) {
    struct stat st;
    ids("start");
    R(umask(027));
    R(umask(022));
    R(chdir("/tmp"));
    R(mkdir("perm.d", 0755));
    R(chdir("perm.d"));
    R(close(open("secret", O_CREAT | O_WRONLY, 0600)));
    R(close(open("public", O_CREAT | O_WRONLY, 0644)));
    R(close(open("exec", O_CREAT | O_WRONLY, 0755)));
    R(mkdir("locked", 0700));
    R(mkdir("shared", 01777));
    R(chmod("shared", 01777)); /* mkdir applied the umask */
    R(close(open("shared/roots", O_CREAT | O_WRONLY, 0666)));
    R(chmod("shared/roots", 0666));
    /* Root bypasses permission bits (but not the need for an x bit to exec). */
    R(access("secret", R_OK | W_OK));
    R(access("public", X_OK));
    R(setresgid(100, 100, 100));
    R(setgroups(0, NULL));
    R(seteuid(1000));
    ids("after seteuid(1000)");
    R(open("secret", O_RDONLY));
    R(open("public", O_RDONLY) >= 0);
    R(open("public", O_WRONLY));
    R(open("locked/x", O_CREAT | O_WRONLY, 0644));
    R(stat("locked/x", &st));
    R(mkdir("newdir", 0755));   /* perm.d is root's 0755 */
    R(unlink("public"));
    R(chmod("public", 0777));
    R(chown("public", 1000, 1000));
    R(chown("public", 0, 0));      /* naming the ids it already has: still not the owner */
    R(chown("public", -1, 0));
    R(access("secret", R_OK));
    R(access("public", R_OK));
    R(access("exec", X_OK));
    R(open("shared/mine", O_CREAT | O_WRONLY, 0644) >= 0);
    R(stat("shared/mine", &st));
    printf("mine owned by %u:%u\n", st.st_uid, st.st_gid);
    R(chown("shared/mine", 1000, 100)); /* the owner, its own uid and group */
    R(chown("shared/mine", -1, 0));     /* a group it is not in */
    R(chown("shared/mine", 0, -1));     /* giving the file away */
    R(unlink("shared/roots"));  /* sticky dir, not the owner */
    R(unlink("shared/mine"));
    R(open("shared/roots", O_WRONLY) >= 0);
    R(setuid(0));               /* euid 1000 but saved uid 0: allowed */
    ids("after setuid(0)");
    R(setuid(1000));            /* as root: sets all three */
    ids("after setuid(1000)");
    R(seteuid(0));
    R(setuid(0));
    R(setgid(0));
    R(open("secret", O_RDONLY));
    R(chroot("/"));
    R(open("/tmp/perm.d/public", O_RDONLY) >= 0);
    return 0;
}
