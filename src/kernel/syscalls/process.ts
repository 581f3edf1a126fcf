// Processes: clone/fork/vfork, execve, exit, wait, set_tid_address and personality.
import { capable, CAP_SYS_ADMIN, CAP_SYS_RESOURCE } from '../security/commoncap.js';
import { BLOCKED, NORETURN, type Blocked, type SyscallResult } from './result.js';
import type { Kernel } from '../kernel.js';
import { Task } from '../sched/task.js';
import { ThreadGroup } from '../sched/threadgroup.js';
import { WaitQueue } from '../sched/waitqueue.js';
import { O_NONBLOCK } from '../fs/file.js';
import { ECHILD, EFAULT, EINVAL, ENOMEM, EPERM, EAGAIN, E2BIG, EEXIST, EBADF, ESRCH } from '../errno.js';
import { RLIMIT_NPROC } from '../sched/threadgroup.js';
import { installFile } from './fs-io.js';
import { createPidfd, pidfdTarget } from '../sched/pidfd.js';
import { SIG_IGN } from '../signal/signals.js';
import { reap } from '../sched/exit.js';
import { rusage, RUSAGE_BOTH } from '../sched/rusage.js';
import { execve, EXEC_KILLED } from '../exec/execve.js';
import { userPath, userStringArray } from './uaccess.js';
import { SIGCHLD } from '../signal/signals.js';
import { writeSigInfo } from '../signal/siginfo.js';
import { inheritTaskAttrs } from '../sched/attrs.js';
import { CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED, CLD_CONTINUED, CLD_TRAPPED } from '../signal/signals.js';
import { ptraceCollect, ptraceExitEvent, ptraceFork, ptraceWaitable } from '../ptrace/ptrace.js';
import type { SyscallArgs } from './args.js';

/** clone3-only flags, in the high word of clone_args.flags. */
const CLONE_CLEAR_SIGHAND_HI = 0x1n,
  CLONE_INTO_CGROUP_HI = 0x2n;

export const CLONE_VM = 0x100,
  CLONE_FS = 0x200,
  CLONE_FILES = 0x400,
  CLONE_SIGHAND = 0x800,
  CLONE_PIDFD = 0x1000,
  CLONE_PTRACE = 0x2000,
  CLONE_VFORK = 0x4000,
  CLONE_PARENT = 0x8000,
  CLONE_THREAD = 0x10000,
  CLONE_NEWNS = 0x20000,
  CLONE_SYSVSEM = 0x40000,
  CLONE_SETTLS = 0x80000,
  CLONE_PARENT_SETTID = 0x100000,
  CLONE_CHILD_CLEARTID = 0x200000,
  CLONE_DETACHED = 0x400000,
  CLONE_UNTRACED = 0x800000,
  CLONE_CHILD_SETTID = 0x1000000;

interface CloneArgs {
  flags: number;
  exitSignal: number;
  stack: number;
  ptid: number;
  ctid: number;
  tls: number;
  pidfd: number;
}

/** Tasks (threads included) whose real uid is uid: what RLIMIT_NPROC counts. */
function userTasks(k: Kernel, uid: number): number {
  let n = 0;
  for (const x of k.pids.tasks()) if (x.cred.uid === uid) n++;
  return n;
}

export function doClone(k: Kernel, t: Task, ca: CloneArgs): number | Blocked {
  const f = ca.flags;
  if (t.sys?.kind !== 'vfork') {
    if ((f & (CLONE_NEWNS | CLONE_FS)) === (CLONE_NEWNS | CLONE_FS)) return -EINVAL;
    if (f & CLONE_SIGHAND && !(f & CLONE_VM)) return -EINVAL;
    if (f & CLONE_THREAD && !(f & CLONE_SIGHAND)) return -EINVAL;
    if (f & CLONE_PIDFD && f & CLONE_THREAD) return -EINVAL;
    // copy_process stores the pidfd before the child exists: an unwritable slot fails the clone.
    if (f & CLONE_PIDFD && !t.mm.probeWritable(ca.pidfd, 4)) return -EFAULT;
    // fork: RLIMIT_NPROC caps the user's tasks; root (CAP_SYS_RESOURCE/CAP_SYS_ADMIN) is exempt.
    const lim = t.tg.rlimits[RLIMIT_NPROC][0];
    if (!capable(t.cred, CAP_SYS_RESOURCE) && !capable(t.cred, CAP_SYS_ADMIN) && BigInt(userTasks(k, t.cred.uid)) >= lim) return -EAGAIN;
  }
  return doCloneChecked(k, t, ca);
}

/**
 * wait_for_vfork_done sleeps TASK_KILLABLE: D in ps, and only a fatal signal
 * ends it. Once the child has let go, vfork returns its pid before any signal
 * is handled (a caught one runs its handler after, not instead).
 */
function vforkWait(k: Kernel, t: Task, child: Task): void {
  t.sleepOn(child.vforkDone!, 'D');
  k.onInterrupt.set(t, () => (child.vforkDone ? undefined : child.tid));
}

function doCloneChecked(k: Kernel, t: Task, ca: CloneArgs): number | Blocked {
  const f = ca.flags;
  // vfork: the parent sleeps until the child execs or exits, then returns its pid.
  if (t.sys?.kind === 'vfork') {
    const child = t.sys.child;
    if (child.vforkDone) {
      vforkWait(k, t, child);
      return BLOCKED;
    }
    return child.tid;
  }
  k.syncRegs(t);
  const mm = f & CLONE_VM ? t.mm : t.mm.fork();
  if (!mm) return -ENOMEM;
  if (f & CLONE_VM) mm.users++;
  const files = f & CLONE_FILES ? t.files : t.files.clone();
  if (f & CLONE_FILES) files.users++;
  const fs = f & CLONE_FS ? t.fs : t.fs.clone();
  if (f & CLONE_FS) fs.users++;
  const sighand = f & CLONE_SIGHAND ? t.sighand : t.sighand.clone();
  if (f & CLONE_SIGHAND) sighand.users++;
  const tid = k.allocPid();
  let tg: ThreadGroup;
  if (f & CLONE_THREAD) tg = t.tg;
  else {
    tg = new ThreadGroup(tid);
    tg.parent = f & CLONE_PARENT ? t.tg.parent : t.tg;
    tg.parent?.children.add(tg);
    tg.pgid = t.tg.pgid;
    tg.sid = t.tg.sid;
    tg.tty = t.tg.tty;
    tg.rlimits = t.tg.rlimits.map(([c, m]) => [c, m]);
    tg.oomScoreAdj = t.tg.oomScoreAdj;
    tg.oomScoreAdjMin = t.tg.oomScoreAdjMin;
    tg.loginuid = t.tg.loginuid;
    tg.exitSignal = ca.exitSignal;
    k.pids.attachGroup(tg);
  }
  const child = new Task(tid, tg, mm, files, fs, sighand, t.cred.clone());
  tg.tasks.push(child);
  child.ctx = t.ctx.copy();
  child.ctx.pc += 4;
  child.ctx.set(10, 0);
  if (ca.stack) child.ctx.set(2, ca.stack);
  if (f & CLONE_SETTLS) child.ctx.set(4, ca.tls);
  child.comm = t.comm;
  child.blocked = t.blocked;
  child.altStack = { ...t.altStack };
  child.exe = t.exe?.get() ?? null;
  child.startTime = k.clock.monotonic();
  if (f & CLONE_CHILD_CLEARTID) child.clearChildTid = ca.ctid;
  inheritTaskAttrs(t, child, f);
  k.pids.attachTask(child);
  k.stats.forks++;
  if (f & CLONE_PARENT_SETTID) t.mm.writeU32(ca.ptid, tid);
  if (f & CLONE_CHILD_SETTID) mm.writeU32(ca.ctid, tid);
  if (f & CLONE_PIDFD) {
    const fd = installFile(t, createPidfd(k, tg, 0), true);
    if (fd >= 0) t.mm.writeU32(ca.pidfd, fd);
  }
  k.makeRunnable(child);
  for (const h of k.forkHooks) h(t, child);
  ptraceFork(k, t, child, f, ca.exitSignal);
  if (f & CLONE_VFORK) {
    child.vforkDone = new WaitQueue();
    t.sys = { kind: 'vfork', nr: k.sysArgs.nr, restart: 'sys', child };
    vforkWait(k, t, child);
    return BLOCKED;
  }
  return tid;
}

export function sys_clone(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.ulong(0) & ~0xff;
  // clone() returns the pidfd through the parent_tid slot, so the two exclude each other.
  if (flags & CLONE_PIDFD && flags & CLONE_PARENT_SETTID) return -EINVAL;
  return doClone(k, t, { flags, exitSignal: a.ulong(0) & 0xff, stack: a.ulong(1), ptid: a.ulong(2), tls: a.ulong(3), ctid: a.ulong(4), pidfd: a.ulong(2) });
}

export function sys_clone3(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  // struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
  // set_tid, set_tid_size (v1, 80 bytes), cgroup (v2, 88 bytes).
  const size = a.ulong(1);
  // A vfork parent woken by its child: doClone's resume path ignores the arguments.
  if (t.sys?.kind === 'vfork') return doClone(k, t, { flags: 0, exitSignal: 0, stack: 0, ptid: 0, ctid: 0, tls: 0, pidfd: 0 });
  if (size < 64 || size > 4096) return -EINVAL;
  const b = t.mm.read(a.ulong(0), size);
  if (!b) return -EFAULT;
  // Bytes past the fields this kernel knows must be zero (copy_struct_from_user).
  for (let i = 88; i < size; i++) if (b[i]) return -E2BIG;
  const dv = new DataView(b.buffer);
  const big = (o: number) => (o + 8 <= size ? dv.getBigUint64(o, true) : 0n);
  const u = (o: number) => Number(big(o));
  const flags = big(0),
    exitSignal = big(32),
    stack = u(40),
    stackSize = u(48),
    setTidSize = big(72);
  if ((flags >> 32n) & ~(CLONE_INTO_CGROUP_HI | CLONE_CLEAR_SIGHAND_HI)) return -EINVAL;
  if (exitSignal & ~0xffn || Number(exitSignal) > 64) return -EINVAL;
  if (Number(flags & 0xffffffffn) & (CLONE_THREAD | CLONE_PARENT) && exitSignal) return -EINVAL;
  if ((stack === 0) !== (stackSize === 0)) return -EINVAL;
  if (setTidSize > 32n || (setTidSize && !big(64))) return -EINVAL;
  if (setTidSize) {
    // Choosing the new pid (set_tid) needs CAP_SYS_ADMIN; a pid in use is EEXIST.
    if (!capable(t.cred, CAP_SYS_ADMIN)) return -EPERM;
    const want = Number(t.mm.readU32(u(64)) ?? 0);
    if (want <= 0) return -EINVAL;
    if (k.pids.inUse(want)) return -EEXIST;
  }
  if ((flags >> 32n) & CLONE_INTO_CGROUP_HI) return -EINVAL;
  if ((flags >> 32n) & CLONE_CLEAR_SIGHAND_HI) {
    if (Number(flags & 0xffffffffn) & CLONE_SIGHAND) return -EINVAL;
  }
  const r = doClone(k, t, {
    flags: Number(flags & 0xffffffffn),
    exitSignal: Number(exitSignal),
    stack: stack ? stack + stackSize : 0,
    ptid: u(24),
    ctid: u(16),
    tls: u(56),
    pidfd: u(8),
  });
  if (r !== BLOCKED && r > 0 && (flags >> 32n) & CLONE_CLEAR_SIGHAND_HI) {
    const c = k.pids.findTask(r);
    if (c)
      for (const act of c.sighand.actions)
        if (act.handler !== SIG_IGN) {
          act.handler = 0;
          act.flags = 0;
          act.mask = 0n;
        }
  }
  return r;
}

export function sys_execve(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const path = userPath(t, a.ulong(0));
  if (typeof path === 'number') return path;
  const argv = userStringArray(t, a.ulong(1), 2 * 1024 * 1024);
  if (typeof argv === 'number') return argv;
  const envp = userStringArray(t, a.ulong(2), 2 * 1024 * 1024);
  if (typeof envp === 'number') return envp;
  const r = execve(k, t, path, argv, envp);
  if (r === EXEC_KILLED) {
    k.exitTask(t, 11 /* SIGSEGV */, true);
    return NORETURN;
  }
  return r < 0 ? r : NORETURN;
}

// A tracer asking for PTRACE_EVENT_EXIT sees the task stop first; the call runs again when resumed.
export function sys_exit(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (ptraceExitEvent(k, t, (a.int(0) & 0xff) << 8)) return BLOCKED;
  k.exitTask(t, (a.int(0) & 0xff) << 8, false);
  return NORETURN;
}
export function sys_exit_group(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (ptraceExitEvent(k, t, (a.int(0) & 0xff) << 8)) return BLOCKED;
  k.exitTask(t, (a.int(0) & 0xff) << 8, true);
  return NORETURN;
}

const WNOHANG = 1,
  WUNTRACED = 2,
  WSTOPPED = 2,
  WEXITED = 4,
  WCONTINUED = 8,
  WNOWAIT = 0x01000000,
  __WNOTHREAD = 0x20000000,
  __WALL = 0x40000000,
  __WCLONE = 0x80000000;

type Found = { tg: ThreadGroup; kind: 'exit' | 'stop' | 'cont' } | { tg: ThreadGroup; kind: 'ptrace'; task: Task };

function findChild(t: Task, idtype: 'pid' | 'pgid' | 'all', id: number, options: number): { found: Found | null; any: boolean } {
  let any = false;
  // Tracees first: their ptrace-stops and deaths go to the tracer, without WUNTRACED.
  for (const w of options & __WNOTHREAD ? [t] : t.tg.tasks) {
    for (const x of w.tracees) {
      if (idtype === 'pid' && x.tid !== id) continue;
      if (idtype === 'pgid' && x.tg.pgid !== id) continue;
      any = true;
      const r = ptraceWaitable(x);
      if (r === 'exit' && !(options & WEXITED)) continue;
      if (r) return { found: { tg: x.tg, kind: 'ptrace', task: x }, any };
    }
  }
  for (const c of t.tg.children) {
    if (idtype === 'pid' && c.tgid !== id) continue;
    if (idtype === 'pgid' && c.pgid !== id) continue;
    // Without __WALL, __WCLONE selects children whose exit signal is not SIGCHLD.
    if (!(options & __WALL) && ((options & __WCLONE) !== 0) !== (c.exitSignal !== SIGCHLD)) continue;
    any = true;
    if (c.zombie && options & WEXITED) return { found: { tg: c, kind: 'exit' }, any };
    // A traced child's stops reach its tracer as ptrace-stops only.
    if (c.stopReport !== null && options & WSTOPPED && !c.tasks.some((x) => x.ptrace)) return { found: { tg: c, kind: 'stop' }, any };
    if (c.contReport && options & WCONTINUED) return { found: { tg: c, kind: 'cont' }, any };
  }
  return { found: null, any };
}

function waitStatus(k: Kernel, f: Found, consume: boolean): number {
  if (f.kind === 'ptrace') return ptraceCollect(k, f.task, consume);
  if (f.kind === 'exit') return f.tg.exitStatus;
  if (f.kind === 'stop') return ((f.tg.stopReport ?? 0) << 8) | 0x7f;
  return 0xffff;
}

export function sys_wait4(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0),
    statusAddr = a.ulong(1),
    options = a.int(2),
    ruAddr = a.ulong(3);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  // kernel_wait4: -INT_MIN is no process group (it does not fit in a pid_t).
  if (pid === -2147483648) return -ESRCH;
  const idtype = pid < -1 ? 'pgid' : pid === -1 ? 'all' : pid === 0 ? 'pgid' : 'pid';
  const id = pid < -1 ? -pid : pid === 0 ? t.tg.pgid : pid;
  const { found, any } = findChild(t, idtype, id, options | WEXITED);
  if (!found) {
    if (!any) return -ECHILD;
    if (options & WNOHANG) return 0;
    t.sleepOn(t.tg.childWait);
    return BLOCKED;
  }
  if (statusAddr && !t.mm.probeWritable(statusAddr, 4)) return -EFAULT;
  const status = waitStatus(k, found, true);
  if (statusAddr && !t.mm.writeU32(statusAddr, status)) return -EFAULT;
  if (ruAddr) {
    const ru = rusage(found.tg.leader, RUSAGE_BOTH)!;
    if (!t.mm.write(ruAddr, ru)) return -EFAULT;
  }
  const tgid = found.kind === 'ptrace' ? found.task.tid : found.tg.tgid;
  if (found.kind === 'exit') reap(k, found.tg);
  else if (found.kind === 'stop') found.tg.stopReport = null;
  else if (found.kind === 'cont') found.tg.contReport = false;
  return tgid;
}

export function sys_waitid(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const idtype = a.int(0),
    id = a.int(1),
    infoAddr = a.ulong(2),
    options = a.int(3);
  if (options & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  if (!(options & (WEXITED | WSTOPPED | WCONTINUED))) return -EINVAL;
  const P_ALL = 0,
    P_PID = 1,
    P_PGID = 2,
    P_PIDFD = 3;
  let kind: 'pid' | 'pgid' | 'all';
  let wid = id;
  // A pidfd opened with PIDFD_NONBLOCK makes the wait WNOHANG, and "nothing yet" EAGAIN (kernel_waitid).
  let pidfdNonblock = false;
  if (idtype === P_ALL) kind = 'all';
  else if (idtype === P_PID) {
    kind = 'pid';
    if (id <= 0) return -EINVAL;
  } else if (idtype === P_PGID) {
    kind = 'pgid';
    if (id < 0) return -EINVAL;
    if (id === 0) wid = t.tg.pgid;
  } else if (idtype === P_PIDFD) {
    const f = t.files.get(id);
    const target = f ? pidfdTarget(f) : null;
    if (!f || !target) return -EBADF;
    kind = 'pid';
    wid = target.tgid;
    pidfdNonblock = (f.flags & O_NONBLOCK) !== 0;
  } else return -EINVAL;
  const { found, any } = findChild(t, kind, wid, options);
  if (!found) {
    if (!any) return -ECHILD;
    if (options & WNOHANG || pidfdNonblock) {
      if (infoAddr) t.mm.write(infoAddr, new Uint8Array(128));
      return options & WNOHANG ? 0 : -EAGAIN;
    }
    t.sleepOn(t.tg.childWait);
    return BLOCKED;
  }
  const st = waitStatus(k, found, !(options & WNOWAIT));
  const died = found.kind === 'exit' || (found.kind === 'ptrace' && (st & 0xff) !== 0x7f);
  const code = died
    ? (st & 0x7f) === 0
      ? CLD_EXITED
      : st & 0x80
        ? CLD_DUMPED
        : CLD_KILLED
    : found.kind === 'ptrace'
      ? CLD_TRAPPED
      : found.kind === 'stop'
        ? CLD_STOPPED
        : CLD_CONTINUED;
  // A ptrace-stop's si_status is the whole stop code (signal | event << 8).
  const status = died ? ((st & 0x7f) === 0 ? (st >> 8) & 0xff : st & 0x7f) : found.kind === 'ptrace' ? st >> 8 : found.kind === 'stop' ? (st >> 8) & 0xff : 18;
  const pid = found.kind === 'ptrace' ? found.task.tid : found.tg.tgid;
  if (infoAddr) {
    const b = new Uint8Array(128);
    writeSigInfo(new DataView(b.buffer), 0, { signo: SIGCHLD, code, pid, uid: found.tg.leader.cred.uid, status });
    if (!t.mm.write(infoAddr, b)) return -EFAULT;
  }
  if (!(options & WNOWAIT)) {
    if (found.kind === 'exit') reap(k, found.tg);
    else if (found.kind === 'stop') found.tg.stopReport = null;
    else if (found.kind === 'cont') found.tg.contReport = false;
  }
  return 0;
}

export function sys_set_tid_address(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  t.clearChildTid = a.ulong(0);
  return t.tid;
}

/**
 * kernel/exec_domain.c: the old persona; 0xffffffff only asks. Any value is
 * kept as given, as Linux keeps it; of the flags only STICKY_TIMEOUTS changes
 * what a syscall does here (select/poll leave the timeout alone).
 */
export function sys_personality(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const old = t.personality;
  const p = a.int(0) >>> 0;
  if (p !== 0xffffffff) t.personality = p;
  return old;
}
