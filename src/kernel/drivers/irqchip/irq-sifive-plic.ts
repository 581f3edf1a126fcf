// The PLIC driver (drivers/irqchip/irq-sifive-plic.c): each CPU's
// supervisor context; a source is unmasked by giving it priority 1 and
// setting its enable bit in one CPU's context (the affinity Linux picks:
// the boot CPU here); the chained handler claims sources until none is
// left, runs each one's handler and completes it.
import type { IoMem } from '../../lib/iomem.js';
import type { IrqTable } from '../../irq/irqdesc.js';
import { CONTEXT_BASE, CONTEXT_STRIDE, ENABLE_BASE, ENABLE_STRIDE } from '../../../machine/plic.js';

export const PLIC_CHIP = 'SiFive PLIC';

export class PlicDriver {
  /** Linux IRQ number of each hardware source that has one. */
  private readonly virqOf = new Map<number, number>();

  constructor(
    private readonly io: IoMem,
    private readonly irqs: IrqTable,
    private readonly cpus: number,
  ) {
    // plic_init: every context starts masked (threshold 0, nothing enabled).
    for (let cpu = 0; cpu < cpus; cpu++) {
      this.io.writel(CONTEXT_BASE + this.ctx(cpu) * CONTEXT_STRIDE, 0);
    }
  }

  /** The supervisor context of a CPU (hart): odd contexts on the virt board. */
  private ctx(cpu: number): number {
    return 2 * cpu + 1;
  }

  /** Map hardware source hwirq to Linux IRQ virq (irq_create_mapping). */
  map(hwirq: number, virq: number): void {
    this.irqs.map(virq, hwirq, PLIC_CHIP, 'Edge');
    this.virqOf.set(hwirq, virq);
  }

  /** plic_irq_unmask / plic_irq_enable, routed to `cpu`. */
  enable(hwirq: number, cpu = 0): void {
    this.io.writel(hwirq * 4, 1);
    const reg = ENABLE_BASE + this.ctx(cpu) * ENABLE_STRIDE + (hwirq >> 5) * 4;
    this.io.writel(reg, this.io.readl(reg) | (1 << (hwirq & 31)));
  }

  disable(hwirq: number, cpu = 0): void {
    const reg = ENABLE_BASE + this.ctx(cpu) * ENABLE_STRIDE + (hwirq >> 5) * 4;
    this.io.writel(reg, this.io.readl(reg) & ~(1 << (hwirq & 31)));
  }

  /** plic_handle_irq on cpu: claim, handle, complete, until nothing is pending. Returns how many were taken. */
  handle(cpu: number): number {
    let taken = 0;
    const claim = CONTEXT_BASE + this.ctx(cpu) * CONTEXT_STRIDE + 4;
    // Bounded: a source whose handler never quiets it cannot hold the CPU forever.
    for (let n = 0, hwirq = this.io.readl(claim); hwirq !== 0; hwirq = ++n < 1024 ? this.io.readl(claim) : 0) {
      const virq = this.virqOf.get(hwirq);
      if (virq !== undefined) this.irqs.handle(virq, cpu);
      this.io.writel(claim, hwirq);
      taken++;
    }
    return taken;
  }
}
