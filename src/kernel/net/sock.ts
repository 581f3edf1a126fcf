// struct sock: the protocol side of a socket, with the state every family
// shares (buffer sizes, receive queue, wait queue, pending error, shutdown)
// and the SOL_SOCKET options (net/core/sock.c's sk_setsockopt/sk_getsockopt).
import type { Net } from './net_namespace.js';
import { EINVAL, ENOPROTOOPT, EPERM } from '../errno.js';
import { WaitQueue } from '../sched/waitqueue.js';
import { SkbQueue } from './skbuff.js';
import type { Socket } from './socket.js';

export const SOL_SOCKET = 1;
export const SO_DEBUG = 1,
  SO_REUSEADDR = 2,
  SO_TYPE = 3,
  SO_ERROR = 4,
  SO_DONTROUTE = 5,
  SO_BROADCAST = 6,
  SO_SNDBUF = 7,
  SO_RCVBUF = 8,
  SO_KEEPALIVE = 9,
  SO_OOBINLINE = 10,
  SO_NO_CHECK = 11,
  SO_PRIORITY = 12,
  SO_LINGER = 13,
  SO_BSDCOMPAT = 14,
  SO_REUSEPORT = 15,
  SO_PASSCRED = 16,
  SO_PEERCRED = 17,
  SO_RCVLOWAT = 18,
  SO_SNDLOWAT = 19,
  SO_RCVTIMEO_OLD = 20,
  SO_SNDTIMEO_OLD = 21,
  SO_BINDTODEVICE = 25,
  SO_TIMESTAMP_OLD = 29,
  SO_ACCEPTCONN = 30,
  SO_PEERSEC = 31,
  SO_SNDBUFFORCE = 32,
  SO_RCVBUFFORCE = 33,
  SO_PASSSEC = 34,
  SO_TIMESTAMPNS_OLD = 35,
  SO_MARK = 36,
  SO_PROTOCOL = 38,
  SO_DOMAIN = 39,
  SO_RXQ_OVFL = 40,
  SO_BUSY_POLL = 46,
  SO_INCOMING_CPU = 49,
  SO_COOKIE = 57,
  SO_PEERGROUPS = 59,
  SO_ZEROCOPY = 60,
  SO_RCVTIMEO_NEW = 66,
  SO_SNDTIMEO_NEW = 67;

/** net.core.{r,w}mem_{default,max}: Linux's defaults. */
export const SYSCTL_RMEM_DEFAULT = 212992,
  SYSCTL_WMEM_DEFAULT = 212992,
  SYSCTL_RMEM_MAX = 212992,
  SYSCTL_WMEM_MAX = 212992;
/** SOCK_MIN_SNDBUF / SOCK_MIN_RCVBUF: 2 KiB plus an sk_buff's truesize. */
export const SOCK_MIN_SNDBUF = 4608,
  SOCK_MIN_RCVBUF = 2304;

export const RCV_SHUTDOWN = 1,
  SEND_SHUTDOWN = 2;

/** Options stored as plain ints, read back as set (booleans normalised to 0/1). */
const BOOL_OPTS = new Set([
  SO_DEBUG,
  SO_REUSEADDR,
  SO_DONTROUTE,
  SO_BROADCAST,
  SO_KEEPALIVE,
  SO_OOBINLINE,
  SO_NO_CHECK,
  SO_REUSEPORT,
  SO_PASSCRED,
  SO_PASSSEC,
  SO_RXQ_OVFL,
  SO_TIMESTAMP_OLD,
  SO_TIMESTAMPNS_OLD,
  SO_ZEROCOPY,
]);
const INT_OPTS = new Set([SO_PRIORITY, SO_MARK, SO_BUSY_POLL, SO_INCOMING_CPU]);

export class Sock {
  rcvbuf = SYSCTL_RMEM_DEFAULT;
  sndbuf = SYSCTL_WMEM_DEFAULT;
  readonly receiveQueue = new SkbQueue();
  /** Bytes sent and not yet consumed by the peer (sk_wmem_alloc). */
  wmemAlloc = 0;
  /** Readers and writers sleep here (sk_wq). */
  readonly wait = new WaitQueue();
  err = 0;
  shutdown = 0;
  rcvlowat = 1;
  linger: [number, number] = [0, 0];
  rcvtimeo = [0, 0];
  sndtimeo = [0, 0];
  readonly opts = new Map<number, number>();
  /** sock_gen_cookie's number, from the namespace's sequence; /proc/net shows it as the sock's address. */
  readonly cookie: number;
  /** Owner for /proc/net (sock_i_uid). */
  uid = 0;
  /** The socket this sock belongs to (sk_socket); kernel-internal socks may have none. */
  socket: Socket | null = null;
  constructor(
    net: Net,
    readonly family: number,
    readonly type: number,
    readonly protocol: number,
  ) {
    this.cookie = net.nextSockCookie();
  }

  /** Wake readers and writers (sk_data_ready / sk_write_space). */
  wakeAll(key = 0): void {
    this.wait.wakeAll(key);
  }

  /** Take the pending error, as SO_ERROR and a failing call do. */
  takeError(): number {
    const e = this.err;
    this.err = 0;
    return e;
  }
}

const i32 = (v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
};

/** sk_setsockopt: val is the option bytes from user memory. `privileged` is CAP_NET_ADMIN. */
export function sockSetsockopt(sk: Sock, name: number, val: Uint8Array, privileged: boolean): number {
  const dv = new DataView(val.buffer, val.byteOffset, val.byteLength);
  if (name === SO_LINGER) {
    if (val.length < 8) return -EINVAL;
    sk.linger = [dv.getInt32(0, true) ? 1 : 0, dv.getInt32(4, true)];
    return 0;
  }
  if (name === SO_RCVTIMEO_OLD || name === SO_SNDTIMEO_OLD || name === SO_RCVTIMEO_NEW || name === SO_SNDTIMEO_NEW) {
    if (val.length < 16) return -EINVAL;
    const tv = [Number(dv.getBigInt64(0, true)), Number(dv.getBigInt64(8, true))];
    if (tv[1] < 0 || tv[1] >= 1000000) return -33; // EDOM
    if (name === SO_RCVTIMEO_OLD || name === SO_RCVTIMEO_NEW) sk.rcvtimeo = tv;
    else sk.sndtimeo = tv;
    return 0;
  }
  if (name === SO_BINDTODEVICE) return privileged ? 0 : -EPERM;
  if (val.length < 4) return -EINVAL;
  const v = dv.getInt32(0, true);
  switch (name) {
    case SO_SNDBUF:
    case SO_SNDBUFFORCE: {
      if (name === SO_SNDBUFFORCE && !privileged) return -EPERM;
      const cap = name === SO_SNDBUF ? Math.min(v >>> 0, SYSCTL_WMEM_MAX) : Math.min(v >>> 0, 0x3fffffff);
      sk.sndbuf = Math.max(cap * 2, SOCK_MIN_SNDBUF);
      sk.wakeAll();
      return 0;
    }
    case SO_RCVBUF:
    case SO_RCVBUFFORCE: {
      if (name === SO_RCVBUFFORCE && !privileged) return -EPERM;
      const cap = name === SO_RCVBUF ? Math.min(v >>> 0, SYSCTL_RMEM_MAX) : Math.min(v >>> 0, 0x3fffffff);
      sk.rcvbuf = Math.max(cap * 2, SOCK_MIN_RCVBUF);
      return 0;
    }
    case SO_RCVLOWAT:
      sk.rcvlowat = v < 0 ? 0x7fffffff : Math.max(v, 1);
      return 0;
    case SO_SNDLOWAT:
      return 0; // accepted and ignored, as Linux
    case SO_TYPE:
    case SO_PROTOCOL:
    case SO_DOMAIN:
    case SO_ERROR:
    case SO_ACCEPTCONN:
    case SO_PEERCRED:
    case SO_COOKIE:
    case SO_PEERSEC:
    case SO_PEERGROUPS:
      return -ENOPROTOOPT;
  }
  if (BOOL_OPTS.has(name)) {
    sk.opts.set(name, v ? 1 : 0);
    return 0;
  }
  if (INT_OPTS.has(name)) {
    sk.opts.set(name, v);
    return 0;
  }
  if (name === SO_BSDCOMPAT) return 0;
  return -ENOPROTOOPT;
}

/**
 * sk_getsockopt for options every family answers the same way; `extra`
 * supplies type/domain/protocol/acceptconn/peer credentials from the socket.
 * Returns the full value; the caller cuts it to the user's length.
 */
export function sockGetsockopt(sk: Sock, name: number, extra: { type: number; listening: boolean; peercred?: Uint8Array | null }): Uint8Array | number {
  switch (name) {
    case SO_TYPE:
      return i32(extra.type);
    case SO_PROTOCOL:
      return i32(sk.protocol);
    case SO_DOMAIN:
      return i32(sk.family);
    case SO_ERROR:
      return i32(sk.takeError());
    case SO_SNDBUF:
      return i32(sk.sndbuf);
    case SO_RCVBUF:
      return i32(sk.rcvbuf);
    case SO_RCVLOWAT:
      return i32(sk.rcvlowat);
    case SO_SNDLOWAT:
      return i32(1);
    case SO_ACCEPTCONN:
      return i32(extra.listening ? 1 : 0);
    case SO_LINGER: {
      const b = new Uint8Array(8);
      const dv = new DataView(b.buffer);
      dv.setInt32(0, sk.linger[0], true);
      dv.setInt32(4, sk.linger[1], true);
      return b;
    }
    case SO_RCVTIMEO_OLD:
    case SO_SNDTIMEO_OLD:
    case SO_RCVTIMEO_NEW:
    case SO_SNDTIMEO_NEW: {
      const tv = name === SO_RCVTIMEO_OLD || name === SO_RCVTIMEO_NEW ? sk.rcvtimeo : sk.sndtimeo;
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      dv.setBigInt64(0, BigInt(tv[0]), true);
      dv.setBigInt64(8, BigInt(tv[1]), true);
      return b;
    }
    case SO_PEERCRED: {
      if (extra.peercred) return extra.peercred;
      // No peer: pid 0, uid and gid -1 (overflowuid is not used for "none").
      const b = new Uint8Array(12);
      const dv = new DataView(b.buffer);
      dv.setInt32(0, 0, true);
      dv.setInt32(4, -1, true);
      dv.setInt32(8, -1, true);
      return b;
    }
    case SO_COOKIE: {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt(sk.cookie), true);
      return b;
    }
    case SO_BSDCOMPAT:
      return i32(0);
  }
  if (BOOL_OPTS.has(name) || INT_OPTS.has(name)) return i32(sk.opts.get(name) ?? 0);
  return -ENOPROTOOPT;
}
