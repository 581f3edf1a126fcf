/* Sockets of the IP families without a network: creation errors, the
 * interface ioctls (struct ifreq) for lo, binding and naming, what connect
 * and send answer, socket options, and UDP datagrams over lo. */
#include "tg.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/capability.h>
#include <sys/syscall.h>

static void ifreq_lo(struct ifreq *r) {
    memset(r, 0, sizeof *r);
    strcpy(r->ifr_name, "lo");
}

static void show_sin(const char *what, struct sockaddr *sa) {
    struct sockaddr_in *in = (struct sockaddr_in *)sa;
    printf("%s: family %d addr %s port %d\n", what, in->sin_family, inet_ntoa(in->sin_addr), ntohs(in->sin_port));
}

static void ioctls(int fd) {
    struct ifreq r;
    ifreq_lo(&r);
    R(ioctl(fd, SIOCGIFFLAGS, &r));
    printf("flags %#x\n", (unsigned short)r.ifr_flags);
    ifreq_lo(&r);
    R(ioctl(fd, SIOCGIFINDEX, &r));
    printf("index %d\n", r.ifr_ifindex);
    int index = r.ifr_ifindex;
    memset(&r, 0, sizeof r);
    r.ifr_ifindex = index;
    R(ioctl(fd, SIOCGIFNAME, &r));
    printf("name %s\n", r.ifr_name);
    r.ifr_ifindex = 9999;
    R(ioctl(fd, SIOCGIFNAME, &r));
    ifreq_lo(&r);
    R(ioctl(fd, SIOCGIFMTU, &r));
    printf("mtu %d\n", r.ifr_mtu);
    ifreq_lo(&r);
    R(ioctl(fd, SIOCGIFTXQLEN, &r));
    printf("txqlen %d\n", r.ifr_qlen);
    ifreq_lo(&r);
    R(ioctl(fd, SIOCGIFHWADDR, &r));
    printf("hwaddr family %d bytes ", r.ifr_hwaddr.sa_family);
    for (int i = 0; i < 6; i++) printf("%02x", (unsigned char)r.ifr_hwaddr.sa_data[i]);
    printf("\n");
    ifreq_lo(&r);
    if (ioctl(fd, SIOCGIFADDR, &r) == 0) show_sin("addr", &r.ifr_addr);
    else tg_report("SIOCGIFADDR", -1, errno);
    ifreq_lo(&r);
    if (ioctl(fd, SIOCGIFNETMASK, &r) == 0) show_sin("netmask", &r.ifr_netmask);
    else tg_report("SIOCGIFNETMASK", -1, errno);
    ifreq_lo(&r);
    if (ioctl(fd, SIOCGIFBRDADDR, &r) == 0) show_sin("broadcast", &r.ifr_broadaddr);
    else tg_report("SIOCGIFBRDADDR", -1, errno);
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "nosuch0");
    R(ioctl(fd, SIOCGIFFLAGS, &r));
    R(ioctl(fd, SIOCGIFADDR, &r));
    /* SIOCGIFCONF: first the size, then the entries (lo's only). */
    struct ifconf ic = {.ifc_len = 0, .ifc_buf = NULL};
    R(ioctl(fd, SIOCGIFCONF, &ic));
    printf("ifconf needs a multiple of %zu: %d\n", sizeof(struct ifreq), ic.ifc_len % (int)sizeof(struct ifreq) == 0);
    struct ifreq list[16];
    ic.ifc_len = sizeof list;
    ic.ifc_req = list;
    R(ioctl(fd, SIOCGIFCONF, &ic));
    for (int i = 0; i < ic.ifc_len / (int)sizeof(struct ifreq); i++)
        if (!strcmp(list[i].ifr_name, "lo")) show_sin("ifconf lo", &list[i].ifr_addr);
    ic.ifc_len = sizeof(struct ifreq) - 1;
    R(ioctl(fd, SIOCGIFCONF, &ic));
    printf("short buffer: ifc_len %d\n", ic.ifc_len);
}

static int opt(int fd, int level, int name) {
    int v = -1;
    socklen_t l = sizeof v;
    if (getsockopt(fd, level, name, &v, &l) < 0) return -errno;
    return v;
}

int main(void) {
    printf("sizeof(struct ifreq) %zu\n", sizeof(struct ifreq));
    R(socket(1234, SOCK_DGRAM, 0));
    R(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    R(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
    /* (Unknown type bits and types are EINVAL in Linux; qemu-user masks them
     * away before Linux sees them, so they are not compared here.) */
    int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    R(u >= 0);
    R(fcntl(u, F_GETFD));
    printf("SO_TYPE %d SO_PROTOCOL %d SO_DOMAIN %d SO_ERROR %d SO_ACCEPTCONN %d\n", opt(u, SOL_SOCKET, SO_TYPE),
           opt(u, SOL_SOCKET, SO_PROTOCOL), opt(u, SOL_SOCKET, SO_DOMAIN), opt(u, SOL_SOCKET, SO_ERROR),
           opt(u, SOL_SOCKET, SO_ACCEPTCONN));
    printf("SO_RCVBUF %d SO_SNDBUF %d\n", opt(u, SOL_SOCKET, SO_RCVBUF), opt(u, SOL_SOCKET, SO_SNDBUF));
    int v = 1000;
    R(setsockopt(u, SOL_SOCKET, SO_RCVBUF, &v, sizeof v));
    R(setsockopt(u, SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
    printf("after 1000: SO_RCVBUF %d SO_SNDBUF %d\n", opt(u, SOL_SOCKET, SO_RCVBUF), opt(u, SOL_SOCKET, SO_SNDBUF));
    v = 1;
    R(setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v));
    printf("SO_REUSEADDR %d\n", opt(u, SOL_SOCKET, SO_REUSEADDR));
    R(setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &v, 2));
    R(setsockopt(u, SOL_SOCKET, 12345, &v, sizeof v));
    R(getsockopt(u, SOL_SOCKET, 12345, &v, &(socklen_t){4}));
    ioctls(u);

    /* Names and binding. */
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t al = sizeof a;
    R(getsockname(u, (struct sockaddr *)&a, &al));
    show_sin("unbound", (struct sockaddr *)&a);
    R(getpeername(u, (struct sockaddr *)&a, &al));
    a.sin_addr.s_addr = inet_addr("10.9.8.7");
    R(bind(u, (struct sockaddr *)&a, sizeof a));
    R(bind(u, (struct sockaddr *)&a, 8));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    R(bind(u, (struct sockaddr *)&a, sizeof a));
    al = sizeof a;
    R(getsockname(u, (struct sockaddr *)&a, &al));
    printf("bound: len %d family %d addr %s ephemeral %d\n", al, a.sin_family, inet_ntoa(a.sin_addr),
           ntohs(a.sin_port) >= 32768 && ntohs(a.sin_port) <= 60999);
    R(bind(u, (struct sockaddr *)&a, sizeof a));
    R(listen(u, 5));

    /* UDP over lo: a second socket sends to the first. */
    int u2 = socket(AF_INET, SOCK_DGRAM, 0);
    R(sendto(u2, "hello", 5, 0, (struct sockaddr *)&a, sizeof a));
    char buf[64];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    R(recvfrom(u, buf, 3, MSG_PEEK | MSG_TRUNC, (struct sockaddr *)&from, &fl));
    long n = recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    printf("got %ld [%.*s] from %s fromlen %d\n", n, (int)n, buf, inet_ntoa(from.sin_addr), fl);
    R(recv(u, buf, sizeof buf, MSG_DONTWAIT));
    R(connect(u2, (struct sockaddr *)&a, sizeof a));
    struct sockaddr_in peer;
    al = sizeof peer;
    R(getpeername(u2, (struct sockaddr *)&peer, &al));
    printf("peer port matches %d\n", peer.sin_port == a.sin_port);
    R(send(u2, "x", 1, 0));
    struct pollfd p = {u, POLLIN, 0};
    R(poll(&p, 1, 0));
    printf("revents %#x\n", p.revents);
    int inq = -1;
    R(ioctl(u, FIONREAD, &inq));
    printf("FIONREAD %d\n", inq);
    R(shutdown(u, SHUT_RD));

    /* TCP: listen, accept without clients, refused connection. */
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    R(accept(l, NULL, NULL));
    struct sockaddr_in la = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    R(bind(l, (struct sockaddr *)&la, sizeof la));
    al = sizeof la;
    R(getsockname(l, (struct sockaddr *)&la, &al));
    printf("SO_ACCEPTCONN before listen %d\n", opt(l, SOL_SOCKET, SO_ACCEPTCONN));
    int c = socket(AF_INET, SOCK_STREAM, 0);
    R(connect(c, (struct sockaddr *)&la, sizeof la));
    R(send(c, "x", 1, MSG_NOSIGNAL));
    R(recv(c, buf, 1, 0));
    R(shutdown(c, SHUT_RDWR));
    R(listen(l, 16));
    printf("SO_ACCEPTCONN after listen %d\n", opt(l, SOL_SOCKET, SO_ACCEPTCONN));
    R(accept(l, NULL, NULL));
    R(shutdown(l, 7));

    /* IPv6 sockets. */
    int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
    R(s6 >= 0);
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    R(bind(s6, (struct sockaddr *)&a6, 20));
    R(bind(s6, (struct sockaddr *)&a, sizeof a));
    R(bind(s6, (struct sockaddr *)&a6, sizeof a6));
    socklen_t l6 = sizeof a6;
    R(getsockname(s6, (struct sockaddr *)&a6, &l6));
    char txt[64];
    printf("v6 bound: len %d addr %s\n", l6, inet_ntop(AF_INET6, &a6.sin6_addr, txt, sizeof txt));
    printf("IPV6_V6ONLY %d\n", opt(s6, IPPROTO_IPV6, IPV6_V6ONLY));
    ioctls(s6);
    R(socketpair(AF_INET, SOCK_STREAM, 0, (int[2]){0, 0}));

    /* Changing a device asks for CAP_NET_ADMIN (dev_ioctl): with it dropped
     * from the effective set, SIOCSIFFLAGS is EPERM, whoever the caller is. */
    struct __user_cap_header_struct ch = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct cd[2];
    R(syscall(SYS_capget, &ch, cd));
    cd[0].effective &= ~(1u << CAP_NET_ADMIN);
    R(syscall(SYS_capset, &ch, cd));
    struct ifreq r;
    ifreq_lo(&r);
    R(ioctl(u, SIOCGIFFLAGS, &r));
    R(ioctl(u, SIOCSIFFLAGS, &r));
    R(close(u));
    return 0;
}
