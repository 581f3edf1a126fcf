// /proc/interrupts (kernel/irq/proc.c show_interrupts with riscv's IPI
// lines) and /proc/softirqs (fs/proc/softirqs.c), a column per hart. The
// interrupts this kernel takes are the timer's (every slice that runs out
// and every idle period a timer ends), reschedule IPIs between CPUs, and
// the devices' lines through the PLIC (ttyS0's, irq/irqdesc.ts).
import type { Kernel } from '../../kernel.js';

/** The INTC's supervisor timer interrupt (hwirq 5), also its Linux IRQ number here. */
export const TIMER_IRQ = 5;
const IPI_NAMES = [
  'Rescheduling interrupts',
  'Function call interrupts',
  'CPU stop interrupts',
  'CPU stop (for crash dump) interrupts',
  'IRQ work interrupts',
  'Timer broadcast interrupts',
  'CPU backtrace interrupts',
  'KGDB roundup interrupts',
];
export const SOFTIRQ_NAMES = ['HI', 'TIMER', 'NET_TX', 'NET_RX', 'BLOCK', 'IRQ_POLL', 'TASKLET', 'SCHED', 'HRTIMER', 'RCU'];

const header = (k: Kernel, indent: number) => ' '.repeat(indent) + k.runqueues.map((rq) => `CPU${rq.cpu}`.padEnd(11)).join('') + '\n';

export function interrupts(k: Kernel): string {
  const prec = 3; // nr_irqs < 1000
  const perCpu = (f: (cpu: number) => number) => k.runqueues.map((rq) => `${String(f(rq.cpu)).padStart(10)} `).join('');
  // show_interrupts: "%*d: ", a "%10u " per CPU, " %8s" chip, " %*lu" hwirq, " %-8s" trigger, "  " and the action's name.
  const line = (irq: number, counts: (cpu: number) => number, chip: string, hwirq: number, type: string, name: string) =>
    `${String(irq).padStart(prec)}: ${perCpu(counts)} ${chip.padStart(8)} ${String(hwirq).padStart(prec)} ${type.padEnd(8)}  ${name}\n`;
  const rows: [number, string][] = [[TIMER_IRQ, line(TIMER_IRQ, (cpu) => k.runqueues[cpu].irqs.timer, 'RISC-V INTC', 5, 'Edge', 'riscv-timer')]];
  // Lines without a handler are shown only once they were taken (as Linux skips them).
  for (const d of k.irqs.all()) {
    if (d.action || d.total) rows.push([d.irq, line(d.irq, (cpu) => d.counts[cpu], d.chip, d.hwirq, d.type, d.action?.name ?? '')]);
  }
  let s = header(k, prec + 8);
  for (const [, r] of rows.sort((a, b) => a[0] - b[0])) s += r;
  IPI_NAMES.forEach((name, i) => {
    s += `IPI${i}:${perCpu((cpu) => (i === 0 ? k.runqueues[cpu].irqs.resched : 0))} ${name}\n`;
  });
  return s;
}

export function softirqs(k: Kernel): string {
  let s = header(k, 20);
  for (const name of SOFTIRQ_NAMES) s += `${name.padStart(12)}:${k.runqueues.map(() => '0'.padStart(11)).join('')}\n`;
  return s;
}
