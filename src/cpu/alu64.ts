// 64-bit multiply and divide on int32 halves, without BigInt.
// Each function writes its result straight into the register file (xl/xh at
// index rd), reading all operands first so rd may alias a source.

const TWO32 = 4294967296;

/** High 32 bits of the unsigned product of two 32-bit values. */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff,
    a1 = a >>> 16,
    b0 = b & 0xffff,
    b1 = b >>> 16;
  const p01 = a0 * b1,
    p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** MUL: low 64 bits of the product. */
export function mul64(xl: Int32Array, xh: Int32Array, rd: number, al: number, ah: number, bl: number, bh: number): void {
  const lo = Math.imul(al, bl);
  xh[rd] = (mulhu32(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  xl[rd] = lo;
}

/**
 * High 64 bits of the product, operands signed or unsigned (MULH, MULHSU, MULHU).
 * The unsigned high part is corrected for each negative signed operand.
 */
export function mulh64(xl: Int32Array, xh: Int32Array, rd: number, al: number, ah: number, bl: number, bh: number, aSigned: boolean, bSigned: boolean): void {
  const a0 = al >>> 0,
    a1 = ah >>> 0,
    b0 = bl >>> 0,
    b1 = bh >>> 0;
  // 32x32->64 partial products as (high, low) unsigned halves
  const h00 = mulhu32(al, bl) >>> 0;
  const l01 = Math.imul(al, bh) >>> 0,
    h01 = mulhu32(al, bh) >>> 0;
  const l10 = Math.imul(ah, bl) >>> 0,
    h10 = mulhu32(ah, bl) >>> 0;
  const l11 = Math.imul(ah, bh) >>> 0,
    h11 = mulhu32(ah, bh) >>> 0;
  const w1 = h00 + l01 + l10;
  const w2 = h01 + h10 + l11 + Math.floor(w1 / TWO32);
  let lo = w2 % TWO32;
  let hi = (h11 + Math.floor(w2 / TWO32)) % TWO32;
  // signed correction: subtract (b << 64) if a < 0, (a << 64) if b < 0
  if (aSigned && ah < 0) {
    const t = lo - b0;
    hi = hi - b1 - (t < 0 ? 1 : 0);
    lo = t < 0 ? t + TWO32 : t;
  }
  if (bSigned && bh < 0) {
    const t = lo - a0;
    hi = hi - a1 - (t < 0 ? 1 : 0);
    lo = t < 0 ? t + TWO32 : t;
  }
  xl[rd] = lo | 0;
  xh[rd] = hi | 0;
}

// Unsigned 64/64 division result: quotient and remainder halves.
let qLo = 0,
  qHi = 0,
  rLo = 0,
  rHi = 0;

/** Unsigned division of n by d (d != 0), results in qLo/qHi/rLo/rHi. */
function udivmod(nl: number, nh: number, dl: number, dh: number): void {
  const n0 = nl >>> 0,
    n1 = nh >>> 0,
    d0 = dl >>> 0,
    d1 = dh >>> 0;
  if (n1 < 0x200000 && d1 < 0x200000) {
    // both below 2^53: doubles divide exactly
    const n = n1 * TWO32 + n0,
      d = d1 * TWO32 + d0;
    const q = Math.floor(n / d),
      r = n - q * d;
    qLo = q | 0;
    qHi = Math.floor(q / TWO32) | 0;
    rLo = r | 0;
    rHi = Math.floor(r / TWO32) | 0;
    return;
  }
  if (d1 === 0) {
    // 32-bit divisor: long division in 32- then 16-bit digits keeps every
    // intermediate below 2^53
    const qh = Math.floor(n1 / d0);
    let r = n1 - qh * d0;
    let t = r * 65536 + (n0 >>> 16);
    const q1 = Math.floor(t / d0);
    r = t - q1 * d0;
    t = r * 65536 + (n0 & 0xffff);
    const q0 = Math.floor(t / d0);
    r = t - q0 * d0;
    qHi = qh | 0;
    qLo = (q1 * 65536 + q0) | 0;
    rLo = r | 0;
    rHi = 0;
    return;
  }
  // divisor >= 2^32: the quotient fits 32 bits, and the first 32 steps of a
  // restoring division would only shift n's high word into the remainder
  let remH = 0,
    remL = n1,
    num = n0,
    q = 0;
  for (let i = 0; i < 32; i++) {
    const top = remH >>> 31; // the 65th bit: the remainder then surely exceeds d
    remH = ((remH << 1) | (remL >>> 31)) >>> 0;
    remL = ((remL << 1) | (num >>> 31)) >>> 0;
    num = (num << 1) >>> 0;
    q = (q << 1) >>> 0;
    if (top || remH > d1 || (remH === d1 && remL >= d0)) {
      const t = remL - d0;
      remH = (remH - d1 - (t < 0 ? 1 : 0)) >>> 0;
      remL = t >>> 0;
      q = (q | 1) >>> 0;
    }
  }
  qLo = q | 0;
  qHi = 0;
  rLo = remL | 0;
  rHi = remH | 0;
}

/** DIV/DIVU/REM/REMU with RISC-V's defined results for /0 and overflow. */
export function div64(xl: Int32Array, xh: Int32Array, rd: number, nl: number, nh: number, dl: number, dh: number, signed: boolean, rem: boolean): void {
  if (dl === 0 && dh === 0) {
    if (rem) {
      xl[rd] = nl;
      xh[rd] = nh;
    } else {
      xl[rd] = -1;
      xh[rd] = -1;
    }
    return;
  }
  let negQ = false,
    negR = false;
  if (signed) {
    if (nh < 0) {
      negQ = true;
      negR = true;
      nl = -nl | 0;
      nh = (~nh + (nl === 0 ? 1 : 0)) | 0;
    }
    if (dh < 0) {
      negQ = !negQ;
      dl = -dl | 0;
      dh = (~dh + (dl === 0 ? 1 : 0)) | 0;
    }
  }
  udivmod(nl, nh, dl, dh);
  // magnitudes as unsigned: INT64_MIN / -1 wraps back to INT64_MIN, remainder 0
  let lo = rem ? rLo : qLo,
    hi = rem ? rHi : qHi;
  if (rem ? negR : negQ) {
    lo = -lo | 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
  }
  xl[rd] = lo;
  xh[rd] = hi;
}

/** DIVW/DIVUW/REMW/REMUW on the low 32 bits, result sign-extended. */
export function div32(xl: Int32Array, xh: Int32Array, rd: number, n: number, d: number, signed: boolean, rem: boolean): void {
  let r: number;
  if (d === 0) r = rem ? n : -1;
  else if (signed) {
    if (n === -0x80000000 && d === -1) r = rem ? 0 : n;
    else r = rem ? n % d : (n / d) | 0;
  } else {
    const un = n >>> 0,
      ud = d >>> 0;
    r = (rem ? un % ud : Math.floor(un / ud)) | 0;
  }
  xl[rd] = r | 0;
  xh[rd] = r >> 31;
}
