// The PLIC (SiFive's platform-level interrupt controller, as on the virt
// board): device lines come in as sources 1..N; each has a priority; each
// context (per hart: 0 = M mode, 1 = S mode) has an enable bit per source,
// a priority threshold and a claim/complete register. A source whose line
// is high becomes pending; a context's output line is high while some
// source it enables is pending with a priority above its threshold.
// Claiming takes the best such source (highest priority, then lowest
// number) off pending until the handler completes it, so a level that
// stays high raises it again only after completion.
import type { MmioDevice } from './bus.js';
import { IrqLine } from './irq.js';

export const PRIORITY_BASE = 0x0,
  PENDING_BASE = 0x1000,
  ENABLE_BASE = 0x2000,
  ENABLE_STRIDE = 0x80,
  CONTEXT_BASE = 0x20_0000,
  CONTEXT_STRIDE = 0x1000,
  CONTEXT_THRESHOLD = 0,
  CONTEXT_CLAIM = 4;

export class Plic implements MmioDevice {
  readonly name = 'plic';
  private readonly priority: Uint32Array;
  private readonly pending: Uint8Array;
  /** Claimed and not yet completed (the gateway holds the source). */
  private readonly claimed: Uint8Array;
  /** The level of each source's input line. */
  private readonly level: Uint8Array;
  private readonly enable: Uint8Array[];
  private readonly threshold: Uint32Array;
  /** Each context's output: the hart's external interrupt line (MEIP for even contexts, SEIP for odd). */
  readonly outputs: IrqLine[];

  constructor(
    readonly sources: number,
    readonly contexts: number,
    readonly maxPriority = 7,
  ) {
    this.priority = new Uint32Array(sources);
    this.pending = new Uint8Array(sources);
    this.claimed = new Uint8Array(sources);
    this.level = new Uint8Array(sources);
    this.enable = Array.from({ length: contexts }, () => new Uint8Array(sources));
    this.threshold = new Uint32Array(contexts);
    this.outputs = Array.from({ length: contexts }, () => new IrqLine());
  }

  /** The input for source `src`: connect a device's IrqLine to it. */
  input(src: number): (level: boolean) => void {
    if (src <= 0 || src >= this.sources) throw new RangeError(`PLIC source ${src}`);
    return (high) => {
      this.level[src] = high ? 1 : 0;
      if (high && !this.claimed[src]) this.pending[src] = 1;
      // A level-triggered source that drops before it is claimed is no longer pending.
      if (!high && !this.claimed[src]) this.pending[src] = 0;
      this.update();
    };
  }

  setPriority(src: number, p: number): void {
    this.priority[src] = Math.min(p >>> 0, this.maxPriority);
    this.update();
  }
  setEnabled(ctx: number, src: number, on: boolean): void {
    this.enable[ctx][src] = on ? 1 : 0;
    this.update();
  }
  setThreshold(ctx: number, t: number): void {
    this.threshold[ctx] = Math.min(t >>> 0, this.maxPriority);
    this.update();
  }
  isPending(src: number): boolean {
    return this.pending[src] === 1;
  }

  /** The best source for ctx, or 0. */
  private best(ctx: number): number {
    const en = this.enable[ctx],
      th = this.threshold[ctx];
    let best = 0,
      bestPrio = th;
    for (let s = 1; s < this.sources; s++) {
      if (this.pending[s] && en[s] && this.priority[s] > bestPrio) {
        best = s;
        bestPrio = this.priority[s];
      }
    }
    return best;
  }

  /** Read of ctx's claim register: the best source, now in service (0 if none). */
  claim(ctx: number): number {
    const s = this.best(ctx);
    if (s) {
      this.pending[s] = 0;
      this.claimed[s] = 1;
      this.update();
    }
    return s;
  }

  /** Write of ctx's claim register: the handler is done with src. Ignored unless ctx enables src. */
  complete(ctx: number, src: number): void {
    if (src <= 0 || src >= this.sources || !this.enable[ctx][src]) return;
    this.claimed[src] = 0;
    if (this.level[src]) this.pending[src] = 1;
    this.update();
  }

  private update(): void {
    for (let c = 0; c < this.contexts; c++) this.outputs[c].set(this.best(c) !== 0);
  }

  read(off: number, _size: number): number {
    if (off < PENDING_BASE) {
      const s = off >> 2;
      return s < this.sources ? this.priority[s] : 0;
    }
    if (off < ENABLE_BASE) return this.bits(this.pending, (off - PENDING_BASE) >> 2);
    if (off < CONTEXT_BASE) {
      const ctx = Math.floor((off - ENABLE_BASE) / ENABLE_STRIDE);
      return ctx < this.contexts ? this.bits(this.enable[ctx], ((off - ENABLE_BASE) % ENABLE_STRIDE) >> 2) : 0;
    }
    const ctx = Math.floor((off - CONTEXT_BASE) / CONTEXT_STRIDE),
      reg = (off - CONTEXT_BASE) % CONTEXT_STRIDE;
    if (ctx >= this.contexts) return 0;
    if (reg === CONTEXT_THRESHOLD) return this.threshold[ctx];
    if (reg === CONTEXT_CLAIM) return this.claim(ctx);
    return 0;
  }

  write(off: number, _size: number, value: number): void {
    if (off < PENDING_BASE) {
      const s = off >> 2;
      if (s > 0 && s < this.sources) this.setPriority(s, value);
      return;
    }
    if (off < ENABLE_BASE) return; // pending bits are read-only
    if (off < CONTEXT_BASE) {
      const ctx = Math.floor((off - ENABLE_BASE) / ENABLE_STRIDE);
      if (ctx >= this.contexts) return;
      const word = ((off - ENABLE_BASE) % ENABLE_STRIDE) >> 2;
      for (let b = 0; b < 32; b++) {
        const s = word * 32 + b;
        // Source 0 does not exist: its enable bit is hardwired to 0.
        if (s > 0 && s < this.sources) this.enable[ctx][s] = (value >>> b) & 1;
      }
      this.update();
      return;
    }
    const ctx = Math.floor((off - CONTEXT_BASE) / CONTEXT_STRIDE),
      reg = (off - CONTEXT_BASE) % CONTEXT_STRIDE;
    if (ctx >= this.contexts) return;
    if (reg === CONTEXT_THRESHOLD) this.setThreshold(ctx, value);
    else if (reg === CONTEXT_CLAIM) this.complete(ctx, value >>> 0);
  }

  /** 32 sources' bits of a per-source array, as one register word. */
  private bits(a: Uint8Array, word: number): number {
    let v = 0;
    for (let b = 0; b < 32; b++) {
      const s = word * 32 + b;
      if (s < this.sources && a[s]) v |= 1 << b;
    }
    return v >>> 0;
  }
}
