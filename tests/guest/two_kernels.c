/* Helper for the two-kernels scenario: AF_UNIX abstract names, autobind and
 * socket cookies, which must be per kernel (per network namespace of one
 * machine), never shared between two machines in one host process.
 *   listen NAME   bind @NAME, listen, say so, wait for one connection
 *   connect NAME  connect to @NAME, print the result
 *   autobind      the name autobind gives a fresh socket, and its SO_COOKIE */
#include "tg.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    size_t n = strlen(name);
    memcpy(a->sun_path + 1, name, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    struct sockaddr_un a;
    if (!strcmp(argv[1], "listen") && argc == 3) {
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        socklen_t l = abstract_addr(&a, argv[2]);
        R(bind(s, (struct sockaddr *)&a, l));
        R(listen(s, 4));
        int c = accept(s, NULL, NULL);
        printf("accepted %s\n", c >= 0 ? "yes" : strerrorname_np(errno));
        return 0;
    }
    if (!strcmp(argv[1], "connect") && argc == 3) {
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        socklen_t l = abstract_addr(&a, argv[2]);
        R(connect(s, (struct sockaddr *)&a, l));
        return 0;
    }
    if (!strcmp(argv[1], "autobind")) {
        int s = socket(AF_UNIX, SOCK_DGRAM, 0);
        a.sun_family = AF_UNIX;
        R(bind(s, (struct sockaddr *)&a, sizeof(sa_family_t)));
        socklen_t l = sizeof a;
        R(getsockname(s, (struct sockaddr *)&a, &l));
        printf("autobind name %.*s\n", (int)l - 3, a.sun_path + 1);
        unsigned long long cookie = 0;
        socklen_t cl = sizeof cookie;
        R(getsockopt(s, SOL_SOCKET, SO_COOKIE, &cookie, &cl));
        printf("cookie %llu\n", cookie);
        return 0;
    }
    return 2;
}
