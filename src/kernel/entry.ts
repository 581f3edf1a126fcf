// Kernel entry from user mode (arch/riscv/kernel/traps.c and
// kernel/entry/common.c): the hart stopped on a trap; dispatch it. An
// ecall is a system call (read its arguments once, run the handler, write
// a0 back and step past the ecall, or leave it to be re-run when the call
// blocked); page faults go to the address space; everything else becomes
// the signal Linux sends for it. Signals due on the way back are set up.
import type { Kernel } from './kernel.js';
import type { Task } from './sched/task.js';
import { Cause } from '../cpu/hart.js';
import { FAULT_OK, FAULT_OOM, FAULT_SIGBUS } from './mm/mm.js';
import { pagefaultOutOfMemory } from './mm/oom_kill.js';
import { BLOCKED, NORETURN, type SyscallResult } from './syscalls/result.js';
import { invokeSyscall } from './syscalls/table.js';
import { SIGBUS, SIGILL, SIGSEGV, SIGTRAP, SEGV_MAPERR, SEGV_ACCERR, ILL_ILLOPC, BUS_ADRALN, TRAP_BRKPT } from './signal/signals.js';
import { forceSignal, handleSignals, hasDeliverable, fatalSignalPending } from './signal/deliver.js';
import { ptraceSyscallEntry, ptraceSyscallExit, ptraceSkipResult, SYSCALL_STOPPED, SYSCALL_SKIP } from './ptrace/ptrace.js';
import { SYSCALL_NS, COPY_NS_PER_BYTE } from './sched/cputime.js';
import { handleFault } from './mm/fault.js';

/** A trap left the hart: dispatch it. */
export function doTrap(k: Kernel, t: Task, cause: number): void {
  const h = k.hart;
  switch (cause) {
    case Cause.EcallU:
      doSyscall(k, t);
      break;
    case Cause.LoadPageFault:
    case Cause.StorePageFault:
    case Cause.InsnPageFault: {
      const access = cause === Cause.StorePageFault ? 'w' : cause === Cause.LoadPageFault ? 'r' : 'x';
      const addr = h.tval;
      k.pages.userFault = true;
      const r = handleFault(t.mm, addr, access);
      k.pages.userFault = false;
      if (r === FAULT_OOM) pagefaultOutOfMemory(k, t);
      else if (r === FAULT_SIGBUS) forceSignal(k, t, { signo: SIGBUS, code: 2 /* BUS_ADRERR */, addr });
      else if (r !== FAULT_OK) forceSignal(k, t, { signo: SIGSEGV, code: r === 1 ? SEGV_MAPERR : SEGV_ACCERR, addr });
      break;
    }
    case Cause.LoadAccess:
    case Cause.StoreAccess:
    case Cause.InsnAccess:
      forceSignal(k, t, { signo: SIGSEGV, code: SEGV_ACCERR, addr: h.tval });
      break;
    case Cause.Illegal:
      forceSignal(k, t, { signo: SIGILL, code: ILL_ILLOPC, addr: h.pc });
      break;
    case Cause.Breakpoint:
      forceSignal(k, t, { signo: SIGTRAP, code: TRAP_BRKPT, addr: h.pc });
      break;
    case Cause.LoadMisaligned:
    case Cause.StoreMisaligned:
    case Cause.InsnMisaligned:
      forceSignal(k, t, { signo: SIGBUS, code: BUS_ADRALN, addr: h.tval });
      break;
    default:
      forceSignal(k, t, { signo: SIGSEGV, code: SEGV_MAPERR, addr: h.tval });
  }
  if (t.state === 'R' && hasDeliverable(t)) handleSignals(k, t);
}

/**
 * io_schedule on the way back to user mode: the call's result is kept in
 * t.sys and the task sleeps uninterruptibly until its requests complete;
 * the re-run from the ecall then returns the result. BLOCKED, or the result
 * when the requests have already completed.
 */
function ioWait(k: Kernel, t: Task, nr: number, result: number): SyscallResult {
  const until = t.ioWaitUntil;
  const now = k.clock.monotonic();
  if (until <= now && t.ioPending === 0) {
    t.ioWaitUntil = 0;
    return result;
  }
  t.sys = { kind: 'iowait', nr, restart: 'nointr', result, until };
  t.sleep('D');
  // The CPU idles in iowait while the task waits (rq->nr_iowait).
  k.rqOf(t).iowaiters.add(t);
  // A known completion time wakes it by timer; bios in a request queue wake it at their completion (block/genhd.ts).
  if (until > now)
    k.timers.add(until, () => {
      if (t.sys?.kind === 'iowait' && t.state === 'D' && t.ioPending === 0) t.wake();
    });
  return BLOCKED;
}

/** ecall from user mode: a7 is the number, a0-a5 the arguments. */
function doSyscall(k: Kernel, t: Task): void {
  const h = k.hart;
  const a = k.sysArgs;
  a.load(h.xl, h.xh);
  const nr = a.nr;
  const restarting = t.sys !== null && t.sys.nr === nr;
  let skip = false;
  // A tracer attached during a sleeping call sees it begin again when it restarts.
  if (t.ptrace && (!restarting || t.ptrace.entryDone || t.ptrace.resyscall)) {
    t.ptrace.resyscall = false;
    if (!restarting) t.sys = null;
    const e = ptraceSyscallEntry(k, t);
    if (e === SYSCALL_STOPPED) return;
    skip = e === SYSCALL_SKIP;
  }
  if (!restarting) {
    t.sys = null;
    k.stats.syscalls++;
    if (k.trace.sysEnter.length) k.trace.fireEnter(t, nr, a);
  }
  let ret: SyscallResult;
  const io0 = t.ioac.rchar + t.ioac.wchar;
  const watch = k.watch;
  if (watch) watch[1] = nr;
  if (skip) ret = ptraceSkipResult(t);
  else if (restarting && t.sys!.kind === 'iowait') ret = t.sys!.result;
  else ret = invokeSyscall(k, t, a);
  if (watch) watch[1] = -1;
  // Disk requests still in flight: wait for them in D state before returning (block/genhd.ts).
  if (typeof ret === 'number' && (t.ioWaitUntil > 0 || t.ioPending > 0)) ret = ioWait(k, t, nr, ret);
  // The kernel work, charged in virtual time (see sched/cputime.ts).
  const copied = t.ioac.rchar + t.ioac.wchar - io0;
  k.chargeSystem(t, SYSCALL_NS + Math.floor(copied * COPY_NS_PER_BYTE));
  if (ret === BLOCKED) {
    if (!t.sys) t.sys = { kind: 'wait', nr, restart: 'sys' };
    // A signal already waiting interrupts the sleep at once (signal_pending in Linux's wait loops).
    if (t.state === 'S' ? hasDeliverable(t) : t.state === 'D' && fatalSignalPending(t)) t.wake();
    if (t.ptrace?.queued.length) ptraceSyscallExit(k, t, false);
    return;
  }
  if (ret === NORETURN) {
    t.sys = null;
    // execve and rt_sigreturn return into the new register state: a0 is their result.
    if (k.trace.sysExit.length && t.state !== 'Z' && t.state !== 'X') {
      k.syncRegs(t);
      k.trace.fireExit(t, nr, t.ctx.get(10));
    }
    if (t.ptrace && t.state === 'R') ptraceSyscallExit(k, t, true);
    return;
  }
  t.sys = null;
  if (k.onInterrupt.size) k.onInterrupt.delete(t);
  if (k.onHart === t) {
    h.xl[10] = ret | 0;
    h.xh[10] = Math.floor(ret / 4294967296) | 0;
    h.pc += 4;
  } else {
    t.ctx.set(10, ret);
    t.ctx.pc += 4;
  }
  if (k.trace.sysExit.length) k.trace.fireExit(t, nr, ret);
  if (t.ptrace && t.state === 'R') ptraceSyscallExit(k, t, true);
}
