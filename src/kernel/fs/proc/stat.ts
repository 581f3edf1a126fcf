// /proc/stat (Linux's fs/proc/stat.c): CPU time in USER_HZ ticks, interrupt
// and context-switch counters, boot time and process counts. top and vmstat
// take differences between reads, so every counter here only grows.
import type { Kernel } from '../../kernel.js';
import { ticks } from './pid.js';
import { TIMER_IRQ } from './interrupts.js';

/** nr_irqs on a riscv64 virt machine; the timer's number is shared with /proc/interrupts. */
const NR_IRQS = 64;
/** HI TIMER NET_TX NET_RX BLOCK IRQ_POLL TASKLET SCHED HRTIMER RCU */
const NR_SOFTIRQS = 10;
/** User instructions (of niced tasks apart), charged kernel work and idle time: together the whole uptime. */
export function cpuTimes(k: Kernel): number[] {
  const nice = k.stats.niceNs, user = k.hart.instret - nice, system = k.clock.sysNs, idle = k.clock.idleNs;
  // user nice system idle iowait irq softirq steal guest guest_nice
  return [ticks(user), ticks(nice), ticks(system), ticks(idle), 0, 0, 0, 0, 0, 0];
}

export function stat(k: Kernel): string {
  const cpu = cpuTimes(k).join(' ');
  const irqs = new Array<number>(NR_IRQS).fill(0);
  irqs[TIMER_IRQ] = k.stats.interrupts;
  let running = 0, blocked = 0;
  for (const t of k.tasks.values()) {
    if (t.state === 'R') running++;
    else if (t.state === 'D') blocked++;
  }
  return `cpu  ${cpu}\ncpu0 ${cpu}\n`
    + `intr ${k.stats.interrupts} ${irqs.join(' ')}\n`
    + `ctxt ${k.runqueues.reduce((n, rq) => n + rq.nrSwitches, 0)}\n`
    + `btime ${Math.floor(k.clock.bootRealtimeNs / 1e9)}\n`
    + `processes ${k.stats.forks}\n`
    + `procs_running ${running}\n`
    + `procs_blocked ${blocked}\n`
    + `softirq 0 ${new Array<number>(NR_SOFTIRQS).fill(0).join(' ')}\n`;
}
