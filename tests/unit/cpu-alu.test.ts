// 64-bit multiply/divide on int32 halves against a BigInt reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mul64, mulh64, div64, div32, mulhu32 } from '../../src/cpu/alu64.js';
import { Cause } from '../../src/cpu/hart.js';
import { TestMachine } from './cpu-harness/machine.js';
import { tiered } from './cpu-harness/tiers.js';
import * as A from './cpu-harness/asm.js';

const M64 = (1n << 64n) - 1n;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const lo = (v: bigint): number => Number(BigInt.asIntN(32, v));
const hi = (v: bigint): number => Number(BigInt.asIntN(32, v >> 32n));

const EDGE = [
  0n,
  1n,
  2n,
  3n,
  7n,
  10n,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  0x100000000n,
  0x1fffffffffffffn,
  0x20000000000000n,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  0x8000000000000001n,
  M64,
  M64 - 1n,
  M64 - 6n,
  0x123456789abcdef0n,
  0xfedcba9876543210n,
  0x100000001n,
  0xffffffff00000000n,
  0x00000001fffffffen,
];

/** Deterministic pseudo-random 64-bit values of varied magnitude. */
function randoms(n: number): bigint[] {
  let x = 0x9e3779b97f4a7c15n;
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    x ^= (x << 13n) & M64;
    x ^= x >> 7n;
    x ^= (x << 17n) & M64;
    out.push(x >> BigInt(i % 64));
  }
  return out;
}
const VALUES = [...EDGE, ...randoms(60)];

function run(fn: (xl: Int32Array, xh: Int32Array) => void): bigint {
  const xl = new Int32Array(64),
    xh = new Int32Array(64);
  fn(xl, xh);
  return (BigInt(xh[5] >>> 0) << 32n) | BigInt(xl[5] >>> 0);
}

test('mulhu32 is the exact high half', () => {
  for (const a of [0, 1, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x12345678]) {
    for (const b of [0, 1, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x9abcdef1]) {
      assert.equal(mulhu32(a | 0, b | 0) >>> 0, Number((BigInt(a) * BigInt(b)) >> 32n));
    }
  }
});

test('MUL, MULH, MULHSU, MULHU', () => {
  for (const a of VALUES)
    for (const b of VALUES) {
      const args = [lo(a), hi(a), lo(b), hi(b)] as const;
      assert.equal(
        run((xl, xh) => mul64(xl, xh, 5, ...args)),
        u64(a * b),
        `mul ${a} ${b}`,
      );
      assert.equal(
        run((xl, xh) => mulh64(xl, xh, 5, ...args, false, false)),
        u64((a * b) >> 64n),
        `mulhu ${a} ${b}`,
      );
      assert.equal(
        run((xl, xh) => mulh64(xl, xh, 5, ...args, true, true)),
        u64((s64(a) * s64(b)) >> 64n),
        `mulh ${a} ${b}`,
      );
      assert.equal(
        run((xl, xh) => mulh64(xl, xh, 5, ...args, true, false)),
        u64((s64(a) * b) >> 64n),
        `mulhsu ${a} ${b}`,
      );
    }
});

test('DIV, DIVU, REM, REMU with division by zero and overflow', () => {
  for (const a of VALUES)
    for (const b of VALUES) {
      const args = [lo(a), hi(a), lo(b), hi(b)] as const;
      const sa = s64(a),
        sb = s64(b);
      const divu = b === 0n ? M64 : a / b,
        remu = b === 0n ? a : a % b;
      const div = b === 0n ? M64 : sa === -(1n << 63n) && sb === -1n ? a : u64(sa / sb);
      const rem = b === 0n ? a : sa === -(1n << 63n) && sb === -1n ? 0n : u64(sa % sb);
      assert.equal(
        run((xl, xh) => div64(xl, xh, 5, ...args, false, false)),
        divu,
        `divu ${a} ${b}`,
      );
      assert.equal(
        run((xl, xh) => div64(xl, xh, 5, ...args, false, true)),
        remu,
        `remu ${a} ${b}`,
      );
      assert.equal(
        run((xl, xh) => div64(xl, xh, 5, ...args, true, false)),
        div,
        `div ${a} ${b}`,
      );
      assert.equal(
        run((xl, xh) => div64(xl, xh, 5, ...args, true, true)),
        rem,
        `rem ${a} ${b}`,
      );
    }
});

test('DIVW, DIVUW, REMW, REMUW sign-extend 32-bit results', () => {
  const w = [0, 1, -1, 2, -2, 7, -7, 0x7fffffff, -0x80000000, 0x12345678, -0x12345678, 0xffff];
  for (const a of w)
    for (const b of w) {
      const ua = BigInt(a >>> 0),
        ub = BigInt(b >>> 0),
        sa = BigInt(a),
        sb = BigInt(b);
      const ext = (v: bigint): bigint => u64(BigInt.asIntN(32, v));
      const divw = b === 0 ? M64 : a === -0x80000000 && b === -1 ? ext(sa) : ext(sa / sb);
      const remw = b === 0 ? ext(sa) : a === -0x80000000 && b === -1 ? 0n : ext(sa % sb);
      assert.equal(
        run((xl, xh) => div32(xl, xh, 5, a, b, true, false)),
        divw,
        `divw ${a} ${b}`,
      );
      assert.equal(
        run((xl, xh) => div32(xl, xh, 5, a, b, true, true)),
        remw,
        `remw ${a} ${b}`,
      );
      assert.equal(
        run((xl, xh) => div32(xl, xh, 5, a, b, false, false)),
        b === 0 ? M64 : ext(ua / ub),
        `divuw ${a} ${b}`,
      );
      assert.equal(
        run((xl, xh) => div32(xl, xh, 5, a, b, false, true)),
        b === 0 ? ext(sa) : ext(ua % ub),
        `remuw ${a} ${b}`,
      );
    }
});

// The same operations as instructions, in every tier: compiled code has its
// own multiply and divide (native i64 in WebAssembly).
tiered('M extension instructions against BigInt', () => {
  const names = ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw'] as const;
  const f3 = [0, 1, 2, 3, 4, 5, 6, 7, 0, 4, 5, 6, 7];
  const A0 = 10,
    A1 = 11,
    FIRST = 12; // results in x12..x24
  const prog = [...names.map((_, i) => (i < 8 ? A.op : A.op32)(1, f3[i], FIRST + i, A0, A1)), A.ECALL];
  const m = new TestMachine(4 << 20);
  m.loadWords(0x10000, prog);
  const ext = (v: bigint): bigint => u64(BigInt.asIntN(32, v));
  const MIN = -(1n << 63n);
  const want = (a: bigint, b: bigint): bigint[] => {
    const sa = s64(a),
      sb = s64(b),
      wa = BigInt.asIntN(32, a),
      wb = BigInt.asIntN(32, b);
    const ua = BigInt.asUintN(32, a),
      ub = BigInt.asUintN(32, b);
    return [
      u64(a * b),
      u64((sa * sb) >> 64n),
      u64((sa * b) >> 64n),
      u64((a * b) >> 64n),
      b === 0n ? M64 : sa === MIN && sb === -1n ? a : u64(sa / sb),
      b === 0n ? M64 : a / b,
      b === 0n ? a : sa === MIN && sb === -1n ? 0n : u64(sa % sb),
      b === 0n ? a : a % b,
      ext(wa * wb),
      wb === 0n ? M64 : wa === -(1n << 31n) && wb === -1n ? ext(wa) : ext(wa / wb),
      ub === 0n ? M64 : ext(ua / ub),
      wb === 0n ? ext(wa) : wa === -(1n << 31n) && wb === -1n ? 0n : ext(wa % wb),
      ub === 0n ? ext(wa) : ext(ua % ub),
    ];
  };
  for (const a of VALUES)
    for (const b of VALUES) {
      m.setReg(A0, 0);
      m.setReg(A1, 0);
      m.hart.xl[A0] = lo(a);
      m.hart.xh[A0] = hi(a);
      m.hart.xl[A1] = lo(b);
      m.hart.xh[A1] = hi(b);
      m.hart.pc = 0x10000;
      assert.equal(m.hart.run(100), Cause.EcallU);
      const got = names.map((_, i) => u64(m.regBig(FIRST + i)));
      const exp = want(a, b);
      names.forEach((n, i) => assert.equal(got[i], exp[i], `${n} ${a.toString(16)} ${b.toString(16)}`));
    }
});
