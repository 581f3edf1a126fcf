// The host-arithmetic fast paths against the exact BigInt slow path (which
// fpu-vectors.test.ts checks against qemu), on many ordinary operands: the
// fast paths' exactness tests (2Sum, Dekker products, round-to-odd FMA) must
// give the same bits and flags as exact rounding, in every rounding mode.
// Needs no qemu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFp } from '../../src/cpu/fpu.js';
import { F32, F64, sfAdd, sfDiv, sfFma, sfFromInt, sfMul, sfSqrt, sfState, sfSub, sfConvert } from '../../src/cpu/softfloat.js';
import type { FpHart } from '../../src/cpu/fpu.js';
import { FP_INSNS, makeHart, runInsn, tierHart } from './fpu-encode.js';
import { TIERS } from './cpu-harness/tiers.js';

type Exec = { h: FpHart; exec: (h: FpHart, insn: number) => number };
/** execFp itself (what the interpreter calls), then guest code in each compiling tier */
const EXECUTORS: [string, () => Exec][] = [
  ['execFp', () => ({ h: makeHart(), exec: execFp })],
  ...TIERS.filter((t) => t.threshold !== Infinity).map((t) => [t.name, () => tierHart(t)] as [string, () => Exec]),
];
/** The executor the tests below use (set per registered copy of the test). */
let ex: Exec;

// Deterministic 32-bit generator (xorshift32).
let seed = 0x2545f491;
function rnd32(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
function pick(n: number): number {
  return rnd32() % n;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const u32s = new Uint32Array(f32.buffer);

function dBits(x: number): bigint {
  f64[0] = x;
  return (BigInt(u32[1]) << 32n) | BigInt(u32[0]);
}
function dValue(bits: bigint): number {
  u32[0] = Number(bits & 0xffffffffn);
  u32[1] = Number(bits >> 32n);
  return f64[0];
}
function sBits(x: number): bigint {
  f32[0] = x;
  return BigInt(u32s[0]);
}

/** A normal double of moderate or wide exponent; sometimes with few significant bits. */
function genD(wide: boolean): bigint {
  const sign = BigInt(pick(2)) << 63n;
  const e = wide ? 1 + pick(2046) : 1023 - 50 + pick(101);
  let frac = (BigInt(rnd32() & 0xfffff) << 32n) | BigInt(rnd32());
  if (pick(4) === 0) frac &= ~((1n << BigInt(52 - pick(12))) - 1n) & 0xfffffffffffffn;
  return sign | (BigInt(e) << 52n) | frac;
}
function genS(): bigint {
  const sign = BigInt(pick(2)) << 31n;
  const e = 127 - 30 + pick(61);
  let frac = rnd32() & 0x7fffff;
  if (pick(4) === 0) frac &= ~((1 << (23 - pick(8))) - 1) & 0x7fffff;
  return sign | (BigInt(e) << 23n) | BigInt(frac);
}
function nudge(bits: bigint, width: number): bigint {
  return BigInt.asUintN(width, bits + BigInt(pick(7) - 3));
}

function hex(bits: bigint, single: boolean): string {
  return single ? 'ffffffff' + bits.toString(16).padStart(8, '0') : bits.toString(16).padStart(16, '0');
}

type Ref = (rm: number, ops: bigint[]) => bigint;

/** Runs `count` cases of one instruction; each case is checked in all five rounding modes. */
function check(op: string, single: boolean, count: number, gen: () => bigint[], ref: Ref, srcSingle = single): void {
  const insn = FP_INSNS.get(op)!;
  const { h, exec } = ex;
  const failures: string[] = [];
  for (let i = 0; i < count && failures.length < 10; i++) {
    const ops = gen();
    const hexOps = ops.map((b) => (insn.src === 'x' ? b.toString(16).padStart(16, '0') : hex(b, srcSingle)));
    for (let rm = 0; rm < 5; rm++) {
      sfState.flags = 0;
      const want = hex(ref(rm, ops), single);
      const got = runInsn(exec, h, insn, rm, 0, hexOps);
      if (got.result !== want || got.flags !== sfState.flags) {
        failures.push(`${op} rm=${rm} ${hexOps.join(' ')}: want ${want} ${sfState.flags} got ${got.result} ${got.flags}`);
      }
    }
  }
  assert.deepEqual(failures, []);
}

const pairD = (wide: boolean) => (): bigint[] => {
  const a = genD(wide);
  const r = pick(4);
  // Related operands: cancellation and exact quotients.
  const b = r === 0 ? nudge(a ^ (1n << 63n), 64) : r === 1 ? dBits(dValue(a) * (1 + pick(8))) : genD(wide);
  return [a, b];
};

const N = 4000;

tieredTest('fadd.d / fsub.d fast path = exact rounding', () => {
  check('fadd.d', false, N, pairD(false), (rm, [a, b]) => sfAdd(F64, a, b, rm));
  check('fsub.d', false, N, pairD(true), (rm, [a, b]) => sfSub(F64, a, b, rm));
});

tieredTest('fmul.d fast path = exact rounding', () => {
  check('fmul.d', false, N, pairD(false), (rm, [a, b]) => sfMul(F64, a, b, rm));
  check('fmul.d', false, N / 4, pairD(true), (rm, [a, b]) => sfMul(F64, a, b, rm));
});

tieredTest('fdiv.d fast path = exact rounding', () => {
  const exactQuotients = (): bigint[] => {
    const b = genD(false);
    const q = dBits(Math.trunc(dValue(genD(false)) * 2 ** 20) || 1);
    return [dBits(dValue(b) * dValue(q)), b];
  };
  check('fdiv.d', false, N, pairD(false), (rm, [a, b]) => sfDiv(F64, a, b, rm));
  check('fdiv.d', false, N / 4, exactQuotients, (rm, [a, b]) => sfDiv(F64, a, b, rm));
  check('fdiv.d', false, N / 4, pairD(true), (rm, [a, b]) => sfDiv(F64, a, b, rm));
});

tieredTest('fsqrt.d fast path = exact rounding', () => {
  const squares = (): bigint[] => {
    const x = dValue(genD(false));
    return [dBits(Math.abs(Math.trunc(x * 2 ** 20) * x))];
  };
  check(
    'fsqrt.d',
    false,
    N,
    () => [genD(pick(2) === 0) & ~(1n << 63n)],
    (rm, [a]) => sfSqrt(F64, a, rm),
  );
  check('fsqrt.d', false, N / 2, squares, (rm, [a]) => sfSqrt(F64, a, rm));
});

tieredTest('fmadd.d / fnmsub.d fast path = single rounding', () => {
  const triple = (): bigint[] => {
    const a = genD(false),
      b = genD(false);
    const k = pick(5);
    let c: bigint;
    if (k === 0)
      c = nudge(dBits(-dValue(a) * dValue(b)), 64); // near-total cancellation
    else if (k === 1) c = dBits(-dValue(a) * dValue(b) * 2 ** (pick(120) - 60));
    else if (k === 2) c = 0n;
    else c = genD(false);
    return [a, b, c];
  };
  check('fmadd.d', false, 4 * N, triple, (rm, [a, b, c]) => sfFma(F64, a, b, c, rm));
  check('fnmsub.d', false, N, triple, (rm, [a, b, c]) => sfFma(F64, a ^ (1n << 63n), b, c, rm));
});

tieredTest('single-precision fast paths = exact rounding', () => {
  const pairS = (): bigint[] => {
    const a = genS();
    return [a, pick(3) === 0 ? nudge(a ^ (1n << 31n), 32) : genS()];
  };
  check('fadd.s', true, N, pairS, (rm, [a, b]) => sfAdd(F32, a, b, rm));
  check('fmul.s', true, N, pairS, (rm, [a, b]) => sfMul(F32, a, b, rm));
  check('fdiv.s', true, N, pairS, (rm, [a, b]) => sfDiv(F32, a, b, rm));
  check(
    'fsqrt.s',
    true,
    N,
    () => [genS() & 0x7fffffffn],
    (rm, [a]) => sfSqrt(F32, a, rm),
  );
  const tripleS = (): bigint[] => {
    const a = genS(),
      b = genS();
    const c = pick(2) === 0 ? nudge(sBits(-f32ValueProduct(a, b)), 32) : genS();
    return [a, b, c];
  };
  check('fmadd.s', true, 2 * N, tripleS, (rm, [a, b, c]) => sfFma(F32, a, b, c, rm));
});

function f32ValueProduct(a: bigint, b: bigint): number {
  u32s[0] = Number(a);
  const x = f32[0];
  u32s[0] = Number(b);
  return x * f32[0];
}

tieredTest('conversion fast paths = exact rounding', () => {
  const int64 = (): bigint[] => {
    const bits = 1 + pick(64);
    const v = ((BigInt(rnd32()) << 32n) | BigInt(rnd32())) >> BigInt(64 - bits);
    return [pick(2) === 0 ? BigInt.asUintN(64, -v) : v];
  };
  check('fcvt.d.l', false, N, int64, (rm, [v]) => sfFromInt(F64, BigInt.asIntN(64, v), rm));
  check('fcvt.d.lu', false, N, int64, (rm, [v]) => sfFromInt(F64, v, rm));
  check('fcvt.s.l', true, N, int64, (rm, [v]) => sfFromInt(F32, BigInt.asIntN(64, v), rm));
  check('fcvt.s.wu', true, N, int64, (rm, [v]) => sfFromInt(F32, v & 0xffffffffn, rm));
  check(
    'fcvt.s.d',
    true,
    N,
    () => [genD(false)],
    (rm, [a]) => sfConvert(F64, F32, a, rm),
    false,
  );
});

function tieredTest(name: string, body: () => void): void {
  for (const [tier, make] of EXECUTORS)
    test(`${name} [${tier}]`, () => {
      ex = make();
      body();
    });
}
