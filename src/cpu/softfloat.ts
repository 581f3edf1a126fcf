// Exact IEEE 754 binary32/binary64 arithmetic on raw bit patterns (BigInt).
// This is the FPU's slow path: every result is computed exactly and rounded
// once, in any of the five RISC-V rounding modes, with exact exception flags
// (tininess detected after rounding, as RISC-V specifies). The fast paths in
// fp-arith.ts / fp-convert.ts fall back here whenever they cannot prove that
// the host's round-to-nearest-even answer and their flags are right.

export const NV = 16,
  DZ = 8,
  OF = 4,
  UF = 2,
  NX = 1;
export const RNE = 0,
  RTZ = 1,
  RDN = 2,
  RUP = 3,
  RMM = 4;

/** Exception flags raised since the caller last cleared them. */
export const sfState = { flags: 0 };

export interface FloatFormat {
  readonly width: number; // 32 or 64
  readonly p: number; // precision, hidden bit included
  readonly emin: number; // exponent of the smallest normal
  readonly emax: number;
  readonly bias: number;
  readonly expField: number; // all-ones exponent field (inf/NaN)
  readonly hidden: bigint; // 2^(p-1)
  readonly fracMask: bigint;
  readonly signBit: bigint;
  readonly quietBit: bigint;
  readonly inf: bigint; // +infinity
  readonly maxFinite: bigint;
  readonly canonicalNaN: bigint;
}

function makeFormat(width: number, p: number, emax: number): FloatFormat {
  const hidden = 1n << BigInt(p - 1);
  const expBits = width - p;
  const expField = (1 << expBits) - 1;
  const inf = BigInt(expField) << BigInt(p - 1);
  return {
    width,
    p,
    emin: 1 - emax,
    emax,
    bias: emax,
    expField,
    hidden,
    fracMask: hidden - 1n,
    signBit: 1n << BigInt(width - 1),
    quietBit: hidden >> 1n,
    inf,
    maxFinite: inf - 1n,
    canonicalNaN: inf | (hidden >> 1n),
  };
}

export const F32 = makeFormat(32, 24, 127);
export const F64 = makeFormat(64, 53, 1023);

// Operand kinds after unpacking.
const ZERO = 0,
  FINITE = 1,
  INF = 2,
  QNAN = 3,
  SNAN = 4;

/** A value (-1)^sign * sig * 2^exp, or a special kind. */
interface Unpacked {
  kind: number;
  sign: number;
  sig: bigint;
  exp: number;
}

function unpack(f: FloatFormat, bits: bigint): Unpacked {
  const sign = (bits & f.signBit) !== 0n ? 1 : 0;
  const e = Number((bits >> BigInt(f.p - 1)) & BigInt(f.expField));
  const frac = bits & f.fracMask;
  if (e === f.expField) {
    if (frac === 0n) return { kind: INF, sign, sig: 0n, exp: 0 };
    return { kind: (frac & f.quietBit) !== 0n ? QNAN : SNAN, sign, sig: 0n, exp: 0 };
  }
  if (e === 0) {
    if (frac === 0n) return { kind: ZERO, sign, sig: 0n, exp: 0 };
    return { kind: FINITE, sign, sig: frac, exp: f.emin - (f.p - 1) };
  }
  return { kind: FINITE, sign, sig: frac | f.hidden, exp: e - f.bias - (f.p - 1) };
}

function isNaNKind(u: Unpacked): boolean {
  return u.kind >= QNAN;
}

function signed(f: FloatFormat, sign: number, magnitude: bigint): bigint {
  return sign ? magnitude | f.signBit : magnitude;
}

const lenF64 = new Float64Array(1);
const lenI32 = new Int32Array(lenF64.buffer);

/** Number of significant bits of n > 0. */
export function bitLength(n: bigint): number {
  const x = Number(n);
  if (x < 2 ** 1023) {
    // The double's exponent gives the length, except when Number() rounded
    // n up to the next power of two.
    lenF64[0] = x;
    let len = (lenI32[1] >>> 20) - 1022;
    if (n >> BigInt(len - 1) === 0n) len -= 1;
    return len;
  }
  const s = n.toString(16);
  return (s.length - 1) * 4 + (32 - Math.clz32(parseInt(s[0], 16)));
}

let lastInexact = false;

/** sig / 2^shift rounded to an integer by rm; sets lastInexact. */
function shiftRound(sig: bigint, shift: number, sign: number, rm: number): bigint {
  if (shift <= 0) {
    lastInexact = false;
    return sig << BigInt(-shift);
  }
  const s = BigInt(shift);
  const q = sig >> s;
  const rem = sig - (q << s);
  if (rem === 0n) {
    lastInexact = false;
    return q;
  }
  lastInexact = true;
  const half = 1n << (s - 1n);
  let up: boolean;
  switch (rm) {
    case RNE:
      up = rem > half || (rem === half && (q & 1n) === 1n);
      break;
    case RTZ:
      up = false;
      break;
    case RDN:
      up = sign === 1;
      break;
    case RUP:
      up = sign === 0;
      break;
    default:
      up = rem >= half;
      break; // RMM: ties away from zero
  }
  return up ? q + 1n : q;
}

function overflowResult(f: FloatFormat, sign: number, rm: number): bigint {
  let toInf: boolean;
  switch (rm) {
    case RTZ:
      toInf = false;
      break;
    case RDN:
      toInf = sign === 1;
      break;
    case RUP:
      toInf = sign === 0;
      break;
    default:
      toInf = true;
      break;
  }
  return signed(f, sign, toInf ? f.inf : f.maxFinite);
}

/**
 * Round (-1)^sign * sig * 2^exp (sig > 0, exact or with a sticky bit below the
 * rounding position) to format f, raising OF/UF/NX as IEEE 754 and RISC-V say.
 */
export function roundPack(f: FloatFormat, sign: number, sig: bigint, exp: number, rm: number): bigint {
  const n = bitLength(sig);
  let e = exp + n - 1;
  let q = shiftRound(sig, n - f.p, sign, rm);
  const inexact = lastInexact;
  if (q === f.hidden << 1n) {
    q >>= 1n;
    e += 1;
  }
  if (e > f.emax) {
    sfState.flags |= OF | NX;
    return overflowResult(f, sign, rm);
  }
  if (e >= f.emin) {
    if (inexact) sfState.flags |= NX;
    return signed(f, sign, (BigInt(e + f.bias) << BigInt(f.p - 1)) | (q - f.hidden));
  }
  // Tiny after rounding: round again at the subnormal grid. A carry into the
  // hidden bit produces the smallest normal's encoding by itself.
  const q2 = shiftRound(sig, f.emin - f.p + 1 - exp, sign, rm);
  if (lastInexact) sfState.flags |= UF | NX;
  return signed(f, sign, q2);
}

function nanResult(f: FloatFormat, ...ops: Unpacked[]): bigint {
  for (const u of ops) if (u.kind === SNAN) sfState.flags |= NV;
  return f.canonicalNaN;
}

function invalid(f: FloatFormat): bigint {
  sfState.flags |= NV;
  return f.canonicalNaN;
}

/** The zero an exact cancellation produces: -0 only when rounding down. */
function cancelZero(f: FloatFormat, rm: number): bigint {
  return rm === RDN ? f.signBit : 0n;
}

/** Exact signed sum of two finite nonzero values, then one rounding. */
function addFinite(f: FloatFormat, x: Unpacked, y: Unpacked, rm: number): bigint {
  const e = Math.min(x.exp, y.exp);
  const a = x.sig << BigInt(x.exp - e);
  const b = y.sig << BigInt(y.exp - e);
  const sum = (x.sign ? -a : a) + (y.sign ? -b : b);
  if (sum === 0n) return cancelZero(f, rm);
  return sum < 0n ? roundPack(f, 1, -sum, e, rm) : roundPack(f, 0, sum, e, rm);
}

export function sfAdd(f: FloatFormat, a: bigint, b: bigint, rm: number): bigint {
  const x = unpack(f, a),
    y = unpack(f, b);
  if (isNaNKind(x) || isNaNKind(y)) return nanResult(f, x, y);
  if (x.kind === INF) {
    if (y.kind === INF && x.sign !== y.sign) return invalid(f);
    return a;
  }
  if (y.kind === INF) return b;
  if (x.kind === ZERO && y.kind === ZERO) return x.sign === y.sign ? a : cancelZero(f, rm);
  if (x.kind === ZERO) return b;
  if (y.kind === ZERO) return a;
  return addFinite(f, x, y, rm);
}

export function sfSub(f: FloatFormat, a: bigint, b: bigint, rm: number): bigint {
  return sfAdd(f, a, b ^ f.signBit, rm);
}

export function sfMul(f: FloatFormat, a: bigint, b: bigint, rm: number): bigint {
  const x = unpack(f, a),
    y = unpack(f, b);
  if (isNaNKind(x) || isNaNKind(y)) return nanResult(f, x, y);
  const sign = x.sign ^ y.sign;
  if (x.kind === INF || y.kind === INF) {
    if (x.kind === ZERO || y.kind === ZERO) return invalid(f);
    return signed(f, sign, f.inf);
  }
  if (x.kind === ZERO || y.kind === ZERO) return signed(f, sign, 0n);
  return roundPack(f, sign, x.sig * y.sig, x.exp + y.exp, rm);
}

export function sfDiv(f: FloatFormat, a: bigint, b: bigint, rm: number): bigint {
  const x = unpack(f, a),
    y = unpack(f, b);
  if (isNaNKind(x) || isNaNKind(y)) return nanResult(f, x, y);
  const sign = x.sign ^ y.sign;
  if (x.kind === INF) return y.kind === INF ? invalid(f) : signed(f, sign, f.inf);
  if (y.kind === INF) return signed(f, sign, 0n);
  if (y.kind === ZERO) {
    if (x.kind === ZERO) return invalid(f);
    sfState.flags |= DZ;
    return signed(f, sign, f.inf);
  }
  if (x.kind === ZERO) return signed(f, sign, 0n);
  // Enough quotient bits (p + 2 or more) that a sticky bit below them decides
  // every rounding mode correctly.
  const k = Math.max(0, f.p + 3 + bitLength(y.sig) - bitLength(x.sig));
  const num = x.sig << BigInt(k);
  const q = num / y.sig;
  const sticky = q * y.sig !== num ? 1n : 0n;
  return roundPack(f, sign, (q << 1n) | sticky, x.exp - y.exp - k - 1, rm);
}

/** floor(sqrt(n)) for n >= 0, by Newton's iteration from above. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sfSqrt(f: FloatFormat, a: bigint, rm: number): bigint {
  const x = unpack(f, a);
  if (isNaNKind(x)) return nanResult(f, x);
  if (x.kind === ZERO) return a;
  if (x.sign) return invalid(f);
  if (x.kind === INF) return a;
  let sig = x.sig,
    exp = x.exp;
  if (exp & 1) {
    sig <<= 1n;
    exp -= 1;
  }
  const k = Math.max(0, Math.ceil((2 * f.p + 6 - bitLength(sig)) / 2));
  const m = sig << BigInt(2 * k);
  const s = isqrt(m);
  const sticky = s * s !== m ? 1n : 0n;
  return roundPack(f, 0, (s << 1n) | sticky, (exp - 2 * k) / 2 - 1, rm);
}

/** a*b + c with a single rounding. Callers negate operands for the other three. */
export function sfFma(f: FloatFormat, a: bigint, b: bigint, c: bigint, rm: number): bigint {
  const x = unpack(f, a),
    y = unpack(f, b),
    z = unpack(f, c);
  const infTimesZero = (x.kind === INF && y.kind === ZERO) || (x.kind === ZERO && y.kind === INF);
  if (isNaNKind(x) || isNaNKind(y) || isNaNKind(z)) {
    // RISC-V: inf*0 is invalid even when the addend is a quiet NaN.
    if (infTimesZero) sfState.flags |= NV;
    return nanResult(f, x, y, z);
  }
  if (infTimesZero) return invalid(f);
  const ps = x.sign ^ y.sign;
  if (x.kind === INF || y.kind === INF) {
    if (z.kind === INF && z.sign !== ps) return invalid(f);
    return signed(f, ps, f.inf);
  }
  if (z.kind === INF) return c;
  if (x.kind === ZERO || y.kind === ZERO) {
    if (z.kind !== ZERO) return c;
    return ps === z.sign ? c : cancelZero(f, rm);
  }
  const prod: Unpacked = { kind: FINITE, sign: ps, sig: x.sig * y.sig, exp: x.exp + y.exp };
  if (z.kind === ZERO) return roundPack(f, ps, prod.sig, prod.exp, rm);
  return addFinite(f, prod, z, rm);
}

/** Conversion between formats (fcvt.s.d / fcvt.d.s); NaNs become canonical. */
export function sfConvert(from: FloatFormat, to: FloatFormat, a: bigint, rm: number): bigint {
  const x = unpack(from, a);
  if (isNaNKind(x)) return nanResult(to, x);
  if (x.kind === INF) return signed(to, x.sign, to.inf);
  if (x.kind === ZERO) return signed(to, x.sign, 0n);
  return roundPack(to, x.sign, x.sig, x.exp, rm);
}

/** Integer (any size) to float, rounded by rm. */
export function sfFromInt(f: FloatFormat, v: bigint, rm: number): bigint {
  if (v === 0n) return 0n;
  return v < 0n ? roundPack(f, 1, -v, 0, rm) : roundPack(f, 0, v, 0, rm);
}

/**
 * Float to a width-bit integer, rounded by rm. Out-of-range values, infinities
 * and NaNs saturate and raise NV only (NaN gives the largest value).
 */
export function sfToInt(f: FloatFormat, a: bigint, rm: number, width: number, isSigned: boolean): bigint {
  const w = BigInt(width);
  const max = isSigned ? (1n << (w - 1n)) - 1n : (1n << w) - 1n;
  const min = isSigned ? -(1n << (w - 1n)) : 0n;
  const x = unpack(f, a);
  if (isNaNKind(x)) {
    sfState.flags |= NV;
    return max;
  }
  if (x.kind === INF) {
    sfState.flags |= NV;
    return x.sign ? min : max;
  }
  if (x.kind === ZERO) return 0n;
  const q = shiftRound(x.sig, -x.exp, x.sign, rm);
  const inexact = lastInexact;
  const v = x.sign ? -q : q;
  if (v > max || v < min) {
    sfState.flags |= NV;
    return x.sign ? min : max;
  }
  if (inexact) sfState.flags |= NX;
  return v;
}
