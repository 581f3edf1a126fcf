// Hand-checked F/D cases that need no qemu: the interface contract (x0, NaN
// boxing, rounding-mode field, illegal encodings, register aliasing) and the
// IEEE/RISC-V corner cases most easily got wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFp, FP_DONE, FP_ILLEGAL } from '../../src/cpu/fpu.js';
import type { FpHart } from '../../src/cpu/fpu.js';
import { FP_INSNS, makeHart, opFp, runInsn, tierHart } from './fpu-encode.js';
import { TIERS } from './cpu-harness/tiers.js';

const NV = 16,
  DZ = 8,
  OF = 4,
  UF = 2,
  NX = 1;
const RNE = 0,
  RTZ = 1,
  RDN = 2,
  RUP = 3,
  DYN = 7;

type Exec = { h: FpHart; exec: (h: FpHart, insn: number) => number };

/** The cases below, for one way of executing instructions. */
function suite(tier: string, make: () => Exec): void {
  const shared = make();
  /** Runs a mnemonic on hex operands; returns "result flags" as one string for compact asserts. */
  function run(op: string, rm: number, ...ops: string[]): string {
    return runWithFrm(op, rm, 0, ...ops);
  }
  function runWithFrm(op: string, rm: number, frm: number, ...ops: string[]): string {
    const insn = FP_INSNS.get(op);
    assert.ok(insn, op);
    const r = runInsn(shared.exec, shared.h, insn, rm, frm, ops);
    assert.equal(r.ret, FP_DONE);
    return `${r.result} ${r.flags}`;
  }

  const ONE = '3ff0000000000000',
    TWO = '4000000000000000',
    THREE = '4008000000000000';
  const NEG_ZERO = '8000000000000000',
    POS_ZERO = '0000000000000000';
  const CANON_D = '7ff8000000000000',
    CANON_S = 'ffffffff7fc00000';
  const SNAN_D = '7ff0000000000001',
    SNAN_S = 'ffffffff7f800001';
  const box = (s: string): string => 'ffffffff' + s;

  test(`exact and inexact double arithmetic [${tier}]`, () => {
    assert.equal(run('fadd.d', RNE, ONE, TWO), `${THREE} 0`);
    assert.equal(run('fadd.d', RNE, '3fb999999999999a', '3fc999999999999a'), `3fd3333333333334 ${NX}`); // 0.1 + 0.2
    assert.equal(run('fmul.d', RNE, THREE, THREE), `4022000000000000 0`);
    assert.equal(run('fdiv.d', RNE, ONE, THREE), `3fd5555555555555 ${NX}`);
    assert.equal(run('fdiv.d', RUP, ONE, THREE), `3fd5555555555556 ${NX}`);
    assert.equal(run('fsqrt.d', RNE, '4010000000000000'), `${TWO} 0`);
    assert.equal(run('fsqrt.d', RTZ, TWO), `3ff6a09e667f3bcc ${NX}`);
    assert.equal(run('fsqrt.d', RUP, TWO), `3ff6a09e667f3bcd ${NX}`);
  });

  test(`the sign of an exact zero sum depends on the rounding mode [${tier}]`, () => {
    assert.equal(run('fsub.d', RNE, ONE, ONE), `${POS_ZERO} 0`);
    assert.equal(run('fsub.d', RDN, ONE, ONE), `${NEG_ZERO} 0`);
    assert.equal(run('fadd.d', RNE, NEG_ZERO, NEG_ZERO), `${NEG_ZERO} 0`);
    assert.equal(run('fsub.s', RDN, box('3f800000'), box('3f800000')), `${box('80000000')} 0`);
  });

  test(`invalid, divide-by-zero, overflow and underflow [${tier}]`, () => {
    assert.equal(run('fdiv.d', RNE, ONE, POS_ZERO), `7ff0000000000000 ${DZ}`);
    assert.equal(run('fdiv.d', RNE, POS_ZERO, POS_ZERO), `${CANON_D} ${NV}`);
    assert.equal(run('fsqrt.d', RNE, 'bff0000000000000'), `${CANON_D} ${NV}`);
    assert.equal(run('fadd.d', RNE, SNAN_D, ONE), `${CANON_D} ${NV}`);
    assert.equal(run('fadd.d', RNE, 'fff8000000001234', ONE), `${CANON_D} 0`); // quiet NaN: canonical, no flag
    // Overflow: to infinity, or to the largest finite number when rounding toward zero.
    assert.equal(run('fmul.d', RNE, '7fefffffffffffff', TWO), `7ff0000000000000 ${OF | NX}`);
    assert.equal(run('fmul.d', RTZ, '7fefffffffffffff', TWO), `7fefffffffffffff ${OF | NX}`);
    assert.equal(run('fmul.d', RDN, 'ffefffffffffffff', TWO), `fff0000000000000 ${OF | NX}`);
    // An exact subnormal result raises nothing; an inexact one raises UF and NX.
    assert.equal(run('fmul.d', RNE, '0010000000000000', '3fe0000000000000'), `0008000000000000 0`);
    assert.equal(run('fmul.d', RNE, '0000000000000001', '3fe0000000000000'), `${POS_ZERO} ${UF | NX}`);
    assert.equal(run('fmul.d', RUP, '0000000000000001', '3fe0000000000000'), `0000000000000001 ${UF | NX}`);
    // Tininess is detected after rounding: (1 - 2^-53) * 2^-1022 * (1 + 2^-52)
    // rounds to 2^-1022 even with an unbounded exponent, so it is not tiny.
    assert.equal(run('fmul.d', RNE, '3fefffffffffffff', '0010000000000001'), `0010000000000000 ${NX}`);
    // (1 - 2^-53) * 2^-1022 is tiny (its unbounded rounding is exact and below
    // 2^-1022) even though the subnormal rounding gives 2^-1022.
    assert.equal(run('fmul.d', RNE, '3fefffffffffffff', '0010000000000000'), `0010000000000000 ${UF | NX}`);
  });

  test(`fused multiply-add rounds once [${tier}]`, () => {
    // (1 + 2^-26)^2 - (1 + 2^-25) = 2^-52 exactly; a separate multiply would lose it.
    assert.equal(run('fmadd.d', RNE, '3ff0000004000000', '3ff0000004000000', 'bff0000008000000'), `3cb0000000000000 0`);
    assert.equal(run('fnmadd.d', RNE, ONE, TWO, ONE), `c008000000000000 0`); // -(1*2) - 1
    assert.equal(run('fmsub.d', RNE, ONE, TWO, ONE), `${ONE} 0`); // 1*2 - 1
    assert.equal(run('fnmsub.d', RNE, ONE, TWO, ONE), `bff0000000000000 0`); // -(1*2) + 1
    // inf * 0 is invalid even with a quiet NaN addend.
    assert.equal(run('fmadd.d', RNE, '7ff0000000000000', POS_ZERO, CANON_D), `${CANON_D} ${NV}`);
    assert.equal(run('fmadd.s', RNE, box('3f800001'), box('3f800001'), box('bf800002')), `${box('28800000')} 0`);
  });

  test(`NaN boxing of single-precision operands and results [${tier}]`, () => {
    const unboxed = '000000003f800000';
    assert.equal(run('fadd.s', RNE, unboxed, box('3f800000')), `${CANON_S} 0`);
    assert.equal(run('fcvt.d.s', RNE, unboxed), `${CANON_D} 0`);
    assert.equal(run('fclass.s', RNE, unboxed), `${(1 << 9).toString(16).padStart(16, '0')} 0`);
    assert.equal(run('fsgnj.s', RNE, unboxed, box('80000000')), `${box('ffc00000')} 0`);
    // FMV.X.W moves the low word whatever the box, sign-extended.
    assert.equal(run('fmv.x.w', RNE, '00000000bf800000'), `ffffffffbf800000 0`);
    assert.equal(run('fmv.w.x', RNE, '123456783f800000'), `${box('3f800000')} 0`);
    assert.equal(run('fadd.s', RNE, box('3f800000'), box('40000000')), `${box('40400000')} 0`);
  });

  test(`float to integer conversions saturate and sign-extend [${tier}]`, () => {
    assert.equal(run('fcvt.w.d', RTZ, CANON_D), `000000007fffffff ${NV}`);
    assert.equal(run('fcvt.w.d', RTZ, 'fff0000000000000'), `ffffffff80000000 ${NV}`);
    assert.equal(run('fcvt.l.d', RTZ, '43e0000000000000'), `7fffffffffffffff ${NV}`); // 2^63
    assert.equal(run('fcvt.l.d', RTZ, 'c3e0000000000000'), `8000000000000000 0`); // -2^63
    assert.equal(run('fcvt.lu.d', RTZ, CANON_D), `ffffffffffffffff ${NV}`);
    assert.equal(run('fcvt.wu.d', RTZ, '41e65a0bc0000000'), `ffffffffb2d05e00 0`); // 3e9, sign-extended
    assert.equal(run('fcvt.wu.d', RNE, CANON_D), `ffffffffffffffff ${NV}`);
    assert.equal(run('fcvt.wu.d', RTZ, 'bfe0000000000000'), `0000000000000000 ${NX}`); // -0.5 -> 0
    assert.equal(run('fcvt.wu.d', RDN, 'bfe0000000000000'), `0000000000000000 ${NV}`); // -0.5 -> -1
    assert.equal(run('fcvt.w.d', RNE, '4004000000000000'), `0000000000000002 ${NX}`); // 2.5 -> 2
    assert.equal(run('fcvt.w.d', 4, '4004000000000000'), `0000000000000003 ${NX}`); // RMM
    assert.equal(run('fcvt.w.s', RDN, box('bfc00000')), `fffffffffffffffe ${NX}`); // -1.5 -> -2
    assert.equal(run('fcvt.s.l', RNE, '0000000001000001'), `${box('4b800000')} ${NX}`); // 2^24+1
    assert.equal(run('fcvt.s.l', RUP, '0000000001000001'), `${box('4b800001')} ${NX}`);
    assert.equal(run('fcvt.d.lu', RNE, 'ffffffffffffffff'), `43f0000000000000 ${NX}`);
    assert.equal(run('fcvt.d.w', RNE, 'deadbeefffffffff'), `bff0000000000000 0`); // only the low word counts
  });

  test(`fmin/fmax, comparisons and classification [${tier}]`, () => {
    assert.equal(run('fmin.d', RNE, POS_ZERO, NEG_ZERO), `${NEG_ZERO} 0`);
    assert.equal(run('fmax.d', RNE, NEG_ZERO, POS_ZERO), `${POS_ZERO} 0`);
    assert.equal(run('fmin.d', RNE, SNAN_D, ONE), `${ONE} ${NV}`);
    assert.equal(run('fmax.d', RNE, CANON_D, 'fff8000000000001'), `${CANON_D} 0`);
    assert.equal(run('fmin.s', RNE, SNAN_S, SNAN_S), `${CANON_S} ${NV}`);
    assert.equal(run('feq.d', RNE, CANON_D, ONE), `0000000000000000 0`);
    assert.equal(run('feq.d', RNE, SNAN_D, ONE), `0000000000000000 ${NV}`);
    assert.equal(run('flt.d', RNE, CANON_D, ONE), `0000000000000000 ${NV}`);
    assert.equal(run('fle.d', RNE, NEG_ZERO, POS_ZERO), `0000000000000001 0`);
    assert.equal(run('flt.d', RNE, NEG_ZERO, POS_ZERO), `0000000000000000 0`);
    const cls = (op: string, v: string): number => parseInt(run(op, RNE, v).split(' ')[0], 16);
    assert.equal(cls('fclass.d', 'fff0000000000000'), 1 << 0);
    assert.equal(cls('fclass.d', 'bff0000000000000'), 1 << 1);
    assert.equal(cls('fclass.d', '800fffffffffffff'), 1 << 2);
    assert.equal(cls('fclass.d', NEG_ZERO), 1 << 3);
    assert.equal(cls('fclass.d', POS_ZERO), 1 << 4);
    assert.equal(cls('fclass.d', '0000000000000001'), 1 << 5);
    assert.equal(cls('fclass.d', ONE), 1 << 6);
    assert.equal(cls('fclass.d', '7ff0000000000000'), 1 << 7);
    assert.equal(cls('fclass.d', SNAN_D), 1 << 8);
    assert.equal(cls('fclass.d', CANON_D), 1 << 9);
    assert.equal(cls('fclass.s', SNAN_S), 1 << 8);
  });

  test(`sign injection is bit-exact, NaN payloads included [${tier}]`, () => {
    assert.equal(run('fsgnjn.d', RNE, '7ff0000000001234', ONE), `fff0000000001234 0`);
    assert.equal(run('fsgnjx.d', RNE, 'bff0000000000000', 'bff0000000000000'), `${ONE} 0`);
    assert.equal(run('fsgnj.s', RNE, box('7f800001'), box('80000000')), `${box('ff800001')} 0`);
  });

  test(`rounding-mode field: static, dynamic, reserved [${tier}]`, () => {
    const tiny = '3c30000000000000'; // 2^-60
    assert.equal(runWithFrm('fadd.d', RUP, RNE, ONE, tiny), `3ff0000000000001 ${NX}`);
    assert.equal(runWithFrm('fadd.d', RNE, RUP, ONE, tiny), `${ONE} ${NX}`);
    assert.equal(runWithFrm('fadd.d', DYN, RUP, ONE, tiny), `3ff0000000000001 ${NX}`);
    const { h, exec } = make();
    const fadd = (rm: number): number => opFp(0x01, 2, 1, rm, 3);
    for (const rm of [5, 6]) assert.equal(exec(h, fadd(rm)), FP_ILLEGAL);
    for (const frm of [5, 6, 7]) {
      h.frm = frm;
      assert.equal(exec(h, fadd(DYN)), FP_ILLEGAL);
      assert.equal(exec(h, fadd(RNE)), FP_DONE); // a static mode ignores frm
      assert.equal(exec(h, opFp(0x21, 0, 1, DYN, 3)), FP_ILLEGAL); // even an exact fcvt.d.s decodes rm
      assert.equal(exec(h, opFp(0x11, 2, 1, 0, 3)), FP_DONE); // fsgnj has no rm field
    }
  });

  test(`illegal encodings [${tier}]`, () => {
    const { h, exec } = make();
    assert.equal(exec(h, opFp(0x02, 2, 1, 0, 3)), FP_ILLEGAL); // fmt H
    assert.equal(exec(h, opFp(0x03, 2, 1, 0, 3)), FP_ILLEGAL); // fmt Q
    assert.equal(exec(h, opFp(0x2d, 1, 1, 0, 3)), FP_ILLEGAL); // fsqrt.d with rs2 != 0
    assert.equal(exec(h, opFp(0x11, 2, 1, 3, 3)), FP_ILLEGAL); // fsgnj funct3 3
    assert.equal(exec(h, opFp(0x15, 2, 1, 2, 3)), FP_ILLEGAL); // fmin funct3 2
    assert.equal(exec(h, opFp(0x51, 2, 1, 3, 3)), FP_ILLEGAL); // compare funct3 3
    assert.equal(exec(h, opFp(0x61, 4, 1, 0, 3)), FP_ILLEGAL); // fcvt to integer type 4
    assert.equal(exec(h, opFp(0x20, 0, 1, 0, 3)), FP_ILLEGAL); // fcvt.s.s
    assert.equal(exec(h, opFp(0x71, 0, 1, 2, 3)), FP_ILLEGAL); // fmv.x.d funct3 2
    assert.equal(exec(h, opFp(0x79, 1, 1, 0, 3)), FP_ILLEGAL); // fmv.d.x rs2 != 0
    assert.equal(exec(h, (0x43 | (2 << 25)) >>> 0), FP_ILLEGAL); // fmadd.h
    if (tier === 'execFp') assert.equal(exec(h, 0x13), FP_ILLEGAL); // not an FP opcode at all (as guest code: a nop)
    assert.equal(h.fflags, 0);
  });

  test(`writes to x0 are discarded; rd may alias a source [${tier}]`, () => {
    const { h, exec } = make();
    h.fregs[1] = 1.5;
    h.fregs[2] = 1.5;
    assert.equal(exec(h, opFp(0x51, 2, 1, 2, 0)), FP_DONE); // feq.d x0, f1, f2
    assert.equal(exec(h, opFp(0x61, 0, 1, 1, 0)), FP_DONE); // fcvt.w.d x0, f1, rtz
    assert.equal(exec(h, opFp(0x71, 0, 1, 0, 0)), FP_DONE); // fmv.x.d x0, f1
    assert.equal(h.xl[0], 0);
    assert.equal(h.xh[0], 0);
    assert.equal(exec(h, opFp(0x01, 1, 1, 0, 1)), FP_DONE); // fadd.d f1, f1, f1
    assert.equal(h.fregs[1], 3);
    assert.equal(exec(h, ((1 << 27) | (1 << 25) | (1 << 20) | (1 << 15) | (1 << 7) | 0x43) >>> 0), FP_DONE);
    assert.equal(h.fregs[1], 12); // fmadd.d f1, f1, f1, f1 = 3*3 + 3
  });
}

// execFp itself (what the interpreter calls), then guest code in each compiling tier
suite('execFp', () => ({ h: makeHart(), exec: execFp }));
for (const t of TIERS) if (t.threshold !== Infinity) suite(t.name, () => tierHart(t));
