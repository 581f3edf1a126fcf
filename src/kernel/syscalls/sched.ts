// Scheduling attributes: nice values (getpriority/setpriority), policies and
// real-time priorities (sched_*), and I/O priorities (ioprio_*), stored per
// task with Linux's validation and permission rules (kernel/sys.c,
// kernel/sched/syscalls.c, block/ioprio.c). Changes go through the run
// queue (sched/core.ts) so the task moves class or re-weights at once.
import { capable, CAP_SYS_NICE } from '../security/commoncap.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { E2BIG, EACCES, EBUSY, EFAULT, EINVAL, EPERM, ESRCH } from '../errno.js';
import { RLIMIT_NICE, RLIMIT_RTPRIO } from '../sched/threadgroup.js';
import { SCHED_NORMAL, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE } from '../sched/attrs.js';
import { StructWriter } from './uaccess.js';
import { toRatio } from '../sched/deadline.js';
import { rrTimeslice } from '../sched/rt.js';
import { schedDlPeriodMaxUs, schedDlPeriodMinUs } from '../sysctl/kernel.js';
import { setAffinity } from '../sched/smp.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';

const PRIO_PROCESS = 0,
  PRIO_PGRP = 1,
  PRIO_USER = 2;
const SCHED_RESET_ON_FORK = 0x40000000;
const MAX_RT_PRIO = 100;

/** CAP_SYS_NICE: root has every capability in this kernel. */
const capNice = (t: Task) => capable(t.cred, CAP_SYS_NICE);

const isRt = (p: number) => p === SCHED_FIFO || p === SCHED_RR;
const isFair = (p: number) => p === SCHED_NORMAL || p === SCHED_BATCH || p === SCHED_IDLE;

/** can_nice: lowering the nice value is bounded by RLIMIT_NICE (20 - nice) without CAP_SYS_NICE. */
function canNice(caller: Task, target: Task, nice: number): boolean {
  return BigInt(20 - nice) <= target.tg.rlimits[RLIMIT_NICE][0] || capNice(caller);
}

/** The live tasks a (which, who) pair names; null for a bad `which`. */
function tasksFor(k: Kernel, t: Task, which: number, who: number): Task[] | null {
  const live = [...k.pids.tasks()];
  switch (which) {
    case PRIO_PROCESS: {
      const x = who === 0 ? t : k.pids.findTask(who);
      return x ? [x] : [];
    }
    case PRIO_PGRP: {
      const g = who === 0 ? t.tg.pgid : who;
      return live.filter((x) => x.tg.pgid === g);
    }
    case PRIO_USER: {
      const u = who === 0 ? t.cred.uid : who >>> 0;
      return live.filter((x) => x.cred.uid === u);
    }
    default:
      return null;
  }
}

/** The raw syscall returns 20 - nice (1..40) so that no success looks like an error. */
export function sys_getpriority(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const which = a.int(0),
    who = a.int(1);
  const ts = tasksFor(k, t, which, who);
  if (!ts) return -EINVAL;
  if (!ts.length) return -ESRCH;
  return Math.max(...ts.map((x) => 20 - x.nice));
}

export function sys_setpriority(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const which = a.int(0),
    who = a.int(1);
  const nice = Math.max(-20, Math.min(19, a.int(2)));
  const ts = tasksFor(k, t, which, who);
  if (!ts) return -EINVAL;
  let err = -ESRCH;
  for (const p of ts) {
    if (p.cred.uid !== t.cred.euid && p.cred.euid !== t.cred.euid && !capNice(t)) {
      err = -EPERM;
      continue;
    }
    if (nice < p.nice && !canNice(t, p, nice)) {
      err = -EACCES;
      continue;
    }
    if (err === -ESRCH) err = 0;
    k.rqOf(p).change(p, () => {
      p.nice = nice;
    });
  }
  return err;
}

function taskOrSelf(k: Kernel, t: Task, pid: number): Task | null {
  return pid === 0 ? t : (k.pids.findTask(pid) ?? null);
}

interface SchedAttr {
  policy: number;
  flags: number;
  nice: number;
  priority: number;
  runtime: bigint;
  deadline: bigint;
  period: bigint;
}

const SCHED_FLAG_RESET_ON_FORK = 1,
  SCHED_FLAG_KEEP_POLICY = 8,
  SCHED_FLAG_KEEP_PARAMS = 0x10,
  SCHED_FLAG_UTIL_CLAMP = 0x60,
  SCHED_FLAG_ALL = 0x7f,
  SCHED_FLAG_SUGOV = 0x10000000;
const SETPARAM_POLICY = -1;

/** __checkparam_dl: runtime at least 2^10 ns, runtime <= deadline <= period, period within the sysctl bounds. */
function dlValid(k: Kernel, a: SchedAttr): boolean {
  if (a.deadline === 0n || a.runtime < 1024n) return false;
  if ((a.deadline | a.period) & (1n << 63n)) return false;
  const period = a.period || a.deadline;
  const min = BigInt(schedDlPeriodMinUs.get(k)) * 1000n,
    max = BigInt(schedDlPeriodMaxUs.get(k)) * 1000n;
  if (period < min || period > max) return false;
  return a.runtime <= a.deadline && a.deadline <= period;
}

/** __sched_setscheduler: validate, check permission, store. */
function setScheduler(k: Kernel, t: Task, p: Task, a: SchedAttr, user: boolean): number {
  let policy = a.policy;
  const reset = (a.flags & SCHED_FLAG_RESET_ON_FORK) !== 0;
  if (policy === SETPARAM_POLICY) policy = p.policy;
  else if (!isFair(policy) && !isRt(policy) && policy !== SCHED_DEADLINE) return -EINVAL;
  if (a.flags & ~(SCHED_FLAG_ALL | SCHED_FLAG_SUGOV)) return -EINVAL;
  if (a.priority > MAX_RT_PRIO - 1) return -EINVAL;
  if ((policy === SCHED_DEADLINE && !dlValid(k, a)) || isRt(policy) !== (a.priority !== 0)) return -EINVAL;
  if (user && !capNice(t)) {
    if (isFair(policy) && a.nice < p.nice && !canNice(t, p, a.nice)) return -EPERM;
    if (isRt(policy)) {
      const lim = p.tg.rlimits[RLIMIT_RTPRIO][0];
      if (policy !== p.policy && lim === 0n) return -EPERM;
      if (a.priority > p.rtPriority && BigInt(a.priority) > lim) return -EPERM;
    }
    if (policy === SCHED_DEADLINE) return -EPERM;
    // Leaving SCHED_IDLE needs the right to the current nice level.
    if (p.policy === SCHED_IDLE && policy !== SCHED_IDLE && !canNice(t, p, p.nice)) return -EPERM;
    if (p.cred.uid !== t.cred.euid && p.cred.euid !== t.cred.euid) return -EPERM;
    if (p.resetOnFork && !reset) return -EPERM;
  }
  // sched_dl_overflow: admission control of the deadline bandwidth.
  const rq = k.rqOf(p),
    dl = rq.dl;
  let newBw = 0,
    period = 0;
  if (policy === SCHED_DEADLINE) {
    // A deadline task must be free to run on every CPU of its root domain.
    const all = k.runqueues.length >= 32 ? 0xffffffff : 2 ** k.runqueues.length - 1;
    if ((p.cpusAllowed & all) >>> 0 !== all >>> 0) return -EPERM;
    period = Number(a.period || a.deadline);
    newBw = toRatio(period, Number(a.runtime));
    if (newBw !== p.se.dlBw && dl.overflow(rq, p.se.dlBw, newBw)) return -EBUSY;
  }
  rq.change(p, () => {
    if (p.policy === SCHED_DEADLINE) dl.releaseBw(p);
    p.policy = policy;
    p.rtPriority = isRt(policy) ? a.priority : 0;
    if (isFair(policy)) p.nice = a.nice;
    if (policy === SCHED_DEADLINE) {
      const se = p.se;
      se.dlRuntime = Number(a.runtime);
      se.dlDeadline = Number(a.deadline);
      se.dlPeriod = period;
      se.dlBw = newBw;
      dl.totalBw += newBw;
      se.absDeadline = 0;
      se.runtime = 0; // a new period starts when it is queued
    }
  });
  p.resetOnFork = reset;
  return 0;
}

/** sched_setscheduler and sched_setparam: a struct sched_param { int sched_priority; }. */
function setSchedulerCall(k: Kernel, t: Task, pid: number, policy: number, paramAddr: number): number {
  if (!paramAddr || pid < 0) return -EINVAL;
  const prio = t.mm.readU32(paramAddr);
  if (prio === null) return -EFAULT;
  const p = taskOrSelf(k, t, pid);
  if (!p) return -ESRCH;
  let flags = 0;
  if (policy !== SETPARAM_POLICY) {
    if (policy < 0) return -EINVAL;
    if (policy & SCHED_RESET_ON_FORK) {
      flags |= SCHED_FLAG_RESET_ON_FORK;
      policy &= ~SCHED_RESET_ON_FORK;
    }
    if (policy === SCHED_DEADLINE) return -EINVAL;
  } else if (p.resetOnFork) flags |= SCHED_FLAG_RESET_ON_FORK;
  const a: SchedAttr = { policy, flags, nice: p.nice, priority: prio | 0, runtime: 0n, deadline: 0n, period: 0n };
  if (a.priority < 0) return -EINVAL;
  return setScheduler(k, t, p, a, true);
}

export function sys_sched_setscheduler(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setSchedulerCall(k, t, a.int(0), a.int(1), a.ulong(2));
}
export function sys_sched_setparam(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setSchedulerCall(k, t, a.int(0), SETPARAM_POLICY, a.ulong(1));
}

export function sys_sched_getscheduler(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0);
  if (pid < 0) return -EINVAL;
  const p = taskOrSelf(k, t, pid);
  if (!p) return -ESRCH;
  return p.policy | (p.resetOnFork ? SCHED_RESET_ON_FORK : 0);
}

export function sys_sched_getparam(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0),
    addr = a.ulong(1);
  if (!addr || pid < 0) return -EINVAL;
  const p = taskOrSelf(k, t, pid);
  if (!p) return -ESRCH;
  return t.mm.writeU32(addr, isRt(p.policy) ? p.rtPriority : 0) ? 0 : -EFAULT;
}

export function sys_sched_get_priority_max(_k: Kernel, _t: Task, a: SyscallArgs): SyscallResult {
  const p = a.int(0);
  return isRt(p) ? MAX_RT_PRIO - 1 : isFair(p) || p === SCHED_DEADLINE ? 0 : -EINVAL;
}
export function sys_sched_get_priority_min(_k: Kernel, _t: Task, a: SyscallArgs): SyscallResult {
  const p = a.int(0);
  return isRt(p) ? 1 : isFair(p) || p === SCHED_DEADLINE ? 0 : -EINVAL;
}

export function sys_sched_rr_get_interval(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0);
  if (pid < 0) return -EINVAL;
  const p = taskOrSelf(k, t, pid);
  if (!p) return -ESRCH;
  const ns = p.policy === SCHED_RR ? rrTimeslice(k.rqOf(p)) : 0;
  return t.mm.write(a.ulong(1), new StructWriter(16).i64(0, Math.floor(ns / 1e9)).i64(8, ns % 1e9).buf) ? 0 : -EFAULT;
}

/** struct sched_attr: VER0 is 48 bytes, VER1 (utilization clamps) 56. */
const SCHED_ATTR_SIZE_VER0 = 48,
  SCHED_ATTR_SIZE = 56;

export function sys_sched_setattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0),
    addr = a.ulong(1),
    flags = a.int(2);
  if (!addr || pid < 0 || flags) return -EINVAL;
  const sizeRaw = t.mm.readU32(addr);
  if (sizeRaw === null) return -EFAULT;
  const size = sizeRaw || SCHED_ATTR_SIZE_VER0;
  if (size < SCHED_ATTR_SIZE_VER0 || size > 4096) {
    return t.mm.writeU32(addr, SCHED_ATTR_SIZE) ? -E2BIG : -EFAULT;
  }
  const b = t.mm.read(addr, size);
  if (!b) return -EFAULT;
  // A newer, larger struct is fine only if the fields we do not know are zero.
  if (b.subarray(SCHED_ATTR_SIZE).some((x) => x !== 0)) return t.mm.writeU32(addr, SCHED_ATTR_SIZE) ? -E2BIG : -EFAULT;
  const dv = new DataView(b.buffer);
  const attr: SchedAttr = {
    policy: dv.getInt32(4, true),
    flags: Number(dv.getBigUint64(8, true) & 0xffffffffn) + (dv.getUint32(12, true) ? 2 ** 32 : 0),
    nice: Math.max(-20, Math.min(19, dv.getInt32(16, true))),
    priority: dv.getUint32(20, true),
    runtime: dv.getBigUint64(24, true),
    deadline: dv.getBigUint64(32, true),
    period: dv.getBigUint64(40, true),
  };
  if (attr.flags & SCHED_FLAG_UTIL_CLAMP && size < SCHED_ATTR_SIZE) return -EINVAL;
  if (attr.policy < 0) return -EINVAL;
  if (attr.flags & SCHED_FLAG_KEEP_POLICY) attr.policy = SETPARAM_POLICY;
  const p = taskOrSelf(k, t, pid);
  if (!p) return -ESRCH;
  if (attr.flags & SCHED_FLAG_KEEP_PARAMS) {
    attr.nice = p.nice;
    attr.priority = p.rtPriority;
  }
  if (attr.flags > 0xffffffff) return -EINVAL;
  return setScheduler(k, t, p, attr, true);
}

export function sys_sched_getattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0),
    addr = a.ulong(1),
    usize = a.int(2) >>> 0,
    flags = a.int(3);
  if (!addr || pid < 0 || usize > 4096 || usize < SCHED_ATTR_SIZE_VER0 || flags) return -EINVAL;
  const p = taskOrSelf(k, t, pid);
  if (!p) return -ESRCH;
  const n = Math.min(usize, SCHED_ATTR_SIZE);
  const w = new StructWriter(SCHED_ATTR_SIZE)
    .u32(0, n)
    .u32(4, p.policy)
    .u64(8, p.resetOnFork ? SCHED_FLAG_RESET_ON_FORK : 0);
  if (isFair(p.policy)) w.i32(16, p.nice);
  if (isRt(p.policy)) w.u32(20, p.rtPriority);
  if (p.policy === SCHED_DEADLINE) w.u64(24, p.se.dlRuntime).u64(32, p.se.dlDeadline).u64(40, p.se.dlPeriod);
  return t.mm.write(addr, w.buf.subarray(0, n)) ? 0 : -EFAULT;
}

// ---- I/O priorities: class << 13 | level ----
const IOPRIO_WHO_PROCESS = 1,
  IOPRIO_WHO_PGRP = 2,
  IOPRIO_WHO_USER = 3;
const IOPRIO_CLASS_NONE = 0,
  IOPRIO_CLASS_RT = 1,
  IOPRIO_CLASS_BE = 2,
  IOPRIO_CLASS_IDLE = 3;

/** ioprio_check_cap. */
function ioprioCheck(t: Task, ioprio: number): number {
  const cls = (ioprio >> 13) & 7,
    level = ioprio & 7;
  if (ioprio & ~0xffff) return -EINVAL;
  switch (cls) {
    case IOPRIO_CLASS_RT:
      if (!capNice(t)) return -EPERM;
      return 0;
    case IOPRIO_CLASS_BE:
    case IOPRIO_CLASS_IDLE:
      return 0;
    case IOPRIO_CLASS_NONE:
      return level ? -EINVAL : 0;
    default:
      return -EINVAL;
  }
}

function ioTasks(k: Kernel, t: Task, which: number, who: number): Task[] | null {
  switch (which) {
    case IOPRIO_WHO_PROCESS:
      return tasksFor(k, t, PRIO_PROCESS, who);
    case IOPRIO_WHO_PGRP:
      return tasksFor(k, t, PRIO_PGRP, who);
    case IOPRIO_WHO_USER:
      return tasksFor(k, t, PRIO_USER, who);
    default:
      return null;
  }
}

export function sys_ioprio_set(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const which = a.int(0),
    who = a.int(1),
    ioprio = a.int(2);
  const c = ioprioCheck(t, ioprio);
  if (c < 0) return c;
  const ts = ioTasks(k, t, which, who);
  if (!ts) return -EINVAL;
  let err = -ESRCH;
  for (const p of ts) {
    if (p.cred.uid !== t.cred.euid && p.cred.uid !== t.cred.uid && !capNice(t)) {
      err = -EPERM;
      continue;
    }
    p.ioprio = ioprio;
    if (err === -ESRCH) err = 0;
  }
  return err;
}

export function sys_ioprio_get(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const which = a.int(0),
    who = a.int(1);
  const ts = ioTasks(k, t, which, who);
  if (!ts) return -EINVAL;
  if (!ts.length) return -ESRCH;
  return Math.min(...ts.map((x) => x.ioprio));
}

/** cpumask_size(): the kernel's mask is whole longs, 8 bytes for up to 64 CPUs. */
const CPUMASK_SIZE = 8;
const onlineMask = (k: Kernel) => (k.runqueues.length >= 32 ? 0xffffffff : 2 ** k.runqueues.length - 1);

export function sys_sched_setaffinity(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const len = a.ulong(1);
  // get_user_cpu_mask: a short mask is zero-extended, a long one cut to cpumask_size().
  const b = new Uint8Array(CPUMASK_SIZE);
  const n = Math.min(len, CPUMASK_SIZE);
  if (n > 0) {
    const src = t.mm.read(a.ulong(2), n);
    if (!src) return -EFAULT;
    b.set(src);
  }
  const p = taskOrSelf(k, t, a.int(0));
  if (!p) return -ESRCH;
  if (p.cred.uid !== t.cred.euid && p.cred.euid !== t.cred.euid && !capNice(t)) return -EPERM;
  const mask = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) & onlineMask(k);
  if (!mask) return -EINVAL;
  // A deadline task keeps the whole root domain (dl_task_check_affinity).
  if (p.policy === SCHED_DEADLINE && mask >>> 0 !== onlineMask(k) >>> 0) return -EBUSY;
  setAffinity(k, p, mask);
  return 0;
}

export function sys_sched_getaffinity(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const len = a.ulong(1);
  if (len * 8 < k.runqueues.length || len & 7) return -EINVAL;
  const p = taskOrSelf(k, t, a.int(0));
  if (!p) return -ESRCH;
  const mask = (p.cpusAllowed & onlineMask(k)) >>> 0;
  const b = new StructWriter(CPUMASK_SIZE).u32(0, mask).buf;
  return t.mm.write(a.ulong(2), b) ? CPUMASK_SIZE : -EFAULT;
}

/** The running task goes to the back of its class's queue (the class's yield_task). */
export function sys_sched_yield(k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  k.yieldTask(t);
  return 0;
}
