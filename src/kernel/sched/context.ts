// Saved user registers of a task that is not on a hart.
import type { Hart } from '../../cpu/hart.js';

export class CpuContext {
  xl = new Int32Array(32);
  xh = new Int32Array(32);
  fbits = new Int32Array(64);
  pc = 0;
  fflags = 0;
  frm = 0;

  saveFrom(h: Hart): void {
    // Plain loops: subarray() views would allocate on every context switch.
    const xl = this.xl,
      xh = this.xh,
      hl = h.xl,
      hh = h.xh,
      f = this.fbits,
      hf = h.fbits;
    for (let i = 0; i < 32; i++) {
      xl[i] = hl[i];
      xh[i] = hh[i];
    }
    for (let i = 0; i < 64; i++) f[i] = hf[i];
    this.pc = h.pc;
    this.fflags = h.fflags;
    this.frm = h.frm;
  }
  loadInto(h: Hart): void {
    h.xl.set(this.xl);
    h.xh.set(this.xh);
    h.fbits.set(this.fbits);
    h.xl[0] = 0;
    h.xh[0] = 0;
    h.pc = this.pc;
    h.fflags = this.fflags;
    h.frm = this.frm;
  }
  copy(): CpuContext {
    const c = new CpuContext();
    c.xl.set(this.xl);
    c.xh.set(this.xh);
    c.fbits.set(this.fbits);
    c.pc = this.pc;
    c.fflags = this.fflags;
    c.frm = this.frm;
    return c;
  }
  /** Register as a JS number (exact below 2^53; sign from the high half). */
  get(i: number): number {
    return this.xh[i] * 4294967296 + (this.xl[i] >>> 0);
  }
  set(i: number, v: number): void {
    if (i === 0) return;
    this.xl[i] = v | 0; // low 32 bits (two's complement wraps correctly for |v| < 2^53)
    this.xh[i] = Math.floor(v / 4294967296) | 0;
  }
}
