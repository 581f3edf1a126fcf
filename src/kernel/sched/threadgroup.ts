// A thread group: what Linux users call a process. The tgid is the PID; the
// group carries the parent/child links, process group, session, shared
// pending signals, resource limits and the exit status its parent collects.
import { WaitQueue } from './waitqueue.js';
import { TaskIoAccounting, type Task } from './task.js';
import { emptyUsage, type Usage } from './cputime.js';
import type { SigInfo } from '../signal/signals.js';
import type { TtyStruct } from '../drivers/tty/tty_struct.js';

import type { CpuItimer } from '../time/posix-cpu-timers.js';
import type { PosixTimer } from '../time/posix-timers.js';
export const RLIMIT_CPU = 0,
  RLIMIT_FSIZE = 1,
  RLIMIT_DATA = 2,
  RLIMIT_STACK = 3,
  RLIMIT_CORE = 4,
  RLIMIT_RSS = 5,
  RLIMIT_NPROC = 6,
  RLIMIT_NOFILE = 7,
  RLIMIT_MEMLOCK = 8,
  RLIMIT_AS = 9,
  RLIMIT_LOCKS = 10,
  RLIMIT_SIGPENDING = 11,
  RLIMIT_MSGQUEUE = 12,
  RLIMIT_NICE = 13,
  RLIMIT_RTPRIO = 14,
  RLIMIT_RTTIME = 15,
  RLIM_NLIMITS = 16;
export const RLIM_INFINITY = (1n << 64n) - 1n;

export function defaultRlimits(): [bigint, bigint][] {
  const inf = RLIM_INFINITY;
  const l: [bigint, bigint][] = [];
  for (let i = 0; i < RLIM_NLIMITS; i++) l.push([inf, inf]);
  l[RLIMIT_STACK] = [8n * 1024n * 1024n, inf];
  l[RLIMIT_CORE] = [0n, inf];
  l[RLIMIT_NPROC] = [7823n, 7823n];
  l[RLIMIT_NOFILE] = [1024n, 1048576n];
  l[RLIMIT_MEMLOCK] = [8n * 1024n * 1024n, 8n * 1024n * 1024n];
  l[RLIMIT_SIGPENDING] = [7823n, 7823n];
  l[RLIMIT_MSGQUEUE] = [819200n, 819200n];
  l[RLIMIT_NICE] = [0n, 0n];
  l[RLIMIT_RTPRIO] = [0n, 0n];
  return l;
}

export class ThreadGroup {
  tasks: Task[] = [];
  parent: ThreadGroup | null = null;
  children = new Set<ThreadGroup>();
  pgid: number;
  sid: number;
  /** Zombie: exited, waiting for the parent's wait(). */
  zombie = false;
  reaped = false;
  /** wait status word as wait4 returns it. */
  exitStatus = 0;
  exitSignal = 17; // SIGCHLD
  /** SIGNAL_UNKILLABLE: init, which takes only the signals it handles (signal/deliver.ts). */
  unkillable = false;
  /** Process-directed pending signals. */
  pending = 0n;
  pendingInfo: SigInfo[] = [];
  /** The parent sleeps here in wait4. */
  childWait = new WaitQueue();
  rlimits = defaultRlimits();
  /** Stop/continue reported to the parent once. */
  stopReport: number | null = null;
  contReport = false;
  stopped = false;
  /** Times of reaped children, for times() and RUSAGE_CHILDREN. */
  cutime = 0;
  cstime = 0;
  /** Faults and context switches of reaped children (cmin_flt, cmaj_flt, cnvcsw, cnivcsw). */
  cminFlt = 0;
  cmajFlt = 0;
  cnvcsw = 0;
  cnivcsw = 0;
  /** Largest resident set of a reaped child or its descendants, in KiB (cmaxrss)... */
  cmaxrss = 0;
  /** ...and of this process's address space when its threads left it (maxrss). */
  maxrss = 0;
  /** Counters of threads that have exited and left the group (signal_struct's utime, stime, ...). */
  exited: Usage = emptyUsage();
  exitedIo = new TaskIoAccounting();
  /** oom_score_adj (-1000..1000), shared by the threads and inherited across fork. */
  oomScoreAdj = 0;
  /** The floor an unprivileged writer may lower oom_score_adj to. */
  oomScoreAdjMin = 0;
  /** Audit login uid (/proc/PID/loginuid): unset is (uid_t)-1. */
  loginuid = 0xffffffff;
  subreaper = false;
  /** ITIMER_REAL: expiry (virtual ns), interval, and its kernel timer. */
  itimerReal: { when: number; interval: number; timer: { cancelled?: boolean } } | null = null;
  /** ITIMER_VIRTUAL and ITIMER_PROF: expiry in the process's CPU time, and interval (posix-cpu-timers.ts). */
  itimerVirt: CpuItimer | null = null;
  itimerProf: CpuItimer | null = null;
  /** POSIX timers (timer_create), by id, and the next id to try (posix-timers.ts). */
  posixTimers: Map<number, PosixTimer> | null = null;
  nextTimerId = 0;
  /** Has run execve since fork (PF_FORKNOEXEC cleared): its parent may no longer move it to another group. */
  execed = false;
  /** Armed POSIX timers on this process's CPU clocks (its own or its threads'), checked at its ticks. */
  cpuTimers = new Set<PosixTimer>();
  groupExiting = false;
  /** Yama's PR_SET_PTRACER: the pid allowed to attach, -1 for any (PR_SET_PTRACER_ANY), 0 none. */
  yamaPtracer = 0;
  /** signalfd readers sleep here; every signal sent to the process wakes them. */
  signalfdWait = new WaitQueue();
  /** pidfd pollers: woken when the process exits and when it is reaped. */
  exitWait = new WaitQueue();
  /** The controlling terminal (signal->tty), shared by the whole session that has it. */
  tty: TtyStruct | null = null;
  /** The foreground group of a terminal hung up under this session leader, to hear SIGHUP at its exit (tty_old_pgrp). */
  ttyOldPgrp = 0;

  constructor(readonly tgid: number) {
    this.pgid = tgid;
    this.sid = tgid;
  }

  get leader(): Task {
    return this.tasks[0];
  }
}
