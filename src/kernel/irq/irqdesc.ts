// Interrupt descriptors (kernel/irq/irqdesc.c): one per Linux IRQ number,
// with the chip and hardware number it maps to, its trigger type, the
// handler a driver requested (request_irq) under a name, and a count per
// CPU of how often it was taken, for /proc/interrupts and /proc/stat.
// The timer and IPIs are counted per run queue (sched/core.ts irqs).

export interface IrqAction {
  /** What /proc/interrupts shows (the device name a driver passed to request_irq). */
  readonly name: string;
  readonly handler: (cpu: number) => void;
}

export class IrqDesc {
  readonly counts: number[];
  action: IrqAction | null = null;
  constructor(
    readonly irq: number,
    readonly hwirq: number,
    readonly chip: string,
    readonly type: 'Edge' | 'Level',
    cpus: number,
  ) {
    this.counts = new Array<number>(cpus).fill(0);
  }
  get total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }
}

export class IrqTable {
  private readonly descs = new Map<number, IrqDesc>();
  constructor(private readonly cpus: number) {}

  /** irq_create_mapping: the descriptor for a chip's hardware number, made on first use. */
  map(irq: number, hwirq: number, chip: string, type: 'Edge' | 'Level' = 'Edge'): IrqDesc {
    let d = this.descs.get(irq);
    if (!d) {
      d = new IrqDesc(irq, hwirq, chip, type, this.cpus);
      this.descs.set(irq, d);
    }
    return d;
  }

  get(irq: number): IrqDesc | undefined {
    return this.descs.get(irq);
  }

  /** request_irq: install the handler. */
  request(irq: number, name: string, handler: (cpu: number) => void): void {
    const d = this.descs.get(irq);
    if (d) d.action = { name, handler };
  }

  /** generic_handle_irq on cpu: count it and run the handler. */
  handle(irq: number, cpu: number): void {
    const d = this.descs.get(irq);
    if (!d) return;
    d.counts[cpu]++;
    d.action?.handler(cpu);
  }

  /** Descriptors in IRQ number order. */
  all(): IrqDesc[] {
    return [...this.descs.values()].sort((a, b) => a.irq - b.irq);
  }
}
