// System V semaphores (Linux's ipc/sem.c): arrays of counters changed by
// atomic operation vectors (semop, semtimedop), with SEM_UNDO adjustments a
// process gives back when it exits, and semctl's commands.
import { NR } from '../syscalls/nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { ThreadGroup } from '../sched/threadgroup.js';
import { WaitQueue } from '../sched/waitqueue.js';
import { E2BIG, EACCES, EAGAIN, EFAULT, EFBIG, EIDRM, EINVAL, ENOMEM, ENOSPC, ERANGE } from '../errno.js';
import { knobSem, semNextId } from '../sysctl/kernel.js';
import {
  IPC_INFO,
  IPC_NOWAIT,
  MAX_KERNEL_ALLOC,
  IPC64_PERM_SIZE,
  IpcIds,
  KernIpcPerm,
  S_IRUGO,
  S_IRWXUGO,
  S_IWUGO,
  copyOut,
  ipcctlCommon,
  ipcSleep,
  ipcget,
  ipcperms,
  nowSec,
  nsState,
  putIpc64Perm,
  sleptOn,
  tgidOf,
} from './util.js';
import type { SyscallArgs } from '../syscalls/args.js';
import type { SyscallResult } from '../syscalls/result.js';

export const SEM_UNDO = 0x1000;
const GETPID = 11,
  GETVAL = 12,
  GETALL = 13,
  GETNCNT = 14,
  GETZCNT = 15,
  SETVAL = 16,
  SETALL = 17;
const SEM_STAT = 18,
  SEM_INFO = 19,
  SEM_STAT_ANY = 20;
/** SEMVMX (largest value), SEMAEM (largest adjust-on-exit), SEMUSZ and the other fixed figures of IPC_INFO. */
export const SEMVMX = 32767,
  SEMAEM = SEMVMX;
const SEMUSZ = 20;
const SEMID_DS_SIZE = 88,
  SEMINFO_SIZE = 40;

/** kernel.sem: SEMMSL, SEMMNS, SEMOPM, SEMMNI. */
const limits = (k: Kernel) => {
  const [msl, mns, opm, mni] = knobSem.get(k);
  return { msl, mns, opm, mni };
};

interface SemOp {
  num: number;
  op: number;
  flg: number;
}

export class SemArray extends KernIpcPerm {
  readonly vals: Int32Array;
  readonly pids: Int32Array;
  otime = 0;
  ctime: number;
  /** Every sleeper re-tries when any value changes. */
  readonly waiters = new WaitQueue();
  /** What each sleeper blocks on (GETNCNT, GETZCNT count these). */
  readonly blocking = new Map<Task, SemOp>();
  /** SEM_UNDO adjustments per process. */
  readonly undo = new Map<ThreadGroup, Int32Array>();
  constructor(
    k: Kernel,
    t: Task,
    key: number,
    flg: number,
    readonly nsems: number,
  ) {
    super(key, flg & S_IRWXUGO, t);
    this.vals = new Int32Array(nsems);
    this.pids = new Int32Array(nsems);
    this.ctime = nowSec(k);
  }
}

export interface SemNs {
  ids: IpcIds<SemArray>;
  usedSems: number;
}
export const semNs = (k: Kernel): SemNs =>
  nsState(k, 'sem', () => {
    // exit_sem: a dying process's adjustments go back into the arrays.
    k.exitHooks.push((tg) => exitSem(k, tg));
    return { ids: new IpcIds<SemArray>(), usedSems: 0 };
  });

function exitSem(k: Kernel, tg: ThreadGroup): void {
  for (const s of semNs(k).ids.all()) {
    const adj = s.undo.get(tg);
    if (!adj) continue;
    s.undo.delete(tg);
    for (let i = 0; i < s.nsems; i++) {
      if (!adj[i]) continue;
      s.vals[i] = Math.min(SEMVMX, Math.max(0, s.vals[i] + adj[i]));
      s.pids[i] = tg.tgid;
    }
    s.waiters.wakeAll();
  }
}

function freeArray(k: Kernel, s: SemArray): void {
  const ns = semNs(k);
  ns.ids.remove(s);
  ns.usedSems -= s.nsems;
  s.undo.clear();
  s.waiters.wakeAll();
}

export function sys_semget(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const key = a.int(0),
    nsems = a.int(1),
    flg = a.int(2);
  const ns = semNs(k);
  const lim = limits(k);
  if (nsems < 0 || nsems > lim.msl) return -EINVAL;
  return ipcget(t, ns.ids, key, flg, {
    create: () => {
      if (!nsems) return -EINVAL;
      if (ns.usedSems + nsems > lim.mns) return -ENOSPC;
      if (nsems * 8 > MAX_KERNEL_ALLOC) return -ENOMEM;
      const id = ns.ids.add(new SemArray(k, t, key, flg, nsems), lim.mni, semNextId, k);
      if (id >= 0) ns.usedSems += nsems;
      return id;
    },
    moreChecks: (s) => (nsems > s.nsems ? -EINVAL : 0),
  });
}

/** perform_atomic_semop: all operations or none. 0 done, 1 would block (blocking op in `at`), or -ERANGE. */
function tryOps(s: SemArray, ops: SemOp[], adj: Int32Array | null, pid: number, at: { op?: SemOp }): number {
  const vals = Int32Array.from(s.vals);
  const undo = adj ? Int32Array.from(adj) : null;
  for (const o of ops) {
    const cur = vals[o.num];
    const res = cur + o.op;
    if ((o.op === 0 && cur !== 0) || res < 0) {
      at.op = o;
      return 1;
    }
    if (res > SEMVMX) return -ERANGE;
    if (o.flg & SEM_UNDO && undo) {
      const u = undo[o.num] - o.op;
      if (u < -SEMAEM - 1 || u > SEMAEM) return -ERANGE;
      undo[o.num] = u;
    }
    vals[o.num] = res;
  }
  s.vals.set(vals);
  if (adj && undo) adj.set(undo);
  for (const o of ops) s.pids[o.num] = pid;
  return 0;
}

function semtimedop(k: Kernel, t: Task, nr: number, semid: number, sopsAddr: number, nsops: number, tsAddr: number): SyscallResult {
  const slept = sleptOn(t, nr, SemArray);
  if (slept) {
    slept.blocking.delete(t);
    if (slept.deleted) return -EIDRM;
  }
  if (nsops < 1 || semid < 0) return -EINVAL;
  if (nsops > limits(k).opm) return -E2BIG;
  if (nsops * 6 > MAX_KERNEL_ALLOC) return -ENOMEM;
  const raw = t.mm.read(sopsAddr, nsops * 6);
  if (!raw) return -EFAULT;
  let deadline: number | undefined;
  if (tsAddr) {
    const ts = t.mm.read(tsAddr, 16);
    if (!ts) return -EFAULT;
    const dv = new DataView(ts.buffer);
    const sec = dv.getBigInt64(0, true),
      nsec = dv.getBigInt64(8, true);
    if (sec < 0n || nsec < 0n || nsec >= 1000000000n) return -EINVAL;
    deadline = k.clock.monotonic() + Number(sec) * 1e9 + Number(nsec);
  }
  const dv = new DataView(raw.buffer);
  const ops: SemOp[] = [];
  let max = 0,
    undos = false,
    alter = false;
  for (let i = 0; i < nsops; i++) {
    const o = { num: dv.getUint16(i * 6, true), op: dv.getInt16(i * 6 + 2, true), flg: dv.getInt16(i * 6 + 4, true) };
    ops.push(o);
    if (o.num > max) max = o.num;
    if (o.flg & SEM_UNDO) undos = true;
    if (o.op !== 0) alter = true;
  }
  const s = semNs(k).ids.obtain(semid);
  if (!s) return -EINVAL;
  if (max >= s.nsems) return -EFBIG;
  if (!ipcperms(t, s, alter ? S_IWUGO : S_IRUGO)) return -EACCES;
  let adj: Int32Array | null = null;
  if (undos) {
    adj = s.undo.get(t.tg) ?? null;
    if (!adj) {
      adj = new Int32Array(s.nsems);
      s.undo.set(t.tg, adj);
    }
  }
  const at: { op?: SemOp } = {};
  const r = tryOps(s, ops, adj, tgidOf(k), at);
  if (r === 0) {
    s.otime = nowSec(k);
    if (alter) s.waiters.wakeAll();
    return 0;
  }
  if (r < 0) return r;
  if (at.op!.flg & IPC_NOWAIT) return -EAGAIN;
  // semtimedop's timeout ends the wait with EAGAIN.
  const until = t.sys?.kind === 'ipc' && t.sys.nr === nr && t.sys.deadline !== undefined ? t.sys.deadline : deadline;
  if (until !== undefined && k.clock.monotonic() >= until) return -EAGAIN;
  s.blocking.set(t, at.op!);
  k.onInterrupt.set(t, () => {
    s.blocking.delete(t);
  });
  return ipcSleep(k, t, nr, s, s.waiters, deadline);
}

export function sys_semop(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return semtimedop(k, t, NR.semop, a.int(0), a.ulong(1), a.ulong(2), 0);
}
export function sys_semtimedop(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return semtimedop(k, t, NR.semtimedop, a.int(0), a.ulong(1), a.ulong(2), a.ulong(3));
}

/** GETNCNT/GETZCNT: sleepers whose blocking operation waits on semnum (an increase, or zero). */
function countWaiters(s: SemArray, num: number, zero: boolean): number {
  let n = 0;
  for (const [w, o] of s.blocking) {
    if (w.state !== 'S' || w.sys?.kind !== 'ipc' || w.sys.obj !== s) continue;
    if (o.num === num && (zero ? o.op === 0 : o.op < 0)) n++;
  }
  return n;
}

function putSemid(s: SemArray): Uint8Array {
  const b = new Uint8Array(SEMID_DS_SIZE);
  const dv = new DataView(b.buffer);
  putIpc64Perm(dv, 0, s);
  dv.setBigInt64(IPC64_PERM_SIZE, BigInt(s.otime), true);
  dv.setBigInt64(IPC64_PERM_SIZE + 8, BigInt(s.ctime), true);
  dv.setBigUint64(IPC64_PERM_SIZE + 16, BigInt(s.nsems), true);
  return b;
}

/** A value is set directly: the adjustments of every process for it are void (SETVAL, SETALL). */
function clearUndo(s: SemArray, num: number | null): void {
  for (const adj of s.undo.values()) {
    if (num === null) adj.fill(0);
    else adj[num] = 0;
  }
}

export function sys_semctl(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const semid = a.int(0),
    semnum = a.int(1),
    cmd = a.int(2),
    arg = a.ulong(3);
  const ns = semNs(k);
  if (semid < 0) return -EINVAL;
  const common = ipcctlCommon(k, t, ns.ids, semid, cmd, arg, {
    stat: SEM_STAT,
    statAny: SEM_STAT_ANY,
    size: SEMID_DS_SIZE,
    put: putSemid,
    remove: (s) => freeArray(k, s),
  });
  if (common !== undefined) return common;
  switch (cmd) {
    case IPC_INFO:
    case SEM_INFO: {
      const lim = limits(k);
      const b = new Uint8Array(SEMINFO_SIZE);
      const dv = new DataView(b.buffer);
      // semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem
      const semmns = lim.mni * lim.msl;
      const v = [
        semmns,
        lim.mni,
        lim.mns,
        semmns,
        lim.msl,
        lim.opm,
        lim.opm,
        cmd === SEM_INFO ? ns.ids.inUse : SEMUSZ,
        SEMVMX,
        cmd === SEM_INFO ? ns.usedSems : SEMAEM,
      ];
      v.forEach((x, i) => dv.setInt32(i * 4, x, true));
      const e = copyOut(t, arg, b);
      return e || Math.max(ns.ids.maxIdx(), 0);
    }
    case SETVAL: {
      const val = a.int(3);
      if (val > SEMVMX || val < 0) return -ERANGE;
      const s = ns.ids.obtain(semid);
      if (!s) return -EINVAL;
      if (semnum < 0 || semnum >= s.nsems) return -EINVAL;
      if (!ipcperms(t, s, S_IWUGO)) return -EACCES;
      clearUndo(s, semnum);
      s.vals[semnum] = val;
      s.pids[semnum] = tgidOf(k);
      s.ctime = nowSec(k);
      s.waiters.wakeAll();
      return 0;
    }
    case GETALL:
    case SETALL:
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT: {
      const s = ns.ids.obtain(semid);
      if (!s) return -EINVAL;
      if (!ipcperms(t, s, cmd === SETALL ? S_IWUGO : S_IRUGO)) return -EACCES;
      if (cmd === GETALL) {
        const b = new Uint8Array(s.nsems * 2);
        const dv = new DataView(b.buffer);
        for (let i = 0; i < s.nsems; i++) dv.setUint16(i * 2, s.vals[i], true);
        return copyOut(t, arg, b);
      }
      if (cmd === SETALL) {
        const b = t.mm.read(arg, s.nsems * 2);
        if (!b) return -EFAULT;
        const dv = new DataView(b.buffer);
        for (let i = 0; i < s.nsems; i++) if (dv.getUint16(i * 2, true) > SEMVMX) return -ERANGE;
        clearUndo(s, null);
        const pid = tgidOf(k);
        for (let i = 0; i < s.nsems; i++) {
          s.vals[i] = dv.getUint16(i * 2, true);
          s.pids[i] = pid;
        }
        s.ctime = nowSec(k);
        s.waiters.wakeAll();
        return 0;
      }
      if (semnum < 0 || semnum >= s.nsems) return -EINVAL;
      if (cmd === GETVAL) return s.vals[semnum];
      if (cmd === GETPID) return s.pids[semnum];
      return countWaiters(s, semnum, cmd === GETZCNT);
    }
    default:
      return -EINVAL;
  }
}
