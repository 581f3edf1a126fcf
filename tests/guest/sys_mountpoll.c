/* Polling /proc/self/mounts (mounts_poll): always readable, and
 * POLLERR|POLLPRI once after each mount or umount since it was opened or
 * last reported; a failed mount changes nothing. */
#include "tg.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/stat.h>

static int fd;

static void show(const char *what) {
    struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };
    int n = poll(&p, 1, 0);
    printf("%s: poll=%d%s%s%s\n", what, n, p.revents & POLLIN ? " POLLIN" : "", p.revents & POLLPRI ? " POLLPRI" : "",
           p.revents & POLLERR ? " POLLERR" : "");
}

int main(void) {
    mkdir("mp.d", 0755);
    R(fd = open("/proc/self/mounts", O_RDONLY));
    show("fresh");
    R(mount("none", "mp.d", "tmpfs", 0, NULL));
    show("after mount");
    show("again");
    R(mount("none", "mp.none", "tmpfs", 0, NULL));
    show("after a failed mount");
    R(umount("mp.d"));
    show("after umount");
    rmdir("mp.d");
    printf("done\n");
    return 0;
}
