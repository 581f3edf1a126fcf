// Access to the FP register file: NaN-boxed singles, raw doubles, and the
// BigInt bit patterns the slow path works on. f[i] is fregs[i] as a value and
// fbits[2i] (low) / fbits[2i+1] (high) as bits; NaN results always go through
// the bits, because a Float64Array store need not preserve a NaN's payload.

import type { FpHart } from './fpu.js';

/** Canonical quiet NaNs: single, and the high word of the double. */
export const CANON_NAN_S = 0x7fc00000;
export const CANON_NAN_D_HI = 0x7ff80000;

// Scratch views for moving between float32 values and bits without allocation.
const scratch = new ArrayBuffer(8);
const scratchF32 = new Float32Array(scratch, 0, 1);
export const scratchF64 = new Float64Array(scratch, 0, 1);
export const scratchI32 = new Int32Array(scratch, 0, 2);

/** The float32 bits of f[r]; an operand that is not NaN-boxed reads as the canonical NaN. */
export function readSBits(h: FpHart, r: number): number {
  return h.fbits[2 * r + 1] === -1 ? h.fbits[2 * r] : CANON_NAN_S;
}

/** The value of a float32 bit pattern (NaNs come back as some NaN). */
export function sValue(bits: number): number {
  scratchI32[0] = bits;
  return scratchF32[0];
}

export function writeSBits(h: FpHart, r: number, bits: number): void {
  h.fbits[2 * r] = bits;
  h.fbits[2 * r + 1] = -1;
}

/** Writes a non-NaN value that is exactly representable as a float32. */
export function writeSValue(h: FpHart, r: number, v: number): void {
  scratchF32[0] = v;
  h.fbits[2 * r] = scratchI32[0];
  h.fbits[2 * r + 1] = -1;
}

export function readSBig(h: FpHart, r: number): bigint {
  return BigInt(readSBits(h, r) >>> 0);
}

export function writeSBig(h: FpHart, r: number, bits: bigint): void {
  writeSBits(h, r, Number(bits) | 0);
}

export function readDBig(h: FpHart, r: number): bigint {
  return (BigInt(h.fbits[2 * r + 1] >>> 0) << 32n) | BigInt(h.fbits[2 * r] >>> 0);
}

export function writeDBig(h: FpHart, r: number, bits: bigint): void {
  h.fbits[2 * r] = Number(bits & 0xffffffffn) | 0;
  h.fbits[2 * r + 1] = Number(bits >> 32n) | 0;
}

export function writeDCanonicalNaN(h: FpHart, r: number): void {
  h.fbits[2 * r] = 0;
  h.fbits[2 * r + 1] = CANON_NAN_D_HI;
}

/** Writes a 64-bit integer register given as halves; x0 stays zero. */
export function writeX(h: FpHart, r: number, lo: number, hi: number): void {
  if (r !== 0) {
    h.xl[r] = lo;
    h.xh[r] = hi;
  }
}
