// CPU-time clocks and what watches them (kernel/time/posix-cpu-timers.c):
// POSIX timers on a process's or a thread's CPU clock, the ITIMER_VIRTUAL and
// ITIMER_PROF interval timers, and RLIMIT_CPU. CPU time moves only while a
// task runs, so, as in Linux, all of them are checked at the scheduler tick
// of the task that consumed it (run_posix_cpu_timers), with a tick's
// resolution.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { ThreadGroup } from '../sched/threadgroup.js';
import { RLIMIT_CPU, RLIM_INFINITY } from '../sched/threadgroup.js';
import { groupUsage } from '../sched/cputime.js';
import { EINVAL } from '../errno.js';
import { sendSignal } from '../signal/deliver.js';
import { SI_KERNEL } from '../signal/signals.js';
import { HZ } from './clock.js';

const SIGKILL = 9,
  SIGXCPU = 24,
  SIGVTALRM = 26,
  SIGPROF = 27;
export const CLOCK_PROCESS_CPUTIME_ID = 2,
  CLOCK_THREAD_CPUTIME_ID = 3;
/** The clock kinds in an encoded clockid's low bits (CPUCLOCK_PROF, _VIRT, _SCHED). */
const CPUCLOCK_PROF = 0,
  CPUCLOCK_VIRT = 1,
  CPUCLOCK_SCHED = 2,
  CPUCLOCK_PERTHREAD = 4;
const TICK_NSEC = 1e9 / HZ;

/** A CPU-time clock: its value, and the process whose ticks advance it. */
export interface CpuClock {
  now(): number;
  owner(): ThreadGroup;
}

type Kind = typeof CPUCLOCK_PROF | typeof CPUCLOCK_VIRT | typeof CPUCLOCK_SCHED;

function sample(kind: Kind, u: { utime: number; stime: number }): number {
  return kind === CPUCLOCK_VIRT ? u.utime : u.utime + u.stime;
}

const processClock = (tg: ThreadGroup, kind: Kind): CpuClock => ({ now: () => sample(kind, groupUsage(tg)), owner: () => tg });
const threadClock = (t: Task, kind: Kind): CpuClock => ({ now: () => sample(kind, t), owner: () => t.tg });

/**
 * The clock a CPU clockid names: CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
 * or clock_getcpuclockid's encoding (~pid << 3 | per-thread bit | kind), where a
 * process clock names a process (any) and a thread clock a thread of the caller's
 * own process (posix_cpu_clock_get's lookup).
 */
export function cpuClockOf(k: Kernel, t: Task, clockid: number): CpuClock | number {
  if (clockid === CLOCK_PROCESS_CPUTIME_ID) return processClock(t.tg, CPUCLOCK_SCHED);
  if (clockid === CLOCK_THREAD_CPUTIME_ID) return threadClock(t, CPUCLOCK_SCHED);
  if (clockid >= 0) return -EINVAL;
  const kind = clockid & 3;
  if (kind !== CPUCLOCK_PROF && kind !== CPUCLOCK_VIRT && kind !== CPUCLOCK_SCHED) return -EINVAL;
  const pid = ~(clockid >> 3);
  if (clockid & CPUCLOCK_PERTHREAD) {
    if (pid === 0) return threadClock(t, kind);
    const x = k.pids.findTask(pid);
    if (!x || x.tg !== t.tg) return -EINVAL;
    return threadClock(x, kind);
  }
  if (pid === 0) return processClock(t.tg, kind);
  const g = k.pids.findThreadGroup(pid);
  if (!g || g.zombie || g.tgid !== pid) return -EINVAL;
  return processClock(g, kind);
}

/** An interval timer on the process's CPU time (ITIMER_VIRTUAL: user time; ITIMER_PROF: user and system). */
export interface CpuItimer {
  expires: number;
  interval: number;
}

const itimerKind = (which: 'virt' | 'prof'): Kind => (which === 'virt' ? CPUCLOCK_VIRT : CPUCLOCK_PROF);

/** get_cpu_itimer: time left (a due timer not yet seen by a tick reads as one tick) and interval. */
export function getCpuItimer(tg: ThreadGroup, which: 'virt' | 'prof'): [number, number] {
  const it = which === 'virt' ? tg.itimerVirt : tg.itimerProf;
  if (!it) return [0, 0];
  const left = it.expires - sample(itimerKind(which), groupUsage(tg));
  return [left > 0 ? left : TICK_NSEC, it.interval];
}

/** set_cpu_itimer: arm (value > 0) or disarm; returns the old setting. */
export function setCpuItimer(tg: ThreadGroup, which: 'virt' | 'prof', value: number, interval: number): [number, number] {
  const old = getCpuItimer(tg, which);
  const it = value > 0 ? { expires: sample(itimerKind(which), groupUsage(tg)) + value, interval } : null;
  if (which === 'virt') tg.itimerVirt = it;
  else tg.itimerProf = it;
  return old;
}

/** run_posix_cpu_timers, for the task whose tick it is. */
export function runPosixCpuTimers(k: Kernel, t: Task): void {
  const tg = t.tg;
  const cpuLimited = tg.rlimits[RLIMIT_CPU]![0] !== RLIM_INFINITY;
  if (!tg.cpuTimers.size && !tg.itimerVirt && !tg.itimerProf && !cpuLimited) return;
  for (const timer of [...tg.cpuTimers]) if (timer.cpu && timer.cpu.now() >= timer.expires) timer.expire();
  const u = groupUsage(tg);
  checkItimer(k, tg, 'virt', u.utime, SIGVTALRM);
  checkItimer(k, tg, 'prof', u.utime + u.stime, SIGPROF);
  if (cpuLimited) checkRlimitCpu(k, tg, u.utime + u.stime);
}

/** check_cpu_itimer: one signal per expiry seen, the next period from the old expiry. */
function checkItimer(k: Kernel, tg: ThreadGroup, which: 'virt' | 'prof', now: number, signo: number): void {
  const it = which === 'virt' ? tg.itimerVirt : tg.itimerProf;
  if (!it || now < it.expires) return;
  if (it.interval > 0) it.expires += it.interval;
  else if (which === 'virt') tg.itimerVirt = null;
  else tg.itimerProf = null;
  sendSignal(k, tg, { signo, code: SI_KERNEL });
}

/**
 * RLIMIT_CPU: past the hard limit SIGKILL; past the soft one SIGXCPU, and the
 * soft limit moves on by a second (up to the hard one) so that it comes again
 * a second later, as Linux does.
 */
function checkRlimitCpu(k: Kernel, tg: ThreadGroup, cputime: number): void {
  const lim = tg.rlimits[RLIMIT_CPU]!;
  const soft = lim[0],
    hard = lim[1];
  if (hard !== RLIM_INFINITY && cputime >= Number(hard) * 1e9) {
    sendSignal(k, tg, { signo: SIGKILL, code: SI_KERNEL });
    return;
  }
  if (cputime >= Number(soft) * 1e9) {
    if (soft < hard) lim[0] = soft + 1n;
    sendSignal(k, tg, { signo: SIGXCPU, code: SI_KERNEL });
  }
}
