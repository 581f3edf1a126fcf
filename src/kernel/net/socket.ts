// struct socket and sockfs (net/socket.c): the file side of a socket. A socket
// is an inode on the internal sockfs with file operations that turn read,
// write, poll and ioctl into the protocol family's operations (proto_ops).
import { EAFNOSUPPORT, EINVAL, EOPNOTSUPP } from '../errno.js';
import { File, type FileOps, type IoWaiter, type IoctlIo, O_RDWR, O_NONBLOCK } from '../fs/file.js';
import { Inode, S_IFSOCK } from '../fs/inode.js';
import { Dentry } from '../fs/dentry.js';
import type { Mount } from '../fs/mount.js';
import type { WaitQueue } from '../sched/waitqueue.js';
import type { Net } from './net_namespace.js';
import type { Sock } from './sock.js';
import type { Blocked } from '../syscalls/result.js';
import { devIoctl } from './dev_ioctl.js';
import { capBit } from '../security/commoncap.js';

export const AF_UNSPEC = 0,
  AF_UNIX = 1,
  AF_INET = 2,
  AF_INET6 = 10,
  AF_NETLINK = 16,
  AF_PACKET = 17,
  AF_MAX = 46;
export const SOCK_STREAM = 1,
  SOCK_DGRAM = 2,
  SOCK_RAW = 3,
  SOCK_RDM = 4,
  SOCK_SEQPACKET = 5,
  SOCK_DCCP = 6,
  SOCK_PACKET = 10;
export const SOCK_TYPE_MASK = 0xf;
export const MSG_OOB = 1,
  MSG_PEEK = 2,
  MSG_DONTROUTE = 4,
  MSG_CTRUNC = 8,
  MSG_TRUNC = 0x20,
  MSG_DONTWAIT = 0x40,
  MSG_EOR = 0x80,
  MSG_WAITALL = 0x100,
  MSG_ERRQUEUE = 0x2000,
  MSG_NOSIGNAL = 0x4000,
  MSG_CMSG_CLOEXEC = 0x40000000;
/** socket->state */
export const SS_FREE = 0,
  SS_UNCONNECTED = 1,
  SS_CONNECTING = 2,
  SS_CONNECTED = 3,
  SS_DISCONNECTING = 4;
/** ENOIOCTLCMD: a protocol's "not mine", sent on to the device ioctls. */
export const ENOIOCTLCMD = 515;
export const SIOCINQ = 0x541b,
  SIOCOUTQ = 0x5411,
  SIOCATMARK = 0x8905;

/** What recvmsg hands back: the bytes that fit, the real length, the sender. */
export interface RecvResult {
  data: Uint8Array;
  /** Length of the whole datagram (for MSG_TRUNC); for streams, data.length. */
  full: number;
  from: Uint8Array | null;
  /** MSG_TRUNC / MSG_CTRUNC / MSG_EOR for msg_flags. */
  flags: number;
  /** SCM_RIGHTS: references now owned by the caller, who installs them or puts them. */
  files?: File[];
  /** The sender's credentials when the receiver asked for them (SO_PASSCRED). */
  cred?: UCred | null;
}

export interface UCred {
  pid: number;
  uid: number;
  gid: number;
}

/** Ancillary data of a send (struct scm_cookie): descriptors and credentials from the control buffer. */
export interface Scm {
  files: File[];
  cred?: UCred;
}

/** Who is calling: for blocking, credentials and the pid that netlink and unix sockets record. */
export interface SockCaller extends IoWaiter {
  readonly uid: number;
  readonly gid: number;
  /** capable(): whether the caller's effective set holds `cap`. */
  capable(cap: number): boolean;
  /** Path names for AF_UNIX, resolved from the caller's root and cwd. */
  readonly fs?: SockPathOps;
}

/** What AF_UNIX needs of the VFS: make a socket inode at a path, find the inode at a path. */
export interface SockPathOps {
  mknodSock(path: Uint8Array): Inode | number;
  lookup(path: Uint8Array): Inode | number;
}

/**
 * struct proto_ops: what a family does for each socket call. Missing ones answer EOPNOTSUPP.
 * The calls that can wait return BLOCKED after c.sleepOn, and are run again when woken.
 */
export interface ProtoOps {
  release(sock: Socket): void;
  bind?(sock: Socket, addr: Uint8Array, c: SockCaller): number;
  connect?(sock: Socket, addr: Uint8Array, flags: number, c: SockCaller): number | Blocked;
  listen?(sock: Socket, backlog: number): number;
  accept?(sock: Socket, flags: number, c: SockCaller): Socket | number | Blocked;
  /** The local (or, with peer, remote) address as a sockaddr. */
  getname(sock: Socket, peer: boolean): Uint8Array | number;
  sendmsg?(sock: Socket, data: Uint8Array, to: Uint8Array | null, flags: number, c: SockCaller, scm?: Scm): number | Blocked;
  recvmsg?(sock: Socket, len: number, flags: number, c: SockCaller): RecvResult | number | Blocked;
  poll(sock: Socket, wait?: (q: WaitQueue) => void): number;
  ioctl?(sock: Socket, cmd: number, arg: number, io: IoctlIo): number | Blocked;
  setsockopt?(sock: Socket, level: number, name: number, val: Uint8Array, c: SockCaller): number;
  getsockopt?(sock: Socket, level: number, name: number): Uint8Array | number;
  shutdown?(sock: Socket, how: number): number;
  /** Connect two new sockets to each other (socketpair). */
  socketpair?(a: Socket, b: Socket): number;
}

export class Socket {
  state = SS_UNCONNECTED;
  file: File | null = null;
  inode: SocketInode | null = null;
  constructor(
    readonly net: Net,
    readonly family: number,
    readonly type: number,
    public ops: ProtoOps,
    public sk: Sock,
  ) {
    net.sockets.add(this);
    sk.socket = this;
  }
  get ino(): number {
    return this.inode?.ino ?? 0;
  }
  /** The file is non-blocking, or this call says MSG_DONTWAIT. */
  nonblock(flags: number): boolean {
    return (flags & MSG_DONTWAIT) !== 0 || ((this.file?.flags ?? 0) & O_NONBLOCK) !== 0;
  }
}

/** A family's socket(2): fill in ops and sk, or -errno (net_proto_family.create). */
export type FamilyCreate = (net: Net, type: number, protocol: number, c: SockCaller) => { ops: ProtoOps; sk: Sock } | number;
const families = new Map<number, FamilyCreate>();
export function sockRegister(family: number, create: FamilyCreate): void {
  families.set(family, create);
}
/** The protocol families registered, in registration order (boot prints them). */
export const registeredFamilies = (): number[] => [...families.keys()];

/** __sock_create: the checks socket(2) and socketpair(2) share. */
export function sockCreate(net: Net, family: number, type: number, protocol: number, c: SockCaller): Socket | number {
  if (family < 0 || family >= AF_MAX) return -EAFNOSUPPORT;
  if (type < 0 || type >= 11) return -EINVAL;
  const create = families.get(family);
  if (!create) return -EAFNOSUPPORT;
  const r = create(net, type, protocol, c);
  if (typeof r === 'number') return r;
  r.sk.uid = c.uid;
  return new Socket(net, family, type, r.ops, r.sk);
}

export const SOCKFS_MAGIC = 0x534f434b;

export class SocketInode extends Inode {
  constructor(readonly sock: Socket) {
    super(sock.net.kernel.vfs.fs.sockSb, S_IFSOCK | 0o777);
  }
  override get blocks(): number {
    return 0;
  }
}

export function socketOf(f: File): Socket | null {
  return f.inode instanceof SocketInode ? f.inode.sock : null;
}

/** A caller for file-level I/O (read/write on a socket), where only blocking matters. */
function fileCaller(w: IoWaiter): SockCaller {
  const any = w as IoWaiter & { cred?: { euid: number; egid: number; capEff: bigint } };
  const cred = any.cred;
  return {
    sleepOn: (q) => w.sleepOn(q),
    pid: w.pid,
    uid: cred?.euid ?? 0,
    gid: cred?.egid ?? 0,
    capable: (cap) => !cred || (cred.capEff & capBit(cap)) !== 0n,
  };
}

/** socket_file_ops */
export const socketFileOps: FileOps = {
  stream: true,
  read(f, buf, _pos, w) {
    const s = socketOf(f)!;
    if (!s.ops.recvmsg) return -EOPNOTSUPP;
    const r = s.ops.recvmsg(s, buf.length, 0, fileCaller(w));
    if (typeof r !== 'object') return r;
    // read(2) has no control buffer: passed descriptors are closed.
    for (const x of r.files ?? []) x.put();
    buf.set(r.data);
    return r.data.length;
  },
  write(f, data, _pos, w) {
    const s = socketOf(f)!;
    if (!s.ops.sendmsg) return -EOPNOTSUPP;
    return s.ops.sendmsg(s, data, null, 0, fileCaller(w));
  },
  poll(f, wait) {
    const s = socketOf(f)!;
    return s.ops.poll(s, wait);
  },
  ioctl(f, cmd, arg, io) {
    const s = socketOf(f)!;
    if (s.ops.ioctl) {
      const r = s.ops.ioctl(s, cmd, arg, io);
      if (r !== -ENOIOCTLCMD) return r;
    }
    return devIoctl(s.net, s, cmd, arg, io);
  },
  release(f) {
    const s = socketOf(f)!;
    s.ops.release(s);
    s.net.sockets.delete(s);
    s.file = null;
  },
};

/** sock_alloc_file: the open file for a new socket, named "socket:[ino]". */
export function sockAllocFile(mnt: Mount, s: Socket, flags: number): File {
  const inode = new SocketInode(s);
  s.inode = inode;
  const dentry = new Dentry(`socket:[${inode.ino}]`, null, inode);
  const f = new File({ mnt, dentry }, inode, O_RDWR | (flags & O_NONBLOCK), socketFileOps);
  s.file = f;
  return f;
}

/** Read an int option value (at least 4 bytes). */
export function optInt(val: Uint8Array): number | null {
  return val.length < 4 ? null : new DataView(val.buffer, val.byteOffset, 4).getInt32(0, true);
}

export const i32bytes = (v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
};
