// FCVT between S, D and the integer types W, WU, L, LU. Float-to-integer
// conversion is done entirely on host doubles (every float and double is one),
// in every rounding mode; integer-to-float and S<->D use the host's RNE when it
// is provably right and the exact slow path otherwise.

import type { FpHart } from './fpu.js';
import { readDBig, readSBits, sValue, writeDBig, writeDCanonicalNaN, writeSBig, writeSValue, writeX } from './fp-regs.js';
import { MIN_NORMAL_S, toOdd } from './fp-exact.js';
import { F32, F64, NV, NX, RDN, RMM, RNE, RUP, sfConvert, sfFromInt, sfState } from './softfloat.js';

/** Integer kinds, numbered as the rs2 field of FCVT encodes them. */
export const CVT_W = 0,
  CVT_WU = 1,
  CVT_L = 2,
  CVT_LU = 3;

const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

/** Writes an integer-valued double in [-2^63, 2^64) as a 64-bit register. */
function writeXNumber(h: FpHart, rd: number, r: number): void {
  const hi = Math.floor(r / TWO32);
  writeX(h, rd, (r - hi * TWO32) | 0, hi | 0);
}

/** Saturated result for out-of-range inputs: the bound on x's side; NaN counts as positive. */
function saturate(h: FpHart, rd: number, kind: number, negative: boolean): void {
  h.fflags |= NV;
  switch (kind) {
    case CVT_W:
      writeX(h, rd, negative ? -0x80000000 : 0x7fffffff, negative ? -1 : 0);
      break;
    // WU's 32-bit result is sign-extended, so its maximum reads as all ones.
    case CVT_WU:
      writeX(h, rd, negative ? 0 : -1, negative ? 0 : -1);
      break;
    case CVT_L:
      writeX(h, rd, negative ? 0 : -1, negative ? -0x80000000 : 0x7fffffff);
      break;
    default:
      writeX(h, rd, negative ? 0 : -1, negative ? 0 : -1);
      break;
  }
}

/** FCVT.{W,WU,L,LU}.{S,D}: x is the source value as a double. */
export function fcvtToInt(h: FpHart, rd: number, x: number, rm: number, kind: number): void {
  if (x !== x) {
    saturate(h, rd, kind, false);
    return;
  }
  let t = Math.trunc(x);
  const f = x - t; // exact; NaN only for infinities, which fail the range test below
  if (f !== 0 && f === f) {
    const af = Math.abs(f);
    const away = x < 0 ? -1 : 1;
    switch (rm) {
      case RNE:
        if (af > 0.5 || (af === 0.5 && t % 2 !== 0)) t += away;
        break;
      case RDN:
        if (f < 0) t -= 1;
        break;
      case RUP:
        if (f > 0) t += 1;
        break;
      case RMM:
        if (af >= 0.5) t += away;
        break;
      default:
        break; // RTZ
    }
  }
  let inRange: boolean;
  switch (kind) {
    case CVT_W:
      inRange = t >= -2147483648 && t <= 2147483647;
      break;
    case CVT_WU:
      inRange = t >= 0 && t <= 4294967295;
      break;
    case CVT_L:
      inRange = t >= -TWO63 && t < TWO63;
      break;
    default:
      inRange = t >= 0 && t < TWO64;
      break;
  }
  if (!inRange) {
    saturate(h, rd, kind, x < 0);
    return;
  }
  if (f !== 0) h.fflags |= NX;
  if (kind <= CVT_WU) {
    const v = t | 0;
    writeX(h, rd, v, v >> 31);
  } else {
    writeXNumber(h, rd, t);
  }
}

/** The integer operand of FCVT.{S,D}.{W,WU,L,LU} as a BigInt (slow path only). */
function intBig(h: FpHart, rs1: number, kind: number): bigint {
  const lo = BigInt(h.xl[rs1] >>> 0);
  switch (kind) {
    case CVT_W:
      return BigInt(h.xl[rs1]);
    case CVT_WU:
      return lo;
    case CVT_L:
      return (BigInt(h.xh[rs1]) << 32n) | lo;
    default:
      return (BigInt(h.xh[rs1] >>> 0) << 32n) | lo;
  }
}

// The integer operand as hi*2^32 + lo, rounded once by the host (RNE); the
// error of that rounding is left in intErr (0 when exact).
let intErr = 0;
function intValue(h: FpHart, rs1: number, kind: number): number {
  const lo = h.xl[rs1];
  switch (kind) {
    case CVT_W:
      intErr = 0;
      return lo;
    case CVT_WU:
      intErr = 0;
      return lo >>> 0;
  }
  const a = (kind === CVT_L ? h.xh[rs1] : h.xh[rs1] >>> 0) * TWO32;
  const b = lo >>> 0;
  const v = a + b;
  intErr = b - (v - a); // Fast2Sum: |a| >= |b| whenever a != 0
  return v;
}

/** FCVT.D.{W,WU,L,LU}. */
export function fcvtDFromInt(h: FpHart, rd: number, rs1: number, rm: number, kind: number): void {
  const v = intValue(h, rs1, kind);
  if (intErr === 0 || rm === RNE) {
    h.fregs[rd] = v;
    if (intErr !== 0) h.fflags |= NX;
    return;
  }
  sfState.flags = 0;
  writeDBig(h, rd, sfFromInt(F64, intBig(h, rs1, kind), rm));
  h.fflags |= sfState.flags;
}

/** FCVT.S.{W,WU,L,LU}: a 64-bit integer rounded to odd in double, then to float, is rounded once. */
export function fcvtSFromInt(h: FpHart, rd: number, rs1: number, rm: number, kind: number): void {
  const v = intValue(h, rs1, kind);
  const r = Math.fround(intErr === 0 ? v : toOdd(v, intErr));
  if (intErr === 0 && r === v) {
    writeSValue(h, rd, r);
    return;
  }
  if (rm === RNE) {
    writeSValue(h, rd, r);
    h.fflags |= NX;
    return;
  }
  sfState.flags = 0;
  writeSBig(h, rd, sfFromInt(F32, intBig(h, rs1, kind), rm));
  h.fflags |= sfState.flags;
}

/** FCVT.S.D. */
export function fcvtSD(h: FpHart, rd: number, rs1: number, rm: number): void {
  const x = h.fregs[rs1];
  if (x === x) {
    const r = Math.fround(x);
    if (r === x) {
      writeSValue(h, rd, r);
      return;
    }
    if (rm === RNE && r - r === 0 && Math.abs(r) > MIN_NORMAL_S) {
      writeSValue(h, rd, r);
      h.fflags |= NX;
      return;
    }
  }
  sfState.flags = 0;
  writeSBig(h, rd, sfConvert(F64, F32, readDBig(h, rs1), rm));
  h.fflags |= sfState.flags;
}

/** FCVT.D.S: always exact; NaNs become the canonical NaN (NV for a signalling one). */
export function fcvtDS(h: FpHart, rd: number, rs1: number): void {
  const bits = readSBits(h, rs1);
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) {
    if ((bits & 0x400000) === 0) h.fflags |= NV;
    writeDCanonicalNaN(h, rd);
    return;
  }
  h.fregs[rd] = sValue(bits);
}
