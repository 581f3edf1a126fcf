// FEQ/FLT/FLE, FMIN/FMAX and FCLASS. None of these round, so they work on
// host values for ordered operands and on bits for NaNs and signed zeros.
// FEQ is a quiet comparison (NV only for a signalling NaN); FLT and FLE
// signal NV on any NaN. FMIN/FMAX follow RISC-V 2.2+: -0 < +0, a single NaN
// operand yields the other operand, two NaNs yield the canonical NaN.

import type { FpHart } from './fpu.js';
import { readSBits, sValue, writeDCanonicalNaN, writeSBits, writeX, CANON_NAN_S } from './fp-regs.js';
import { NV } from './softfloat.js';

export const CMP_LE = 0,
  CMP_LT = 1,
  CMP_EQ = 2;

function isSNaNS(bits: number): boolean {
  return (bits & 0x7fc00000) === 0x7f800000 && (bits & 0x3fffff) !== 0;
}

function isSNaND(h: FpHart, r: number): boolean {
  const hi = h.fbits[2 * r + 1];
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) | h.fbits[2 * r]) !== 0;
}

function compare(h: FpHart, rd: number, a: number, b: number, op: number, snan: boolean): void {
  let r: boolean;
  if (a !== a || b !== b) {
    if (op !== CMP_EQ || snan) h.fflags |= NV;
    r = false;
  } else {
    r = op === CMP_EQ ? a === b : op === CMP_LT ? a < b : a <= b;
  }
  writeX(h, rd, r ? 1 : 0, 0);
}

export function fcmpD(h: FpHart, rd: number, rs1: number, rs2: number, op: number): void {
  const a = h.fregs[rs1],
    b = h.fregs[rs2];
  compare(h, rd, a, b, op, (a !== a || b !== b) && (isSNaND(h, rs1) || isSNaND(h, rs2)));
}

export function fcmpS(h: FpHart, rd: number, rs1: number, rs2: number, op: number): void {
  const x = readSBits(h, rs1),
    y = readSBits(h, rs2);
  compare(h, rd, sValue(x), sValue(y), op, isSNaNS(x) || isSNaNS(y));
}

/** Which operand FMIN (max=false) or FMAX picks, for non-NaN a and b: 1 or 2. */
function pick(a: number, b: number, aNegative: boolean, max: boolean): number {
  if (a < b) return max ? 2 : 1;
  if (b < a) return max ? 1 : 2;
  // Equal: only zeros of different signs differ; -0 is the smaller.
  return aNegative === max ? 2 : 1;
}

export function fminmaxD(h: FpHart, rd: number, rs1: number, rs2: number, max: boolean): void {
  const a = h.fregs[rs1],
    b = h.fregs[rs2];
  let src: number;
  if (a !== a || b !== b) {
    if (isSNaND(h, rs1) || isSNaND(h, rs2)) h.fflags |= NV;
    if (a !== a && b !== b) {
      writeDCanonicalNaN(h, rd);
      return;
    }
    src = a !== a ? rs2 : rs1;
  } else {
    src = pick(a, b, h.fbits[2 * rs1 + 1] < 0, max) === 1 ? rs1 : rs2;
  }
  const lo = h.fbits[2 * src],
    hi = h.fbits[2 * src + 1];
  h.fbits[2 * rd] = lo;
  h.fbits[2 * rd + 1] = hi;
}

export function fminmaxS(h: FpHart, rd: number, rs1: number, rs2: number, max: boolean): void {
  const x = readSBits(h, rs1),
    y = readSBits(h, rs2);
  const a = sValue(x),
    b = sValue(y);
  let r: number;
  if (a !== a || b !== b) {
    if (isSNaNS(x) || isSNaNS(y)) h.fflags |= NV;
    r = a !== a ? (b !== b ? CANON_NAN_S : y) : x;
  } else {
    r = pick(a, b, x < 0, max) === 1 ? x : y;
  }
  writeSBits(h, rd, r);
}

/** The FCLASS mask from sign, exponent field, fraction and format sizes. */
function classify(negative: boolean, exp: number, expMax: number, fracZero: boolean, quiet: boolean): number {
  if (exp === expMax) {
    if (fracZero) return negative ? 1 << 0 : 1 << 7;
    return quiet ? 1 << 9 : 1 << 8;
  }
  if (exp === 0) {
    if (fracZero) return negative ? 1 << 3 : 1 << 4;
    return negative ? 1 << 2 : 1 << 5;
  }
  return negative ? 1 << 1 : 1 << 6;
}

export function fclassD(h: FpHart, rd: number, rs1: number): void {
  const hi = h.fbits[2 * rs1 + 1],
    lo = h.fbits[2 * rs1];
  const m = classify(hi < 0, (hi >>> 20) & 0x7ff, 0x7ff, ((hi & 0xfffff) | lo) === 0, (hi & 0x80000) !== 0);
  writeX(h, rd, m, 0);
}

export function fclassS(h: FpHart, rd: number, rs1: number): void {
  const x = readSBits(h, rs1);
  const m = classify(x < 0, (x >>> 23) & 0xff, 0xff, (x & 0x7fffff) === 0, (x & 0x400000) !== 0);
  writeX(h, rd, m, 0);
}
