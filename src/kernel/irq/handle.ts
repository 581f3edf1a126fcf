// Taking the external interrupts pending at the harts (riscv's
// handle_riscv_irq, then plic_handle_irq): the run loop does it between
// slices, and kernel code that has just made a device raise its line does
// it at once, as a hart takes a pending interrupt the moment the kernel
// enables interrupts again (local_irq_restore after the 8250's start_tx).
import type { Kernel } from '../kernel.js';
import { IRQ_S_EXT } from '../../machine/irq.js';

export function handlePendingIrqs(k: Kernel): void {
  const his = k.machine.hartIrqs;
  for (let h = 0; h < his.length; h++) {
    if (his[h].pending & (1 << IRQ_S_EXT)) k.stats.interrupts += k.plic.handle(h);
  }
}
