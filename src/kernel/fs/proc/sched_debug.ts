// /proc/sched_debug (kernel/sched/debug.c sched_debug_show with 6.12's
// layout): the clocks, the scheduler tunables, then per CPU the run queue
// and its cfs_rq, rt_rq and dl_rq, and the table of runnable tasks with
// their vruntime, eligibility and deadline.
import type { Kernel } from '../../kernel.js';
import type { Runqueue } from '../../sched/core.js';
import type { Task } from '../../sched/task.js';
import { UTS_RELEASE, UTS_VERSION } from '../../version.js';
import { HZ } from '../../time/clock.js';
import { kernelPrio, splitNs } from './sched.js';
import { SYSCTL_SCHED_BASE_SLICE } from '../../sched/fair.js';
import { schedRtRuntimeUs } from '../../sysctl/kernel.js';

/** INITIAL_JIFFIES: jiffies start 5 minutes before wrapping. */
const INITIAL_JIFFIES = 4294937296;

const ns = (v: number) => {
  const [a, b] = splitNs(v).split('.');
  return `${a.padStart(14)}.${b}`;
};
const line = (name: string, v: string | number) => `  .${name.padEnd(30)}: ${v}\n`;
const top = (name: string, v: string | number) => `${name.padEnd(40)}: ${v}\n`;

function taskLine(rq: Runqueue, t: Task, avg: number): string {
  const cur = rq.curr === t;
  const se = t.se;
  return (
    `${cur ? '>R' : ` ${t.state}`} ${t.comm.slice(0, 15).padStart(15)} ${String(t.tid).padStart(5)} ` +
    `${splitNs(se.vruntime).padStart(16)}   ${se.vruntime <= avg ? 'E' : 'N'}   ${splitNs(se.deadline).padStart(16)}   ` +
    `${splitNs(se.slice).padStart(16)} ${splitNs(se.sumExec).padStart(16)} ${String(t.nvcsw + t.nivcsw).padStart(9)}   ` +
    `${String(kernelPrio(t)).padStart(5)} ${splitNs(t.runDelay).padStart(16)} ${splitNs(0).padStart(16)} ${splitNs(0).padStart(16)} /\n`
  );
}

function cpuSection(k: Kernel, rq: Runqueue): string {
  const now = k.cpuClock(rq);
  const f = rq.fair;
  let s = `\ncpu#${rq.cpu}\n`;
  s += line('nr_running', rq.nrRunning);
  s += line('nr_switches', rq.nrSwitches);
  s += line('nr_uninterruptible', [...k.pids.tasks()].filter((t) => t.state === 'D' && t.cpu === rq.cpu).length);
  s += line('next_balance', INITIAL_JIFFIES + Math.floor((now * HZ) / 1e9));
  s += line('curr->pid', rq.curr?.tid ?? 0);
  s += line('clock', ns(now).trim());
  s += line('clock_task', ns(now).trim());
  s += line('avg_idle', 1000000);
  s += line('max_idle_balance_cost', 500000);
  const queued = [...f.tree];
  if (f.curr && f.curr.se.onRq) queued.push(f.curr);
  const vr = queued.map((t) => t.se.vruntime);
  const left = f.tree.first();
  const avg = f.avgVruntime();
  s += `\ncfs_rq[${rq.cpu}]:/\n`;
  s += line('left_deadline', splitNs(left ? left.se.deadline : 0));
  s += line('left_vruntime', splitNs(left ? left.se.vruntime : 0));
  s += line('min_vruntime', splitNs(f.minVruntime));
  s += line('avg_vruntime', splitNs(avg));
  s += line('right_vruntime', splitNs(vr.length ? Math.max(...vr) : 0));
  s += line('spread', splitNs(vr.length ? Math.max(...vr) - Math.min(...vr) : 0));
  s += line('nr_running', f.nrRunning);
  s += line('h_nr_running', f.nrRunning);
  s += line('idle_nr_running', queued.filter((t) => t.policy === 5).length);
  s += line('idle_h_nr_running', queued.filter((t) => t.policy === 5).length);
  s += line('load', f.load);
  s += `\nrt_rq[${rq.cpu}]:\n`;
  s += line('rt_nr_running', rq.rt.nrRunning);
  s += line('rt_throttled', rq.rt.throttled ? 1 : 0);
  s += line('rt_time', splitNs(rq.rt.rtTime));
  const runtime = schedRtRuntimeUs.get(k);
  s += line('rt_runtime', splitNs(runtime < 0 ? -1 : runtime * 1000));
  s += `\ndl_rq[${rq.cpu}]:\n`;
  s += line('dl_nr_running', rq.dl.nrRunning);
  s += line('dl_bw->bw', rq.dl.capBw(rq));
  s += line('dl_bw->total_bw', rq.dl.totalBw);
  s += '\nrunnable tasks:\n';
  s +=
    ' S            task   PID       vruntime   eligible    deadline             slice          sum-exec      switches  prio         wait-time        sum-sleep       sum-block  group-path\n';
  s += '-'.repeat(163) + '\n';
  for (const t of k.pids.tasks()) if (t.state === 'R' && t.cpu === rq.cpu) s += taskLine(rq, t, avg);
  return s;
}

export function schedDebug(k: Kernel): string {
  const now = k.clock.monotonic();
  let s = `Sched Debug Version: v0.11, ${UTS_RELEASE} ${UTS_VERSION.split(' ')[0]}\n`;
  s += top('ktime', ns(now).trim());
  s += top('sched_clk', ns(now).trim());
  s += top('cpu_clk', ns(now).trim());
  s += top('jiffies', INITIAL_JIFFIES + Math.floor((now * HZ) / 1e9));
  s += '\nsysctl_sched\n';
  s += `  .${'sysctl_sched_base_slice'.padEnd(40)}: ${splitNs(SYSCTL_SCHED_BASE_SLICE)}\n`;
  s += `  .${'sysctl_sched_tunable_scaling'.padEnd(40)}: 1 (log)\n`;
  for (const rq of k.runqueues) s += cpuSection(k, rq);
  return s + '\n';
}
