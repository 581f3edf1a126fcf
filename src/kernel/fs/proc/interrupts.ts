// /proc/interrupts (kernel/irq/proc.c show_interrupts with riscv's IPI
// lines) and /proc/softirqs (fs/proc/softirqs.c), for the one hart. The
// only interrupt this kernel takes is the timer's: every slice that runs
// out and every idle period a timer ends.
import type { Kernel } from '../../kernel.js';

/** The INTC's supervisor timer interrupt (hwirq 5), also its Linux IRQ number here. */
export const TIMER_IRQ = 5;
const IPI_NAMES = [
  'Rescheduling interrupts', 'Function call interrupts', 'CPU stop interrupts',
  'CPU stop (for crash dump) interrupts', 'IRQ work interrupts', 'Timer broadcast interrupts',
  'CPU backtrace interrupts', 'KGDB roundup interrupts',
];
export const SOFTIRQ_NAMES = ['HI', 'TIMER', 'NET_TX', 'NET_RX', 'BLOCK', 'IRQ_POLL', 'TASKLET', 'SCHED', 'HRTIMER', 'RCU'];

export function interrupts(k: Kernel): string {
  const prec = 3; // nr_irqs < 1000
  let s = ' '.repeat(prec + 8) + 'CPU0'.padEnd(11) + '\n';
  s += `${String(TIMER_IRQ).padStart(prec)}: ${String(k.stats.interrupts).padStart(10)}  RISC-V INTC ${String(5).padStart(prec)} ${'Edge'.padEnd(8)}  riscv-timer\n`;
  IPI_NAMES.forEach((name, i) => { s += `IPI${i}:${'0'.padStart(10)}  ${name}\n`; });
  return s;
}

export function softirqs(_k: Kernel): string {
  let s = ' '.repeat(20) + 'CPU0'.padEnd(11) + '\n';
  for (const name of SOFTIRQ_NAMES) s += `${name.padStart(12)}:${'0'.padStart(11)}\n`;
  return s;
}
