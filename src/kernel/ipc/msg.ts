// System V message queues (Linux's ipc/msg.c): msgget, msgsnd, msgrcv, msgctl.
// A queue holds typed messages up to msg_qbytes bytes; senders sleep while it
// is full, receivers while nothing matches, and both wake with EIDRM when the
// queue is removed under them.
import { NR } from '../syscalls/nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { WaitQueue } from '../sched/waitqueue.js';
import { E2BIG, EACCES, EAGAIN, EFAULT, EIDRM, EINVAL, ENOMEM, ENOMSG, EPERM } from '../errno.js';
import { msgMax, msgMnb, msgMni, msgNextId } from '../sysctl/kernel.js';
import {
  IPC_INFO,
  IPC_NOWAIT,
  MAX_KERNEL_ALLOC,
  IPC_SET,
  IPC64_PERM_SIZE,
  IpcIds,
  KernIpcPerm,
  S_IRUGO,
  S_IRWXUGO,
  S_IWUGO,
  capable,
  copyOut,
  ipcctlCommon,
  ipcSleep,
  ipcget,
  ipcperms,
  nowSec,
  nsState,
  ownerOrCapable,
  putIpc64Perm,
  sleptOn,
  tgidOf,
  updatePerm,
} from './util.js';
import type { SyscallArgs } from '../syscalls/args.js';
import type { SyscallResult } from '../syscalls/result.js';
import { CAP_SYS_RESOURCE } from '../security/commoncap.js';

export const MSG_NOERROR = 0o10000,
  MSG_EXCEPT = 0o20000,
  MSG_COPY = 0o40000;
const MSG_STAT = 11,
  MSG_INFO = 12,
  MSG_STAT_ANY = 13;
/** MSGSSZ, MSGSEG (clipped to a short), and the pool figures IPC_INFO reports. */
const MSGSSZ = 16,
  MSGSEG = 0xffff,
  MSGMAP = 16384,
  MSGPOOL = (32000 * 16384) / 1024,
  MSGTQL = 16384;
const MSQID_DS_SIZE = 120,
  MSGINFO_SIZE = 32;

interface Msg {
  type: number;
  text: Uint8Array;
}

export class MsgQueue extends KernIpcPerm {
  messages: Msg[] = [];
  cbytes = 0;
  qbytes: number;
  stime = 0;
  rtime = 0;
  ctime: number;
  lspid = 0;
  lrpid = 0;
  readonly receivers = new WaitQueue();
  readonly senders = new WaitQueue();
  constructor(k: Kernel, t: Task, key: number, flg: number) {
    super(key, flg & S_IRWXUGO, t);
    this.qbytes = msgMnb.get(k);
    this.ctime = nowSec(k);
  }
}

export const msgIds = (k: Kernel) => nsState(k, 'msg', () => new IpcIds<MsgQueue>());

function freeQueue(k: Kernel, q: MsgQueue): void {
  msgIds(k).remove(q);
  q.messages = [];
  q.receivers.wakeAll();
  q.senders.wakeAll();
}

export function sys_msgget(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const key = a.int(0),
    flg = a.int(1);
  const ids = msgIds(k);
  return ipcget(t, ids, key, flg, {
    create: () => ids.add(new MsgQueue(k, t, key, flg), msgMni.get(k), msgNextId, k),
  });
}

export function sys_msgsnd(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const msqid = a.int(0),
    msgp = a.ulong(1),
    msgsz = a.long(2),
    flg = a.int(3);
  const slept = sleptOn(t, NR.msgsnd, MsgQueue);
  if (slept?.deleted) return -EIDRM;
  const head = t.mm.read(msgp, 8);
  if (!head) return -EFAULT;
  const type = Number(new DataView(head.buffer).getBigInt64(0, true));
  if (msgsz > msgMax.get(k) || msgsz < 0 || msqid < 0) return -EINVAL;
  if (type < 1) return -EINVAL;
  if (msgsz > MAX_KERNEL_ALLOC) return -ENOMEM;
  const text = msgsz ? t.mm.read(msgp + 8, msgsz) : new Uint8Array(0);
  if (!text) return -EFAULT;
  const q = msgIds(k).obtain(msqid);
  if (!q) return -EINVAL;
  if (!ipcperms(t, q, S_IWUGO)) return -EACCES;
  // msg_fits_inqueue: the bytes and the message count are both bounded by msg_qbytes.
  if (msgsz + q.cbytes > q.qbytes || 1 + q.messages.length > q.qbytes) {
    if (flg & IPC_NOWAIT) return -EAGAIN;
    return ipcSleep(k, t, NR.msgsnd, q, q.senders);
  }
  q.messages.push({ type, text });
  q.cbytes += msgsz;
  q.lspid = tgidOf(k);
  q.stime = nowSec(k);
  q.receivers.wakeAll();
  return 0;
}

/** find_msg: the first message msgtyp selects (the lowest type <= |msgtyp| when negative). */
function findMsg(q: MsgQueue, msgtyp: number, flg: number): number {
  if (msgtyp === 0) return q.messages.length ? 0 : -1;
  if (msgtyp > 0) {
    const except = (flg & MSG_EXCEPT) !== 0;
    return q.messages.findIndex((m) => (except ? m.type !== msgtyp : m.type === msgtyp));
  }
  const limit = -msgtyp;
  let best = -1;
  q.messages.forEach((m, i) => {
    if (m.type <= limit && (best < 0 || m.type < q.messages[best].type)) best = i;
  });
  return best;
}

export function sys_msgrcv(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const msqid = a.int(0),
    msgp = a.ulong(1),
    bufsz = a.long(2),
    msgtyp = a.long(3),
    flg = a.int(4);
  const slept = sleptOn(t, NR.msgrcv, MsgQueue);
  if (slept?.deleted) return -EIDRM;
  if (msqid < 0 || bufsz < 0) return -EINVAL;
  // MSG_COPY belongs to checkpoint/restore: it needs IPC_NOWAIT and excludes MSG_EXCEPT.
  if (flg & MSG_COPY) {
    if (flg & MSG_EXCEPT || !(flg & IPC_NOWAIT)) return -EINVAL;
  }
  const q = msgIds(k).obtain(msqid);
  if (!q) return -EINVAL;
  if (!ipcperms(t, q, S_IRUGO)) return -EACCES;
  let i: number;
  if (flg & MSG_COPY) i = msgtyp >= 0 && msgtyp < q.messages.length ? msgtyp : -1;
  else i = findMsg(q, msgtyp, flg);
  if (i < 0) {
    if (flg & IPC_NOWAIT) return -ENOMSG;
    return ipcSleep(k, t, NR.msgrcv, q, q.receivers);
  }
  const m = q.messages[i];
  if (bufsz < m.text.length && !(flg & MSG_NOERROR)) return -E2BIG;
  if (!(flg & MSG_COPY)) {
    q.messages.splice(i, 1);
    q.cbytes -= m.text.length;
    q.lrpid = tgidOf(k);
    q.rtime = nowSec(k);
    q.senders.wakeAll();
  }
  const n = Math.min(bufsz, m.text.length);
  const out = new Uint8Array(8 + n);
  new DataView(out.buffer).setBigInt64(0, BigInt(m.type), true);
  out.set(m.text.subarray(0, n), 8);
  return t.mm.write(msgp, out) ? n : -EFAULT;
}

function putMsqid(k: Kernel, q: MsgQueue): Uint8Array {
  const b = new Uint8Array(MSQID_DS_SIZE);
  const dv = new DataView(b.buffer);
  putIpc64Perm(dv, 0, q);
  const o = IPC64_PERM_SIZE;
  dv.setBigInt64(o, BigInt(q.stime), true);
  dv.setBigInt64(o + 8, BigInt(q.rtime), true);
  dv.setBigInt64(o + 16, BigInt(q.ctime), true);
  dv.setBigUint64(o + 24, BigInt(q.cbytes), true);
  dv.setBigUint64(o + 32, BigInt(q.messages.length), true);
  dv.setBigUint64(o + 40, BigInt(q.qbytes), true);
  dv.setInt32(o + 48, q.lspid, true);
  dv.setInt32(o + 52, q.lrpid, true);
  void k;
  return b;
}

export function sys_msgctl(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const msqid = a.int(0),
    cmd = a.int(1),
    buf = a.ulong(2);
  const ids = msgIds(k);
  if (msqid < 0 || cmd < 0) return -EINVAL;
  // IPC_SET is msg's own (msg_qbytes); the other shared commands are the common ones.
  if (cmd !== IPC_SET) {
    const common = ipcctlCommon(k, t, ids, msqid, cmd, buf, {
      stat: MSG_STAT,
      statAny: MSG_STAT_ANY,
      size: MSQID_DS_SIZE,
      put: (q) => putMsqid(k, q),
      remove: (q) => freeQueue(k, q),
    });
    if (common !== undefined) return common;
  }
  switch (cmd) {
    case IPC_INFO:
    case MSG_INFO: {
      const b = new Uint8Array(MSGINFO_SIZE);
      const dv = new DataView(b.buffer);
      let msgs = 0,
        bytes = 0;
      for (const q of ids.all()) {
        msgs += q.messages.length;
        bytes += q.cbytes;
      }
      dv.setInt32(0, cmd === MSG_INFO ? ids.inUse : MSGPOOL, true);
      dv.setInt32(4, cmd === MSG_INFO ? msgs : MSGMAP, true);
      dv.setInt32(8, msgMax.get(k), true);
      dv.setInt32(12, msgMnb.get(k), true);
      dv.setInt32(16, msgMni.get(k), true);
      dv.setInt32(20, MSGSSZ, true);
      dv.setInt32(24, cmd === MSG_INFO ? bytes : MSGTQL, true);
      dv.setUint16(28, MSGSEG, true);
      const e = copyOut(t, buf, b);
      return e || Math.max(ids.maxIdx(), 0);
    }
    case IPC_SET: {
      const b = t.mm.read(buf, MSQID_DS_SIZE);
      if (!b) return -EFAULT;
      const q = ids.obtain(msqid);
      if (!q) return -EINVAL;
      const e = ownerOrCapable(t, q);
      if (e) return e;
      const dv = new DataView(b.buffer);
      const qbytes = Number(dv.getBigUint64(IPC64_PERM_SIZE + 40, true));
      // Raising msg_qbytes past msgmnb takes CAP_SYS_RESOURCE.
      if (qbytes > msgMnb.get(k) && !capable(t, CAP_SYS_RESOURCE)) return -EPERM;
      const u = updatePerm(dv, 0, q);
      if (u) return u;
      q.qbytes = qbytes;
      q.ctime = nowSec(k);
      // More room may let a sender in.
      q.senders.wakeAll();
      return 0;
    }
    default:
      return -EINVAL;
  }
}
