/* rtnetlink as ip(8) uses it: open NETLINK_ROUTE, dump links, addresses and
 * routes, and print every attribute of the loopback device's records (the
 * host may have other devices: only lo's records are printed). Counters and
 * time stamps are printed by size only, since lo's traffic and the machine's
 * uptime differ between kernels. Also the protocol's edges: acks, errors,
 * MSG_PEEK|MSG_TRUNC sizing, sockaddr_nl, socket options. */
#include "tg.h"
#include <stdint.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <net/if.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

static int fd;
static unsigned seq = 100;

static void hex(const void *p, int n) {
    for (int i = 0; i < n; i++) printf("%02x", ((const unsigned char *)p)[i]);
}

static int send_req(int type, int flags, const void *body, int len) {
    struct { struct nlmsghdr h; char b[256]; } req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = NLMSG_LENGTH(len);
    req.h.nlmsg_type = type;
    req.h.nlmsg_flags = flags;
    req.h.nlmsg_seq = ++seq;
    memcpy(req.b, body, len);
    return send(fd, &req, req.h.nlmsg_len, 0);
}

/* Attribute printing: `vol` lists attribute types whose value varies between
 * machines (printed by length); nested lists recurse. */
static void attrs(const char *ind, struct rtattr *a, int len, const int *vol, int depth);

static int in(const int *l, int v) {
    for (; l && *l >= 0; l++) if (*l == v) return 1;
    return 0;
}

static const int link_vol[] = {IFLA_STATS, IFLA_STATS64, IFLA_MAP, -1};
static const int af_inet6_vol[] = {IFLA_INET6_CONF, IFLA_INET6_STATS, IFLA_INET6_ICMP6STATS, IFLA_INET6_CACHEINFO, -1};

static void attrs(const char *ind, struct rtattr *a, int len, const int *vol, int depth) {
    for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        int t = a->rta_type, n = RTA_PAYLOAD(a);
        printf("%sattr %d%s len %d", ind, t & NLA_TYPE_MASK, (t & NLA_F_NESTED) ? " nested" : "", n);
        if (in(vol, t & NLA_TYPE_MASK)) { printf(" (varies)\n"); continue; }
        if (depth == 0 && (t & NLA_TYPE_MASK) == IFLA_AF_SPEC) {
            printf("\n");
            struct rtattr *f = RTA_DATA(a);
            int fl = n;
            for (; RTA_OK(f, fl); f = RTA_NEXT(f, fl)) {
                printf("%s  family %d len %d\n", ind, f->rta_type, (int)RTA_PAYLOAD(f));
                if (f->rta_type == AF_INET6) attrs("        ", RTA_DATA(f), RTA_PAYLOAD(f), af_inet6_vol, 2);
                else if (f->rta_type == AF_INET) printf("        (devconf, varies)\n");
            }
            continue;
        }
        if ((t & NLA_F_NESTED) || (depth == 0 && (t & NLA_TYPE_MASK) == IFLA_XDP)) {
            printf("\n");
            char sub[32];
            snprintf(sub, sizeof sub, "%s  ", ind);
            attrs(sub, RTA_DATA(a), n, NULL, depth + 1);
            continue;
        }
        printf(" = ");
        hex(RTA_DATA(a), n);
        printf("\n");
    }
}

/* Reads one reply datagram, sized first with MSG_PEEK|MSG_TRUNC as iproute2 does. */
static int recv_reply(char **out) {
    struct sockaddr_nl sa;
    struct iovec iov = {NULL, 0};
    struct msghdr mh = {&sa, sizeof sa, &iov, 1, NULL, 0, 0};
    int len = recvmsg(fd, &mh, MSG_PEEK | MSG_TRUNC);
    if (len < 0) { tg_report("recvmsg(PEEK|TRUNC)", len, errno); return -1; }
    char *buf = malloc(len + 64);
    iov.iov_base = buf;
    iov.iov_len = len + 64;
    mh.msg_namelen = sizeof sa;
    int got = recvmsg(fd, &mh, 0);
    if (got != len) printf("peeked %d but read %d\n", len, got);
    if (mh.msg_namelen != sizeof sa || sa.nl_family != AF_NETLINK || sa.nl_pid != 0)
        printf("reply source: namelen=%d family=%d pid=%u\n", mh.msg_namelen, sa.nl_family, sa.nl_pid);
    if (mh.msg_flags) printf("msg_flags=%#x\n", mh.msg_flags);
    *out = buf;
    return got;
}

typedef void (*show_fn)(struct nlmsghdr *h);

/* Runs a dump to NLMSG_DONE, showing each message through fn. */
static void dump(int type, const void *body, int len, show_fn fn) {
    R(send_req(type, NLM_F_REQUEST | NLM_F_DUMP, body, len) > 0);
    int msgs = 0, done = 0;
    while (!done) {
        char *buf;
        int n = recv_reply(&buf);
        if (n < 0) return;
        for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != seq) printf("bad seq %u\n", h->nlmsg_seq);
            if (!(h->nlmsg_flags & NLM_F_MULTI)) printf("type %d without NLM_F_MULTI\n", h->nlmsg_type);
            if (h->nlmsg_type == NLMSG_DONE) {
                printf("  DONE len %u flags %#x errno %d\n", h->nlmsg_len, h->nlmsg_flags, *(int *)NLMSG_DATA(h));
                done = 1;
                break;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                printf("  ERROR %d\n", ((struct nlmsgerr *)NLMSG_DATA(h))->error);
                done = 1;
                break;
            }
            msgs++;
            fn(h);
        }
        free(buf);
    }
}

static int lo_index;

static const char *name_of(struct nlmsghdr *h) {
    struct ifinfomsg *ifi = NLMSG_DATA(h);
    int len = IFLA_PAYLOAD(h);
    for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type == IFLA_IFNAME) return RTA_DATA(a);
    return "";
}

static void show_link(struct nlmsghdr *h) {
    struct ifinfomsg *ifi = NLMSG_DATA(h);
    if (h->nlmsg_type != RTM_NEWLINK) { printf("  link message type %d\n", h->nlmsg_type); return; }
    if (strcmp(name_of(h), "lo")) return;
    lo_index = ifi->ifi_index;
    printf("  link: family %d type %d index %d flags %#x change %#x\n", ifi->ifi_family, ifi->ifi_type,
           ifi->ifi_index, ifi->ifi_flags, ifi->ifi_change);
    attrs("    ", IFLA_RTA(ifi), IFLA_PAYLOAD(h), link_vol, 0);
}

static void show_addr(struct nlmsghdr *h) {
    struct ifaddrmsg *ifa = NLMSG_DATA(h);
    if ((int)ifa->ifa_index != lo_index) return;
    printf("  addr: family %d prefixlen %d flags %#x scope %d index %d\n", ifa->ifa_family, ifa->ifa_prefixlen,
           ifa->ifa_flags, ifa->ifa_scope, ifa->ifa_index);
    int len = IFA_PAYLOAD(h);
    for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        printf("    attr %d len %d = ", a->rta_type, (int)RTA_PAYLOAD(a));
        if (a->rta_type == IFA_CACHEINFO) {
            struct ifa_cacheinfo *ci = RTA_DATA(a);
            printf("prefered %#x valid %#x (stamps vary)\n", ci->ifa_prefered, ci->ifa_valid);
            continue;
        }
        hex(RTA_DATA(a), RTA_PAYLOAD(a));
        printf("\n");
    }
}

static void show_route(struct nlmsghdr *h) {
    struct rtmsg *r = NLMSG_DATA(h);
    int len = RTM_PAYLOAD(h), oif = 0;
    for (struct rtattr *a = RTM_RTA(r); RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type == RTA_OIF) oif = *(int *)RTA_DATA(a);
    if (oif != lo_index) return;
    /* fe80::/64-style prefix routes on other devices never reach here; the
     * IPv6 multicast route ff00::/8 exists only on devices with multicast. */
    printf("  route: family %d dst_len %d src_len %d tos %d table %d protocol %d scope %d type %d flags %#x\n",
           r->rtm_family, r->rtm_dst_len, r->rtm_src_len, r->rtm_tos, r->rtm_table, r->rtm_protocol,
           r->rtm_scope, r->rtm_type, r->rtm_flags);
    len = RTM_PAYLOAD(h);
    for (struct rtattr *a = RTM_RTA(r); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        printf("    attr %d len %d", a->rta_type, (int)RTA_PAYLOAD(a));
        if (a->rta_type == RTA_CACHEINFO) { printf(" (varies)\n"); continue; }
        printf(" = ");
        hex(RTA_DATA(a), RTA_PAYLOAD(a));
        printf("\n");
    }
}

/* One reply to a non-dump request: print its type and, for errors, the code. */
static void one_reply(const char *what) {
    char *buf;
    int n = recv_reply(&buf);
    if (n < 0) return;
    struct nlmsghdr *h = (void *)buf;
    printf("%s: %d bytes, type %d flags %#x seq_ok %d", what, n, h->nlmsg_type, h->nlmsg_flags, h->nlmsg_seq == seq);
    if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        printf(" error %d echoes type %d len %u", e->error, e->msg.nlmsg_type, e->msg.nlmsg_len);
    }
    printf("\n");
    free(buf);
}

int main(void) {
    R(socket(AF_NETLINK, SOCK_RAW, 99));
    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    R(fd >= 0);
    int v = 0;
    socklen_t vl = sizeof v;
    R(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl));
    printf("SO_TYPE %d\n", v);
    R(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &vl));
    printf("SO_DOMAIN %d\n", v);
    R(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &vl));
    printf("SO_PROTOCOL %d\n", v);
    v = 32768;
    R(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
    R(getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &vl));
    printf("SO_SNDBUF %d\n", v);
    v = 1;
    R(setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, sizeof v));
    R(setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &v, sizeof v));
    R(setsockopt(fd, SOL_NETLINK, 9999, &v, sizeof v));
    v = 0;
    R(getsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, &vl));
    printf("NETLINK_EXT_ACK %d\n", v);
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    socklen_t sl = sizeof sa;
    R(getsockname(fd, (struct sockaddr *)&sa, &sl));
    printf("before bind: len %d family %d pid %u groups %u\n", sl, sa.nl_family, sa.nl_pid, sa.nl_groups);
    R(bind(fd, (struct sockaddr *)&sa, 4));
    R(bind(fd, (struct sockaddr *)&sa, sizeof sa));
    sl = sizeof sa;
    R(getsockname(fd, (struct sockaddr *)&sa, &sl));
    printf("after bind: len %d family %d pid_is_tgid %d groups %u\n", sl, sa.nl_family, sa.nl_pid == (unsigned)getpid(), sa.nl_groups);

    printf("RTM_GETLINK dump:\n");
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
    dump(RTM_GETLINK, &ifi, sizeof ifi, show_link);
    printf("lo index %d\n", lo_index);

    printf("RTM_GETADDR dump:\n");
    struct ifaddrmsg ifa = {.ifa_family = AF_UNSPEC};
    dump(RTM_GETADDR, &ifa, sizeof ifa, show_addr);

    printf("RTM_GETROUTE dump, IPv4:\n");
    struct rtmsg rt = {.rtm_family = AF_INET};
    dump(RTM_GETROUTE, &rt, sizeof rt, show_route);
    printf("RTM_GETROUTE dump, IPv6:\n");
    rt.rtm_family = AF_INET6;
    dump(RTM_GETROUTE, &rt, sizeof rt, show_route);

    /* Non-dump requests: one link by index, an ack, errors. */
    ifi.ifi_index = lo_index;
    R(send_req(RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof ifi) > 0);
    {
        char *buf;
        int n = recv_reply(&buf);
        if (n > 0) {
            struct nlmsghdr *h = (void *)buf;
            printf("get lo: type %d flags %#x name %s\n", h->nlmsg_type, h->nlmsg_flags, name_of(h));
            free(buf);
        }
    }
    ifi.ifi_index = 9999;
    R(send_req(RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof ifi) > 0);
    one_reply("get index 9999");
    R(send_req(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, &ifi, sizeof ifi) > 0);
    one_reply("get index 9999 with ack");
    /* (Unknown message types are not tested here: qemu-user refuses to send
     * types it cannot translate, with EOPNOTSUPP, before Linux sees them.) */
    R(send_req(NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, NULL, 0) > 0);
    one_reply("NLMSG_NOOP with ack");
    /* Nothing queued now: a non-blocking read says so. */
    char b[16];
    R(recv(fd, b, sizeof b, MSG_DONTWAIT));
    /* A reply larger than the buffer is cut, and MSG_TRUNC reports it. */
    R(send_req(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, &ifi, sizeof ifi) > 0);
    struct iovec iov = {b, sizeof b};
    struct msghdr mh = {NULL, 0, &iov, 1, NULL, 0, 0};
    R(recvmsg(fd, &mh, 0) == sizeof b);
    printf("msg_flags has MSG_TRUNC %d\n", (mh.msg_flags & MSG_TRUNC) != 0);
    R(close(fd));
    return 0;
}
