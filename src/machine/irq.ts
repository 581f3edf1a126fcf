// Interrupt wires. A device drives a level on a line; whoever listens (the
// PLIC for device lines, a hart's mip for the CLINT and PLIC outputs) sees
// every change. Level-triggered throughout, as the virt board's lines are.

export class IrqLine {
  private high = false;
  private readonly listeners: ((level: boolean) => void)[] = [];

  get level(): boolean {
    return this.high;
  }

  set(level: boolean): void {
    if (level === this.high) return;
    this.high = level;
    for (const fn of this.listeners) fn(level);
  }
  raise(): void {
    this.set(true);
  }
  lower(): void {
    this.set(false);
  }

  /** Connect the line to an input (a PLIC source, a hart's mip bit). */
  connect(fn: (level: boolean) => void): void {
    this.listeners.push(fn);
  }
}

/** mip bits (the privileged spec's interrupt numbers). */
export const IRQ_S_SOFT = 1,
  IRQ_M_SOFT = 3,
  IRQ_S_TIMER = 5,
  IRQ_M_TIMER = 7,
  IRQ_S_EXT = 9,
  IRQ_M_EXT = 11;

/**
 * A hart's interrupt inputs as its mip register shows them. The hart
 * engine runs user code only; the kernel (acting as S-mode and its SBI
 * firmware) looks at `pending` between slices and takes what is there.
 */
export class HartIrqs {
  /** mip: one bit per interrupt number. */
  pending = 0;
  /** Called when a bit goes from clear to set (wakes an idle hart, as WFI ends). */
  onRaise: ((bit: number) => void) | null = null;

  constructor(readonly hartId: number) {}

  /** An input wire for interrupt number `bit`. */
  input(bit: number): (level: boolean) => void {
    const mask = 1 << bit;
    return (level) => {
      const was = this.pending & mask;
      if (level) this.pending |= mask;
      else this.pending &= ~mask;
      if (level && !was) this.onRaise?.(bit);
    };
  }

  has(bit: number): boolean {
    return (this.pending & (1 << bit)) !== 0;
  }
}
