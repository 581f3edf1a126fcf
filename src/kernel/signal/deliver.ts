// Sending and delivering signals: pending sets, default actions, and the
// riscv64 rt_sigframe that a handler runs on (and rt_sigreturn undoes).
import { doCoredump } from '../exec/coredump.js';
import { pgrpOrphaned } from '../sched/pgrp.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { ThreadGroup } from '../sched/threadgroup.js';
import {
  SIGKILL,
  SIGSTOP,
  SIGCONT,
  SIGCHLD,
  SIGSEGV,
  SIG_DFL,
  SIG_IGN,
  SA_ONSTACK,
  SA_RESTART,
  SA_NODEFER,
  SA_RESETHAND,
  SA_NOCLDSTOP,
  UNBLOCKABLE,
  NSIG,
  defaultAction,
  sigbit,
  type SigInfo,
  CLD_STOPPED,
  CLD_CONTINUED,
  SIGTSTP,
  SIGTTIN,
  SIGTTOU,
  SI_USER,
} from './signals.js';
import { EAGAIN, EINTR, EINVAL, ERESTARTSYS } from '../errno.js';
import { RLIMIT_SIGPENDING } from '../sched/threadgroup.js';
import { NR } from '../syscalls/nr.js';
import { progressOf } from '../syscalls/restart.js';
import { writeSigInfo } from './siginfo.js';
import { rseqHandleResume } from '../sched/rseq.js';
import { ptraceInterruptedCall, ptraceExitEvent, ptraceGroupContinued, ptraceGroupStop, ptraceSignal } from '../ptrace/ptrace.js';

/** Syscalls that fail with EINTR after a handler even with SA_RESTART (signal(7)). */
const NEVER_RESTART = new Set<number>([
  NR.nanosleep,
  NR.clock_nanosleep,
  NR.ppoll,
  NR.pselect6,
  NR.epoll_pwait,
  NR.rt_sigsuspend,
  NR.rt_sigtimedwait,
  NR.semtimedop,
  NR.msgrcv,
  NR.msgsnd,
]);

export function hasDeliverable(t: Task): boolean {
  if (t.ptrace?.inject) return true;
  const p = t.pending | t.tg.pending;
  return p !== 0n && (p & ~t.blocked) !== 0n;
}

/** Whether a pending signal will kill t's group (Linux's fatal_signal_pending after complete_signal): wakes a killable sleep. */
export function fatalSignalPending(t: Task): boolean {
  const p = (t.pending | t.tg.pending) & ~t.blocked;
  if (p & sigbit(SIGKILL)) return true;
  if (t.ptrace || t.tg.unkillable) return false; // a tracer sees the signal first; init dies of none but SIGKILL
  for (let sig = 1; sig <= 64; sig++) {
    if (!(p & sigbit(sig))) continue;
    const da = defaultAction(sig);
    if (t.sighand.actions[sig].handler === SIG_DFL && (da === 'term' || da === 'core')) return true;
  }
  return false;
}

/**
 * sig_task_ignored for init (SIGNAL_UNKILLABLE): PID 1 never takes SIGKILL or
 * SIGSTOP from its own namespace (this kernel has one), nor a signal it has no
 * handler for, from a process or from the kernel alike. A blocked signal is
 * not ignored (the handler may change before it is unblocked; busybox init
 * waits for its signals with sigtimedwait), and a tracer sees all but SIGKILL.
 */
function initIgnores(tg: ThreadGroup, t: Task, sig: number): boolean {
  if (!tg.unkillable || t.blocked & sigbit(sig)) return false;
  if (t.ptrace && sig !== SIGKILL) return false;
  return sig === SIGKILL || sig === SIGSTOP || t.sighand.actions[sig].handler === SIG_DFL;
}

function isIgnored(t: Task, sig: number): boolean {
  // A tracer sees every signal, ignored ones too (sig_ignored).
  if (t.ptrace) return false;
  const a = t.sighand.actions[sig];
  if (a.handler === SIG_IGN) return sig !== SIGKILL && sig !== SIGSTOP;
  return a.handler === SIG_DFL && defaultAction(sig) === 'ign';
}

/** Siginfos queued for a user's tasks (Linux counts them per user in ucounts). */
function queuedSignals(k: Kernel, uid: number): number {
  let n = 0;
  for (const t of k.pids.tasks()) {
    if (t.cred.uid !== uid) continue;
    n += t.pendingInfo.length;
    if (t.tg.leader === t) n += t.tg.pendingInfo.length;
  }
  return n;
}

/** Queue a signal for a process (thread = null) or one thread; 0 or -EAGAIN (RLIMIT_SIGPENDING). */
export function sendSignal(k: Kernel, tg: ThreadGroup, info: SigInfo, thread: Task | null = null): number {
  const sig = info.signo;
  // Every path validates the number it was given; one that did not must not index past the tables.
  if (!(sig >= 0 && sig <= NSIG)) return -EINVAL;
  // Kernel threads take no signals (they ignore all, and kill(2) still succeeds).
  if (sig === 0 || tg.zombie || tg.tasks[0]?.kthread) return 0;
  const leader = thread ?? tg.tasks.find((x) => x.state !== 'Z' && x.state !== 'X');
  if (!leader) return 0;
  // SIGCONT resumes a stopped group at once; stop signals drop pending SIGCONT and vice versa.
  if (sig === SIGCONT) {
    for (const s of [SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]) {
      tg.pending &= ~sigbit(s);
      for (const x of tg.tasks) x.pending &= ~sigbit(s);
    }
    if (tg.stopped) {
      tg.stopped = false;
      tg.contReport = true;
      for (const x of tg.tasks)
        if (x.state === 'T') {
          x.resumeFromStop();
          k.enqueue(x);
        }
      for (const x of tg.tasks) ptraceGroupContinued(k, x);
      notifyParent(k, tg, CLD_CONTINUED, SIGCONT);
    }
  } else if (defaultAction(sig) === 'stop') {
    tg.pending &= ~sigbit(SIGCONT);
  }
  if (isIgnored(leader, sig) && !(leader.blocked & sigbit(sig))) return 0;
  if (initIgnores(tg, leader, sig)) return 0;
  const bit = sigbit(sig);
  if (sig < 32 && (thread ?? tg).pending & bit) return 0;
  // __sigqueue_alloc: the receiver's user may have RLIMIT_SIGPENDING siginfos
  // queued. A real-time signal is always held to it, a standard one only when
  // user space made its siginfo (si_code < 0). Past the limit a real-time
  // signal fails with EAGAIN unless kill(2) sent it (SI_USER); any other is
  // sent without its siginfo.
  const override = sig < 32 && info.code >= 0;
  const queue = override || queuedSignals(k, leader.cred.uid) < Number(leader.tg.rlimits[RLIMIT_SIGPENDING]![0]);
  if (!queue && sig >= 32 && info.code !== SI_USER) return -EAGAIN;
  const to = thread ?? tg;
  to.pending |= bit;
  if (queue) to.pendingInfo.push(info);
  if (sig === SIGKILL) {
    // SIGKILL ends job-control and ptrace stops alike.
    for (const x of tg.tasks)
      if (x.state === 'T' || x.state === 't') {
        x.resumeFromStop();
        k.enqueue(x);
      }
  }
  tg.signalfdWait.wakeAll();
  // Wake a thread that can take it.
  for (const x of thread ? [thread] : tg.tasks) {
    if (!(x.blocked & bit) || sig === SIGKILL || x.sigwait & bit) {
      if (x.state !== 'D' || fatalSignalPending(x)) x.wake();
      break;
    }
  }
  return 0;
}

/** A fault signal that cannot be ignored or blocked away (force_sig_info). */
export function forceSignal(k: Kernel, t: Task, info: SigInfo): void {
  const bit = sigbit(info.signo);
  const a = t.sighand.actions[info.signo];
  if (t.blocked & bit || a.handler === SIG_IGN) {
    a.handler = SIG_DFL;
    t.blocked &= ~bit;
  }
  // A fault init cannot handle kills it (force_sig_info_to_task clears SIGNAL_UNKILLABLE).
  if (a.handler === SIG_DFL) t.tg.unkillable = false;
  t.pending |= bit;
  t.pendingInfo.push(info);
}

export function dequeue(t: Task, mask = ~t.blocked): SigInfo | null {
  const avail = (t.pending | t.tg.pending) & mask;
  if (avail === 0n) return null;
  // Synchronous faults first, then the lowest number (Linux's order).
  let sig = 0;
  for (const s of [SIGSEGV, 7, 4, 5, 8])
    if (avail & sigbit(s)) {
      sig = s;
      break;
    }
  if (!sig)
    for (let s = 1; s <= 64; s++)
      if (avail & sigbit(s)) {
        sig = s;
        break;
      }
  const bit = sigbit(sig);
  const own = (t.pending & bit) !== 0n;
  const list = own ? t.pendingInfo : t.tg.pendingInfo;
  // A standard signal has at most one siginfo, usually a recent one (a long
  // real-time queue sits before it); real-time ones leave in FIFO order.
  let i = -1;
  if (sig < 32) {
    for (let j = list.length - 1; j >= 0; j--)
      if (list[j]!.signo === sig) {
        i = j;
        break;
      }
  } else i = list.findIndex((x) => x.signo === sig);
  const info = i >= 0 ? list.splice(i, 1)[0]! : { signo: sig, code: 0 };
  if (sig < 32 || !list.some((x) => x.signo === sig)) {
    if (own) t.pending &= ~bit;
    else t.tg.pending &= ~bit;
  }
  // A POSIX timer's signal, taken: the timer re-arms and counts its overrun (posixtimer_rearm).
  info.rearm?.();
  return info;
}

/** Tell the parent about a stop or continue (SIGCHLD, and wait's WUNTRACED/WCONTINUED). */
export function notifyParent(k: Kernel, tg: ThreadGroup, code: number, status: number): void {
  const parent = tg.parent;
  if (!parent) return;
  const pa = parent.leader?.sighand.actions[SIGCHLD];
  if (!(code === CLD_STOPPED || code === CLD_CONTINUED) || !pa || !(pa.flags & SA_NOCLDSTOP)) {
    sendSignal(k, parent, { signo: SIGCHLD, code, pid: tg.tgid, uid: tg.leader.cred.uid, status });
  }
  parent.childWait.wakeAll();
}

/**
 * Deliver pending signals before t returns to user mode. A task sleeping in a
 * syscall has its pc on the ecall: the call is restarted or fails with EINTR.
 *
 * As Linux's exit_to_user_mode_loop, delivery goes on while a signal is
 * deliverable under the mask the last handler set: one frame per signal, each
 * on top of the last, so the last one's handler runs first and none starts in
 * the middle of another's body. Each turn takes one pending signal away, so
 * the loop ends.
 */
export function handleSignals(k: Kernel, t: Task): void {
  while (t.state === 'R') {
    if (t.ptrace && !t.ptrace.inject && ptraceInterruptedCall(k, t)) return;
    // A signal that sigtimedwait waits for is the call's to take, handler or
    // not (do_sigtimedwait dequeues it before the return to user mode): the
    // woken call re-runs from the ecall and dequeues it.
    if (t.sys?.kind === 'sigtimedwait' && !t.ptrace?.inject && (t.pending | t.tg.pending) & t.sigwait) return;
    const injected = t.ptrace?.inject ?? null;
    if (injected && t.ptrace) t.ptrace.inject = null;
    const info = injected ?? dequeue(t);
    if (!info) return;
    // A traced task stops for each signal; the tracer's choice comes back as `inject`.
    if (!injected && t.ptrace && ptraceSignal(k, t, info)) return;
    if (injected && t.blocked & sigbit(info.signo) && info.signo !== SIGKILL) {
      // Blocked by now: queued again, as ptrace_signal does.
      t.pending |= sigbit(info.signo);
      t.pendingInfo.push(info);
      continue;
    }
    const sig = info.signo;
    const act = t.sighand.actions[sig];
    const caught = act.handler !== SIG_DFL && act.handler !== SIG_IGN && sig !== SIGKILL && sig !== SIGSTOP;
    // An interrupted syscall restarts after the handler only with SA_RESTART (signal(7)).
    const restart =
      t.sys !== null && t.sys.restart !== 'never' && (t.sys.restart === 'nointr' || ((act.flags & SA_RESTART) !== 0 && !NEVER_RESTART.has(t.sys.nr)));
    // A caught signal ends a sleeping call; the call leaves its queues, and may
    // have completed meanwhile (a futex wake, a vfork child that let go).
    const done = caught && t.sys ? k.onInterrupt.get(t)?.() : undefined;
    // A tracer sees the interrupted call end before the signal (strace's order).
    if (caught && t.sys && k.trace.sysExit.length && !progressOf(t.sys) && (typeof done === 'number' || !restart)) {
      k.trace.fireExit(t, t.sys.nr, typeof done === 'number' ? done : -ERESTARTSYS);
    }
    for (const h of k.trace.signalDeliver) h(t, sig, info);
    if (act.handler === SIG_IGN && sig !== SIGKILL && sig !== SIGSTOP) continue;
    if (act.handler === SIG_DFL || sig === SIGKILL || sig === SIGSTOP) {
      // get_signal: init takes the default action only of SIGKILL and SIGSTOP (one that was
      // blocked when sent, then unblocked with no handler, is dropped here).
      if (t.tg.unkillable && sig !== SIGKILL && sig !== SIGSTOP) continue;
      const da = defaultAction(sig);
      if (da === 'ign' || da === 'cont') continue;
      if (da === 'stop') {
        // is_current_pgrp_orphaned: nobody is left to continue the job, so only SIGSTOP stops it.
        if (sig !== SIGSTOP && pgrpOrphaned(k, t.tg.pgid)) continue;
        stopGroup(k, t.tg, sig);
        return;
      }
      // PTRACE_EVENT_EXIT first (not for SIGKILL): the signal comes back when the tracer resumes.
      if (sig !== SIGKILL && ptraceExitEvent(k, t, sig)) {
        t.ptrace!.inject = info;
        return;
      }
      // The core flag means a core file was written (exec/coredump.ts; RLIMIT_CORE is 0 by default).
      k.syncRegs(t);
      const dumped = da === 'core' && doCoredump(k, t, sig, info);
      k.exitTask(t, dumped ? sig | 0x80 : sig, true);
      return;
    }
    // A handler: finish an interrupted syscall first.
    k.syncRegs(t);
    if (t.sys) {
      if (!restart || typeof done === 'number') {
        // A write that moved bytes before it slept returns them; anything else fails with EINTR.
        const progress = progressOf(t.sys);
        const ret = typeof done === 'number' ? done : progress ? progress : -EINTR;
        t.ctx.set(10, ret);
        t.ctx.pc += 4;
        if (k.trace.sysExit.length && progress) k.trace.fireExit(t, t.sys.nr, ret);
      }
      t.sys = null;
      t.sigwait = 0n;
      k.onInterrupt.delete(t);
    }
    // rseq_signal_deliver: a handler interrupting a critical section returns to its abort handler.
    if (t.rseq) {
      t.rseqEvent = true;
      rseqHandleResume(k, t);
    }
    if (!setupFrame(k, t, info, act)) {
      k.exitTask(t, SIGSEGV, true);
      return;
    }
    // SA_RESETHAND (SA_ONESHOT): only the handler goes back to SIG_DFL; the flags stay as they were.
    if (act.flags & SA_RESETHAND) act.handler = SIG_DFL;
    k.reloadRegs(t);
    // The next deliverable signal (under the mask this handler set) gets its frame on top.
  }
}

function stopGroup(k: Kernel, tg: ThreadGroup, sig: number): void {
  tg.stopped = true;
  tg.stopReport = sig;
  for (const x of tg.tasks) {
    if (x.ptrace && (x.state === 'R' || x.state === 'S')) {
      ptraceGroupStop(k, x, sig);
      continue;
    }
    if (x.state === 'R' || x.state === 'S') {
      x.stop('T');
      k.dequeue(x);
    }
  }
  notifyParent(k, tg, CLD_STOPPED, sig);
}

// riscv64 rt_sigframe: siginfo (128) then ucontext; uc_mcontext at +176 in the
// ucontext (16-byte aligned), sc_regs[32] (pc, x1..x31), then the D state.
export const FRAME_SIZE = 1088;
const UC = 128,
  UC_STACK = UC + 16,
  UC_SIGMASK = UC + 40,
  MCTX = UC + 176,
  FPREGS = MCTX + 256;

function setupFrame(k: Kernel, t: Task, info: { signo: number; code: number }, act: { handler: number; flags: number; mask: bigint }): boolean {
  const c = t.ctx;
  let sp = c.get(2);
  const alt = t.altStack;
  const onAlt = alt.size > 0 && sp > alt.sp && sp <= alt.sp + alt.size;
  if (act.flags & SA_ONSTACK && !(alt.flags & 2) && !onAlt) sp = alt.sp + alt.size;
  const frame = Math.floor((sp - FRAME_SIZE) / 16) * 16;
  const buf = new Uint8Array(FRAME_SIZE);
  const dv = new DataView(buf.buffer);
  writeSigInfo(dv, 0, info as SigInfo);
  dv.setBigUint64(UC_STACK, BigInt(alt.sp), true);
  dv.setInt32(UC_STACK + 8, onAlt ? 1 : alt.flags, true);
  dv.setBigUint64(UC_STACK + 16, BigInt(alt.size), true);
  const oldMask = t.savedMask ?? t.blocked;
  t.savedMask = null;
  dv.setBigUint64(UC_SIGMASK, oldMask, true);
  dv.setBigUint64(MCTX, BigInt(c.pc), true);
  for (let i = 1; i < 32; i++) {
    dv.setInt32(MCTX + i * 8, c.xl[i], true);
    dv.setInt32(MCTX + i * 8 + 4, c.xh[i], true);
  }
  for (let i = 0; i < 64; i++) dv.setInt32(FPREGS + i * 4, c.fbits[i], true);
  dv.setUint32(FPREGS + 256, (c.frm << 5) | c.fflags, true);
  if (!t.mm.write(frame, buf)) return false;
  const sig = info.signo;
  c.set(1, k.vdsoSigreturn(t));
  c.set(2, frame);
  c.set(10, sig);
  c.set(11, frame);
  c.set(12, frame + UC);
  c.pc = act.handler;
  t.blocked |= act.mask;
  if (!(act.flags & SA_NODEFER)) t.blocked |= sigbit(sig);
  t.blocked &= ~UNBLOCKABLE;
  return true;
}

/** rt_sigreturn: restore the registers and mask saved in the frame at sp. */
export function sigreturn(k: Kernel, t: Task): boolean {
  k.syncRegs(t);
  const c = t.ctx;
  const frame = c.get(2);
  const buf = t.mm.read(frame, FRAME_SIZE);
  if (!buf) return false;
  const dv = new DataView(buf.buffer);
  c.pc = Number(dv.getBigUint64(MCTX, true));
  for (let i = 1; i < 32; i++) {
    c.xl[i] = dv.getInt32(MCTX + i * 8, true);
    c.xh[i] = dv.getInt32(MCTX + i * 8 + 4, true);
  }
  for (let i = 0; i < 64; i++) c.fbits[i] = dv.getInt32(FPREGS + i * 4, true);
  const fcsr = dv.getUint32(FPREGS + 256, true);
  c.fflags = fcsr & 31;
  c.frm = (fcsr >> 5) & 7;
  t.blocked = dv.getBigUint64(UC_SIGMASK, true) & ~UNBLOCKABLE;
  const ssp = Number(dv.getBigUint64(UC_STACK, true));
  const sflags = dv.getInt32(UC_STACK + 8, true);
  const ssize = Number(dv.getBigUint64(UC_STACK + 16, true));
  if (!(sflags & 1)) t.altStack = { sp: ssp, flags: sflags, size: ssize };
  k.reloadRegs(t);
  return true;
}
