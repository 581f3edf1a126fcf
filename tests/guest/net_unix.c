/* AF_UNIX sockets: socketpair streams and datagrams, a named listener with
 * connect/accept across fork, names, credentials, shutdown and EOF, the
 * errors for missing or wrong peers, and the socket's line in /proc/net/unix. */
#include "tg.h"
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

static void show_name(const char *what, struct sockaddr_un *a, socklen_t len) {
    printf("%s: len %d family %d", what, len, a->sun_family);
    if (len > 2) {
        if (a->sun_path[0]) printf(" path %s", a->sun_path);
        else printf(" abstract %.*s", (int)len - 3, a->sun_path + 1);
    }
    printf("\n");
}

int main(void) {
    int sv[2];
    R(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    R(write(sv[0], "hello", 5));
    R(write(sv[0], "world", 5));
    char buf[64];
    R(recv(sv[1], buf, 3, MSG_PEEK));
    long n = read(sv[1], buf, sizeof buf);
    printf("stream read %ld [%.*s]\n", n, (int)n, buf);
    struct sockaddr_un a;
    socklen_t al = sizeof a;
    R(getsockname(sv[0], (struct sockaddr *)&a, &al));
    show_name("pair name", &a, al);
    al = sizeof a;
    R(getpeername(sv[0], (struct sockaddr *)&a, &al));
    show_name("pair peer", &a, al);
    struct ucred cr;
    socklen_t cl = sizeof cr;
    R(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &cl));
    printf("peercred pid_ok %d uid %d gid %d len %d\n", cr.pid == getpid(), cr.uid, cr.gid, cl);
    int t = 0;
    socklen_t tl = sizeof t;
    R(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &t, &tl));
    printf("SO_TYPE %d\n", t);
    R(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
    R(shutdown(sv[0], SHUT_WR));
    R(read(sv[1], buf, sizeof buf));
    R(write(sv[1], "back", 4));
    R(read(sv[0], buf, sizeof buf));
    R(close(sv[1]));
    R(send(sv[0], "x", 1, MSG_NOSIGNAL));
    struct pollfd p = {sv[0], POLLIN | POLLOUT, 0};
    R(poll(&p, 1, 0));
    printf("after peer close: revents has POLLHUP %d\n", (p.revents & POLLHUP) != 0);
    R(close(sv[0]));

    /* Datagrams keep their boundaries; a short buffer truncates. */
    R(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    R(send(sv[0], "one", 3, 0));
    R(send(sv[0], "second", 6, 0));
    struct iovec iov = {buf, 4};
    struct msghdr mh = {NULL, 0, &iov, 1, NULL, 0, 0};
    R(recvmsg(sv[1], &mh, 0));
    R(recvmsg(sv[1], &mh, 0));
    printf("msg_flags MSG_TRUNC %d\n", (mh.msg_flags & MSG_TRUNC) != 0);
    R(send(sv[0], "again", 5, 0));
    R(recv(sv[1], buf, 2, MSG_TRUNC));
    R(close(sv[0]));
    R(close(sv[1]));

    /* A named listener. */
    R(socketpair(AF_INET, SOCK_STREAM, 0, sv));
    R(socket(AF_UNIX, SOCK_STREAM, 5));
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, "/tmp/unix.sock");
    socklen_t slen = offsetof(struct sockaddr_un, sun_path) + strlen(sa.sun_path) + 1;
    R(listen(l, 4));
    R(bind(l, (struct sockaddr *)&sa, 1));
    R(bind(l, (struct sockaddr *)&sa, slen));
    R(bind(l, (struct sockaddr *)&sa, slen));
    struct stat st;
    R(stat("/tmp/unix.sock", &st));
    printf("is socket %d\n", S_ISSOCK(st.st_mode));
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    R(connect(c, (struct sockaddr *)&sa, slen));
    R(listen(l, 4));
    R(connect(c, (struct sockaddr *)&sa, slen));
    R(connect(c, (struct sockaddr *)&sa, slen));
    int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
    R(bind(l2, (struct sockaddr *)&sa, slen));
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    R(connect(d, (struct sockaddr *)&sa, slen));
    struct sockaddr_un missing = {.sun_family = AF_UNIX, .sun_path = "/tmp/nothing"};
    R(connect(c, (struct sockaddr *)&missing, sizeof missing));
    /* /proc/net/unix lists the listener by its inode, with its path. */
    struct stat fst;
    fstat(l, &fst);
    FILE *f = fopen("/proc/net/unix", "r");
    char line[256];
    int found = 0;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long ino = 0;
        char path[128] = "";
        unsigned refs, proto, flags, type, state;
        if (sscanf(line, "%*s %x %x %x %x %x %lu %127s", &refs, &proto, &flags, &type, &state, &ino, path) >= 6 && ino == fst.st_ino) {
            printf("proc/net/unix: flags %05x type %04x state %02x path %s\n", flags, type, state, path);
            found = 1;
        }
    }
    printf("listed %d\n", found);
    if (f) fclose(f);
    pid_t pid = fork();
    if (pid == 0) {
        int cc = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(cc, (struct sockaddr *)&sa, slen) < 0) _exit(1);
        write(cc, "from child", 10);
        char r[8];
        int k = read(cc, r, sizeof r);
        _exit(k == 2 ? 0 : 2);
    }
    int s = accept(l, (struct sockaddr *)&a, &(socklen_t){sizeof a});
    R(s >= 0);
    /* The first connection (c) was queued first. */
    R(recv(s, buf, sizeof buf, MSG_DONTWAIT));
    R(close(s));
    al = sizeof a;
    s = accept(l, (struct sockaddr *)&a, &al);
    R(s >= 0);
    show_name("accepted peer", &a, al);
    al = sizeof a;
    R(getsockname(s, (struct sockaddr *)&a, &al));
    show_name("accepted name", &a, al);
    n = read(s, buf, sizeof buf);
    printf("child sent [%.*s]\n", (int)n, buf);
    R(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &cl));
    printf("peer is child %d\n", cr.pid == pid);
    R(write(s, "ok", 2));
    int status;
    waitpid(pid, &status, 0);
    printf("child exit %d\n", WEXITSTATUS(status));

    /* Abstract names and autobind. */
    int ab = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un an = {.sun_family = AF_UNIX};
    memcpy(an.sun_path, "\0tg-abstract", 12);
    R(bind(ab, (struct sockaddr *)&an, offsetof(struct sockaddr_un, sun_path) + 12));
    al = sizeof a;
    R(getsockname(ab, (struct sockaddr *)&a, &al));
    show_name("abstract", &a, al);
    int ab2 = socket(AF_UNIX, SOCK_DGRAM, 0);
    R(bind(ab2, (struct sockaddr *)&an, sizeof(sa_family_t)));
    al = sizeof a;
    R(getsockname(ab2, (struct sockaddr *)&a, &al));
    printf("autobind: len %d first byte %d\n", al, a.sun_path[0]);
    R(sendto(ab2, "dg", 2, 0, (struct sockaddr *)&an, offsetof(struct sockaddr_un, sun_path) + 12));
    struct sockaddr_un from;
    socklen_t fl = sizeof from;
    n = recvfrom(ab, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    printf("dgram %ld from autobound %d\n", n, fl == al && !memcmp(&from, &a, al));
    R(unlink("/tmp/unix.sock"));
    return 0;
}
