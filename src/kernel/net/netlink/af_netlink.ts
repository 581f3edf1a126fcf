// AF_NETLINK sockets (net/netlink/af_netlink.c): datagrams between user
// sockets and the kernel's protocol handlers. A request the kernel receives
// is handled at once; its replies (and whole dumps) are queued on the
// sender's receive queue as datagrams, ended by NLMSG_DONE or an ack.
import { EADDRINUSE, EAGAIN, EINVAL, ECONNREFUSED, ENOPROTOOPT, EOPNOTSUPP, EPERM, EPROTONOSUPPORT, ESOCKTNOSUPPORT } from '../../errno.js';
import { BLOCKED } from '../../syscalls/result.js';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from '../../fs/file.js';
import { Sock } from '../sock.js';
import type { Net } from '../net_namespace.js';
import {
  AF_NETLINK,
  MSG_OOB,
  MSG_PEEK,
  MSG_TRUNC,
  SOCK_DGRAM,
  SOCK_RAW,
  SS_CONNECTED,
  SS_UNCONNECTED,
  Socket,
  SocketInode,
  sockRegister,
  optInt,
  i32bytes,
  type ProtoOps,
  type SockCaller,
} from '../socket.js';
import {
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLMSG_MIN_TYPE,
  NLM_F_ACK,
  NLM_F_CAPPED,
  NLM_F_MULTI,
  NLM_F_REQUEST,
  NlWriter,
  parseMessages,
  struct,
  type NlMsg,
} from './message.js';
import { CAP_NET_ADMIN } from '../../security/commoncap.js';

export const NETLINK_ROUTE = 0,
  NETLINK_USERSOCK = 2,
  NETLINK_SOCK_DIAG = 4,
  NETLINK_KOBJECT_UEVENT = 15,
  MAX_LINKS = 32;
export const SOL_NETLINK = 270;
export const NETLINK_ADD_MEMBERSHIP = 1,
  NETLINK_DROP_MEMBERSHIP = 2,
  NETLINK_PKTINFO = 3,
  NETLINK_BROADCAST_ERROR = 4,
  NETLINK_NO_ENOBUFS = 5,
  NETLINK_LISTEN_ALL_NSID = 8,
  NETLINK_LIST_MEMBERSHIPS = 9,
  NETLINK_CAP_ACK = 10,
  NETLINK_EXT_ACK = 11,
  NETLINK_GET_STRICT_CHK = 12;
/** Flag options settable with SOL_NETLINK, each a bit in NetlinkSock.nlFlags. */
const FLAG_OPTS = [
  NETLINK_PKTINFO,
  NETLINK_BROADCAST_ERROR,
  NETLINK_NO_ENOBUFS,
  NETLINK_LISTEN_ALL_NSID,
  NETLINK_CAP_ACK,
  NETLINK_EXT_ACK,
  NETLINK_GET_STRICT_CHK,
];

/** SKB_WITH_OVERHEAD(PAGE_SIZE): the first size a dump fills; later up to what the reader takes, at most 32 KiB. */
export const NLMSG_GOODSIZE = 3776;
const DUMP_MAX = 32768 - 320;

export class NetlinkSock extends Sock {
  portid = 0;
  bound = false;
  dstPortid = 0;
  dstGroup = 0;
  groups = 0;
  readonly nlFlags = new Set<number>();
  /** The largest buffer the reader offered (max_recvmsg_len): dumps fill datagrams up to it. */
  maxRecvmsgLen = 0;
  drops = 0;
  /** Kernel sockets (portid 0) receive through their protocol's input. */
  kernel = false;
  constructor(
    readonly net: Net,
    type: number,
    protocol: number,
  ) {
    super(net, AF_NETLINK, type, protocol);
  }
  get strict(): boolean {
    return this.nlFlags.has(NETLINK_GET_STRICT_CHK);
  }
}

/** What a protocol handler answers a request with (a dump's messages, or a single reply / -errno). */
export interface NetlinkRequest {
  net: Net;
  sk: NetlinkSock;
  msg: NlMsg;
  caller: SockCaller;
  /** Start a reply message addressed to the requester. */
  reply(w: NlWriter, type: number, flags: number): NlWriter;
}

/**
 * A kernel protocol (netlink_kernel_create): `input` returns 0 for success
 * (then an ack only if asked), -errno (acked with the error), or a dump's
 * messages, which are queued and closed with NLMSG_DONE.
 */
export interface NetlinkProtocol {
  protocol: number;
  name: string;
  input(req: NetlinkRequest): number | { dump: Uint8Array[] } | { unicast: Uint8Array };
}
const protocols = new Map<number, NetlinkProtocol>();
export function netlinkKernelCreate(p: NetlinkProtocol): void {
  protocols.set(p.protocol, p);
}
export const netlinkProtocolName = (proto: number) => protocols.get(proto)?.name;

/** Per-namespace state: bound sockets by (protocol, portid), the kernel sockets, the autobind rover. */
export interface NlTable {
  bound: Map<string, NetlinkSock>;
  kernel: Map<number, Socket>;
  rover: number;
}
function table(net: Net): NlTable {
  let t = net.netlink;
  if (!t) {
    t = net.netlink = { bound: new Map(), kernel: new Map(), rover: -4096 };
    for (const p of protocols.values()) {
      const sk = new NetlinkSock(net, SOCK_DGRAM, p.protocol);
      sk.kernel = true;
      sk.bound = true;
      const s = new Socket(net, AF_NETLINK, SOCK_DGRAM, netlinkOps, sk);
      s.inode = new SocketInode(s);
      t.kernel.set(p.protocol, s);
    }
  }
  return t;
}

/** The kernel-side sockets (listed in /proc/net/netlink and by netlink_diag). */
export function netlinkKernelSockets(net: Net): Socket[] {
  return [...table(net).kernel.values()];
}

const key = (proto: number, portid: number) => `${proto}:${portid >>> 0}`;

function insert(net: Net, sk: NetlinkSock, portid: number): number {
  const t = table(net);
  if (t.bound.has(key(sk.protocol, portid))) return -EADDRINUSE;
  sk.portid = portid >>> 0;
  sk.bound = true;
  t.bound.set(key(sk.protocol, portid), sk);
  return 0;
}

/** netlink_autobind: the process id first, then negative numbers from a rover. */
function autobind(net: Net, sk: NetlinkSock, c: SockCaller): number {
  if (sk.bound) return 0;
  const t = table(net);
  let portid = c.pid;
  while (t.bound.has(key(sk.protocol, portid))) {
    portid = t.rover--;
    if (t.rover > -4096) t.rover = -4097;
  }
  return insert(net, sk, portid);
}

/** struct sockaddr_nl */
export function sockaddrNl(portid: number, groups: number): Uint8Array {
  return struct(12, (dv) => {
    dv.setUint16(0, AF_NETLINK, true);
    dv.setUint32(4, portid >>> 0, true);
    dv.setUint32(8, groups >>> 0, true);
  });
}

function parseAddr(addr: Uint8Array): { pid: number; groups: number } | number {
  if (addr.length < 12) return -EINVAL;
  const dv = new DataView(addr.buffer, addr.byteOffset, 12);
  if (dv.getUint16(0, true) !== AF_NETLINK) return -EINVAL;
  return { pid: dv.getUint32(4, true), groups: dv.getUint32(8, true) };
}

const nlk = (s: Socket) => s.sk as NetlinkSock;

/** Queue a datagram on a socket's receive queue and wake its readers. */
function deliver(sk: NetlinkSock, data: Uint8Array, fromPortid: number, group = 0): void {
  sk.receiveQueue.push({ data, from: sockaddrNl(fromPortid, group) });
  sk.wakeAll();
}

/** netlink_sendskb: a datagram from the kernel (portid 0) onto a user socket, e.g. mq_notify's cookie. */
export function netlinkSendSkb(sk: NetlinkSock, data: Uint8Array): void {
  deliver(sk, data, 0);
}

/** netlink_ack: NLMSG_ERROR with the error and the request (only its header when capped or on success). */
function ack(sk: NetlinkSock, msg: NlMsg, err: number): void {
  const capped = err === 0 || sk.nlFlags.has(NETLINK_CAP_ACK);
  const echo = capped ? msg.raw.subarray(0, NLMSG_HDRLEN) : msg.raw;
  const w = new NlWriter().begin(NLMSG_ERROR, capped ? NLM_F_CAPPED : 0, msg.seq, sk.portid);
  const e = new Uint8Array(4 + echo.length);
  new DataView(e.buffer).setInt32(0, err, true);
  e.set(echo, 4);
  // The echoed header keeps its own length field, even when capped.
  w.bytes(e).end();
  deliver(sk, w.data(), 0);
}

/** Pack a dump's messages into datagrams of at most `limit` bytes, NLMSG_DONE in the last one if it fits. */
function queueDump(sk: NetlinkSock, msg: NlMsg, msgs: Uint8Array[]): void {
  const limit = Math.max(NLMSG_GOODSIZE, Math.min(sk.maxRecvmsgLen, DUMP_MAX));
  const done = new NlWriter().begin(NLMSG_DONE, NLM_F_MULTI, msg.seq, sk.portid).bytes(new Uint8Array(4)).end().data();
  let cur: Uint8Array[] = [],
    size = 0;
  const flush = () => {
    const out = new Uint8Array(size);
    let o = 0;
    for (const m of cur) {
      out.set(m, o);
      o += m.length;
    }
    deliver(sk, out, 0);
    cur = [];
    size = 0;
  };
  for (const m of msgs) {
    if (size && size + m.length > limit) flush();
    cur.push(m);
    size += m.length;
  }
  if (size && size + done.length > limit) flush();
  cur.push(done);
  size += done.length;
  flush();
}

/** netlink_rcv_skb: run each request of a datagram sent to the kernel. */
function kernelReceive(net: Net, sk: NetlinkSock, data: Uint8Array, c: SockCaller): void {
  const proto = protocols.get(sk.protocol);
  if (!proto) return;
  for (const msg of parseMessages(data)) {
    let err = 0;
    if (msg.flags & NLM_F_REQUEST && msg.type >= NLMSG_MIN_TYPE) {
      const req: NetlinkRequest = {
        net,
        sk,
        msg,
        caller: c,
        reply: (w, type, flags) => w.begin(type, flags, msg.seq, sk.portid),
      };
      const r = proto.input(req);
      if (typeof r === 'number') err = r;
      else if ('dump' in r) {
        queueDump(sk, msg, r.dump);
        continue;
      } else deliver(sk, r.unicast, 0);
    }
    if (msg.flags & NLM_F_ACK || err) ack(sk, msg, err);
  }
}

export const netlinkOps: ProtoOps = {
  release(s) {
    const sk = nlk(s);
    if (sk.bound && !sk.kernel) {
      const t = table(s.net);
      if (t.bound.get(key(sk.protocol, sk.portid)) === sk) t.bound.delete(key(sk.protocol, sk.portid));
    }
    sk.receiveQueue.clear();
  },
  bind(s, addr, c) {
    const a = parseAddr(addr);
    if (typeof a === 'number') return a;
    const sk = nlk(s);
    // Joining multicast groups of rtnetlink needs no privilege (NL_CFG_F_NONROOT_RECV); others do.
    if (a.groups && sk.protocol !== 0 && !c.capable(CAP_NET_ADMIN)) return -EPERM;
    if (sk.bound) {
      if (a.pid && a.pid !== sk.portid) return -EINVAL;
    } else {
      const r = a.pid ? insert(s.net, sk, a.pid) : autobind(s.net, sk, c);
      if (r < 0) return r;
    }
    sk.groups = a.groups;
    return 0;
  },
  connect(s, addr, _flags, c) {
    const sk = nlk(s);
    if (addr.length >= 2 && new DataView(addr.buffer, addr.byteOffset).getUint16(0, true) === 0) {
      s.state = SS_UNCONNECTED;
      sk.dstPortid = 0;
      sk.dstGroup = 0;
      return 0;
    }
    const a = parseAddr(addr);
    if (typeof a === 'number') return a;
    if (a.groups && !c.capable(CAP_NET_ADMIN)) return -EPERM;
    const r = autobind(s.net, sk, c);
    if (r < 0) return r;
    s.state = SS_CONNECTED;
    sk.dstPortid = a.pid;
    sk.dstGroup = a.groups ? 32 - Math.clz32(a.groups & -a.groups) : 0;
    return 0;
  },
  getname(s, peer) {
    const sk = nlk(s);
    if (peer) return sockaddrNl(sk.dstPortid, sk.dstGroup ? 1 << (sk.dstGroup - 1) : 0);
    return sockaddrNl(sk.portid, sk.groups);
  },
  sendmsg(s, data, to, flags, c) {
    const sk = nlk(s);
    if (flags & MSG_OOB) return -EOPNOTSUPP;
    let dst = sk.dstPortid,
      group = sk.dstGroup;
    if (to) {
      const a = parseAddr(to);
      if (typeof a === 'number') return a;
      dst = a.pid;
      group = a.groups;
      if (group && !c.capable(CAP_NET_ADMIN)) return -EPERM;
    }
    const r = autobind(s.net, sk, c);
    if (r < 0) return r;
    if (data.length > sk.sndbuf - 32) return -90; // EMSGSIZE
    if (group) return data.length; // no multicast listeners are served yet
    if (dst === 0) {
      kernelReceive(s.net, sk, data.slice(), c);
      return data.length;
    }
    const peer = table(s.net).bound.get(key(sk.protocol, dst));
    if (!peer) return -ECONNREFUSED;
    deliver(peer, data.slice(), sk.portid);
    return data.length;
  },
  recvmsg(s, len, flags, c) {
    const sk = nlk(s);
    if (flags & MSG_OOB) return -EOPNOTSUPP;
    const skb = sk.receiveQueue.peek();
    if (!skb) {
      if (s.nonblock(flags)) return -EAGAIN;
      c.sleepOn(sk.wait);
      return BLOCKED;
    }
    if (!(flags & MSG_PEEK)) sk.receiveQueue.shift();
    sk.maxRecvmsgLen = Math.min(Math.max(sk.maxRecvmsgLen, len), DUMP_MAX);
    const full = skb.data.length;
    return {
      data: skb.data.subarray(0, Math.min(len, full)),
      full,
      from: skb.from,
      flags: full > len ? MSG_TRUNC : 0,
    };
  },
  poll(s, wait) {
    const sk = nlk(s);
    wait?.(sk.wait);
    return (sk.receiveQueue.empty ? 0 : POLLIN | POLLRDNORM) | POLLOUT | POLLWRNORM | 0x200; /* POLLWRBAND */
  },
  setsockopt(s, level, name, val) {
    const sk = nlk(s);
    if (level !== SOL_NETLINK) return -ENOPROTOOPT;
    const v = val.length >= 4 ? optInt(val)! : 0;
    if (name === NETLINK_ADD_MEMBERSHIP || name === NETLINK_DROP_MEMBERSHIP) {
      if (val.length < 4) return -EINVAL;
      if (v <= 0 || v > 32) return v === 0 ? -EINVAL : 0;
      if (name === NETLINK_ADD_MEMBERSHIP) sk.groups |= 1 << (v - 1);
      else sk.groups &= ~(1 << (v - 1));
      return 0;
    }
    if (!FLAG_OPTS.includes(name)) return -ENOPROTOOPT;
    if (v) sk.nlFlags.add(name);
    else sk.nlFlags.delete(name);
    return 0;
  },
  getsockopt(s, level, name) {
    const sk = nlk(s);
    if (level !== SOL_NETLINK) return -ENOPROTOOPT;
    if (name === NETLINK_LIST_MEMBERSHIPS) return i32bytes(sk.groups);
    if (!FLAG_OPTS.includes(name)) return -ENOPROTOOPT;
    return i32bytes(sk.nlFlags.has(name) ? 1 : 0);
  },
  shutdown() {
    return 0;
  },
};

sockRegister(AF_NETLINK, (net, type, protocol) => {
  if (type !== SOCK_RAW && type !== SOCK_DGRAM) return -ESOCKTNOSUPPORT;
  if (protocol < 0 || protocol >= MAX_LINKS) return -EPROTONOSUPPORT;
  // Protocols with no kernel side here (audit, uevents, generic netlink...) are not compiled in.
  if (!protocols.has(protocol) && protocol !== NETLINK_USERSOCK) return -EPROTONOSUPPORT;
  return { ops: netlinkOps, sk: new NetlinkSock(net, type, protocol) };
});

/** Bound user sockets of a namespace (for /proc/net/netlink and netlink_diag). */
export function netlinkUserSockets(net: Net): NetlinkSock[] {
  return [...table(net).bound.values()];
}
