// Error-free transformations on host doubles. The host computes only in
// round-to-nearest-even; these recover the exact rounding error of a sum or a
// product, which tells the fast paths whether a result is exact (NX) and lets
// a fused multiply-add be rounded once. No allocation, no BigInt.

import { scratchF64, scratchI32 } from './fp-regs.js';

/** Smallest normal double. */
export const MIN_NORMAL_D = 2.2250738585072014e-308;
/** Smallest normal float. */
export const MIN_NORMAL_S = 1.1754943508222875e-38;
/**
 * Products at least this large have an error term that is itself a double
 * (no underflow), so mulError is exact for them.
 */
export const PRODUCT_SAFE_MIN = 2 ** -960;

/**
 * a + b - s exactly, where s = fl(a + b) (Knuth's 2Sum). Never underflows.
 * A spurious intermediate overflow shows up as a non-finite result.
 */
export function addError(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

const SPLITTER = 134217729; // 2^27 + 1: Veltkamp splits a double into 26 + 27 bits

/**
 * a * b - p exactly, where p = fl(a * b) (Dekker's product). Valid when a and b
 * are normal and |p| >= PRODUCT_SAFE_MIN; an overflow shows up as non-finite.
 */
export function mulError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * Turns v = RN(x), with x - v of the sign of err (err != 0), into the
 * round-to-odd of x: the neighbour of x whose last significand bit is 1. A
 * second rounding of a round-to-odd result to a narrower precision (2+ bits
 * fewer) is then the correct single rounding of x.
 */
export function toOdd(v: number, err: number): number {
  scratchF64[0] = v;
  const lo = scratchI32[0];
  if ((lo & 1) !== 0) return v;
  // v's magnitude grows if the error points away from zero.
  if (err > 0 === v > 0) {
    scratchI32[0] = lo + 1;
  } else {
    scratchI32[0] = lo - 1;
    if (lo === 0) scratchI32[1] -= 1;
  }
  return scratchF64[0];
}
