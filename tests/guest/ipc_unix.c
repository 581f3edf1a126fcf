/* AF_UNIX descriptor and credential passing: SCM_RIGHTS (one and several
 * descriptors, a short control buffer, descriptors closed in flight, a
 * file the receiver reads), SCM_CREDENTIALS with SO_PASSCRED and the rules
 * for claiming other credentials, SO_PEERCRED, MSG_WAITALL, SEQPACKET
 * boundaries and EOF, EPIPE/SIGPIPE, and abstract names in /proc/net/unix. */
#include "tg.h"
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

static int send_fds(int s, const char *data, int *fds, int n) {
    char ctl[CMSG_SPACE(sizeof(int) * 8)];
    memset(ctl, 0, sizeof ctl);
    struct iovec iov = {(void *)data, strlen(data)};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (n) {
        m.msg_control = ctl;
        m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * n);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
    }
    return sendmsg(s, &m, 0);
}

/* Receive with a control buffer of ctllen bytes; print the data, flags and every cmsg. */
static int recv_show(int s, size_t ctllen, int flags, int *fds_out) {
    char buf[64], ctl[256];
    struct iovec iov = {buf, sizeof buf};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctllen ? ctl : NULL, .msg_controllen = ctllen};
    int n = recvmsg(s, &m, flags);
    if (n < 0) { printf("recvmsg = -1 %s\n", strerrorname_np(errno)); return -1; }
    printf("recvmsg = %d [%.*s] ctrunc %d controllen %zu\n", n, n, buf, (m.msg_flags & MSG_CTRUNC) != 0, (size_t)m.msg_controllen);
    int k = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_type == SCM_RIGHTS) {
            int cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            printf("  SCM_RIGHTS %d fds\n", cnt);
            for (int i = 0; i < cnt; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                if (fds_out) fds_out[k++] = fd;
                printf("  fd %d cloexec %d\n", i, fcntl(fd, F_GETFD));
            }
        } else if (c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred u;
            memcpy(&u, CMSG_DATA(c), sizeof u);
            printf("  SCM_CREDENTIALS pid_is_me %d pid0 %d uid %d gid %d\n", u.pid == getpid(), u.pid == 0, u.uid, u.gid);
        }
    }
    return n;
}

static int send_cred(int s, pid_t pid, uid_t uid, gid_t gid) {
    char ctl[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = {"c", 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred u = {pid, uid, gid};
    memcpy(CMSG_DATA(c), &u, sizeof u);
    return sendmsg(s, &m, 0);
}

static int open_fds(void) {
    int n = 0;
    for (int fd = 0; fd < 64; fd++) if (fcntl(fd, F_GETFD) >= 0) n++;
    return n;
}

static volatile int sigpipes;
static void on_pipe(int s) { (void)s; sigpipes++; }

/* What qemu-user cannot show: it gives the host kernel a control buffer twice
 * the guest's, so every descriptor is installed and MSG_CTRUNC is lost, and it
 * aborts on a cmsg_len shorter than a header. Checked against unix(7) and
 * net/core/scm.c: descriptors that do not fit are closed, MSG_CTRUNC is set,
 * a short cmsg_len is EINVAL. */
static void noqemu(void) {
    int sv[2], p[2], got[8];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    pipe(p);
    int three[3] = {p[0], p[1], p[0]};
    /* A short control buffer: what fits arrives, the rest is closed, MSG_CTRUNC. */
    int before = open_fds();
    R(send_fds(sv[0], "short", three, 3));
    recv_show(sv[1], CMSG_LEN(sizeof(int)), 0, got);
    printf("new fds after short buffer: %d\n", open_fds() - before);
    close(got[0]);
    R(send_fds(sv[0], "none", three, 3));
    recv_show(sv[1], 0, 0, NULL);
    printf("new fds after no buffer: %d\n", open_fds() - before);
    char ctl[CMSG_SPACE(4)] = {0};
    struct iovec iov = {"m", 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = 4;
    R(sendmsg(sv[0], &m, 0));
    printf("done\n");
}

/* sendmmsg and recvmmsg on datagrams: what is queued is taken in one call, each length in msg_len. */
static void mmsg(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    char out[3][8] = {"one", "three", "fifteen"}, in[4][16];
    struct iovec oi[3], ii[4];
    struct mmsghdr om[3], im[4];
    memset(om, 0, sizeof om);
    memset(im, 0, sizeof im);
    for (int i = 0; i < 3; i++) {
        oi[i] = (struct iovec){out[i], strlen(out[i])};
        om[i].msg_hdr.msg_iov = &oi[i];
        om[i].msg_hdr.msg_iovlen = 1;
    }
    for (int i = 0; i < 4; i++) {
        ii[i] = (struct iovec){in[i], sizeof in[i]};
        im[i].msg_hdr.msg_iov = &ii[i];
        im[i].msg_hdr.msg_iovlen = 1;
    }
    R(sendmmsg(sv[0], om, 3, 0));
    struct timespec ts = {1, 0};
    R(recvmmsg(sv[1], im, 4, MSG_DONTWAIT, &ts));
    for (int i = 0; i < 3; i++) printf("recvmmsg[%d]: %u [%.*s]\n", i, im[i].msg_len, (int)im[i].msg_len, in[i]);
    R(recvmmsg(sv[1], im, 4, MSG_DONTWAIT, NULL));
    /* qemu-user ignores recvmmsg's timeout, so no invalid one is tried here. */
    R(sendmmsg(sv[0], om, 2, 0));
    R(recvmmsg(sv[1], im, 4, MSG_WAITFORONE, NULL));
    close(sv[0]);
    close(sv[1]);
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "noqemu")) { noqemu(); return 0; }
    mmsg();
    int sv[2];
    R(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    /* A file's descriptor crosses; the receiver reads the file through it. */
    int f = open("/tmp/unix-passed", O_CREAT | O_RDWR | O_TRUNC, 0600);
    write(f, "contents of the file", 20);
    lseek(f, 0, SEEK_SET);
    R(send_fds(sv[0], "one", &f, 1));
    close(f);
    int got[8];
    recv_show(sv[1], 256, 0, got);
    char buf[64];
    int n = read(got[0], buf, sizeof buf);
    printf("read through passed fd: %d [%.*s]\n", n, n, buf);
    close(got[0]);
    /* Several descriptors, MSG_CMSG_CLOEXEC. */
    int p[2];
    pipe(p);
    int three[3] = {p[0], p[1], p[0]};
    R(send_fds(sv[0], "three", three, 3));
    recv_show(sv[1], 256, MSG_CMSG_CLOEXEC, got);
    write(got[1], "via", 3);
    n = read(got[2], buf, sizeof buf);
    printf("pipe through passed fds: %d\n", n);
    for (int i = 0; i < 3; i++) close(got[i]);
    /* Peeking shows the descriptors too, as new ones. */
    R(send_fds(sv[0], "peek", &p[0], 1));
    recv_show(sv[1], 256, MSG_PEEK, got);
    close(got[0]);
    recv_show(sv[1], 256, 0, got);
    close(got[0]);
    /* Errors of the control buffer. */
    int bad = 99;
    R(send_fds(sv[0], "bad", &bad, 1));
    int many[254];
    for (int i = 0; i < 254; i++) many[i] = p[0];
    {
        static char ctl[CMSG_SPACE(sizeof(int) * 254)];
        struct iovec iov = {"m", 1};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = CMSG_SPACE(sizeof(int) * 254)};
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int) * 254);
        memcpy(CMSG_DATA(c), many, sizeof many);
        R(sendmsg(sv[0], &m, 0));
        c->cmsg_len = CMSG_LEN(sizeof(int) * 253);
        m.msg_controllen = CMSG_SPACE(sizeof(int) * 253);
        R(sendmsg(sv[0], &m, 0));
        recv_show(sv[1], 0, 0, NULL);
        c->cmsg_type = 77;
        c->cmsg_len = CMSG_LEN(4);
        m.msg_controllen = CMSG_SPACE(4);
        R(sendmsg(sv[0], &m, 0));
    }
    /* Descriptors in flight when the receiver closes are closed: the pipe's writer goes away. */
    int q[2];
    pipe(q);
    R(send_fds(sv[0], "in flight", &q[1], 1));
    close(q[1]);
    close(sv[1]);
    n = read(q[0], buf, sizeof buf);
    printf("reader after in-flight writer dropped: %d\n", n);
    close(q[0]);
    close(sv[0]);
    close(p[0]); close(p[1]);
    unlink("/tmp/unix-passed");

    /* Credentials. */
    R(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    R(send(sv[0], "x", 1, 0));
    int on = 1;
    R(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    recv_show(sv[1], 256, 0, NULL);
    R(send_cred(sv[0], getpid(), 0, 0));
    recv_show(sv[1], 256, 0, NULL);
    R(send_cred(sv[0], 99999, 0, 0));
    R(send_cred(sv[0], getpid(), -1, 0));
    /* Two writers' bytes are not glued into one read when credentials are asked for. */
    pid_t other = fork();
    if (other == 0) { pause(); _exit(0); }
    R(send(sv[0], "ab", 2, 0));
    R(send_cred(sv[0], other, 0, 0));
    recv_show(sv[1], 256, 0, NULL);
    recv_show(sv[1], 256, 0, NULL);
    kill(other, SIGKILL);
    waitpid(other, NULL, 0);
    struct ucred pc;
    socklen_t pl = sizeof pc;
    R(getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &pc, &pl));
    printf("peercred pid_is_me %d uid %d gid %d\n", pc.pid == getpid(), pc.uid, pc.gid);
    /* An unprivileged sender may claim only its own ids. */
    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(1234) || setuid(4321)) _exit(9);
        printf("child: own creds %d\n", send_cred(sv[0], getpid(), 4321, 1234));
        errno = 0;
        int r = send_cred(sv[0], getpid(), 0, 1234);
        printf("child: uid 0: %d %s\n", r, r < 0 ? strerrorname_np(errno) : "");
        r = send_cred(sv[0], getppid(), 4321, 1234);
        printf("child: parent's pid: %d %s\n", r, r < 0 ? strerrorname_np(errno) : "");
        r = send(sv[0], "u", 1, 0);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    /* The child's two messages carry the same credentials: one read. */
    recv_show(sv[1], 256, 0, NULL);
    /* MSG_WAITALL waits for the whole length. */
    pid = fork();
    if (pid == 0) {
        usleep(50000);
        send(sv[0], "12345", 5, 0);
        usleep(50000);
        send(sv[0], "67890", 5, 0);
        _exit(0);
    }
    on = 0;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    R(recv(sv[1], buf, 10, MSG_WAITALL));
    waitpid(pid, &st, 0);
    /* A closed peer: EPIPE, and SIGPIPE unless MSG_NOSIGNAL. */
    signal(SIGPIPE, on_pipe);
    R(close(sv[1]));
    R(send(sv[0], "z", 1, MSG_NOSIGNAL));
    printf("sigpipes %d\n", sigpipes);
    R(send(sv[0], "z", 1, 0));
    R(write(sv[0], "z", 1));
    printf("sigpipes %d\n", sigpipes);
    close(sv[0]);

    /* SEQPACKET: boundaries, truncation, EOF. */
    R(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    R(send(sv[0], "first", 5, 0));
    R(send(sv[0], "second", 6, 0));
    R(recv(sv[1], buf, 3, 0));
    R(recv(sv[1], buf, sizeof buf, 0));
    R(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
    R(shutdown(sv[0], SHUT_WR));
    R(recv(sv[1], buf, sizeof buf, 0));
    close(sv[0]);
    R(recv(sv[1], buf, sizeof buf, 0));
    close(sv[1]);

    /* Abstract names with a NUL inside, in /proc/net/unix. */
    int a = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un an = {.sun_family = AF_UNIX};
    memcpy(an.sun_path, "\0tg\0unix", 8);
    R(bind(a, (struct sockaddr *)&an, offsetof(struct sockaddr_un, sun_path) + 8));
    R(listen(a, 1));
    int b = socket(AF_UNIX, SOCK_STREAM, 0);
    R(bind(b, (struct sockaddr *)&an, offsetof(struct sockaddr_un, sun_path) + 8));
    R(connect(b, (struct sockaddr *)&an, offsetof(struct sockaddr_un, sun_path) + 8));
    struct sockaddr_un none = {.sun_family = AF_UNIX};
    memcpy(none.sun_path, "\0tg-nobody", 10);
    int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
    R(connect(c2, (struct sockaddr *)&none, offsetof(struct sockaddr_un, sun_path) + 10));
    struct stat sa, sb;
    fstat(a, &sa);
    fstat(b, &sb);
    FILE *pf = fopen("/proc/net/unix", "r");
    char line[256], shown[3][200] = {"", "", ""};
    /* Linux lists sockets in hash order: print them in a fixed one. */
    while (pf && fgets(line, sizeof line, pf)) {
        unsigned long ino = 0;
        char path[128] = "";
        unsigned refs, proto, flags, type, state;
        int k = sscanf(line, "%*s %x %x %x %x %x %lu %127s", &refs, &proto, &flags, &type, &state, &ino, path);
        if (k >= 6 && (ino == sa.st_ino || ino == sb.st_ino || (ino == 0 && k == 7 && !strcmp(path, "@tg@unix"))))
            snprintf(shown[ino == sa.st_ino ? 0 : ino == sb.st_ino ? 1 : 2], 200, "proc/net/unix: %s flags %05x type %04x state %02x path %s\n",
                     ino == sa.st_ino ? "listener" : ino == sb.st_ino ? "client" : "queued", flags, type, state, path);
    }
    if (pf) fclose(pf);
    for (int i = 0; i < 3; i++) printf("%s", shown[i]);
    printf("done\n");
    return 0;
}
