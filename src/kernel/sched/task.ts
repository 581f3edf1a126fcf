// A task: one schedulable thread of execution (Linux's task_struct). Tasks of
// one process share a ThreadGroup; address space, files, fs and signal
// handlers are separate objects that clone() may share.
import { CAP_FULL_SET } from '../security/commoncap.js';
import { CpuContext } from './context.js';
import type { Mm } from '../mm/mm.js';
import type { FdTable } from '../fs/fdtable.js';
import type { FsStruct } from '../fs/namei.js';
import { WaitQueue, type Sleeper } from './waitqueue.js';
import type { SigHand, SigInfo } from '../signal/signals.js';
import type { File, IoWaiter } from '../fs/file.js';
import type { ThreadGroup } from './threadgroup.js';
import type { PtraceLink } from '../ptrace/ptrace.js';
import { SchedEntity } from './entity.js';
import type { SyscallState } from '../syscalls/restart.js';

/** Linux task states as /proc shows them. */
export type TaskState = 'R' | 'S' | 'D' | 'T' | 't' | 'Z' | 'X' | 'I';

export class Cred {
  /** The capability sets (capabilities(7)); root's credential has all but the inheritable and ambient. */
  capInh = 0n;
  capPrm = CAP_FULL_SET;
  capEff = CAP_FULL_SET;
  capBnd = CAP_FULL_SET;
  capAmb = 0n;
  /** SECBIT_* flags and their locks (prctl PR_SET_SECUREBITS, PR_SET_KEEPCAPS). */
  securebits = 0;
  constructor(
    public uid = 0,
    public gid = 0,
    public euid = 0,
    public egid = 0,
    public suid = 0,
    public sgid = 0,
    public fsuid = 0,
    public fsgid = 0,
    public groups: number[] = [],
  ) {
    // A credential built for a user other than root starts with no capabilities (as after setuid).
    if (euid !== 0) {
      this.capPrm = 0n;
      this.capEff = 0n;
    }
  }
  clone(): Cred {
    const c = new Cred(this.uid, this.gid, this.euid, this.egid, this.suid, this.sgid, this.fsuid, this.fsgid, [...this.groups]);
    c.capInh = this.capInh;
    c.capPrm = this.capPrm;
    c.capEff = this.capEff;
    c.capBnd = this.capBnd;
    c.capAmb = this.capAmb;
    c.securebits = this.securebits;
    return c;
  }
}

/** Bytes and calls of read/write-like system calls, and storage traffic. */
export class TaskIoAccounting {
  rchar = 0;
  wchar = 0;
  syscr = 0;
  syscw = 0;
  readBytes = 0;
  writeBytes = 0;
  cancelledWriteBytes = 0;
}

export class Task implements Sleeper, IoWaiter {
  /** Changed only by the methods below (sleepOn, wake, sleep, stop, resumeFromStop, becomeZombie, markDead). */
  private taskState: TaskState = 'R';
  get state(): TaskState {
    return this.taskState;
  }
  ctx = new CpuContext();
  comm = '';
  /** Signals blocked by this thread. */
  blocked = 0n;
  /** Thread-directed pending signals. */
  pending = 0n;
  pendingInfo: SigInfo[] = [];
  altStack = { sp: 0, flags: 2 /* SS_DISABLE */, size: 0 };
  clearChildTid = 0;
  robustList = 0;
  /** The wait queues this task sleeps on (to leave them when woken another way). */
  private sleepingOn: WaitQueue[] = [];
  /** The syscall this task sleeps in, and what it keeps across the sleep (restart_block); null when none. */
  sys: SyscallState | null = null;
  /** A vfork parent waits here until this child execs or exits. */
  vforkDone: WaitQueue | null = null;
  /** Signals rt_sigtimedwait is waiting for (woken even though blocked). */
  sigwait = 0n;
  /** Saved mask of rt_sigsuspend, restored after the handler runs. */
  savedMask: bigint | null = null;
  exitCode = 0;
  startTime = 0;
  /** CPU time in ns of virtual time, split by where it went. */
  utime = 0;
  stime = 0;
  /** Context switches: voluntary (the task slept), involuntary (its slice ended). */
  nvcsw = 0;
  nivcsw = 0;
  /** Scheduling attributes (sched_setattr, setpriority): the scheduler classes read them. */
  policy = 0;
  nice = 0;
  rtPriority = 0;
  /** The scheduling classes' per-task state (sched_entity, rt and dl entities). */
  readonly se = new SchedEntity();
  /** SCHED_FLAG_RESET_ON_FORK: children start as SCHED_OTHER, nice >= 0. */
  resetOnFork = false;
  /** ioprio_set's value (class << 13 | data); 0 = none set (follows the nice level). */
  ioprio = 0;
  /** The registered rseq area (rseq(2)). */
  rseq: { addr: number; len: number; sig: number } | null = null;
  /** rseq work owed before the next return to user (TIF_NOTIFY_RESUME)... */
  rseqPending = false;
  /** ...and whether the task was preempted or signalled since (rseq_event_mask): a critical section restarts. */
  rseqEvent = false;
  /** PR_SET_PDEATHSIG: sent when the parent thread exits. */
  pdeathSig = 0;
  /** PR_SET_NO_NEW_PRIVS: sticky, inherited across fork and execve. */
  noNewPrivs = false;
  /**
   * personality(2)'s persona (task_struct.personality): the execution domain
   * in the low byte (PER_LINUX, the only one this kernel runs) and flags such
   * as STICKY_TIMEOUTS above it. Inherited by fork; exec resets the domain.
   */
  personality = 0;
  /** PR_SET_TIMERSLACK, in ns; the default is what a new task inherits. */
  timerSlack = 50000;
  defaultTimerSlack = 50000;
  /** Page faults this task took (min_flt, maj_flt). */
  minFlt = 0;
  majFlt = 0;
  /** I/O accounting (Linux's task_io_accounting), shown in /proc/PID/io. */
  readonly ioac = new TaskIoAccounting();
  /** When the disk requests this task issued in its current call complete (virtual ns); it waits for them on its way back to user mode. */
  ioWaitUntil = 0;
  /** Bios this task submitted that the disk has not completed (block/blk_mq.ts); it waits for them the same way. */
  ioPending = 0;
  /** Ticks of virtual time spent runnable but waiting for the hart (sched_info.run_delay, ns). */
  runDelay = 0;
  /** Virtual time it last ran up to (se.exec_start). */
  execStart = 0;
  /** Times this task was put on the hart (sched_info.pcount). */
  pcount = 0;
  /** When it last became runnable while off the hart (for runDelay), or -1. */
  queuedAt = -1;
  /** A kernel thread's body (kthread.ts): runs when the thread is scheduled, returns the ns of work done. */
  kthread: ((t: Task) => number) | null = null;
  /** PF_WQ_WORKER: a workqueue's worker thread. */
  wqWorker = false;
  /** The CPU whose run queue holds it, or held it last (task_cpu). */
  cpu = 0;
  /** CPUs it may run on (cpus_mask), one bit per CPU. */
  cpusAllowed = 0xffffffff;
  /** Moves between CPUs (se.nr_migrations). */
  nrMigrations = 0;
  /** The kernel's run-queue hook: set by the scheduler. */
  onWake: ((t: Task) => void) | null = null;

  constructor(
    /** Changes once: a non-leader thread that execs takes over the PID (de_thread). */
    public tid: number,
    public tg: ThreadGroup,
    public mm: Mm,
    public files: FdTable,
    public fs: FsStruct,
    public sighand: SigHand,
    public cred: Cred,
  ) {}

  get pid(): number {
    return this.tg.tgid;
  }

  /**
   * Sleep on q: 'S' (TASK_INTERRUPTIBLE) any signal interrupts; 'D' is
   * TASK_KILLABLE (shown as D, like TASK_UNINTERRUPTIBLE): only a fatal signal does.
   */
  sleepOn(q: WaitQueue, state: 'S' | 'D' | 'I' = 'S'): void {
    q.add(this);
    this.sleepingOn.push(q);
    this.taskState = state;
  }

  wake(): void {
    if (this.state !== 'S' && this.state !== 'D' && this.state !== 'I') return;
    this.leaveWaitQueues();
    this.taskState = 'R';
    this.onWake?.(this);
  }

  /**
   * Sleep with no wait queue (set_current_state before schedule): a timer,
   * a futex wake or a signal ends it through wake().
   */
  sleep(state: 'S' | 'D' = 'S'): void {
    this.taskState = state;
  }

  /**
   * Stop: 'T' a job-control stop (do_signal_stop), 't' a ptrace stop. A stopped
   * task is on no wait queue, so no wake-up can end the stop; the caller
   * takes it off its run queue.
   */
  stop(state: 'T' | 't'): void {
    this.leaveWaitQueues();
    this.taskState = state;
  }

  /** Out of a stop (SIGCONT, SIGKILL, the tracer resumes it): runnable again; the caller enqueues it. */
  resumeFromStop(): void {
    this.taskState = 'R';
  }

  /** exit_notify: the task has exited and is a zombie until its group is reaped. */
  becomeZombie(): void {
    this.leaveWaitQueues();
    this.taskState = 'Z';
  }

  /** EXIT_DEAD: released (reaped, or a thread detached); nothing of it is left to collect. */
  markDead(): void {
    this.taskState = 'X';
  }

  private leaveWaitQueues(): void {
    for (const q of this.sleepingOn) q.remove(this);
    this.sleepingOn = [];
  }

  /** Set while a tracer traces this task (Linux's task->ptrace and ->parent). */
  ptrace: PtraceLink | null = null;
  /** The tasks this one traces (Linux's ->ptraced list). */
  readonly tracees = new Set<Task>();

  /** Files the exe link of /proc points at. */
  exe: File | null = null;
}
