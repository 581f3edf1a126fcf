// ptrace's core (Linux's kernel/ptrace.c and the ptrace parts of signal.c):
// the tracer-tracee link, ptrace-stops and how a tracer resumes them.
//
// A stop parks the tracee in state 't' with its registers saved in its
// context, where the tracer reads and edits them. The kernel cannot suspend
// its own TypeScript stack, so every stop happens where nothing is left to
// do but return to user mode: a syscall-entry stop leaves the ecall to be
// re-executed on resume, later stops of one syscall wait in `queued`.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { sendSignal } from '../signal/deliver.js';
import { SIGCHLD, SIGKILL, SIGSTOP, SIGTRAP, CLD_TRAPPED, SI_USER, type SigInfo } from '../signal/signals.js';
import { ENOSYS, ERESTARTSYS } from '../errno.js';

export const PTRACE_O_TRACESYSGOOD = 1,
  PTRACE_O_TRACEFORK = 2,
  PTRACE_O_TRACEVFORK = 4,
  PTRACE_O_TRACECLONE = 8,
  PTRACE_O_TRACEEXEC = 0x10,
  PTRACE_O_TRACEVFORKDONE = 0x20,
  PTRACE_O_TRACEEXIT = 0x40,
  PTRACE_O_TRACESECCOMP = 0x80,
  PTRACE_O_EXITKILL = 0x100000,
  PTRACE_O_SUSPEND_SECCOMP = 0x200000;
export const PTRACE_O_MASK = 0x3000ff;
export const PTRACE_EVENT_FORK = 1,
  PTRACE_EVENT_VFORK = 2,
  PTRACE_EVENT_CLONE = 3,
  PTRACE_EVENT_EXEC = 4,
  PTRACE_EVENT_VFORK_DONE = 5,
  PTRACE_EVENT_EXIT = 6,
  PTRACE_EVENT_STOP = 128;

/** What kind of ptrace-stop the tracee is in (decides GETSIGINFO and GET_SYSCALL_INFO). */
export type StopKind = 'signal' | 'group' | 'event' | 'sysenter' | 'sysexit';

interface QueuedStop {
  kind: 'event' | 'sysexit';
  event?: number;
  message?: number;
}

export class PtraceLink {
  options = 0;
  /** Resumed with PTRACE_SYSCALL: stop at the next syscall entry and exit. */
  syscallStops = false;
  /** The stop the tracee is in, if any, as wait's stop word (signal | event << 8). */
  stopCode: number | null = null;
  kind: StopKind = 'signal';
  /** Collected by the tracer's wait already. */
  reported = true;
  /** PTRACE_LISTEN: stays stopped, but a later notification is reported again. */
  listening = false;
  siginfo: SigInfo | null = null;
  /** PTRACE_GETEVENTMSG's value. */
  message = 0;
  queued: QueuedStop[] = [];
  /** A signal the tracer chose at a signal-delivery-stop: delivered without stopping again. */
  inject: SigInfo | null = null;
  /** Attached while the task slept in a call: its restart gets an entry stop (restart_syscall's role). */
  resyscall = false;
  /** The ecall being re-executed after its entry stop: no second stop. */
  entryDone = false;
  /** a0 as the syscall saw it (riscv's orig_a0); a0 shows -ENOSYS while stopped at entry. */
  origA0 = [0, 0];
  /** a0 hidden behind -ERESTARTSYS while an interrupted call's exit stop shows it. */
  restartA0: [number, number] | null = null;
  /** a0 as the tracer left it at entry: the result of a call it skipped (nr = -1). */
  skipA0 = [0, 0];
  /** PTRACE_EVENT_EXIT was reported: the exit goes ahead when the tracer resumes. */
  exitEventDone = false;
  /** The tracee died: its status waits for the tracer's wait. */
  exitStatus: number | null = null;
  constructor(
    readonly tracer: Task,
    readonly seized: boolean,
  ) {}
}

/** Make `tracer` trace `t`. */
export function ptraceLink(t: Task, tracer: Task, seized: boolean, options: number): PtraceLink {
  const p = new PtraceLink(tracer, seized);
  p.options = options;
  p.resyscall = t.sys !== null;
  t.ptrace = p;
  tracer.tracees.add(t);
  return p;
}

/** Unlink a tracee (detach, or its death collected); a stopped one runs again. */
export function ptraceUnlink(k: Kernel, t: Task, sig = 0): void {
  const p = t.ptrace;
  if (!p) return;
  p.tracer.tracees.delete(t);
  t.ptrace = null;
  if (t.state === 't') {
    if (sig) sendSignal(k, t.tg, { signo: sig, code: SI_USER, pid: p.tracer.pid, uid: p.tracer.cred.uid }, t);
    // A group stop still in force keeps the task stopped, now as a plain job-control stop.
    if (t.tg.stopped && p.kind === 'group') {
      t.stop('T');
      return;
    }
    t.resumeFromStop();
    k.enqueue(t);
  }
}

function notifyTracer(k: Kernel, t: Task, code: number): void {
  const tracer = t.ptrace!.tracer;
  sendSignal(k, tracer.tg, { signo: SIGCHLD, code: CLD_TRAPPED, pid: t.tid, uid: t.cred.uid, status: code & 0xff });
  tracer.tg.childWait.wakeAll();
}

/** Enter a ptrace-stop: the tracer's wait sees (code << 8) | 0x7f. */
export function ptraceStop(k: Kernel, t: Task, kind: StopKind, code: number, siginfo: SigInfo | null): void {
  const p = t.ptrace!;
  k.syncRegs(t);
  k.detach(t);
  t.stop('t');
  k.dequeue(t);
  p.kind = kind;
  p.stopCode = code;
  p.reported = false;
  p.listening = false;
  p.siginfo = siginfo;
  notifyTracer(k, t, code);
}

/** A trap notification (syscall or event): SIGTRAP siginfo with the stop code as si_code. */
function trapStop(k: Kernel, t: Task, kind: StopKind, code: number): void {
  ptraceStop(k, t, kind, code, { signo: SIGTRAP, code, pid: t.tid, uid: t.cred.uid });
}

const sysgood = (p: PtraceLink) => SIGTRAP | (p.options & PTRACE_O_TRACESYSGOOD ? 0x80 : 0);

export const SYSCALL_RUN = 0,
  SYSCALL_STOPPED = 1,
  SYSCALL_SKIP = 2;

/** Before a syscall runs (not on a restart): the entry stop, or the tracer's verdict after it. */
export function ptraceSyscallEntry(k: Kernel, t: Task): number {
  const p = t.ptrace!;
  if (p.entryDone) {
    p.entryDone = false;
    // The tracer set the number to -1: the call is skipped, a0 is its result.
    return k.hart.xl[17] === -1 && k.hart.xh[17] === -1 ? SYSCALL_SKIP : SYSCALL_RUN;
  }
  if (!p.syscallStops) return SYSCALL_RUN;
  // The saved context becomes the truth now: the edits below must not be overwritten from the hart.
  k.syncRegs(t);
  k.detach(t);
  // riscv's do_trap_ecall_u: epc past the ecall, a0 kept as orig_a0 and preset to -ENOSYS.
  const c = t.ctx;
  p.origA0 = [c.xl[10], c.xh[10]];
  c.set(10, -ENOSYS);
  c.pc += 4;
  p.message = 1; // PTRACE_EVENTMSG_SYSCALL_ENTRY
  trapStop(k, t, 'sysenter', sysgood(p));
  return SYSCALL_STOPPED;
}

/** The value a skipped syscall returns. */
export function ptraceSkipResult(t: Task): number {
  const [lo, hi] = t.ptrace!.skipA0;
  return hi * 4294967296 + (lo >>> 0);
}

/** An event stop owed by the current syscall (fork, vfork, clone, exec). */
export function ptraceQueueEvent(t: Task, event: number, message: number): void {
  t.ptrace?.queued.push({ kind: 'event', event, message });
}

/**
 * After a syscall: its event stops, then the exit stop. `done` is false when
 * the call sleeps (vfork's parent): the events stop it now, the exit later.
 */
export function ptraceSyscallExit(k: Kernel, t: Task, done: boolean): void {
  const p = t.ptrace!;
  if (done && p.syscallStops) p.queued.push({ kind: 'sysexit' });
  nextQueuedStop(k, t);
}

function nextQueuedStop(k: Kernel, t: Task): boolean {
  const p = t.ptrace!;
  while (p.queued.length) {
    const q = p.queued.shift()!;
    if (q.kind === 'sysexit') {
      if (!p.syscallStops) continue;
      p.message = 2; // PTRACE_EVENTMSG_SYSCALL_EXIT
      trapStop(k, t, 'sysexit', sysgood(p));
    } else {
      p.message = q.message ?? 0;
      trapStop(k, t, 'event', SIGTRAP | ((q.event ?? 0) << 8));
    }
    return true;
  }
  return false;
}

/** PTRACE_CONT / PTRACE_SYSCALL / PTRACE_DETACH's resume: `sig` is delivered (0: suppressed). */
export function ptraceResume(k: Kernel, t: Task, syscallStops: boolean, sig: number): void {
  const p = t.ptrace!;
  p.syscallStops = syscallStops;
  const kind = p.kind;
  if (kind === 'signal') {
    if (sig) p.inject = p.siginfo && p.siginfo.signo === sig ? p.siginfo : { signo: sig, code: SI_USER, pid: p.tracer.pid, uid: p.tracer.cred.uid };
  } else if (sig && (kind === 'sysenter' || kind === 'sysexit')) {
    // ptrace_report_syscall: a signal given at a syscall stop is sent to the tracee.
    sendSignal(k, t.tg, { signo: sig, code: SI_USER, pid: p.tracer.pid, uid: p.tracer.cred.uid }, t);
  }
  if (p.restartA0) {
    t.ctx.xl[10] = p.restartA0[0];
    t.ctx.xh[10] = p.restartA0[1];
    p.restartA0 = null;
  }
  if (kind === 'sysenter') {
    // Undo the entry view: the ecall runs again with its own a0.
    const c = t.ctx;
    p.skipA0 = [c.xl[10], c.xh[10]];
    c.xl[10] = p.origA0[0];
    c.xh[10] = p.origA0[1];
    c.pc -= 4;
    p.entryDone = true;
  }
  p.stopCode = null;
  p.listening = false;
  if (nextQueuedStop(k, t)) return;
  // A group stop resumed by the tracer: the tracee runs though the group is stopped (as Linux allows).
  t.resumeFromStop();
  k.enqueue(t);
}

/**
 * A signal interrupts a sleeping call the tracer saw enter: like Linux, the
 * call first leaves with -ERESTARTSYS (its exit stop), and a restart is a new
 * call with its own entry stop. True when the task stopped.
 */
export function ptraceInterruptedCall(k: Kernel, t: Task): boolean {
  const p = t.ptrace;
  if (!p || !t.sys || !p.syscallStops || p.resyscall) return false;
  p.resyscall = true;
  k.syncRegs(t);
  k.detach(t);
  const c = t.ctx;
  p.restartA0 = [c.xl[10], c.xh[10]];
  c.set(10, -ERESTARTSYS);
  p.message = 2;
  trapStop(k, t, 'sysexit', sysgood(p));
  return true;
}

/** Signal delivery for a traced task: a signal-delivery-stop, unless the tracer already chose it. */
export function ptraceSignal(k: Kernel, t: Task, info: SigInfo): boolean {
  if (info.signo === SIGKILL) return false;
  ptraceStop(k, t, 'signal', info.signo, info);
  return true;
}

/** A traced task entering a group stop: a ptrace-stop the tracer sees (PTRACE_EVENT_STOP when seized). */
export function ptraceGroupStop(k: Kernel, t: Task, sig: number): void {
  const p = t.ptrace!;
  ptraceStop(k, t, 'group', p.seized ? sig | (PTRACE_EVENT_STOP << 8) : sig, null);
}

/** SIGCONT ends a group stop: a seized tracee in its group-stop trap is re-reported as a SIGTRAP trap. */
export function ptraceGroupContinued(k: Kernel, t: Task): void {
  const p = t.ptrace;
  if (!p || t.state !== 't' || p.kind !== 'group' || !p.seized) return;
  p.stopCode = SIGTRAP | (PTRACE_EVENT_STOP << 8);
  p.kind = 'event';
  p.siginfo = { signo: SIGTRAP, code: p.stopCode, pid: t.tid, uid: t.cred.uid };
  if (p.reported && !p.listening) return;
  p.reported = false;
  notifyTracer(k, t, p.stopCode);
}

/** fork/vfork/clone by a traced task: auto-attach the child and owe the parent an event stop. */
export function ptraceFork(k: Kernel, parent: Task, child: Task, flags: number, exitSignal: number): void {
  const p = parent.ptrace;
  if (!p || flags & 0x800000 /* CLONE_UNTRACED */) return;
  const event = flags & 0x4000 /* CLONE_VFORK */ ? PTRACE_EVENT_VFORK : exitSignal !== SIGCHLD ? PTRACE_EVENT_CLONE : PTRACE_EVENT_FORK;
  const opt = event === PTRACE_EVENT_VFORK ? PTRACE_O_TRACEVFORK : event === PTRACE_EVENT_CLONE ? PTRACE_O_TRACECLONE : PTRACE_O_TRACEFORK;
  const enabled = (p.options & opt) !== 0;
  if (!enabled && !(flags & 0x2000 /* CLONE_PTRACE */)) return;
  const cp = ptraceLink(child, p.tracer, p.seized, p.options);
  cp.syscallStops = false;
  // The new tracee's first stop: PTRACE_EVENT_STOP when seized, else a SIGSTOP it receives.
  if (p.seized) trapStop(k, child, 'event', SIGTRAP | (PTRACE_EVENT_STOP << 8));
  else sendSignal(k, child.tg, { signo: SIGSTOP, code: SI_USER, pid: 0, uid: 0 }, child);
  if (enabled) ptraceQueueEvent(parent, event, child.tid);
}

/** A successful execve: PTRACE_EVENT_EXEC, or the old SIGTRAP without the option. */
export function ptraceExec(k: Kernel, t: Task, oldTid: number): void {
  const p = t.ptrace;
  if (!p) return;
  if (p.options & PTRACE_O_TRACEEXEC) ptraceQueueEvent(t, PTRACE_EVENT_EXEC, oldTid);
  else if (!p.seized) sendSignal(k, t.tg, { signo: SIGTRAP, code: SI_USER, pid: 0, uid: 0 }, t);
}

/**
 * do_exit's PTRACE_EVENT_EXIT: with the option, a task about to exit stops
 * first (the message is its wait status). True when it stopped: the caller
 * repeats the exit once the tracer resumes the task.
 */
export function ptraceExitEvent(k: Kernel, t: Task, status: number): boolean {
  const p = t.ptrace;
  if (!p || !(p.options & PTRACE_O_TRACEEXIT) || p.exitEventDone) return false;
  p.exitEventDone = true;
  p.message = status;
  trapStop(k, t, 'event', SIGTRAP | (PTRACE_EVENT_EXIT << 8));
  return true;
}

/**
 * A task died. As tracee, its status goes to the tracer (a group leader whose
 * tracer is its parent reports once, as a child). As tracer, its tracees are
 * detached, or killed with PTRACE_O_EXITKILL.
 */
export function ptraceExitNotify(k: Kernel, t: Task, status: number): void {
  for (const x of [...t.tracees]) {
    const kill = (x.ptrace!.options & PTRACE_O_EXITKILL) !== 0;
    ptraceUnlink(k, x);
    if (kill) sendSignal(k, x.tg, { signo: SIGKILL, code: SI_USER, pid: 0, uid: 0 });
  }
  const p = t.ptrace;
  if (!p) return;
  p.queued = [];
  p.inject = null;
  if (t === t.tg.leader && t.tg.parent === p.tracer.tg) {
    p.tracer.tracees.delete(t);
    t.ptrace = null;
    return;
  }
  p.exitStatus = status;
  p.stopCode = null;
  p.reported = false;
  p.tracer.tg.childWait.wakeAll();
}

/** What a tracer's wait finds in one tracee: a stop or a death not yet collected. */
export function ptraceWaitable(t: Task): 'stop' | 'exit' | null {
  const p = t.ptrace;
  if (!p || p.reported) return null;
  if (p.exitStatus !== null) return 'exit';
  return p.stopCode !== null && t.state === 't' ? 'stop' : null;
}

/** The wait status word of a tracee's report; `consume` marks it collected. */
export function ptraceCollect(k: Kernel, t: Task, consume: boolean): number {
  const p = t.ptrace!;
  const status = p.exitStatus !== null ? p.exitStatus : ((p.stopCode ?? 0) << 8) | 0x7f;
  if (consume) {
    if (p.exitStatus !== null) {
      p.tracer.tracees.delete(t);
      t.ptrace = null;
    } else p.reported = true;
  }
  void k;
  return status;
}
