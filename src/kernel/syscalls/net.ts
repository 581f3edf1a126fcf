// The socket system calls (net/socket.c): descriptors to sockets, user
// memory to sockaddrs, iovecs and option values, then the family's proto_ops.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EBADF, EFAULT, EINVAL, ENOTSOCK, EOPNOTSUPP, EPIPE, ENOTCONN, EMSGSIZE, EROFS } from '../errno.js';
import { BLOCKED, type Blocked, type SyscallResult } from './result.js';
import { O_CLOEXEC, O_NONBLOCK } from '../fs/file.js';
import { installFile } from './fs-io.js';
import { sendSignal } from '../signal/deliver.js';
import { SIGPIPE, SI_USER } from '../signal/signals.js';
import { initNet } from '../net/net_namespace.js';
import {
  MSG_CMSG_CLOEXEC,
  MSG_NOSIGNAL,
  MSG_TRUNC,
  SOCK_STREAM,
  SOCK_SEQPACKET,
  sockAllocFile,
  sockCreate,
  socketOf,
  type Socket,
  type SockCaller,
} from '../net/socket.js';
import { SOL_SOCKET, sockGetsockopt, sockSetsockopt, SO_ACCEPTCONN } from '../net/sock.js';
import '../net/protocols.js';
import type { WaitQueue } from '../sched/waitqueue.js';
import type { SockPathOps, Scm, UCred } from '../net/socket.js';
import type { File } from '../fs/file.js';
import { scmRecv, scmSend } from '../net/scm.js';
import { AT_FDCWD } from '../fs/vfs.js';
import { exists } from '../fs/namei.js';
import { S_IFSOCK } from '../fs/inode.js';
import type { SyscallArgs } from './args.js';
import { CAP_NET_ADMIN, capable } from '../security/commoncap.js';

const SOCK_CLOEXEC = O_CLOEXEC,
  SOCK_NONBLOCK = O_NONBLOCK;
/** sizeof(struct sockaddr_storage) */
const MAX_SOCK_ADDR = 128;
/** A single send is gathered up to this many bytes (streams continue with the rest). */
const MAX_SEND = 1 << 20;

export function callerOf(t: Task, k?: Kernel): SockCaller {
  const c = { sleepOn: (q: WaitQueue) => t.sleepOn(q), pid: t.pid, uid: t.cred.euid, gid: t.cred.egid, capable: (cap: number) => capable(t.cred, cap) };
  return k ? { ...c, fs: pathOps(k, t) } : c;
}

/** AF_UNIX path names: a socket inode made like mknod(S_IFSOCK), or found for connect (needs write access). */
function pathOps(k: Kernel, t: Task): SockPathOps {
  const cred = { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, groups: t.cred.groups, capEff: t.cred.capEff };
  return {
    mknodSock(path) {
      const par = k.vfs.resolveParent(t, AT_FDCWD, path);
      if (typeof par === 'number') return par;
      const taken = exists(par.dir.dentry, par.name);
      if (taken) return taken;
      if (par.dir.mnt.flags.includes('ro')) return -EROFS;
      const dir = par.dir.dentry;
      const perm = dir.inode.permission(3, cred);
      if (perm < 0) return perm;
      return dir.inode.mknod(dir, par.name, S_IFSOCK | (0o777 & ~t.fs.umask), 0, cred);
    },
    lookup(path) {
      const p = k.vfs.resolve(t, AT_FDCWD, path, true);
      if (typeof p === 'number') return p;
      const perm = p.dentry.inode.permission(2, cred);
      return perm < 0 ? perm : p.dentry.inode;
    },
  };
}

function sockOf(t: Task, fd: number): Socket | number {
  const f = t.files.getUsable(fd);
  if (!f) return -EBADF;
  return socketOf(f) ?? -ENOTSOCK;
}

/** move_addr_to_kernel */
function userAddr(t: Task, addr: number, len: number): Uint8Array | number {
  if (len < 0 || len > MAX_SOCK_ADDR) return -EINVAL;
  if (len === 0) return new Uint8Array(0);
  return t.mm.read(addr, len) ?? -EFAULT;
}

/** move_addr_to_user: copy what fits, always report the real length. */
function putAddr(t: Task, addr: number, lenPtr: number, data: Uint8Array): number {
  // Every caller has a non-null address here, so a null length pointer is a fault, as get_user finds it.
  const raw = t.mm.read(lenPtr, 4);
  if (!raw) return -EFAULT;
  const len = new DataView(raw.buffer).getInt32(0, true);
  if (len < 0) return -EINVAL;
  const n = Math.min(len, data.length);
  if (n && !t.mm.write(addr, data.subarray(0, n))) return -EFAULT;
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, data.length, true);
  return t.mm.write(lenPtr, out) ? 0 : -EFAULT;
}

function newSocketFd(k: Kernel, t: Task, s: Socket, flags: number): number {
  const f = sockAllocFile(k.vfs.rootMnt, s, flags & SOCK_NONBLOCK);
  return installFile(t, f, (flags & SOCK_CLOEXEC) !== 0);
}

export function sys_socket(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const family = a.int(0),
    rawType = a.int(1),
    protocol = a.int(2);
  const flags = rawType & ~0xf;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  const s = sockCreate(initNet(k), family, rawType & 0xf, protocol, callerOf(t));
  if (typeof s === 'number') return s;
  return newSocketFd(k, t, s, flags);
}

export function sys_socketpair(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const family = a.int(0),
    rawType = a.int(1),
    protocol = a.int(2),
    sv = a.ulong(3);
  const flags = rawType & ~0xf;
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  const net = initNet(k),
    c = callerOf(t);
  const sa = sockCreate(net, family, rawType & 0xf, protocol, c);
  if (typeof sa === 'number') return sa;
  const sb = sockCreate(net, family, rawType & 0xf, protocol, c);
  if (typeof sb === 'number') {
    sa.ops.release(sa);
    net.sockets.delete(sa);
    return sb;
  }
  const release = () => {
    for (const s of [sa, sb]) {
      s.ops.release(s);
      net.sockets.delete(s);
    }
  };
  if (!sa.ops.socketpair) {
    release();
    return -EOPNOTSUPP;
  }
  const r = sa.ops.socketpair(sa, sb);
  if (r < 0) {
    release();
    return r;
  }
  const fa = newSocketFd(k, t, sa, flags);
  if (fa < 0) {
    sb.ops.release(sb);
    net.sockets.delete(sb);
    return fa;
  }
  const fb = newSocketFd(k, t, sb, flags);
  if (fb < 0) {
    t.files.close(fa);
    return fb;
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setInt32(0, fa, true);
  new DataView(out.buffer).setInt32(4, fb, true);
  if (!t.mm.write(sv, out)) {
    t.files.close(fa);
    t.files.close(fb);
    return -EFAULT;
  }
  return 0;
}

export function sys_bind(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const addr = userAddr(t, a.ulong(1), a.int(2));
  if (typeof addr === 'number') return addr;
  return s.ops.bind ? s.ops.bind(s, addr, callerOf(t, k)) : -EOPNOTSUPP;
}

export function sys_listen(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  return s.ops.listen ? s.ops.listen(s, Math.min(a.int(1) >>> 0, 4096)) : -EOPNOTSUPP;
}

function doAccept(k: Kernel, t: Task, a: SyscallArgs, flags: number): number | Blocked {
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  if (!s.ops.accept) return -EOPNOTSUPP;
  const n = s.ops.accept(s, flags, callerOf(t));
  if (typeof n !== 'object') return n;
  const addr = a.ulong(1),
    lenPtr = a.ulong(2);
  const fd = newSocketFd(k, t, n, flags);
  if (fd < 0) return fd;
  if (addr) {
    const name = n.ops.getname(n, true);
    const r = typeof name === 'number' ? name : putAddr(t, addr, lenPtr, name);
    if (r < 0) {
      t.files.close(fd);
      return r;
    }
  }
  return fd;
}
export function sys_accept(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return doAccept(k, t, a, 0);
}
export function sys_accept4(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return doAccept(k, t, a, a.int(3));
}

export function sys_connect(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const addr = userAddr(t, a.ulong(1), a.int(2));
  if (typeof addr === 'number') return addr;
  return s.ops.connect ? s.ops.connect(s, addr, s.file?.flags ?? 0, callerOf(t, k)) : -EOPNOTSUPP;
}

function getname(t: Task, a: SyscallArgs, peer: boolean): number {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const name = s.ops.getname(s, peer);
  if (typeof name === 'number') return name;
  return putAddr(t, a.ulong(1), a.ulong(2), name);
}
export function sys_getsockname(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return getname(t, a, false);
}
export function sys_getpeername(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return getname(t, a, true);
}

type Iov = [number, number][];

function readIovecs(t: Task, addr: number, cnt: number): Iov | number {
  if (cnt < 0 || cnt > 1024) return -EMSGSIZE;
  if (cnt === 0) return [];
  const raw = t.mm.read(addr, cnt * 16);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  const out: Iov = [];
  for (let i = 0; i < cnt; i++) {
    const base = dv.getUint32(i * 16 + 4, true) * 4294967296 + dv.getUint32(i * 16, true);
    const len = dv.getUint32(i * 16 + 12, true) * 4294967296 + dv.getUint32(i * 16 + 8, true);
    if (len > 0x7fffffff) return -EINVAL;
    out.push([base, len]);
  }
  return out;
}

function gather(t: Task, iov: Iov): Uint8Array | number {
  let total = 0;
  for (const [, len] of iov) total += len;
  const out = new Uint8Array(Math.min(total, MAX_SEND));
  let o = 0;
  for (const [base, len] of iov) {
    const n = Math.min(len, out.length - o);
    if (n <= 0) break;
    const b = t.mm.read(base, n);
    if (!b) return -EFAULT;
    out.set(b, o);
    o += n;
  }
  return out;
}

function scatter(t: Task, iov: Iov, data: Uint8Array): boolean {
  let o = 0;
  for (const [base, len] of iov) {
    if (o >= data.length) break;
    const n = Math.min(len, data.length - o);
    if (!t.mm.write(base, data.subarray(o, o + n))) return false;
    o += n;
  }
  return true;
}

const iovLen = (iov: Iov) => iov.reduce((a, [, l]) => a + l, 0);

function doSend(k: Kernel, t: Task, s: Socket, data: Uint8Array, to: Uint8Array | null, flags: number, scm?: Scm): number | Blocked {
  if (!s.ops.sendmsg) return -EOPNOTSUPP;
  const r = s.ops.sendmsg(s, data, to, flags, callerOf(t, k), scm);
  if (r === -EPIPE && !(flags & MSG_NOSIGNAL)) sendSignal(k, t.tg, { signo: SIGPIPE, code: SI_USER, pid: t.pid, uid: t.cred.uid }, t);
  return r;
}

const isStream = (s: Socket) => s.type === SOCK_STREAM;

function doRecv(
  t: Task,
  s: Socket,
  iov: Iov,
  flags: number,
  nameAddr: number,
  nameLenPtr: number,
): { ret: number | Blocked; msgFlags: number; files?: File[]; cred?: UCred | null } {
  if (!s.ops.recvmsg) return { ret: -EOPNOTSUPP, msgFlags: 0 };
  const want = iovLen(iov);
  if (want < 0) return { ret: -EINVAL, msgFlags: 0 };
  const r = s.ops.recvmsg(s, Math.min(want, MAX_SEND), flags & ~MSG_CMSG_CLOEXEC, callerOf(t));
  if (typeof r !== 'object') return { ret: r, msgFlags: 0 };
  const drop = () => {
    for (const f of r.files ?? []) f.put();
  };
  if (!scatter(t, iov, r.data)) {
    drop();
    return { ret: -EFAULT, msgFlags: 0 };
  }
  if (nameAddr && r.from) {
    const e = putAddr(t, nameAddr, nameLenPtr, r.from);
    if (e < 0) {
      drop();
      return { ret: e, msgFlags: 0 };
    }
  } else if (nameLenPtr) {
    const z = new Uint8Array(4);
    if (!t.mm.write(nameLenPtr, z)) {
      drop();
      return { ret: -EFAULT, msgFlags: 0 };
    }
  }
  // With MSG_TRUNC a datagram's real length is returned even if it did not fit.
  const ret = flags & MSG_TRUNC && !isStream(s) ? r.full : r.data.length;
  return { ret, msgFlags: r.flags, files: r.files, cred: r.cred };
}

export function sys_sendto(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const len = Math.min(a.ulong(2), MAX_SEND);
  const data = len ? t.mm.read(a.ulong(1), len) : new Uint8Array(0);
  if (!data) return -EFAULT;
  let to: Uint8Array | null = null;
  if (a.ulong(4)) {
    const addr = userAddr(t, a.ulong(4), a.int(5));
    if (typeof addr === 'number') return addr;
    to = addr;
  }
  return doSend(k, t, s, data, to, a.int(3));
}

export function sys_recvfrom(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const buf = a.ulong(1),
    len = a.ulong(2);
  if (len && !t.mm.probeWritable(buf, Math.min(len, 4096))) return -EFAULT;
  const addr = a.ulong(4);
  const r = doRecv(t, s, [[buf, Math.min(len, 0x7fffffff)]], a.int(3), addr, addr ? a.ulong(5) : 0);
  // No control buffer: passed descriptors are closed.
  for (const f of r.files ?? []) f.put();
  return r.ret;
}

/** struct user_msghdr on riscv64: name, namelen, iov, iovlen, control, controllen, flags (56 bytes). */
interface MsgHdr {
  name: number;
  namelen: number;
  iov: Iov;
  control: number;
  controllen: number;
}
function readMsghdr(t: Task, addr: number): MsgHdr | number {
  const raw = t.mm.read(addr, 56);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  const u64 = (o: number) => dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
  const iov = readIovecs(t, u64(16), u64(24) > 1024 ? -1 : u64(24));
  if (typeof iov === 'number') return iov;
  return { name: u64(0), namelen: dv.getInt32(8, true), iov, control: u64(32), controllen: u64(40) };
}

function sendmsg(k: Kernel, t: Task, fd: number, msgAddr: number, flags: number): number | Blocked {
  const s = sockOf(t, fd);
  if (typeof s === 'number') return s;
  const m = readMsghdr(t, msgAddr);
  if (typeof m === 'number') return m;
  let to: Uint8Array | null = null;
  if (m.name) {
    const addr = userAddr(t, m.name, m.namelen);
    if (typeof addr === 'number') return addr;
    to = addr;
  }
  const data = gather(t, m.iov);
  if (typeof data === 'number') return data;
  let scm: Scm | undefined;
  if (m.controllen) {
    const r = scmSend(k, t, s, m.control, m.controllen);
    if (typeof r === 'number') return r;
    scm = r;
  }
  return doSend(k, t, s, data, to, flags, scm);
}

function recvmsg(t: Task, fd: number, msgAddr: number, flags: number): number | Blocked {
  const s = sockOf(t, fd);
  if (typeof s === 'number') return s;
  const m = readMsghdr(t, msgAddr);
  if (typeof m === 'number') return m;
  const r = doRecv(t, s, m.iov, flags, m.name, m.name ? msgAddr + 8 : 0);
  if (r.ret === BLOCKED || r.ret < 0) {
    for (const f of r.files ?? []) f.put();
    return r.ret;
  }
  // Ancillary data: credentials, then descriptors (scm_recv), as much as the control buffer holds.
  const ctl = scmRecv((f) => installFile(t, f, (flags & MSG_CMSG_CLOEXEC) !== 0), r.cred, r.files, m.controllen);
  if (ctl.bytes.length && !t.mm.write(m.control, ctl.bytes)) return -EFAULT;
  const tail = new Uint8Array(16);
  const dv = new DataView(tail.buffer);
  dv.setBigUint64(0, BigInt(ctl.bytes.length), true);
  dv.setInt32(8, r.msgFlags | ctl.flags, true);
  if (!t.mm.write(msgAddr + 40, tail.subarray(0, 12))) return -EFAULT;
  if (!m.name && !t.mm.write(msgAddr + 8, new Uint8Array(4))) return -EFAULT;
  return r.ret;
}

export function sys_sendmsg(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return sendmsg(k, t, a.int(0), a.ulong(1), a.int(2));
}
export function sys_recvmsg(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return recvmsg(t, a.int(0), a.ulong(1), a.int(2));
}

/** sendmmsg: each struct mmsghdr is a msghdr plus the count sent (64 bytes). */
export function sys_sendmmsg(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fd = a.int(0),
    vec = a.ulong(1),
    n = Math.min(a.ulong(2) >>> 0, 1024),
    flags = a.int(3);
  let done = 0;
  for (; done < n; done++) {
    const r = sendmsg(k, t, fd, vec + done * 64, flags);
    // A call that fails or would sleep after some messages went returns their count.
    if (r === BLOCKED || r < 0) return done > 0 ? done : r;
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, r, true);
    if (!t.mm.write(vec + done * 64 + 56, b)) return done || -EFAULT;
  }
  return done;
}

/** MSG_DONTWAIT, and recvmmsg's MSG_WAITFORONE: after the first datagram, wait for no more. */
const MSG_DONTWAIT = 0x40,
  MSG_WAITFORONE = 0x10000;

/**
 * recvmmsg (do_recvmmsg): up to vlen datagrams, each into a struct mmsghdr
 * (msg_len at 56). The timeout is checked after each datagram (a wait for
 * one is not bounded by it, as in Linux), and what is left of it is written
 * back. Only the first datagram is waited for: the others are taken if they
 * are there (as MSG_WAITFORONE asks; without it Linux would wait for each).
 */
export function sys_recvmmsg(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fd = a.int(0),
    vec = a.ulong(1),
    n = Math.min(a.ulong(2) >>> 0, 1024),
    tsAddr = a.ulong(4);
  let flags = a.int(3);
  let end = Infinity;
  if (tsAddr) {
    const b = t.mm.read(tsAddr, 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer, b.byteOffset);
    const sec = Number(dv.getBigInt64(0, true)),
      nsec = Number(dv.getBigInt64(8, true));
    if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
    // Counted from the call's (re)start: after a wait for the first datagram it starts anew.
    end = k.clock.monotonic() + sec * 1e9 + nsec;
  }
  let done = 0;
  for (; done < n; done++) {
    const r = recvmsg(t, fd, vec + done * 64, flags & ~MSG_WAITFORONE);
    if (r === BLOCKED) return done > 0 ? done : r;
    if (r < 0) return done > 0 ? done : r;
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, r, true);
    if (!t.mm.write(vec + done * 64 + 56, b)) return done || -EFAULT;
    flags |= MSG_DONTWAIT;
    if (end !== Infinity && k.clock.monotonic() >= end) {
      done++;
      break;
    }
  }
  if (tsAddr && end !== Infinity) {
    const left = Math.max(0, end - k.clock.monotonic());
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    dv.setBigInt64(0, BigInt(Math.floor(left / 1e9)), true);
    dv.setBigInt64(8, BigInt(Math.floor(left % 1e9)), true);
    if (!t.mm.write(tsAddr, b)) return -EFAULT;
  }
  return done;
}

export function sys_setsockopt(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const level = a.int(1),
    name = a.int(2),
    len = a.int(4);
  if (len < 0) return -EINVAL;
  const val = len ? t.mm.read(a.ulong(3), Math.min(len, 4096)) : new Uint8Array(0);
  if (!val) return -EFAULT;
  const c = callerOf(t);
  if (level === SOL_SOCKET) return sockSetsockopt(s.sk, name, val, c.capable(CAP_NET_ADMIN));
  return s.ops.setsockopt ? s.ops.setsockopt(s, level, name, val, c) : -EOPNOTSUPP;
}

export function sys_getsockopt(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const level = a.int(1),
    name = a.int(2),
    val = a.ulong(3),
    lenPtr = a.ulong(4);
  const raw = t.mm.read(lenPtr, 4);
  if (!raw) return -EFAULT;
  const len = new DataView(raw.buffer).getInt32(0, true);
  if (len < 0) return -EINVAL;
  let v: Uint8Array | number;
  if (level === SOL_SOCKET) {
    const listening = (s.sk as { listening?: boolean }).listening ?? false;
    const peercred = (s.sk as { peerCred?: () => Uint8Array | null }).peerCred?.() ?? null;
    v =
      name === SO_ACCEPTCONN && !isStream(s) && s.type !== SOCK_SEQPACKET
        ? sockGetsockopt(s.sk, name, { type: s.type, listening: false })
        : sockGetsockopt(s.sk, name, { type: s.type, listening, peercred });
  } else v = s.ops.getsockopt ? s.ops.getsockopt(s, level, name) : -EOPNOTSUPP;
  if (typeof v === 'number') return v;
  const n = Math.min(len, v.length);
  if (n && !t.mm.write(val, v.subarray(0, n))) return -EFAULT;
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, n, true);
  return t.mm.write(lenPtr, out) ? 0 : -EFAULT;
}

export function sys_shutdown(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const s = sockOf(t, a.int(0));
  if (typeof s === 'number') return s;
  const how = a.int(1);
  if (how < 0 || how > 2) return -EINVAL;
  return s.ops.shutdown ? s.ops.shutdown(s, how) : -ENOTCONN;
}
