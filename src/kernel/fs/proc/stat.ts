// /proc/stat (Linux's fs/proc/stat.c): CPU time in USER_HZ ticks, in total
// and per CPU, interrupt and context-switch counters, boot time and process
// counts. top and vmstat take differences between reads, so every counter
// here only grows.
import type { Kernel } from '../../kernel.js';
import type { Runqueue } from '../../sched/core.js';
import { ticks } from './pid.js';
import { TIMER_IRQ } from './interrupts.js';

/** nr_irqs on a riscv64 virt machine; the timer's number is shared with /proc/interrupts. */
const NR_IRQS = 64;
/** HI TIMER NET_TX NET_RX BLOCK IRQ_POLL TASKLET SCHED HRTIMER RCU */
const NR_SOFTIRQS = 10;

/** One CPU's user, nice, system, idle and iowait ns: together its whole uptime. */
function cpuNs(rq: Runqueue): number[] {
  const c = rq.cpustat;
  return [c.user, c.nice, c.system, c.idle, c.iowait];
}

/** user nice system idle iowait irq softirq steal guest guest_nice, in USER_HZ ticks. */
function line(ns: number[]): string {
  return [...ns.map(ticks), 0, 0, 0, 0, 0].join(' ');
}

export function cpuTimes(k: Kernel): number[] {
  const sum = [0, 0, 0, 0, 0];
  for (const rq of k.runqueues)
    cpuNs(rq).forEach((v, i) => {
      sum[i] += v;
    });
  return sum;
}

export function stat(k: Kernel): string {
  let s = `cpu  ${line(cpuTimes(k))}\n`;
  for (const rq of k.runqueues) s += `cpu${rq.cpu} ${line(cpuNs(rq))}\n`;
  const irqs = new Array<number>(NR_IRQS).fill(0);
  // kstat_irqs per Linux IRQ: the devices' lines, the rest (the timer's) on the timer line.
  let devices = 0;
  for (const d of k.irqs.all())
    if (d.irq < NR_IRQS) {
      irqs[d.irq] += d.total;
      devices += d.total;
    }
  irqs[TIMER_IRQ] += k.stats.interrupts - devices;
  let running = 0,
    blocked = 0;
  for (const t of k.pids.tasks()) {
    if (t.state === 'R') running++;
    else if (t.state === 'D') blocked++;
  }
  return (
    s +
    `intr ${k.stats.interrupts} ${irqs.join(' ')}\n` +
    `ctxt ${k.runqueues.reduce((n, rq) => n + rq.nrSwitches, 0)}\n` +
    `btime ${Math.floor(k.clock.bootRealtimeNs / 1e9)}\n` +
    `processes ${k.stats.forks}\n` +
    `procs_running ${running}\n` +
    `procs_blocked ${blocked}\n` +
    `softirq 0 ${new Array<number>(NR_SOFTIRQS).fill(0).join(' ')}\n`
  );
}
