// /proc/interrupts as a riscv64 virt Linux prints it: show_interrupts'
// header ("%*s" of prec+8, then "CPU%-8d" per CPU), one row per IRQ with a
// handler ("%*d: ", "%10u " per CPU, " %8s" chip, " %*lu" hwirq, " %-8s"
// trigger, "  " action), then riscv's show_ipi_stats: "%*s%u:%s" with
// "IPI", "%10u " per CPU and " %s" with the name of each of the 8 IPIs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kernel } from '../../src/kernel/kernel.js';
import { IrqTable } from '../../src/kernel/irq/irqdesc.js';
import { interrupts } from '../../src/kernel/fs/proc/interrupts.js';

test('two CPUs: the timer, the PLIC lines with handlers in IRQ order, and the eight IPI rows', () => {
  const irqs = new IrqTable(2);
  irqs.map(11, 11, 'SiFive PLIC');
  irqs.request(11, '101000.rtc', () => {});
  irqs.map(10, 10, 'SiFive PLIC');
  irqs.request(10, 'ttyS0', () => {});
  irqs.map(1, 1, 'SiFive PLIC'); // no handler, never taken: not shown
  irqs.handle(10, 0);
  irqs.handle(10, 0);
  irqs.handle(10, 1);
  const k = {
    irqs,
    runqueues: [
      { cpu: 0, irqs: { timer: 1234, resched: 5 } },
      { cpu: 1, irqs: { timer: 99, resched: 7 } },
    ],
  } as unknown as Kernel;
  assert.equal(
    interrupts(k),
    [
      '           CPU0       CPU1       ',
      '  5:       1234         99  RISC-V INTC   5 Edge      riscv-timer',
      ' 10:          2          1  SiFive PLIC  10 Edge      ttyS0',
      ' 11:          0          0  SiFive PLIC  11 Edge      101000.rtc',
      'IPI0:         5          7  Rescheduling interrupts',
      'IPI1:         0          0  Function call interrupts',
      'IPI2:         0          0  CPU stop interrupts',
      'IPI3:         0          0  CPU stop (for crash dump) interrupts',
      'IPI4:         0          0  IRQ work interrupts',
      'IPI5:         0          0  Timer broadcast interrupts',
      'IPI6:         0          0  CPU backtrace interrupts',
      'IPI7:         0          0  KGDB roundup interrupts',
      '',
    ].join('\n'),
  );
});
