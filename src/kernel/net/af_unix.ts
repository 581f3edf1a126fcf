// AF_UNIX sockets (net/unix/af_unix.c): stream, seqpacket and datagram
// sockets between processes of this machine, named by a path (a socket
// inode in the file system), by an abstract name (leading NUL), or unnamed
// (socketpair). Data moves between the sockets' receive queues directly.
// Each skb carries its sender's credentials (SCM_CREDENTIALS, shown to a
// receiver with SO_PASSCRED) and may carry descriptors (SCM_RIGHTS), held
// by reference while in flight.
import {
  EADDRINUSE,
  ENOENT,
  EAGAIN,
  ECONNREFUSED,
  EINVAL,
  EISCONN,
  ENOTCONN,
  EOPNOTSUPP,
  EPIPE,
  EPROTOTYPE,
  ESOCKTNOSUPPORT,
  EPROTONOSUPPORT,
  EMSGSIZE,
  EPERM,
} from '../errno.js';
import { BLOCKED } from '../syscalls/result.js';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, POLLHUP } from '../fs/file.js';
import type { Inode } from '../fs/inode.js';
import { S_IFSOCK } from '../fs/inode.js';
import type { SkBuff } from './skbuff.js';
import { Sock, RCV_SHUTDOWN, SEND_SHUTDOWN, SO_PASSCRED } from './sock.js';
import type { File } from '../fs/file.js';
import type { Net } from './net_namespace.js';
import {
  AF_UNIX,
  MSG_PEEK,
  MSG_TRUNC,
  SOCK_DGRAM,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  SS_CONNECTED,
  SS_UNCONNECTED,
  SS_CONNECTING,
  SIOCINQ,
  SIOCOUTQ,
  ENOIOCTLCMD,
  Socket,
  sockRegister,
  i32bytes,
  type ProtoOps,
  type SockCaller,
  MSG_WAITALL,
  type UCred,
} from './socket.js';

/** offsetof(struct sockaddr_un, sun_path) and its size. */
const UN_PATH_OFF = 2,
  UNIX_PATH_MAX = 108;

export class UnixSock extends Sock {
  /** The bound address as a sockaddr_un (family + name bytes), or null. */
  name: Uint8Array | null = null;
  inode: Inode | null = null;
  peer: UnixSock | null = null;
  listening = false;
  backlog = 0;
  /** Connections waiting for accept: the server-side sockets. */
  readonly acceptQueue: Socket[] = [];
  /** Credentials of the peer at connect time (SO_PEERCRED). */
  cred: { pid: number; uid: number; gid: number } = { pid: 0, uid: 0, gid: 0 };
  peerCredBytes: Uint8Array | null = null;
  dead = false;
  constructor(
    readonly net: Net,
    type: number,
  ) {
    super(net, AF_UNIX, type, 0);
  }

  peerCred(): Uint8Array | null {
    return this.peerCredBytes;
  }
  /** The path as /proc/net/unix shows it: abstract names start with "@". */
  displayName(): string {
    const n = this.name!.subarray(UN_PATH_OFF);
    // Paths end before their NUL; NULs inside an abstract name show as "@" too.
    const bytes = n[0] === 0 ? n : n.subarray(0, n.length - 1);
    return [...bytes].map((c) => (c === 0 ? '@' : String.fromCharCode(c))).join('');
  }
}

const usk = (s: Socket) => s.sk as UnixSock;
const sameCred = (a?: UCred, b?: UCred) => a?.pid === b?.pid && a?.uid === b?.uid && a?.gid === b?.gid;

/** Abstract names of the namespace (the path ones live in the file system). */
/** The AF_UNIX socket bound at a socket inode (Inode.unixSock). */
const boundAt = (inode: Inode): UnixSock | null => (inode.unixSock instanceof UnixSock ? inode.unixSock : null);
const abstractTable = (net: Net): Map<string, UnixSock> => net.unixAbstract;
const keyOf = (b: Uint8Array) => [...b].join(',');

/** All unix sockets, for /proc/net/unix and unix_diag. */
export function unixSockets(net: Net): { sock: Socket; sk: UnixSock }[] {
  const out: { sock: Socket; sk: UnixSock }[] = [];
  for (const s of net.sockets) if (s.sk instanceof UnixSock) out.push({ sock: s, sk: s.sk });
  return out;
}

/** unix_mkname: the name bytes of a sockaddr_un, or -EINVAL. Paths end at their NUL. */
function mkname(addr: Uint8Array): { abstract: boolean; bytes: Uint8Array } | number {
  if (addr.length <= UN_PATH_OFF || addr.length > UN_PATH_OFF + UNIX_PATH_MAX) return -EINVAL;
  if (new DataView(addr.buffer, addr.byteOffset).getUint16(0, true) !== AF_UNIX) return -EINVAL;
  const n = addr.subarray(UN_PATH_OFF);
  if (n[0] === 0) return { abstract: true, bytes: n.slice() };
  const z = n.indexOf(0);
  return { abstract: false, bytes: (z >= 0 ? n.subarray(0, z) : n).slice() };
}

function sockaddrUn(bytes: Uint8Array | null, addNul: boolean): Uint8Array {
  const b = new Uint8Array(UN_PATH_OFF + (bytes?.length ?? 0) + (addNul ? 1 : 0));
  b[0] = AF_UNIX;
  if (bytes) b.set(bytes, UN_PATH_OFF);
  return b;
}

/** Find the socket a name refers to. */
function lookup(net: Net, addr: Uint8Array, c: SockCaller): UnixSock | number {
  const n = mkname(addr);
  if (typeof n === 'number') return n;
  if (n.abstract) return abstractTable(net).get(keyOf(n.bytes)) ?? -ECONNREFUSED;
  if (!c.fs) return -ECONNREFUSED;
  const inode = c.fs.lookup(n.bytes);
  if (typeof inode === 'number') return inode;
  if ((inode.mode & 0o170000) !== S_IFSOCK) return -ECONNREFUSED;
  return boundAt(inode) ?? -ECONNREFUSED;
}

/** unix_autobind: an abstract name of five hex digits. */
function autobind(s: Socket): void {
  const sk = usk(s),
    table = abstractTable(s.net);
  let bytes: Uint8Array;
  do {
    const id = (s.net.unixAutobindSeq++ & 0xfffff).toString(16).padStart(5, '0');
    bytes = new Uint8Array([0, ...new TextEncoder().encode(id)]);
  } while (table.has(keyOf(bytes)));
  table.set(keyOf(bytes), sk);
  sk.name = sockaddrUn(bytes, false);
}

/** A sender that asks for credentials gets a name first, so the receiver can answer it. */
const passcred = (sk: Sock) => sk.opts.get(SO_PASSCRED) === 1;
function autobindForCred(s: Socket): void {
  if (passcred(s.sk) && !usk(s).name) autobind(s);
}

function bindName(s: Socket, addr: Uint8Array, c: SockCaller): number {
  const sk = usk(s);
  if (addr.length < UN_PATH_OFF || new DataView(addr.buffer, addr.byteOffset).getUint16(0, true) !== AF_UNIX) return -EINVAL;
  if (sk.name && addr.length === UN_PATH_OFF) return -EINVAL;
  if (addr.length === UN_PATH_OFF) {
    autobind(s);
    return 0;
  }
  const table = abstractTable(s.net);
  const n = mkname(addr);
  if (typeof n === 'number') return n;
  if (n.abstract) {
    if (sk.name) return -EINVAL;
    if (table.has(keyOf(n.bytes))) return -EADDRINUSE;
    table.set(keyOf(n.bytes), sk);
    sk.name = sockaddrUn(n.bytes, false);
    return 0;
  }
  if (!c.fs) return -EOPNOTSUPP;
  // Linux makes the node before it looks at the socket: an existing path wins over "already bound".
  if (sk.name) return c.fs.lookup(n.bytes) === -ENOENT ? -EINVAL : -EADDRINUSE;
  const inode = c.fs.mknodSock(n.bytes);
  if (typeof inode === 'number') return inode === -17 /* EEXIST */ ? -EADDRINUSE : inode;
  inode.unixSock = sk;
  sk.inode = inode;
  sk.name = sockaddrUn(n.bytes, true);
  return 0;
}

function credBytes(cred: { pid: number; uid: number; gid: number }): Uint8Array {
  const b = new Uint8Array(12);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, cred.pid, true);
  dv.setUint32(4, cred.uid, true);
  dv.setUint32(8, cred.gid, true);
  return b;
}

function pair(a: UnixSock, b: UnixSock): void {
  a.peer = b;
  b.peer = a;
  a.peerCredBytes = credBytes(b.cred);
  b.peerCredBytes = credBytes(a.cred);
  if (a.socket) a.socket.state = SS_CONNECTED;
  if (b.socket) b.socket.state = SS_CONNECTED;
}

const isStreamLike = (s: Socket) => s.type === SOCK_STREAM || s.type === SOCK_SEQPACKET;

const unixOps: ProtoOps = {
  release(s) {
    const sk = usk(s);
    sk.dead = true;
    if (sk.name && sk.name[UN_PATH_OFF] === 0) {
      const table = abstractTable(s.net);
      const k = keyOf(sk.name.subarray(UN_PATH_OFF));
      if (table.get(k) === sk) table.delete(k);
    }
    if (sk.inode && sk.inode.unixSock === sk) sk.inode.unixSock = null;
    for (const e of sk.acceptQueue) {
      e.ops.release(e);
      s.net.sockets.delete(e);
    }
    sk.acceptQueue.length = 0;
    const peer = sk.peer;
    if (peer) {
      // The peer of a stream sees end of file and EPIPE from now on.
      if (isStreamLike(s)) peer.shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
      peer.wakeAll();
    }
    sk.receiveQueue.clear();
  },
  bind: bindName,
  connect(s, addr, _flags, c) {
    const sk = usk(s);
    if (addr.length >= UN_PATH_OFF && new DataView(addr.buffer, addr.byteOffset).getUint16(0, true) === 0 && s.type === SOCK_DGRAM) {
      sk.peer = null;
      s.state = SS_UNCONNECTED;
      return 0;
    }
    autobindForCred(s);
    const other = lookup(s.net, addr, c);
    if (typeof other === 'number') return other;
    if (other.type !== s.type) return -EPROTOTYPE;
    if (s.type === SOCK_DGRAM) {
      sk.peer = other;
      sk.peerCredBytes = credBytes(other.cred);
      s.state = SS_CONNECTED;
      return 0;
    }
    if (s.state === SS_CONNECTED) return -EISCONN;
    if (!other.listening || other.dead) return -ECONNREFUSED;
    if (other.acceptQueue.length > other.backlog) {
      if (s.nonblock(0)) return -EAGAIN;
      c.sleepOn(other.wait);
      return BLOCKED;
    }
    // The server side of the connection, handed out by accept.
    const esk = new UnixSock(s.net, s.type);
    esk.cred = other.cred;
    esk.name = other.name;
    const e = new Socket(s.net, AF_UNIX, s.type, unixOps, esk);
    sk.cred = { pid: c.pid, uid: c.uid, gid: c.gid };
    pair(sk, esk);
    other.acceptQueue.push(e);
    other.wakeAll();
    return 0;
  },
  listen(s, backlog) {
    const sk = usk(s);
    if (!isStreamLike(s)) return -EOPNOTSUPP;
    if (!sk.name || s.state !== SS_UNCONNECTED) return -EINVAL;
    sk.listening = true;
    sk.backlog = backlog;
    sk.wakeAll();
    return 0;
  },
  accept(s, _flags, c) {
    const sk = usk(s);
    if (!isStreamLike(s)) return -EOPNOTSUPP;
    if (!sk.listening) return -EINVAL;
    const e = sk.acceptQueue.shift();
    if (!e) {
      if (s.nonblock(0)) return -EAGAIN;
      c.sleepOn(sk.wait);
      return BLOCKED;
    }
    sk.wakeAll();
    return e;
  },
  getname(s, peer) {
    const sk = usk(s);
    if (peer) {
      if (!sk.peer || (isStreamLike(s) && s.state !== SS_CONNECTED)) return -ENOTCONN;
      return sk.peer.name ?? sockaddrUn(null, false);
    }
    return sk.name ?? sockaddrUn(null, false);
  },
  sendmsg(s, data, to, flags, c, scm) {
    const sk = usk(s);
    if (sk.shutdown & SEND_SHUTDOWN) return -EPIPE;
    let peer = sk.peer;
    if (isStreamLike(s)) {
      if (to && s.state !== SS_CONNECTED) return -EOPNOTSUPP;
      if (!peer || s.state !== SS_CONNECTED) return -ENOTCONN;
      if (peer.dead || peer.shutdown & RCV_SHUTDOWN) return -EPIPE;
    } else {
      if (to) {
        const o = lookup(s.net, to, c);
        if (typeof o === 'number') return o;
        peer = o;
      }
      if (!peer) return -ENOTCONN;
      if (peer.dead) return -ECONNREFUSED;
      // A datagram socket connected elsewhere takes no datagrams from others.
      if (peer.peer && peer.peer !== sk) return -EPERM;
      if (data.length > sk.sndbuf - 32) return -EMSGSIZE;
      autobindForCred(s);
    }
    // Flow control: the receiver holds at most its buffer (datagrams: a whole one must fit).
    const room = Math.max(0, Math.max(sk.sndbuf, peer.rcvbuf) - peer.receiveQueue.bytes);
    const need = s.type === SOCK_STREAM ? Math.min(1, data.length) : data.length;
    if (room < need || (room === 0 && data.length > 0)) {
      if (s.nonblock(flags)) return -EAGAIN;
      c.sleepOn(peer.wait);
      return BLOCKED;
    }
    const n = s.type === SOCK_STREAM ? Math.min(room, data.length) : data.length;
    if (n === 0 && s.type === SOCK_STREAM) return 0;
    // The queue takes the references of the descriptors in flight (unix_attach_fds).
    const files = scm?.files.length ? scm.files.map((f) => f.get()) : undefined;
    // Credentials travel when given, or when either end asks for them (unix_maybe_add_creds).
    const cred = scm?.cred ?? (passcred(sk) || passcred(peer) ? { pid: c.pid, uid: c.uid, gid: c.gid } : undefined);
    peer.receiveQueue.push({ data: data.slice(0, n), from: sk.name, cred, files });
    peer.wakeAll(POLLIN | POLLRDNORM);
    return n;
  },
  recvmsg(s, len, flags, c) {
    const sk = usk(s);
    const q = sk.receiveQueue;
    const eof = () => (sk.shutdown & RCV_SHUTDOWN) !== 0 || (isStreamLike(s) && (!sk.peer || sk.peer.dead));
    if (q.empty) {
      if (isStreamLike(s) && s.state !== SS_CONNECTED && !sk.listening && !sk.peer) return -EINVAL;
      if (eof()) return { data: new Uint8Array(0), full: 0, from: null, flags: 0 };
      if (s.nonblock(flags)) return -EAGAIN;
      c.sleepOn(sk.wait);
      return BLOCKED;
    }
    const wantCred = passcred(sk);
    /** The skb's descriptors for the caller: moved out of the queue, or new references for a peek. */
    const takeFiles = (skb: SkBuff): File[] | undefined => {
      const fl = skb.files;
      if (!fl?.length) return undefined;
      if (flags & MSG_PEEK) return fl.map((f) => f.get());
      skb.files = undefined;
      return fl;
    };
    if (s.type !== SOCK_STREAM) {
      const skb = flags & MSG_PEEK ? q.peek()! : q.shift()!;
      if (!(flags & MSG_PEEK)) sk.peer?.wakeAll(POLLOUT);
      const full = skb.data.length;
      return {
        data: skb.data.subarray(0, Math.min(len, full)),
        full,
        from: skb.from,
        flags: full > len ? MSG_TRUNC : 0,
        files: takeFiles(skb),
        cred: wantCred ? (skb.cred ?? null) : undefined,
      };
    }
    // MSG_WAITALL: wait until the whole length is there (or the queue is full, or the stream ends).
    if (
      flags & MSG_WAITALL &&
      !(flags & MSG_PEEK) &&
      q.bytes < len &&
      !eof() &&
      !s.nonblock(flags) &&
      q.bytes < Math.max(sk.rcvbuf, sk.peer?.sndbuf ?? 0) &&
      !q.list.some((x) => x.files)
    ) {
      c.sleepOn(sk.wait);
      return BLOCKED;
    }
    // Stream: gather across skbs up to len, but never past passed descriptors, nor across writers when
    // credentials are asked for.
    const out = new Uint8Array(Math.min(len, q.bytes));
    let o = 0,
      i = 0;
    const first = q.peek()!,
      firstCred = first.cred;
    let files: File[] | undefined;
    while (o < out.length && i < q.list.length && !files) {
      const skb = q.list[i];
      if (wantCred && o > 0 && !sameCred(skb.cred, firstCred)) break;
      const off = skb.off ?? 0;
      const n = Math.min(out.length - o, skb.data.length - off);
      out.set(skb.data.subarray(off, off + n), o);
      o += n;
      files = takeFiles(skb);
      if (flags & MSG_PEEK) i++;
      else q.consume(n);
    }
    if (!(flags & MSG_PEEK)) sk.peer?.wakeAll(POLLOUT);
    return { data: out.subarray(0, o), full: o, from: first.from, flags: 0, files, cred: wantCred ? (first.cred ?? null) : undefined };
  },
  poll(s, wait) {
    const sk = usk(s);
    wait?.(sk.wait);
    let m = 0;
    if (!sk.receiveQueue.empty || sk.acceptQueue.length) m |= POLLIN | POLLRDNORM;
    if (sk.shutdown & RCV_SHUTDOWN) m |= POLLIN | POLLRDNORM | 0x2000; /* POLLRDHUP */
    if (isStreamLike(s)) {
      if (sk.peer?.dead || sk.shutdown === (RCV_SHUTDOWN | SEND_SHUTDOWN)) m |= POLLHUP | POLLIN | POLLRDNORM;
      if (s.state === SS_CONNECTED && sk.peer) {
        wait?.(sk.peer.wait);
        if (sk.peer.receiveQueue.bytes < Math.max(sk.sndbuf, sk.peer.rcvbuf)) m |= POLLOUT | POLLWRNORM;
      } else if (!sk.listening && s.state !== SS_CONNECTING) m |= POLLOUT | POLLWRNORM;
    } else m |= POLLOUT | POLLWRNORM;
    return m;
  },
  ioctl(s, cmd, arg, io) {
    const sk = usk(s);
    if (cmd === SIOCINQ) {
      if (sk.listening) return -EINVAL;
      const v = s.type === SOCK_STREAM ? sk.receiveQueue.bytes : (sk.receiveQueue.peek()?.data.length ?? 0);
      return io.write(arg, i32bytes(v)) ? 0 : -14;
    }
    if (cmd === SIOCOUTQ) return io.write(arg, i32bytes(sk.peer?.receiveQueue.bytes ?? 0)) ? 0 : -14;
    return -ENOIOCTLCMD;
  },
  shutdown(s, how) {
    const sk = usk(s);
    const mode = how + 1;
    sk.shutdown |= mode;
    const peer = sk.peer;
    if (peer && isStreamLike(s)) {
      if (mode & RCV_SHUTDOWN) peer.shutdown |= SEND_SHUTDOWN;
      if (mode & SEND_SHUTDOWN) peer.shutdown |= RCV_SHUTDOWN;
      peer.wakeAll();
    }
    sk.wakeAll();
    return 0;
  },
  socketpair(a, b) {
    if (a.type === SOCK_DGRAM) {
      usk(a).peer = usk(b);
      usk(b).peer = usk(a);
      usk(a).peerCredBytes = credBytes(usk(b).cred);
      usk(b).peerCredBytes = credBytes(usk(a).cred);
      a.state = SS_CONNECTED;
      b.state = SS_CONNECTED;
      return 0;
    }
    pair(usk(a), usk(b));
    return 0;
  },
};

sockRegister(AF_UNIX, (net, type, protocol, c) => {
  if (protocol !== 0 && protocol !== AF_UNIX) return -EPROTONOSUPPORT;
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
  const sk = new UnixSock(net, type);
  sk.cred = { pid: c.pid, uid: c.uid, gid: c.gid };
  return { ops: unixOps, sk };
});
