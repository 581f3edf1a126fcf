// Signal system calls: sigaction, masks, kill, sigreturn, sigaltstack, sigsuspend.
import { capable, CAP_KILL } from '../security/commoncap.js';
import { getCpuItimer, setCpuItimer } from '../time/posix-cpu-timers.js';
import { BLOCKED, NORETURN, type SyscallResult } from './result.js';
import { NR } from './nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EFAULT, EINVAL, EPERM, ESRCH, ENOMEM, EAGAIN } from '../errno.js';
import { SIGKILL, SIGSTOP, UNBLOCKABLE, SI_USER, SI_TKILL, NSIG, SIGSEGV, SIGCHLD, SIG_IGN } from '../signal/signals.js';
import { sendSignal, sigreturn, dequeue } from '../signal/deliver.js';
import { writeSigInfo } from '../signal/siginfo.js';
import type { SigInfo } from '../signal/signals.js';
import { StructWriter } from './uaccess.js';
import { reap } from '../sched/exit.js';
import type { SyscallArgs } from './args.js';

export function sys_rt_sigaction(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const sig = a.int(0),
    actAddr = a.ulong(1),
    oldAddr = a.ulong(2),
    size = a.ulong(3);
  if (size !== 8) return -EINVAL;
  if (sig < 1 || sig > NSIG) return -EINVAL;
  if (actAddr && (sig === SIGKILL || sig === SIGSTOP)) return -EINVAL;
  const act = t.sighand.actions[sig];
  // struct sigaction on riscv64 has no sa_restorer (no SA_RESTORER): handler, flags, mask.
  let next = null;
  if (actAddr) {
    const b = t.mm.read(actAddr, 24);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    next = {
      handler: Number(dv.getBigUint64(0, true)),
      flags: Number(dv.getBigUint64(8, true) & 0xffffffffn),
      restorer: 0,
      mask: dv.getBigUint64(16, true) & ~UNBLOCKABLE,
    };
  }
  if (oldAddr) {
    const w = new StructWriter(24);
    w.u64(0, act.handler)
      .u64(8, act.flags >>> 0)
      .u64(16, act.mask);
    if (!t.mm.write(oldAddr, w.buf)) return -EFAULT;
  }
  if (next) {
    Object.assign(act, next);
    // Setting SIG_IGN discards pending instances (POSIX); SIGCHLD ignored reaps zombies.
    if (next.handler === SIG_IGN) {
      const bit = 1n << BigInt(sig - 1);
      t.tg.pending &= ~bit;
      for (const x of t.tg.tasks) x.pending &= ~bit;
      if (sig === SIGCHLD) for (const c of [...t.tg.children]) if (c.zombie) reap(k, c, false);
    }
  }
  return 0;
}

export function sys_rt_sigprocmask(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const how = a.int(0),
    setAddr = a.ulong(1),
    oldAddr = a.ulong(2),
    size = a.ulong(3);
  if (size !== 8) return -EINVAL;
  let set: bigint | null = null;
  if (setAddr) {
    set = t.mm.readU64(setAddr);
    if (set === null) return -EFAULT;
  }
  const old = t.blocked;
  if (set !== null) {
    if (how === 0) t.blocked |= set;
    else if (how === 1) t.blocked &= ~set;
    else if (how === 2) t.blocked = set;
    else return -EINVAL;
    t.blocked &= ~UNBLOCKABLE;
  }
  if (oldAddr && !t.mm.writeU64(oldAddr, old)) return -EFAULT;
  return 0;
}

export function sys_rt_sigpending(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (a.ulong(1) !== 8) return -EINVAL;
  return t.mm.writeU64(a.ulong(0), (t.pending | t.tg.pending) & t.blocked) ? 0 : -EFAULT;
}

export function sys_rt_sigreturn(k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  if (!sigreturn(k, t)) {
    k.exitTask(t, SIGSEGV, true);
  }
  return NORETURN;
}

export function sys_rt_sigsuspend(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (a.ulong(1) !== 8) return -EINVAL;
  if (t.sys?.kind !== 'sigsuspend') {
    const m = t.mm.readU64(a.ulong(0));
    if (m === null) return -EFAULT;
    t.savedMask = t.blocked;
    t.blocked = m & ~UNBLOCKABLE;
    t.sys = { kind: 'sigsuspend', nr: NR.rt_sigsuspend, restart: 'never' };
  }
  // Sleep until a signal is delivered: handleSignals makes the call fail with EINTR.
  t.sleep();
  return BLOCKED;
}

export function sys_sigaltstack(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const ssAddr = a.ulong(0),
    oldAddr = a.ulong(1);
  k.syncRegs(t);
  const sp = t.ctx.get(2);
  const onStack = t.altStack.size > 0 && sp > t.altStack.sp && sp <= t.altStack.sp + t.altStack.size;
  if (oldAddr) {
    const w = new StructWriter(24);
    w.u64(0, t.altStack.sp)
      .i32(8, onStack ? 1 : t.altStack.flags)
      .u64(16, t.altStack.size);
    if (!t.mm.write(oldAddr, w.buf)) return -EFAULT;
  }
  if (ssAddr) {
    const b = t.mm.read(ssAddr, 24);
    if (!b) return -EFAULT;
    if (onStack) return -EPERM;
    const dv = new DataView(b.buffer);
    const nsp = Number(dv.getBigUint64(0, true)),
      flags = dv.getInt32(8, true),
      size = Number(dv.getBigUint64(16, true));
    if (flags & ~(2 | (1 << 31))) return -EINVAL;
    if (flags & 2) t.altStack = { sp: 0, flags: 2, size: 0 };
    else {
      if (size < 2048) return -ENOMEM;
      t.altStack = { sp: nsp, flags: 0, size };
    }
  }
  return 0;
}

export function canSignal(sender: Task, target: Task, sig: number): boolean {
  const c = sender.cred,
    tc = target.cred;
  if (capable(c, CAP_KILL)) return true;
  if (c.euid === tc.uid || c.euid === tc.suid || c.uid === tc.uid || c.uid === tc.suid) return true;
  return sig === 18 && sender.tg.sid === target.tg.sid;
}

export function sys_kill(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0),
    sig = a.int(1);
  if (sig < 0 || sig > NSIG) return -EINVAL;
  const info = { signo: sig, code: SI_USER, pid: t.pid, uid: t.cred.uid };
  // A zombie keeps its pid until reaped: signalling it succeeds and does nothing (kill_pid_info finds it).
  // kill(-1): every process but init and the caller (kill_something_info).
  const targets = (
    pid > 0
      ? [k.pids.findProcessOf(pid)]
      : pid === -1
        ? [...k.pids.threadGroups()].filter((g) => g.tgid !== 1 && g !== t.tg)
        : k.pids.processGroup(pid === 0 ? t.tg.pgid : -pid)
  ).filter((g) => g && !g.reaped);
  if (targets.length === 0) return -ESRCH;
  let sent = 0,
    denied = 0;
  for (const g of targets) {
    if (!g) continue;
    if (!canSignal(t, g.leader, sig)) {
      denied++;
      continue;
    }
    sendSignal(k, g, { ...info });
    sent++;
  }
  return sent ? 0 : denied ? -EPERM : -ESRCH;
}

function tkill(k: Kernel, t: Task, tgid: number, tid: number, sig: number): number {
  if (tid <= 0 || sig < 0 || sig > NSIG) return -EINVAL;
  const target = k.pids.findTask(tid);
  if (!target || (tgid > 0 && target.tg.tgid !== tgid)) return -ESRCH;
  if (!canSignal(t, target, sig)) return -EPERM;
  return sig ? sendSignal(k, target.tg, { signo: sig, code: SI_TKILL, pid: t.pid, uid: t.cred.uid }, target) : 0;
}
export function sys_tkill(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return tkill(k, t, -1, a.int(0), a.int(1));
}
export function sys_tgkill(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const tg = a.int(0);
  return tg <= 0 ? -EINVAL : tkill(k, t, tg, a.int(1), a.int(2));
}

/**
 * A siginfo from user space for rt_sigqueueinfo: only negative codes other
 * than SI_TKILL may be forged, unless the caller signals itself (`self`).
 */
export function userSigInfo(t: Task, self: boolean, sig: number, addr: number): SigInfo | number {
  const b = t.mm.read(addr, 128);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const code = dv.getInt32(8, true);
  if ((code >= 0 || code === SI_TKILL) && !self) return -EPERM;
  return { signo: sig, code, errno: dv.getInt32(4, true), pid: dv.getInt32(16, true), uid: dv.getInt32(20, true), value: dv.getBigUint64(24, true) };
}

// do_rt_sigqueueinfo: the siginfo is judged before the target is looked up, the signal number last.
export function sys_rt_sigqueueinfo(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0),
    sig = a.int(1);
  const info = userSigInfo(t, pid === t.pid, sig, a.ulong(2));
  if (typeof info === 'number') return info;
  const g = k.pids.findProcessOf(pid);
  if (!g || g.zombie) return -ESRCH;
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (!canSignal(t, g.leader, sig)) return -EPERM;
  return sig ? sendSignal(k, g, info) : 0;
}

export function sys_rt_tgsigqueueinfo(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const tgid = a.int(0),
    tid = a.int(1),
    sig = a.int(2);
  if (tgid <= 0 || tid <= 0) return -EINVAL;
  const info = userSigInfo(t, tid === t.tid, sig, a.ulong(3));
  if (typeof info === 'number') return info;
  const target = k.pids.findTask(tid);
  if (!target || target.tg.tgid !== tgid) return -ESRCH;
  if (sig < 0 || sig > NSIG) return -EINVAL;
  return sig ? sendSignal(k, target.tg, info, target) : 0;
}

export function sys_rt_sigtimedwait(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (a.ulong(3) !== 8) return -EINVAL;
  const set = t.mm.readU64(a.ulong(0));
  if (set === null) return -EFAULT;
  const want = set & ~UNBLOCKABLE;
  const info = dequeue(t, want);
  if (info) {
    t.sigwait = 0n;
    const infoAddr = a.ulong(1);
    if (infoAddr) {
      const b = new Uint8Array(128);
      writeSigInfo(new DataView(b.buffer), 0, info);
      if (!t.mm.write(infoAddr, b)) return -EFAULT;
    }
    return info.signo;
  }
  const st = t.sys?.kind === 'sigtimedwait' ? t.sys : null;
  if (st && k.clock.monotonic() >= st.deadline) {
    t.sigwait = 0n;
    return -EAGAIN;
  }
  if (!st) {
    let deadline = Infinity;
    if (a.ulong(2)) {
      const b = t.mm.read(a.ulong(2), 16);
      if (!b) return -EFAULT;
      const dv = new DataView(b.buffer);
      const sec = Number(dv.getBigInt64(0, true)),
        nsec = Number(dv.getBigInt64(8, true));
      if (sec < 0 || nsec < 0 || nsec > 999999999) return -EINVAL;
      if (sec === 0 && nsec === 0) return -EAGAIN;
      deadline = k.clock.monotonic() + sec * 1e9 + nsec;
      k.timers.add(deadline, () => t.wake());
    }
    t.sys = { kind: 'sigtimedwait', nr: NR.rt_sigtimedwait, restart: 'never', deadline };
  }
  t.sigwait = want;
  t.sleep();
  return BLOCKED;
}

const ITIMER_REAL = 0,
  ITIMER_VIRTUAL = 1,
  ITIMER_PROF = 2;

function itimerBuf(interval: number, value: number): Uint8Array {
  const w = new StructWriter(32);
  w.i64(0, Math.floor(interval / 1e9)).i64(8, Math.floor((interval % 1e9) / 1000));
  w.i64(16, Math.floor(value / 1e9)).i64(24, Math.floor((value % 1e9) / 1000));
  return w.buf;
}

function itimerNow(k: Kernel, t: Task): Uint8Array {
  const it = t.tg.itimerReal;
  if (!it) return itimerBuf(0, 0);
  // A running timer never reads as zero (Linux rounds up to 1 us).
  return itimerBuf(it.interval, Math.max(1000, it.when - k.clock.monotonic()));
}

/** Arm ITIMER_REAL: SIGALRM at expiry, re-armed by the interval. */
export function armRealTimer(k: Kernel, t: Task, valueNs: number, intervalNs: number): void {
  const tg = t.tg;
  if (tg.itimerReal) k.timers.cancel(tg.itimerReal.timer as never);
  tg.itimerReal = null;
  if (valueNs <= 0) return;
  const fire = (when: number) => {
    const timer = k.timers.add(when, () => {
      if (tg.zombie) return;
      sendSignal(k, tg, { signo: 14 /* SIGALRM */, code: 0x80 /* SI_KERNEL */ });
      if (tg.itimerReal && tg.itimerReal.interval > 0) fire(when + tg.itimerReal.interval);
      else tg.itimerReal = null;
    });
    tg.itimerReal = { when, interval: intervalNs, timer };
  };
  fire(k.clock.monotonic() + valueNs);
}

export function sys_setitimer(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const which = a.int(0),
    newAddr = a.ulong(1),
    oldAddr = a.ulong(2);
  if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) return -EINVAL;
  let next: [number, number] | null = null;
  if (newAddr) {
    const b = t.mm.read(newAddr, 32);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    const f = (o: number) => Number(dv.getBigInt64(o, true));
    if (f(8) < 0 || f(8) >= 1e6 || f(24) < 0 || f(24) >= 1e6 || f(0) < 0 || f(16) < 0) return -EINVAL;
    next = [f(0) * 1e9 + f(8) * 1000, f(16) * 1e9 + f(24) * 1000];
  }
  if (which !== ITIMER_REAL) {
    const kind = which === ITIMER_VIRTUAL ? 'virt' : 'prof';
    const old = next ? setCpuItimer(t.tg, kind, next[1], next[0]) : getCpuItimer(t.tg, kind);
    if (oldAddr && !t.mm.write(oldAddr, itimerBuf(old[1], old[0]))) return -EFAULT;
    return 0;
  }
  if (oldAddr && !t.mm.write(oldAddr, itimerNow(k, t))) return -EFAULT;
  if (next) armRealTimer(k, t, next[1], next[0]);
  return 0;
}

export function sys_getitimer(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const which = a.int(0);
  if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) return -EINVAL;
  if (which !== ITIMER_REAL) {
    const [value, interval] = getCpuItimer(t.tg, which === ITIMER_VIRTUAL ? 'virt' : 'prof');
    return t.mm.write(a.ulong(1), itimerBuf(interval, value)) ? 0 : -EFAULT;
  }
  return t.mm.write(a.ulong(1), itimerNow(k, t)) ? 0 : -EFAULT;
}
