// AF_INET and AF_INET6 sockets (net/ipv4/af_inet.c, net/ipv6/af_inet6.c):
// TCP, UDP and raw sockets that can be created, bound, listened on and asked
// about, with the routing answers this machine has (only lo). Datagrams
// between local UDP sockets go through lo; anything else finds no route.
// TCP connections wait for the TCP implementation.
import {
  EACCES,
  EADDRINUSE,
  EADDRNOTAVAIL,
  EAFNOSUPPORT,
  EAGAIN,
  EDESTADDRREQ,
  EINVAL,
  EISCONN,
  ENETUNREACH,
  ENOTCONN,
  EOPNOTSUPP,
  EPERM,
  EPROTONOSUPPORT,
  ESOCKTNOSUPPORT,
  ECONNREFUSED,
  EMSGSIZE,
  ENOPROTOOPT,
  EPIPE,
} from '../errno.js';
import { BLOCKED } from '../syscalls/result.js';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, POLLHUP } from '../fs/file.js';
import { Sock, RCV_SHUTDOWN, SEND_SHUTDOWN } from './sock.js';
import type { Net } from './net_namespace.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  MSG_PEEK,
  MSG_TRUNC,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
  SS_CONNECTED,
  SS_UNCONNECTED,
  SIOCINQ,
  SIOCOUTQ,
  SIOCATMARK,
  ENOIOCTLCMD,
  Socket,
  sockRegister,
  i32bytes,
  type ProtoOps,
} from './socket.js';
import { loopbackXmit } from './loopback.js';
import { CAP_NET_BIND_SERVICE, CAP_NET_RAW } from '../security/commoncap.js';

export const IPPROTO_IP = 0,
  IPPROTO_ICMP = 1,
  IPPROTO_TCP = 6,
  IPPROTO_UDP = 17,
  IPPROTO_IPV6 = 41,
  IPPROTO_ICMPV6 = 58,
  IPPROTO_UDPLITE = 136,
  IPPROTO_RAW = 255;
/** TCP states as /proc/net/tcp and inet_diag number them. */
export const TCP_ESTABLISHED = 1,
  TCP_CLOSE = 7,
  TCP_LISTEN = 10;
/** ip_local_port_range defaults. */
/** The IPPROTO_IP option numbers of <linux/in.h> (IP_TOS 1 .. IP_RECVERR_RFC4884 26, IP_MULTICAST_IF 32 .. IP_PROTOCOL 52). */
/** The TCP option numbers of <linux/tcp.h>: TCP_NODELAY 1 .. TCP_IS_MPTCP 43. */
const TCP_OPTION_MAX = 43;
const IP_OPTION_NAMES: ReadonlySet<number> = new Set([...Array.from({ length: 26 }, (_, i) => i + 1), ...Array.from({ length: 21 }, (_, i) => i + 32)]);

const EPHEMERAL_LOW = 32768,
  EPHEMERAL_HIGH = 60999;
const PROT_SOCK = 1024;

export class InetSock extends Sock {
  /** Local and remote addresses (4 or 16 bytes) and ports; all zero when unset. */
  saddr: Uint8Array;
  daddr: Uint8Array;
  sport = 0;
  dport = 0;
  state = TCP_CLOSE;
  backlog = 0;
  v6only = false;
  readonly opts6 = new Map<number, number>();
  constructor(
    readonly net: Net,
    family: number,
    type: number,
    protocol: number,
  ) {
    super(net, family, type, protocol);
    this.saddr = new Uint8Array(family === AF_INET6 ? 16 : 4);
    this.daddr = new Uint8Array(family === AF_INET6 ? 16 : 4);
  }
  get listening(): boolean {
    return this.state === TCP_LISTEN;
  }
}

const isk = (s: Socket) => s.sk as InetSock;
const isZero = (a: Uint8Array) => a.every((b) => b === 0);
const sameAddr = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** v4-mapped ::ffff:a.b.c.d to its IPv4 address. */
function unmap(a: Uint8Array): Uint8Array | null {
  if (a.length === 16 && a.subarray(0, 10).every((b) => b === 0) && a[10] === 0xff && a[11] === 0xff) return a.slice(12);
  return null;
}

/** Is a an address of this machine (inet_addr_type == RTN_LOCAL, ipv6_chk_addr)? */
function isLocal(net: Net, a: Uint8Array): boolean {
  if (a.length === 4) {
    if (a[0] === 127) return true;
    return net.devices.some((d) => d.inDev?.ifaList.some((i) => sameAddr(i.local, a)));
  }
  const m = unmap(a);
  if (m) return isLocal(net, m);
  return net.devices.some((d) => d.in6Dev?.addrList.some((i) => sameAddr(i.addr, a)));
}

/** Parse a sockaddr_in / sockaddr_in6 for this socket's family. */
function parseAddr(sk: InetSock, addr: Uint8Array, forBind: boolean): { addr: Uint8Array; port: number; family: number } | number {
  if (addr.length < 2) return -EINVAL;
  const dv = new DataView(addr.buffer, addr.byteOffset, addr.byteLength);
  const family = dv.getUint16(0, true);
  if (sk.family === AF_INET) {
    if (addr.length < 16) return -EINVAL;
    // bind() also takes AF_UNSPEC with INADDR_ANY, for old programs.
    if (family !== AF_INET && !(forBind && family === AF_UNSPEC && isZero(addr.subarray(4, 8))))
      return forBind ? -EAFNOSUPPORT : family === AF_UNSPEC ? family : -EAFNOSUPPORT;
    return { addr: addr.slice(4, 8), port: dv.getUint16(2, false), family };
  }
  if (family === AF_INET && !forBind) return -EAFNOSUPPORT;
  if (addr.length < 24) return -EINVAL;
  if (family !== AF_INET6) return -EAFNOSUPPORT;
  return { addr: addr.slice(8, 24), port: dv.getUint16(2, false), family };
}

/** sockaddr_in or sockaddr_in6 of an address and port. */
export function inetSockaddr(family: number, a: Uint8Array, port: number): Uint8Array {
  const b = new Uint8Array(family === AF_INET6 ? 28 : 16);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, family, true);
  dv.setUint16(2, port, false);
  b.set(a, family === AF_INET6 ? 8 : 4);
  return b;
}

/** Sockets of one protocol in a namespace, for port lookups and /proc/net. */
export function inetSockets(net: Net, family: number | null, protocol: number): InetSock[] {
  const out: InetSock[] = [];
  for (const s of net.sockets) {
    const sk = s.sk;
    if (sk instanceof InetSock && (family === null || sk.family === family) && sk.protocol === protocol) out.push(sk);
  }
  return out;
}

function portInUse(net: Net, sk: InetSock, port: number, addr: Uint8Array): boolean {
  return inetSockets(net, null, sk.protocol).some(
    (o) =>
      o !== sk &&
      o.sport === port &&
      (isZero(o.saddr) || isZero(addr) || sameAddr(o.saddr, addr)) &&
      !(o.opts.get(2) && sk.opts.get(2) && o.state !== TCP_LISTEN) &&
      !(o.opts.get(15) && sk.opts.get(15)),
  );
}

/** inet_csk_get_port / udp_lib_get_port with port 0: the first free ephemeral port. */
function pickPort(net: Net, sk: InetSock): number {
  for (let p = EPHEMERAL_LOW; p <= EPHEMERAL_HIGH; p++) if (!portInUse(net, sk, p, sk.saddr)) return p;
  return 0;
}

function autobind(net: Net, sk: InetSock): number {
  if (sk.sport) return 0;
  const p = pickPort(net, sk);
  if (!p) return -EAGAIN;
  sk.sport = p;
  return 0;
}

const inetOps: ProtoOps = {
  release(s) {
    const sk = isk(s);
    sk.receiveQueue.clear();
    sk.state = TCP_CLOSE;
  },
  bind(s, raw, c) {
    const sk = isk(s);
    const a = parseAddr(sk, raw, true);
    if (typeof a === 'number') return a;
    if (sk.sport || sk.state !== TCP_CLOSE) return -EINVAL;
    if (!isZero(a.addr) && !isLocal(s.net, a.addr)) return -EADDRNOTAVAIL;
    if (a.port && a.port < PROT_SOCK && !c.capable(CAP_NET_BIND_SERVICE)) return -EACCES;
    if (s.type === SOCK_RAW) {
      sk.saddr = a.addr;
      return 0;
    }
    if (a.port && portInUse(s.net, sk, a.port, a.addr)) return -EADDRINUSE;
    sk.saddr = a.addr;
    // A specific IPv6 address (not v4-mapped) can take no IPv4 traffic: __inet6_bind sets ipv6only.
    if (sk.family === AF_INET6 && !isZero(a.addr) && !unmap(a.addr)) sk.v6only = true;
    if (a.port) sk.sport = a.port;
    else if (autobind(s.net, sk) < 0) return -EADDRINUSE;
    return 0;
  },
  connect(s, raw) {
    const sk = isk(s);
    if (raw.length >= 2 && new DataView(raw.buffer, raw.byteOffset).getUint16(0, true) === AF_UNSPEC) {
      if (s.type === SOCK_STREAM) return sk.state === TCP_LISTEN ? -EISCONN : 0;
      sk.daddr = new Uint8Array(sk.daddr.length);
      sk.dport = 0;
      s.state = SS_UNCONNECTED;
      sk.state = TCP_CLOSE;
      return 0;
    }
    const a = parseAddr(sk, raw, false);
    if (typeof a === 'number') return a;
    if (s.type === SOCK_STREAM) {
      if (sk.state === TCP_LISTEN) return -EISCONN;
      if (!isLocal(s.net, a.addr) && !isZero(a.addr)) return -ENETUNREACH;
      const listener = inetSockets(s.net, null, IPPROTO_TCP).some((o) => o.state === TCP_LISTEN && o.sport === a.port);
      // A local listener would take the connection; the TCP that carries it comes later.
      return listener ? -EOPNOTSUPP : -ECONNREFUSED;
    }
    if (!isLocal(s.net, a.addr) && !isZero(a.addr)) return -ENETUNREACH;
    if (isZero(sk.saddr)) sk.saddr = sk.family === AF_INET ? new Uint8Array([127, 0, 0, 1]) : a.addr.slice();
    if (s.type !== SOCK_RAW && autobind(s.net, sk) < 0) return -EAGAIN;
    sk.daddr = a.addr;
    sk.dport = a.port;
    s.state = SS_CONNECTED;
    sk.state = TCP_ESTABLISHED;
    return 0;
  },
  listen(s, backlog) {
    const sk = isk(s);
    if (s.type !== SOCK_STREAM) return -EOPNOTSUPP;
    if (s.state !== SS_UNCONNECTED) return -EINVAL;
    if (!sk.sport && autobind(s.net, sk) < 0) return -EADDRINUSE;
    sk.state = TCP_LISTEN;
    sk.backlog = backlog;
    return 0;
  },
  accept(s, _flags, c) {
    const sk = isk(s);
    if (sk.state !== TCP_LISTEN) return -EINVAL;
    // No connection can arrive yet: wait, as for an idle listener.
    if (s.nonblock(0)) return -EAGAIN;
    c.sleepOn(sk.wait);
    return BLOCKED;
  },
  getname(s, peer) {
    const sk = isk(s);
    if (peer) {
      if (sk.state !== TCP_ESTABLISHED) return -ENOTCONN;
      return inetSockaddr(sk.family, sk.daddr, sk.dport);
    }
    return inetSockaddr(sk.family, sk.saddr, sk.sport);
  },
  sendmsg(s, data, to, _flags) {
    const sk = isk(s);
    if (sk.shutdown & SEND_SHUTDOWN) return -EPIPE;
    // No TCP connection can exist yet; an unconnected stream socket answers EPIPE.
    if (s.type === SOCK_STREAM) return -EPIPE;
    let daddr = sk.daddr,
      dport = sk.dport;
    if (to) {
      const a = parseAddr(sk, to, false);
      if (typeof a === 'number') return a;
      daddr = a.addr;
      dport = a.port;
    } else if (sk.state !== TCP_ESTABLISHED) return -EDESTADDRREQ;
    if (!isLocal(s.net, daddr)) return -ENETUNREACH;
    if (s.type === SOCK_RAW) return -EOPNOTSUPP;
    if (data.length > 65507) return -EMSGSIZE;
    if (autobind(s.net, sk) < 0) return -EAGAIN;
    const lo = s.net.byName('lo');
    const hdr = sk.family === AF_INET6 ? 48 : 28;
    if (lo) loopbackXmit(lo, data.length + hdr);
    // udp_rcv: the socket bound to that port (and address), if any, gets it.
    const dst = inetSockets(s.net, null, sk.protocol).find(
      (o) => o.sport === dport && (isZero(o.saddr) || sameAddr(o.saddr, daddr)) && (o.state !== TCP_ESTABLISHED || o.dport === sk.sport),
    );
    if (dst && dst.receiveQueue.bytes + data.length <= dst.rcvbuf) {
      const src = isZero(sk.saddr) ? (sk.family === AF_INET ? new Uint8Array([127, 0, 0, 1]) : daddr) : sk.saddr;
      dst.receiveQueue.push({ data: data.slice(), from: inetSockaddr(dst.family, src, sk.sport) });
      dst.wakeAll();
    }
    return data.length;
  },
  recvmsg(s, len, flags, c) {
    const sk = isk(s);
    if (s.type === SOCK_STREAM) return -ENOTCONN;
    const skb = sk.receiveQueue.peek();
    if (!skb) {
      if (sk.shutdown & RCV_SHUTDOWN) return { data: new Uint8Array(0), full: 0, from: null, flags: 0 };
      if (s.nonblock(flags)) return -EAGAIN;
      c.sleepOn(sk.wait);
      return BLOCKED;
    }
    if (!(flags & MSG_PEEK)) sk.receiveQueue.shift();
    const full = skb.data.length;
    return { data: skb.data.subarray(0, Math.min(len, full)), full, from: skb.from, flags: full > len ? MSG_TRUNC : 0 };
  },
  poll(s, wait) {
    const sk = isk(s);
    wait?.(sk.wait);
    let m = 0;
    if (!sk.receiveQueue.empty) m |= POLLIN | POLLRDNORM;
    if (s.type !== SOCK_STREAM) m |= POLLOUT | POLLWRNORM;
    else if (sk.state === TCP_CLOSE) m |= POLLOUT | POLLWRNORM | POLLHUP;
    if (sk.shutdown === (RCV_SHUTDOWN | SEND_SHUTDOWN)) m |= POLLHUP;
    return m;
  },
  ioctl(s, cmd, arg, io) {
    const sk = isk(s);
    if (cmd === SIOCINQ || cmd === SIOCOUTQ) {
      if (s.type === SOCK_STREAM && sk.state === TCP_LISTEN) return -EINVAL;
      const v = cmd === SIOCINQ ? (sk.receiveQueue.peek()?.data.length ?? 0) : 0;
      return io.write(arg, i32bytes(v)) ? 0 : -14;
    }
    // tcp_ioctl's SIOCATMARK: whether the reader is at the urgent mark; this stack
    // keeps no urgent data, so never. UDP has no such question (ENOTTY).
    if (cmd === SIOCATMARK && s.type === SOCK_STREAM) return io.write(arg, i32bytes(0)) ? 0 : -14;
    return -ENOIOCTLCMD;
  },
  setsockopt(s, level, name, val) {
    const sk = isk(s);
    if (val.length < 4 && level !== IPPROTO_TCP) return -EINVAL;
    const v = val.length >= 4 ? new DataView(val.buffer, val.byteOffset).getInt32(0, true) : 0;
    if (level === IPPROTO_IPV6 && sk.family === AF_INET6 && name === 26 /* IPV6_V6ONLY */) {
      sk.v6only = v !== 0;
      return 0;
    }
    // ip_setsockopt: an option number <linux/in.h> does not define is ENOPROTOOPT.
    if (level === IPPROTO_IP && !IP_OPTION_NAMES.has(name)) return -ENOPROTOOPT;
    if (level === IPPROTO_TCP && (name < 1 || name > TCP_OPTION_MAX)) return -ENOPROTOOPT;
    if (
      level === IPPROTO_IP ||
      level === IPPROTO_IPV6 ||
      (level === IPPROTO_TCP && s.type === SOCK_STREAM) ||
      (level === IPPROTO_UDP && s.type === SOCK_DGRAM)
    ) {
      sk.opts6.set(level * 1000 + name, v);
      return 0;
    }
    return -ENOPROTOOPT;
  },
  getsockopt(s, level, name) {
    const sk = isk(s);
    if (level === IPPROTO_IPV6 && name === 26) return i32bytes(sk.v6only ? 1 : 0);
    if (level === IPPROTO_IP && name === 2 /* IP_TTL */) return i32bytes(sk.opts6.get(name) ?? 64);
    if (level === IPPROTO_TCP && s.type === SOCK_STREAM && name === 2 /* TCP_MAXSEG */) return i32bytes(536);
    // The transport's own level, then the network layer's: a level neither knows falls through
    // tcp/udp_getsockopt to ip_getsockopt (ipv6_getsockopt), which answers EOPNOTSUPP.
    const own = s.type === SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    const net = sk.family === AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
    if (level !== own && level !== net && level !== IPPROTO_IP) return -EOPNOTSUPP;
    const v = sk.opts6.get(level * 1000 + name);
    return v === undefined ? -ENOPROTOOPT : i32bytes(v);
  },
  shutdown(s, how) {
    const sk = isk(s);
    if (s.type === SOCK_STREAM && sk.state !== TCP_ESTABLISHED && sk.state !== TCP_LISTEN) return -ENOTCONN;
    if (s.type !== SOCK_STREAM && sk.state !== TCP_ESTABLISHED) return -ENOTCONN;
    sk.shutdown |= how + 1;
    if (sk.state === TCP_LISTEN) sk.state = TCP_CLOSE;
    sk.wakeAll();
    return 0;
  },
};

/** inet_create / inet6_create: find the protocol for the type. */
function create(family: number) {
  return (net: Net, type: number, protocol: number, c: { capable(cap: number): boolean }) => {
    let proto: number;
    if (type === SOCK_STREAM) {
      if (protocol !== 0 && protocol !== IPPROTO_TCP) return -EPROTONOSUPPORT;
      proto = IPPROTO_TCP;
    } else if (type === SOCK_DGRAM) {
      if (protocol === IPPROTO_ICMP || protocol === IPPROTO_ICMPV6) return -EACCES; // ping_group_range is "1 0"
      if (protocol !== 0 && protocol !== IPPROTO_UDP && protocol !== IPPROTO_UDPLITE) return -EPROTONOSUPPORT;
      proto = protocol || IPPROTO_UDP;
    } else if (type === SOCK_RAW) {
      if (protocol < 0 || protocol > 255) return -EINVAL;
      // The raw entry of inetsw is a wildcard (IPPROTO_IP): it matches any
      // protocol but IPPROTO_IP itself, which finds nothing, and the
      // CAP_NET_RAW check comes only after the match.
      if (protocol === 0) return -EPROTONOSUPPORT;
      if (!c.capable(CAP_NET_RAW)) return -EPERM;
      proto = protocol;
    } else return -ESOCKTNOSUPPORT;
    return { ops: inetOps, sk: new InetSock(net, family, type, proto) };
  };
}

sockRegister(AF_INET, create(AF_INET));
sockRegister(AF_INET6, create(AF_INET6));
