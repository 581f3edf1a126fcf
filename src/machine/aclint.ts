// The CLINT of the virt board (ACLINT MSWI + MTIMER, SiFive layout): per
// hart a software-interrupt bit (msip, the IPI doorbell) and a timer compare
// register (mtimecmp) against the free-running mtime. A hart's timer line is
// high while mtime >= mtimecmp; its software line while msip is 1.
import type { MmioDevice } from './bus.js';
import { IrqLine } from './irq.js';

export const MSIP_BASE = 0x0000,
  MTIMECMP_BASE = 0x4000,
  MTIME = 0xbff8;
const TWO32 = 4294967296;

export class Aclint implements MmioDevice {
  readonly name = 'clint';
  private readonly msip: Uint8Array;
  private readonly mtimecmp: Float64Array;
  /** Per hart: the machine timer interrupt (MTIP) and machine software interrupt (MSIP) lines. */
  readonly timerLines: IrqLine[];
  readonly softLines: IrqLine[];
  /** The time base, in ticks (the board's clock; set by whoever runs the machine). */
  timeSource: () => number = () => 0;
  /** Added to the time base: what software wrote to mtime. */
  private offset = 0;

  constructor(readonly harts: number) {
    this.msip = new Uint8Array(harts);
    // mtimecmp resets to all ones in QEMU: no timer interrupt until programmed.
    this.mtimecmp = new Float64Array(harts).fill(Number.MAX_VALUE);
    this.timerLines = Array.from({ length: harts }, () => new IrqLine());
    this.softLines = Array.from({ length: harts }, () => new IrqLine());
  }

  get mtime(): number {
    return this.timeSource() + this.offset;
  }

  /** The compare value of hart h, in ticks. */
  timecmp(h: number): number {
    return this.mtimecmp[h];
  }

  /** Program hart h's compare register (what SBI set_timer does). */
  setTimecmp(h: number, ticks: number): void {
    this.mtimecmp[h] = ticks;
    this.update(h);
  }

  /** Ring hart h's doorbell (an IPI) or clear it. */
  setMsip(h: number, v: boolean): void {
    this.msip[h] = v ? 1 : 0;
    this.softLines[h].set(v);
  }

  /** Re-evaluate hart h's timer line against the current mtime (time moved on). */
  update(h: number): void {
    this.timerLines[h].set(this.mtime >= this.mtimecmp[h]);
  }

  /** Re-evaluate every hart's timer line. */
  tick(): void {
    for (let h = 0; h < this.harts; h++) this.update(h);
  }

  read(off: number, size: number): number {
    if (off >= MSIP_BASE && off < MSIP_BASE + 4 * this.harts) return (off & 3) === 0 ? this.msip[off >> 2] : 0;
    if (off >= MTIMECMP_BASE && off < MTIMECMP_BASE + 8 * this.harts) return this.read64(this.mtimecmp[(off - MTIMECMP_BASE) >> 3], off & 7, size);
    if (off >= MTIME && off < MTIME + 8) return this.read64(this.mtime, off - MTIME, size);
    return 0;
  }

  write(off: number, size: number, value: number): void {
    if (off >= MSIP_BASE && off < MSIP_BASE + 4 * this.harts) {
      // Only bit 0 of each msip word is writable.
      if ((off & 3) === 0) this.setMsip(off >> 2, (value & 1) !== 0);
      return;
    }
    if (off >= MTIMECMP_BASE && off < MTIMECMP_BASE + 8 * this.harts) {
      const h = (off - MTIMECMP_BASE) >> 3;
      this.setTimecmp(h, this.write64(this.mtimecmp[h], off & 7, size, value));
      return;
    }
    if (off >= MTIME && off < MTIME + 8) {
      this.offset += this.write64(this.mtime, off - MTIME, size, value) - this.mtime;
      this.tick();
    }
  }

  /** A 4-byte half or the 8-byte whole of a 64-bit register. */
  private read64(v: number, at: number, size: number): number {
    if (size === 8) return v;
    return at === 4 ? Math.floor(v / TWO32) >>> 0 : (v % TWO32) >>> 0;
  }

  private write64(old: number, at: number, size: number, value: number): number {
    if (size === 8) return value;
    const lo = old % TWO32,
      hi = Math.floor(old / TWO32);
    return at === 4 ? (value >>> 0) * TWO32 + lo : hi * TWO32 + (value >>> 0);
  }
}
