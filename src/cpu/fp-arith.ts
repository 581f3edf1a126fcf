// FADD, FSUB, FMUL, FDIV, FSQRT and the four fused multiply-adds, for S and D.
// Each first tries the host's round-to-nearest-even arithmetic and keeps it
// when it can prove the answer: an exact result is right in every rounding
// mode, and an inexact one is right under RNE when no overflow or tininess is
// possible (NX is then the only flag). Everything else — directed rounding of
// inexact results, NaNs, infinities, overflow, underflow, zero signs under
// RDN — goes to the exact BigInt slow path.
//
// Single precision is computed in double: products of floats are exact there,
// and a double-rounded +,-,*,/,sqrt of floats is correctly rounded (53 >= 2*24+2).

import type { FpHart } from './fpu.js';
import { readDBig, readSBig, readSBits, sValue, writeDBig, writeSBig, writeSValue } from './fp-regs.js';
import { MIN_NORMAL_D, MIN_NORMAL_S, PRODUCT_SAFE_MIN, addError, mulError, toOdd } from './fp-exact.js';
import { F32, F64, NX, RDN, RNE, sfAdd, sfDiv, sfFma, sfMul, sfSqrt, sfState, sfSub } from './softfloat.js';

/** Quotients and roots whose operand is at least this big pass mulError's test. */
const DIVIDEND_SAFE_MIN = 2 ** -958;
/** An inexact fused result at least this big cannot be tiny. */
const FMA_SAFE_MIN = 2 ** -1000;

const SIGN_D = 1n << 63n;
const SIGN_S = 1n << 31n;

function slowD(h: FpHart, rd: number, bits: bigint): void {
  writeDBig(h, rd, bits);
  h.fflags |= sfState.flags;
}

function slowS(h: FpHart, rd: number, bits: bigint): void {
  writeSBig(h, rd, bits);
  h.fflags |= sfState.flags;
}

export function faddD(h: FpHart, rd: number, rs1: number, rs2: number, rm: number, sub: boolean): void {
  const a = h.fregs[rs1];
  const b = sub ? -h.fregs[rs2] : h.fregs[rs2];
  const s = a + b;
  // A sum of doubles that lands in the subnormal range is exact, so only
  // overflow (s infinite) and RDN's -0 for x-x need the slow path.
  if (s - s === 0 && (s !== 0 || rm !== RDN)) {
    const e = addError(a, b, s);
    if (e === 0) {
      h.fregs[rd] = s;
      return;
    }
    if (rm === RNE && e - e === 0) {
      h.fregs[rd] = s;
      h.fflags |= NX;
      return;
    }
  }
  sfState.flags = 0;
  const x = readDBig(h, rs1),
    y = readDBig(h, rs2);
  slowD(h, rd, sub ? sfSub(F64, x, y, rm) : sfAdd(F64, x, y, rm));
}

export function fmulD(h: FpHart, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = h.fregs[rs1],
    b = h.fregs[rs2];
  const p = a * b;
  const ap = Math.abs(p);
  if (ap >= PRODUCT_SAFE_MIN && ap !== Infinity && Math.abs(a) >= MIN_NORMAL_D && Math.abs(b) >= MIN_NORMAL_D) {
    const e = mulError(a, b, p);
    if (e === 0) {
      h.fregs[rd] = p;
      return;
    }
    if (rm === RNE && e - e === 0) {
      h.fregs[rd] = p;
      h.fflags |= NX;
      return;
    }
  } else if (p === 0 && (a === 0 || b === 0)) {
    h.fregs[rd] = p; // exact zero; its sign does not depend on the rounding mode
    return;
  }
  sfState.flags = 0;
  slowD(h, rd, sfMul(F64, readDBig(h, rs1), readDBig(h, rs2), rm));
}

export function fdivD(h: FpHart, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = h.fregs[rs1],
    b = h.fregs[rs2];
  const q = a / b;
  const aq = Math.abs(q);
  if (aq >= PRODUCT_SAFE_MIN && aq !== Infinity && Math.abs(b) >= MIN_NORMAL_D && Math.abs(a) >= DIVIDEND_SAFE_MIN) {
    // q is exact iff q*b reproduces a exactly.
    const p = q * b;
    const e = mulError(q, b, p);
    if (p === a && e === 0) {
      h.fregs[rd] = q;
      return;
    }
    if (rm === RNE && e - e === 0) {
      h.fregs[rd] = q;
      h.fflags |= NX;
      return;
    }
  } else if (q === 0 && a === 0) {
    h.fregs[rd] = q;
    return;
  }
  sfState.flags = 0;
  slowD(h, rd, sfDiv(F64, readDBig(h, rs1), readDBig(h, rs2), rm));
}

export function fsqrtD(h: FpHart, rd: number, rs1: number, rm: number): void {
  const a = h.fregs[rs1];
  if (a >= DIVIDEND_SAFE_MIN && a !== Infinity) {
    const r = Math.sqrt(a);
    const p = r * r;
    const e = mulError(r, r, p);
    if (p === a && e === 0) {
      h.fregs[rd] = r;
      return;
    }
    if (rm === RNE && e - e === 0) {
      h.fregs[rd] = r;
      h.fflags |= NX;
      return;
    }
  } else if (a === 0) {
    h.fregs[rd] = a; // sqrt(-0) = -0
    return;
  }
  sfState.flags = 0;
  slowD(h, rd, sfSqrt(F64, readDBig(h, rs1), rm));
}

/**
 * (negProd ? -(a*b) : a*b) + (negAdd ? -c : c), rounded once. The fast path is
 * Boldo and Melquiond's emulation: the exact product (uh + ul) and the exact
 * sum c + uh = th + tl, then RN(th + RO(tl + ul)) where RO rounds to odd.
 */
export function fmaD(h: FpHart, rd: number, rs1: number, rs2: number, rs3: number, rm: number, negProd: boolean, negAdd: boolean): void {
  const a = negProd ? -h.fregs[rs1] : h.fregs[rs1];
  const b = h.fregs[rs2];
  const c = negAdd ? -h.fregs[rs3] : h.fregs[rs3];
  const uh = a * b;
  const au = Math.abs(uh);
  if (au >= PRODUCT_SAFE_MIN && au !== Infinity && Math.abs(a) >= MIN_NORMAL_D && Math.abs(b) >= MIN_NORMAL_D) {
    const ul = mulError(a, b, uh);
    const th = c + uh;
    const tl = addError(c, uh, th);
    let v = tl + ul;
    const ev = addError(tl, ul, v);
    if (ev !== 0) v = toOdd(v, ev);
    const r = th + v;
    const er = addError(th, v, r);
    if (r - r === 0 && er - er === 0 && ev - ev === 0) {
      if (ev === 0 && er === 0) {
        // Exact. An exact zero here is +0, wrong only under RDN.
        if (r !== 0 || rm !== RDN) {
          h.fregs[rd] = r;
          return;
        }
      } else if (rm === RNE && Math.abs(r) >= FMA_SAFE_MIN) {
        h.fregs[rd] = r;
        h.fflags |= NX;
        return;
      }
    }
  } else if (uh === 0 && (a === 0 || b === 0) && c - c === 0) {
    const r = c + uh; // exact: c plus a signed zero
    if (r !== 0 || rm !== RDN) {
      h.fregs[rd] = r;
      return;
    }
  }
  sfState.flags = 0;
  const x = readDBig(h, rs1),
    z = readDBig(h, rs3);
  slowD(h, rd, sfFma(F64, negProd ? x ^ SIGN_D : x, readDBig(h, rs2), negAdd ? z ^ SIGN_D : z, rm));
}

export function faddS(h: FpHart, rd: number, rs1: number, rs2: number, rm: number, sub: boolean): void {
  const a = sValue(readSBits(h, rs1));
  const b = sub ? -sValue(readSBits(h, rs2)) : sValue(readSBits(h, rs2));
  const s = a + b;
  if (s - s === 0) {
    const e = addError(a, b, s);
    const r = Math.fround(s);
    if (e === 0 && r === s) {
      if (r !== 0 || rm !== RDN) {
        writeSValue(h, rd, r);
        return;
      }
    } else if (rm === RNE && r - r === 0 && Math.abs(r) > MIN_NORMAL_S) {
      writeSValue(h, rd, r);
      h.fflags |= NX;
      return;
    }
  }
  sfState.flags = 0;
  const x = readSBig(h, rs1),
    y = readSBig(h, rs2);
  slowS(h, rd, sub ? sfSub(F32, x, y, rm) : sfAdd(F32, x, y, rm));
}

export function fmulS(h: FpHart, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = sValue(readSBits(h, rs1)),
    b = sValue(readSBits(h, rs2));
  const p = a * b; // exact in double
  const r = Math.fround(p);
  if (r === p) {
    writeSValue(h, rd, r);
    return;
  }
  if (rm === RNE && r - r === 0 && Math.abs(r) > MIN_NORMAL_S) {
    writeSValue(h, rd, r);
    h.fflags |= NX;
    return;
  }
  sfState.flags = 0;
  slowS(h, rd, sfMul(F32, readSBig(h, rs1), readSBig(h, rs2), rm));
}

export function fdivS(h: FpHart, rd: number, rs1: number, rs2: number, rm: number): void {
  const a = sValue(readSBits(h, rs1)),
    b = sValue(readSBits(h, rs2));
  const r = Math.fround(a / b);
  // r*b is exact in double, so it reproduces a iff r is the exact quotient.
  if (r * b === a) {
    writeSValue(h, rd, r);
    return;
  }
  if (rm === RNE && r - r === 0 && Math.abs(r) > MIN_NORMAL_S && b - b === 0) {
    writeSValue(h, rd, r);
    h.fflags |= NX;
    return;
  }
  sfState.flags = 0;
  slowS(h, rd, sfDiv(F32, readSBig(h, rs1), readSBig(h, rs2), rm));
}

export function fsqrtS(h: FpHart, rd: number, rs1: number, rm: number): void {
  const a = sValue(readSBits(h, rs1));
  const r = Math.fround(Math.sqrt(a));
  if (r * r === a) {
    writeSValue(h, rd, r);
    return;
  }
  if (rm === RNE && r - r === 0 && r > MIN_NORMAL_S) {
    writeSValue(h, rd, r);
    h.fflags |= NX;
    return;
  }
  sfState.flags = 0;
  slowS(h, rd, sfSqrt(F32, readSBig(h, rs1), rm));
}

/** Single-precision fused multiply-add: exact product in double, sum rounded to odd, then to float. */
export function fmaS(h: FpHart, rd: number, rs1: number, rs2: number, rs3: number, rm: number, negProd: boolean, negAdd: boolean): void {
  const a0 = sValue(readSBits(h, rs1));
  const a = negProd ? -a0 : a0;
  const b = sValue(readSBits(h, rs2));
  const c0 = sValue(readSBits(h, rs3));
  const c = negAdd ? -c0 : c0;
  const p = a * b;
  const s = p + c;
  if (s - s === 0) {
    const e = addError(p, c, s);
    const r = Math.fround(e === 0 ? s : toOdd(s, e));
    if (e === 0 && r === s) {
      if (r !== 0 || rm !== RDN) {
        writeSValue(h, rd, r);
        return;
      }
    } else if (rm === RNE && r - r === 0 && Math.abs(r) > MIN_NORMAL_S) {
      writeSValue(h, rd, r);
      h.fflags |= NX;
      return;
    }
  }
  sfState.flags = 0;
  const x = readSBig(h, rs1),
    z = readSBig(h, rs3);
  slowS(h, rd, sfFma(F32, negProd ? x ^ SIGN_S : x, readSBig(h, rs2), negAdd ? z ^ SIGN_S : z, rm));
}
