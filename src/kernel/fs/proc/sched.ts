// Scheduler views of a task (Linux's kernel/sched/debug.c and the
// schedstat/wchan files of fs/proc/base.c): CPU time, run-queue waiting,
// context switches and where a sleeping task waits.
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import { NR } from '../../syscalls/nr.js';
import { S_IFIFO, S_IFMT } from '../inode.js';
import { mayPtrace, taskNice, visibleThreads } from './pid.js';
import { SCHED_DEADLINE, SCHED_FIFO, SCHED_IDLE, SCHED_RR } from '../../sched/attrs.js';
import { WEIGHT_IDLEPRIO } from '../../sched/fair.js';

/** p->prio: 120 + nice for fair tasks, 99 - rt_priority for rt, -1 for deadline. */
export function kernelPrio(t: Task): number {
  if (t.policy === SCHED_DEADLINE) return -1;
  if (t.policy === SCHED_FIFO || t.policy === SCHED_RR) return 99 - t.rtPriority;
  return 120 + t.nice;
}

/** sched_prio_to_weight for nice -20..19. */
const PRIO_TO_WEIGHT = [
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277, 1024, 820, 655, 526, 423,
  335, 272, 215, 172, 137, 110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
];
export const niceWeight = (nice: number) => PRIO_TO_WEIGHT[Math.max(-20, Math.min(19, nice)) + 20];

/** Time on the hart: user instructions plus the kernel work charged to it (se.sum_exec_runtime). */
export const sumExecRuntime = (t: Task) => t.utime + t.stime;

/** /proc/PID/schedstat: run time, run-queue wait (ns) and timeslices. */
export function schedstat(t: Task): string {
  return `${sumExecRuntime(t)} ${t.runDelay} ${t.pcount}\n`;
}

/** SPLIT_NS: milliseconds and the remaining nanoseconds. */
export const splitNs = (ns: number) => {
  const neg = ns < 0,
    a = Math.abs(Math.floor(ns));
  return `${neg ? '-' : ''}${Math.floor(a / 1e6)}.${String(a % 1e6).padStart(6, '0')}`;
};
const ps = (name: string, v: number | bigint) => `${name.padEnd(45)}:${String(v).padStart(21)}\n`;
const psn = (name: string, ns: number) => {
  const [ms, frac] = splitNs(ns).split('.');
  return `${name.padEnd(45)}:${ms.padStart(14)}.${frac}\n`;
};

/**
 * proc_sched_show_task with schedstats off (kernel.sched_schedstats = 0):
 * the CFS entity's times, the switch counts, load weight and policy.
 */
export function procSched(k: Kernel, t: Task): string {
  const nice = taskNice(t);
  const weight = t.policy === SCHED_IDLE ? WEIGHT_IDLEPRIO : niceWeight(nice);
  const sum = sumExecRuntime(t);
  const nvcsw = t.nvcsw,
    nivcsw = t.nivcsw;
  let s = `${t.comm} (${t.tid}, #threads: ${visibleThreads(t.tg).length})\n`;
  s += '-'.repeat(67) + '\n';
  s += psn('se.exec_start', t.execStart);
  s += psn('se.vruntime', Math.floor(t.se.vruntime));
  s += psn('se.sum_exec_runtime', sum);
  s += ps('se.nr_migrations', t.nrMigrations);
  s += ps('nr_switches', nvcsw + nivcsw);
  s += ps('nr_voluntary_switches', nvcsw);
  s += ps('nr_involuntary_switches', nivcsw);
  s += ps('se.load.weight', weight * 1024);
  // PELT averages of a single-CPU machine, approximated from the share of time run.
  const up = Math.max(1, k.clock.monotonic() - t.startTime);
  const util = Math.min(1024, Math.floor((sum * 1024) / up));
  s += ps('se.avg.load_sum', util * 47742);
  s += ps('se.avg.runnable_sum', util * 47742 * 1024);
  s += ps('se.avg.util_sum', util * 47742);
  s += ps('se.avg.load_avg', Math.floor((util * weight) / 1024));
  s += ps('se.avg.runnable_avg', util);
  s += ps('se.avg.util_avg', util);
  s += ps('se.avg.last_update_time', t.execStart);
  s += ps('se.avg.util_est', util);
  s += ps('uclamp.min', 0);
  s += ps('uclamp.max', 1024);
  s += ps('effective uclamp.min', 0);
  s += ps('effective uclamp.max', 1024);
  s += ps('policy', t.policy);
  s += ps('prio', kernelPrio(t));
  if (t.policy === SCHED_DEADLINE) {
    s += ps('dl.runtime', Math.max(0, Math.floor(t.se.runtime)));
    s += ps('dl.deadline', t.se.absDeadline);
  }
  s += ps('ext.enabled', 0);
  // Two reads of the clock back to back: no time passes between them here.
  s += ps('clock-delta', 0);
  return s;
}

/** Where Linux's get_wchan lands for a task sleeping in each system call. */
const WCHAN: Record<number, string> = {
  [NR.wait4]: 'do_wait',
  [NR.waitid]: 'do_wait',
  [NR.nanosleep]: 'hrtimer_nanosleep',
  [NR.clock_nanosleep]: 'hrtimer_nanosleep',
  [NR.ppoll]: 'do_sys_poll',
  [NR.pselect6]: 'do_select',
  [NR.futex]: 'futex_wait_queue',
  [NR.epoll_pwait]: 'ep_poll',
  [NR.epoll_pwait2]: 'ep_poll',
  [NR.rt_sigsuspend]: 'sigsuspend',
  [NR.rt_sigtimedwait]: 'do_sigtimedwait',
  [NR.accept]: 'inet_csk_accept',
  [NR.accept4]: 'inet_csk_accept',
  [NR.recvfrom]: 'sk_wait_data',
};

/** /proc/PID/wchan: the function a sleeping task waits in, or "0". */
export function wchan(k: Kernel, t: Task): string {
  if (!mayPtrace(k, t) || (t.state !== 'S' && t.state !== 'D') || !t.sys) return '0';
  const nr = t.sys.nr;
  if (WCHAN[nr]) return WCHAN[nr];
  if (nr === NR.read || nr === NR.readv || nr === NR.write || nr === NR.writev) {
    // The descriptor is still in a0: pipes sleep in pipe_read/pipe_write, terminals in wait_woken.
    k.syncRegs?.(t);
    const f = t.files.get(t.ctx.get(10));
    if (f && (f.inode.mode & S_IFMT) === S_IFIFO) return nr === NR.read || nr === NR.readv ? 'pipe_read' : 'pipe_write';
    return 'wait_woken';
  }
  return '0';
}
