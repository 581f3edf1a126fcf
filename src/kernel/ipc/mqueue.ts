// POSIX message queues (Linux's ipc/mqueue.c): queues are files of the
// mqueue file system (one instance per IPC namespace, mountable with
// `mount -t mqueue none /dev/mqueue`); mq_open names them relative to its
// root. Messages leave in priority order, FIFO within a priority; a reader of
// the file sees the queue's status line; mq_notify sends a signal when a
// message arrives in an empty queue nobody is waiting on.
import { NR } from '../syscalls/nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { ThreadGroup } from '../sched/threadgroup.js';
import { WaitQueue } from '../sched/waitqueue.js';
import { EACCES, EAGAIN, EBADF, EBUSY, EEXIST, EFAULT, EINVAL, EMSGSIZE, ENAMETOOLONG, ENOENT, ENOSPC, ENOTSOCK, EPERM, ETIMEDOUT } from '../errno.js';
import { BLOCKED, type Blocked, type SyscallResult } from '../syscalls/result.js';
import { Dentry } from '../fs/dentry.js';
import { Mount } from '../fs/mount.js';
import { File, O_ACCMODE, O_CREAT, O_EXCL, O_NONBLOCK, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, type FileOps } from '../fs/file.js';
import { fsCapable, Inode, S_IFREG, S_ISVTX, type FsCred } from '../fs/inode.js';
import { SuperBlock } from '../fs/superblock.js';
import { TmpfsDir } from '../fs/tmpfs.js';
import type { FsInstance } from '../fs/filesystems.js';
import { installFile } from '../syscalls/fs-io.js';
import { mqMsgDefault, mqMsgMax, mqMsgsizeDefault, mqMsgsizeMax, mqQueuesMax } from '../sysctl/fs.js';
import { sendSignal } from '../signal/deliver.js';
import { nsState } from './util.js';
import { socketOf } from '../net/socket.js';
import { NetlinkSock, netlinkSendSkb } from '../net/netlink/af_netlink.js';
import type { SyscallArgs } from '../syscalls/args.js';
import { CAP_FOWNER, CAP_SYS_RESOURCE } from '../security/commoncap.js';

export const MQUEUE_MAGIC = 0x19800202;
/** MQ_PRIO_MAX, the hard ceilings with CAP_SYS_RESOURCE, and the size a queue file shows. */
const MQ_PRIO_MAX = 32768,
  HARD_MSGMAX = 65536,
  HARD_MSGSIZEMAX = 16 * 1024 * 1024,
  FILENT_SIZE = 80;
const NAME_MAX = 255,
  PATH_MAX = 4096;
const SIGEV_SIGNAL = 0,
  SIGEV_NONE = 1,
  SIGEV_THREAD = 2;
/** si_code of a queue notification. */
const SI_MESGQ = -3;
const MQ_ATTR_SIZE = 64,
  SIGEVENT_SIZE = 64;

interface MqMsg {
  prio: number;
  text: Uint8Array;
}
interface Notify {
  owner: ThreadGroup;
  notify: number;
  signo: number;
  value: bigint;
  /** SIGEV_THREAD: glibc's netlink socket and the cookie its helper thread reads back. */
  sock?: NetlinkSock;
  cookie?: Uint8Array;
}
/** NOTIFY_COOKIE_LEN and the last cookie byte: the message came, or the registration went. */
const NOTIFY_COOKIE_LEN = 32,
  NOTIFY_WOKENUP = 1,
  NOTIFY_REMOVED = 2;

/** Hand the cookie to the netlink socket with its verdict in the last byte (set_cookie + netlink_sendskb). */
function sendCookie(n: Notify, verdict: number): void {
  if (!n.sock || !n.cookie) return;
  const c = n.cookie.slice();
  c[NOTIFY_COOKIE_LEN - 1] = verdict;
  netlinkSendSkb(n.sock, c);
}

export class MqueueInode extends Inode {
  readonly msgs: MqMsg[] = [];
  qsize = 0;
  notify: Notify | null = null;
  /** Receivers and senders sleep here; poll waits on both. */
  readonly readers = new WaitQueue();
  readonly writers = new WaitQueue();
  /** Open descriptions: an unlinked queue counts against queues_max until the last one closes. */
  opens = 0;
  constructor(
    readonly k: Kernel,
    sb: SuperBlock,
    mode: number,
    readonly maxmsg: number,
    readonly msgsize: number,
    private readonly evicted: () => void,
  ) {
    super(sb, S_IFREG | (mode & 0o7777));
    this.size = FILENT_SIZE;
  }
  override get blocks(): number {
    return 0;
  }
  override open(_f: File): FileOps {
    this.opens++;
    return mqFileOps;
  }
  private gone = false;
  /** mqueue_evict_inode: unlinked and closed. */
  maybeEvict(): void {
    if (this.nlink > 0 || this.opens > 0 || this.gone) return;
    this.gone = true;
    this.evicted();
  }
  override truncate(): number {
    return 0;
  }

  /** The line a read of the file returns. */
  status(): string {
    const n = this.notify;
    const pad = (v: number, w: number) => String(v).padEnd(w);
    return (
      `QSIZE:${pad(this.qsize, 10)} NOTIFY:${pad(n ? n.notify : 0, 5)} SIGNO:${pad(n && n.notify === SIGEV_SIGNAL ? n.signo : 0, 5)} ` +
      `NOTIFY_PID:${pad(n ? n.owner.tgid : 0, 6)}\n`
    );
  }
}

const enc = new TextEncoder();
const mqFileOps: FileOps = {
  read(f, buf, pos) {
    if (!(f.inode instanceof MqueueInode)) return -EBADF;
    const s = enc.encode(f.inode.status());
    if (pos >= s.length) return 0;
    const n = Math.min(buf.length, s.length - pos);
    buf.set(s.subarray(pos, pos + n));
    f.pos = pos + n;
    return n;
  },
  release(f) {
    const q = f.inode;
    if (!(q instanceof MqueueInode)) return;
    // mqueue_flush_file: the registering process closing the queue drops its registration.
    if (q.notify && q.notify.owner === q.k.current?.tg) removeNotification(q);
    q.opens--;
    q.maybeEvict();
  },
  poll(f, wait) {
    const q = f.inode;
    if (!(q instanceof MqueueInode)) return 0;
    wait?.(q.readers);
    wait?.(q.writers);
    let m = 0;
    if (q.msgs.length) m |= POLLIN | POLLRDNORM;
    if (q.msgs.length < q.maxmsg) m |= POLLOUT | POLLWRNORM;
    return m;
  },
};

/** The root directory: entries are queues; no subdirectories, links or devices. */
class MqueueDir extends TmpfsDir {
  constructor(
    readonly k: Kernel,
    sb: SuperBlock,
  ) {
    super(sb, S_ISVTX | 0o777);
  }
  queues = 0;
  /**
   * mqueue_create_attr: a new queue with the attributes given, or the
   * defaults; the count of queues comes first, then mq_attr_ok's sizes within
   * the sysctl ceilings (the hard ones with CAP_SYS_RESOURCE).
   */
  createQueue(dir: Dentry, name: string, mode: number, cred: FsCred, attr: { maxmsg: number; msgsize: number } | null): Inode | number {
    const k = this.k;
    const privileged = fsCapable(cred, CAP_SYS_RESOURCE);
    if (this.queues >= mqQueuesMax.get(k) && !privileged) return -ENOSPC;
    if (attr) {
      if (attr.maxmsg <= 0 || attr.msgsize <= 0) return -EINVAL;
      if (attr.maxmsg > (privileged ? HARD_MSGMAX : mqMsgMax.get(k)) || attr.msgsize > (privileged ? HARD_MSGSIZEMAX : mqMsgsizeMax.get(k))) return -EINVAL;
    }
    const a = attr ?? {
      maxmsg: Math.min(mqMsgDefault.get(k), mqMsgMax.get(k)),
      msgsize: Math.min(mqMsgsizeDefault.get(k), mqMsgsizeMax.get(k)),
    };
    const q = new MqueueInode(k, this.sb, mode, a.maxmsg, a.msgsize, () => {
      this.queues--;
    });
    const r = this.add(dir, name, q, cred);
    if (typeof r !== 'number') this.queues++;
    return r;
  }
  override create(dir: Dentry, name: string, mode: number, cred: FsCred): Inode | number {
    return this.createQueue(dir, name, mode, cred, null);
  }
  override mkdir(): Inode | number {
    return -EPERM;
  }
  override mknod(): Inode | number {
    return -EPERM;
  }
  override symlink(): Inode | number {
    return -EPERM;
  }
  override link(): number {
    return -EPERM;
  }
  override rename(): number {
    return -EPERM;
  }
  override unlink(dir: Dentry, name: string, victim: Dentry): number {
    const r = super.unlink(dir, name, victim);
    if (r === 0 && victim.inode instanceof MqueueInode) victim.inode.maybeEvict();
    return r;
  }
}

export interface MqNs {
  sb: SuperBlock;
  root: Dentry;
  dir: MqueueDir;
  mnt: Mount;
}
/** The namespace's mqueue instance (its kern_mount); every `mount -t mqueue` shows the same one. */
export const mqNs = (k: Kernel): MqNs =>
  nsState(k, 'mqueue', () => {
    const sb = new SuperBlock(k.vfs.fs, 'mqueue', MQUEUE_MAGIC);
    const dir = new MqueueDir(k, sb);
    const root = new Dentry('/', null, dir);
    return { sb, root, dir, mnt: new Mount(sb, root, null, null, 'mqueue') };
  });

export function mountMqueue(k: Kernel): FsInstance {
  const ns = mqNs(k);
  return { sb: ns.sb, root: ns.root };
}

/** The queue behind descriptor fd, or -EBADF. */
/** The open queue behind fd with its file, or -EBADF. */
function mqFile(t: Task, fd: number): { f: File; q: MqueueInode } | number {
  const f = t.files.get(fd);
  return f && f.inode instanceof MqueueInode ? { f, q: f.inode } : -EBADF;
}

/** An absolute CLOCK_REALTIME timeout as a monotonic deadline (null: none), or an error. */
function absTimeout(k: Kernel, t: Task, addr: number): { deadline: number | null } | { err: number } {
  if (!addr) return { deadline: null };
  const b = t.mm.read(addr, 16);
  if (!b) return { err: -EFAULT };
  const dv = new DataView(b.buffer);
  const sec = dv.getBigInt64(0, true),
    nsec = dv.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= 1000000000n) return { err: -EINVAL };
  return { deadline: k.clock.monotonic() + (Number(sec) * 1e9 + Number(nsec) - k.clock.realtime()) };
}

/** Sleep until woken or the deadline; restarted after a handler with SA_RESTART (wq_sleep's -ERESTARTSYS). */
function mqSleep(k: Kernel, t: Task, nr: number, q: WaitQueue, deadline: number | null): Blocked {
  if (t.sys?.kind !== 'mq' || t.sys.nr !== nr) {
    const d = deadline ?? Infinity;
    t.sys = { kind: 'mq', nr, restart: 'sys', deadline: d };
    if (d !== Infinity)
      k.timers.add(d, () => {
        if (t.sys?.nr === nr) t.wake();
      });
  }
  t.sleepOn(q);
  return BLOCKED;
}

const timedOut = (k: Kernel, t: Task, nr: number) => t.sys?.kind === 'mq' && t.sys.nr === nr && k.clock.monotonic() >= t.sys.deadline;

export function sys_mq_open(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const nameAddr = a.ulong(0),
    oflag = a.int(1),
    mode = a.int(2),
    attrAddr = a.ulong(3);
  const raw = t.mm.readCString(nameAddr, PATH_MAX);
  if (!raw) return t.mm.read(nameAddr, 1) ? -ENAMETOOLONG : -EFAULT;
  const name = new TextDecoder().decode(raw);
  if (!name) return -ENOENT;
  let attr: { maxmsg: number; msgsize: number } | null = null;
  if (oflag & O_CREAT && attrAddr) {
    const b = t.mm.read(attrAddr, MQ_ATTR_SIZE);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    attr = { maxmsg: Number(dv.getBigInt64(8, true)), msgsize: Number(dv.getBigInt64(16, true)) };
  }
  // lookup_one_len: one component, not "." or "..".
  if (name.includes('/') || name === '.' || name === '..') return -EACCES;
  if (raw.length > NAME_MAX) return -ENAMETOOLONG;
  const ns = mqNs(k);
  const dirInode = ns.dir;
  const cred = { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, groups: t.cred.groups, capEff: t.cred.capEff };
  let inode = dirInode.lookup(ns.root, name);
  if (!inode) {
    if (!(oflag & O_CREAT)) return -ENOENT;
    const p = dirInode.permission(3, cred);
    if (p) return p;
    const r = dirInode.createQueue(ns.root, name, mode & 0o7777 & ~t.fs.umask, cred, attr);
    if (typeof r === 'number') return r;
    inode = r;
  } else {
    if ((oflag & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL)) return -EEXIST;
    if ((oflag & O_ACCMODE) === O_ACCMODE) return -EINVAL;
    const acc = [4, 2, 6][oflag & O_ACCMODE];
    const p = inode.permission(acc, cred);
    if (p) return p;
  }
  // Only queues live in the mqueue root (mkdir is refused there).
  if (!(inode instanceof MqueueInode)) return -EACCES;
  const d = ns.root.children.get(name)!;
  const f = new File({ mnt: ns.mnt, dentry: d }, inode, oflag & (O_ACCMODE | O_NONBLOCK), mqFileOps);
  f.ops = inode.open(f);
  // The descriptor is always close-on-exec (get_unused_fd_flags(O_CLOEXEC)).
  return installFile(t, f, true);
}

export function sys_mq_unlink(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const nameAddr = a.ulong(0);
  const raw = t.mm.readCString(nameAddr, PATH_MAX);
  if (!raw) return t.mm.read(nameAddr, 1) ? -ENAMETOOLONG : -EFAULT;
  const name = new TextDecoder().decode(raw);
  if (!name) return -ENOENT;
  if (name.includes('/') || name === '.' || name === '..') return -EACCES;
  if (raw.length > NAME_MAX) return -ENAMETOOLONG;
  const ns = mqNs(k);
  const victim = ns.root.children.get(name);
  if (!victim) return -ENOENT;
  const dir = ns.root.inode;
  const cred = { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, groups: t.cred.groups, capEff: t.cred.capEff };
  const p = dir.permission(3, cred);
  if (p) return p;
  // The sticky root: only the queue's owner (or the directory's, or CAP_FOWNER) removes it (check_sticky).
  if (!fsCapable(cred, CAP_FOWNER) && cred.fsuid !== victim.inode.uid && cred.fsuid !== dir.uid) return -EPERM;
  return dir.unlink(ns.root, name, victim);
}

/** remove_notification: a SIGEV_THREAD registration tells its helper thread it is gone. */
function removeNotification(q: MqueueInode): void {
  const n = q.notify;
  q.notify = null;
  if (n?.notify === SIGEV_THREAD) sendCookie(n, NOTIFY_REMOVED);
}

/** __do_notify: the first message into an empty queue nobody waits on fires the registration, once. */
function doNotify(k: Kernel, t: Task, q: MqueueInode): void {
  const n = q.notify;
  if (!n || q.msgs.length !== 1) return;
  q.notify = null;
  if (n.notify === SIGEV_SIGNAL && n.signo) {
    sendSignal(k, n.owner, { signo: n.signo, code: SI_MESGQ, pid: t.tg.tgid, uid: t.cred.uid, value: n.value });
  } else if (n.notify === SIGEV_THREAD) sendCookie(n, NOTIFY_WOKENUP);
}

export function sys_mq_timedsend(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fd = a.int(0),
    ptr = a.ulong(1),
    len = a.ulong(2),
    prio = a.ulong(3),
    tsAddr = a.ulong(4);
  const to = absTimeout(k, t, tsAddr);
  if ('err' in to) return to.err;
  const deadline = to.deadline;
  if (prio >= MQ_PRIO_MAX) return -EINVAL;
  const r = mqFile(t, fd);
  if (typeof r === 'number') return r;
  const { f, q } = r;
  if (!f.writable) return -EBADF;
  if (len > q.msgsize) return -EMSGSIZE;
  const text = len ? t.mm.read(ptr, len) : new Uint8Array(0);
  if (!text) return -EFAULT;
  if (q.msgs.length >= q.maxmsg) {
    if (f.flags & O_NONBLOCK) return -EAGAIN;
    if (timedOut(k, t, NR.mq_timedsend)) return -ETIMEDOUT;
    return mqSleep(k, t, NR.mq_timedsend, q.writers, deadline);
  }
  // Behind every message of the same or a higher priority.
  let i = q.msgs.length;
  while (i > 0 && q.msgs[i - 1].prio < prio) i--;
  q.msgs.splice(i, 0, { prio, text });
  q.qsize += len;
  q.touchM();
  const waiting = q.readers.size > 0;
  q.readers.wakeAll();
  if (!waiting) doNotify(k, t, q);
  return 0;
}

export function sys_mq_timedreceive(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fd = a.int(0),
    ptr = a.ulong(1),
    len = a.ulong(2),
    prioAddr = a.ulong(3),
    tsAddr = a.ulong(4);
  const to = absTimeout(k, t, tsAddr);
  if ('err' in to) return to.err;
  const deadline = to.deadline;
  const r = mqFile(t, fd);
  if (typeof r === 'number') return r;
  const { f, q } = r;
  if (!f.readable) return -EBADF;
  if (len < q.msgsize) return -EMSGSIZE;
  if (!q.msgs.length) {
    if (f.flags & O_NONBLOCK) return -EAGAIN;
    if (timedOut(k, t, NR.mq_timedreceive)) return -ETIMEDOUT;
    return mqSleep(k, t, NR.mq_timedreceive, q.readers, deadline);
  }
  const m = q.msgs.shift()!;
  q.qsize -= m.text.length;
  q.atime = q.mtime;
  q.touchM();
  q.writers.wakeAll();
  if (prioAddr) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, m.prio, true);
    if (!t.mm.write(prioAddr, b)) return -EFAULT;
  }
  if (m.text.length && !t.mm.write(ptr, m.text)) return -EFAULT;
  return m.text.length;
}

export function sys_mq_notify(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fd = a.int(0),
    evAddr = a.ulong(1);
  let ev: { value: bigint; signo: number; notify: number } | null = null;
  if (evAddr) {
    const b = t.mm.read(evAddr, SIGEVENT_SIZE);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    ev = { value: dv.getBigUint64(0, true), signo: dv.getInt32(8, true), notify: dv.getInt32(12, true) };
    if (ev.notify !== SIGEV_NONE && ev.notify !== SIGEV_SIGNAL && ev.notify !== SIGEV_THREAD) return -EINVAL;
    if (ev.notify === SIGEV_SIGNAL && (ev.signo < 0 || ev.signo > 64)) return -EINVAL;
  }
  // SIGEV_THREAD: sigev_signo is a netlink socket, sigev_value points at the cookie to send it.
  let sock: NetlinkSock | undefined, cookie: Uint8Array | undefined;
  if (ev?.notify === SIGEV_THREAD) {
    const c = t.mm.read(Number(ev.value), NOTIFY_COOKIE_LEN);
    if (!c) return -EFAULT;
    cookie = c;
    const sf = t.files.get(ev.signo);
    if (!sf) return -EBADF;
    const so = socketOf(sf);
    if (!so) return -ENOTSOCK;
    if (!(so.sk instanceof NetlinkSock)) return -EINVAL;
    sock = so.sk;
  }
  const r = mqFile(t, fd);
  if (typeof r === 'number') return r;
  const { q } = r;
  if (!ev) {
    if (q.notify?.owner === t.tg) removeNotification(q);
    return 0;
  }
  if (q.notify) return -EBUSY;
  q.notify = { owner: t.tg, notify: ev.notify, signo: ev.signo, value: ev.value, sock, cookie };
  return 0;
}

export function sys_mq_getsetattr(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fd = a.int(0),
    newAddr = a.ulong(1),
    oldAddr = a.ulong(2);
  let flags: number | null = null;
  if (newAddr) {
    const b = t.mm.read(newAddr, MQ_ATTR_SIZE);
    if (!b) return -EFAULT;
    const v = new DataView(b.buffer).getBigInt64(0, true);
    if (v & ~BigInt(O_NONBLOCK)) return -EINVAL;
    flags = Number(v);
  }
  const r = mqFile(t, fd);
  if (typeof r === 'number') return r;
  const { f, q } = r;
  const old = new Uint8Array(MQ_ATTR_SIZE);
  const dv = new DataView(old.buffer);
  dv.setBigInt64(0, BigInt(f.flags & O_NONBLOCK), true);
  dv.setBigInt64(8, BigInt(q.maxmsg), true);
  dv.setBigInt64(16, BigInt(q.msgsize), true);
  dv.setBigInt64(24, BigInt(q.msgs.length), true);
  if (flags !== null) f.flags = (f.flags & ~O_NONBLOCK) | flags;
  if (oldAddr && !t.mm.write(oldAddr, old)) return -EFAULT;
  return 0;
}
