// /proc/interrupts (kernel/irq/proc.c show_interrupts with riscv's IPI
// lines) and /proc/softirqs (fs/proc/softirqs.c), a column per hart. The
// interrupts this kernel takes are the timer's (every slice that runs out
// and every idle period a timer ends) and reschedule IPIs between CPUs.
import type { Kernel } from '../../kernel.js';

/** The INTC's supervisor timer interrupt (hwirq 5), also its Linux IRQ number here. */
export const TIMER_IRQ = 5;
const IPI_NAMES = [
  'Rescheduling interrupts', 'Function call interrupts', 'CPU stop interrupts',
  'CPU stop (for crash dump) interrupts', 'IRQ work interrupts', 'Timer broadcast interrupts',
  'CPU backtrace interrupts', 'KGDB roundup interrupts',
];
export const SOFTIRQ_NAMES = ['HI', 'TIMER', 'NET_TX', 'NET_RX', 'BLOCK', 'IRQ_POLL', 'TASKLET', 'SCHED', 'HRTIMER', 'RCU'];

const header = (k: Kernel, indent: number) => ' '.repeat(indent) + k.runqueues.map((rq) => `CPU${rq.cpu}`.padEnd(11)).join('') + '\n';

export function interrupts(k: Kernel): string {
  const prec = 3; // nr_irqs < 1000
  const perCpu = (f: (rq: Kernel['runqueues'][number]) => number) => k.runqueues.map((rq) => `${String(f(rq)).padStart(10)} `).join('');
  let s = header(k, prec + 8);
  s += `${String(TIMER_IRQ).padStart(prec)}: ${perCpu((rq) => rq.irqs.timer)} RISC-V INTC ${String(5).padStart(prec)} ${'Edge'.padEnd(8)}  riscv-timer\n`;
  IPI_NAMES.forEach((name, i) => { s += `IPI${i}:${perCpu((rq) => (i === 0 ? rq.irqs.resched : 0))} ${name}\n`; });
  return s;
}

export function softirqs(k: Kernel): string {
  let s = header(k, 20);
  for (const name of SOFTIRQ_NAMES) s += `${name.padStart(12)}:${k.runqueues.map(() => '0'.padStart(11)).join('')}\n`;
  return s;
}
