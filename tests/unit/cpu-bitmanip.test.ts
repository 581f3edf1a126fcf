// The B extension (Zba, Zbb, Zbs) and Zicond against a model written from
// the specifications' definitions (Bitmanip 1.0.0, Zicond 1.0) in BigInt:
// random straight-line programs and a hot loop of them, on random and edge
// values with registers aliased freely (x0 included), in every tier. And the
// encodings around them that this hart does not implement (Zbc, Zbkb, Zbkx,
// RV32-only forms, reserved fields) must raise an illegal instruction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestMachine, USER, PTE_R, PTE_W, PTE_X } from './cpu-harness/machine.js';
import { TIERS, setTier } from './cpu-harness/tiers.js';
import { Cause } from '../../src/cpu/hart.js';
import * as A from './cpu-harness/asm.js';

const CODE = 0x10000;
const R = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const I = (imm: number, rs1: number, f3: number, rd: number, op: number): number => (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;

const MASK = (1n << 64n) - 1n;
const u64 = (v: bigint): bigint => v & MASK;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const zext32 = (v: bigint): bigint => v & 0xffffffffn;
const sext32 = (v: bigint): bigint => u64(BigInt.asIntN(32, v));
function clz(v: bigint, n: number): bigint {
  let c = 0;
  for (let i = n - 1; i >= 0 && !((v >> BigInt(i)) & 1n); i--) c++;
  return BigInt(c);
}
function ctz(v: bigint, n: number): bigint {
  let c = 0;
  for (let i = 0; i < n && !((v >> BigInt(i)) & 1n); i++) c++;
  return BigInt(c);
}
function cpop(v: bigint): bigint {
  let c = 0n;
  for (; v; v >>= 1n) c += v & 1n;
  return c;
}
const rotr = (v: bigint, s: bigint, n: bigint): bigint => ((v >> s) | (v << ((n - s) % n))) & ((1n << n) - 1n);
function bytes(v: bigint, f: (b: bigint, i: number) => [number, bigint]): bigint {
  let r = 0n;
  for (let i = 0; i < 8; i++) {
    const [at, b] = f((v >> BigInt(8 * i)) & 0xffn, i);
    r |= b << BigInt(8 * at);
  }
  return r;
}

/** An instruction: its encoding from (rd, rs1, rs2 or the immediate), and its result from the operands. */
interface Insn {
  name: string;
  imm?: number[];
  enc(rd: number, rs1: number, x: number): number;
  op(a: bigint, b: bigint, imm: number): bigint;
}
const rr = (name: string, f7: number, f3: number, opc: number, op: (a: bigint, b: bigint) => bigint): Insn => ({
  name,
  enc: (rd, rs1, rs2) => R(f7, rs2, rs1, f3, rd, opc),
  op: (a, b) => u64(op(a, b)),
});
const un = (name: string, imm12: number, f3: number, opc: number, op: (a: bigint) => bigint): Insn => ({
  name,
  enc: (rd, rs1) => I(imm12, rs1, f3, rd, opc),
  op: (a) => u64(op(a)),
});
const ri = (name: string, hi: number, f3: number, opc: number, imm: number[], op: (a: bigint, s: bigint) => bigint): Insn => ({
  name,
  imm,
  enc: (rd, rs1, s) => I(hi | s, rs1, f3, rd, opc),
  op: (a, _b, s) => u64(op(a, BigInt(s))),
});
const bit = (b: bigint): bigint => 1n << (b & 63n);
const SH6 = [0, 1, 5, 31, 32, 33, 40, 63],
  SH5 = [0, 1, 7, 16, 31];

const INSNS: Insn[] = [
  // Zba
  rr('add.uw', 0x04, 0, 0x3b, (a, b) => b + zext32(a)),
  rr('sh1add', 0x10, 2, 0x33, (a, b) => b + (a << 1n)),
  rr('sh2add', 0x10, 4, 0x33, (a, b) => b + (a << 2n)),
  rr('sh3add', 0x10, 6, 0x33, (a, b) => b + (a << 3n)),
  rr('sh1add.uw', 0x10, 2, 0x3b, (a, b) => b + (zext32(a) << 1n)),
  rr('sh2add.uw', 0x10, 4, 0x3b, (a, b) => b + (zext32(a) << 2n)),
  rr('sh3add.uw', 0x10, 6, 0x3b, (a, b) => b + (zext32(a) << 3n)),
  ri('slli.uw', 0x080, 1, 0x1b, SH6, (a, s) => zext32(a) << s),
  // Zbb
  rr('andn', 0x20, 7, 0x33, (a, b) => a & ~b),
  rr('orn', 0x20, 6, 0x33, (a, b) => a | ~b),
  rr('xnor', 0x20, 4, 0x33, (a, b) => ~(a ^ b)),
  un('clz', 0x600, 1, 0x13, (a) => clz(a, 64)),
  un('ctz', 0x601, 1, 0x13, (a) => ctz(a, 64)),
  un('cpop', 0x602, 1, 0x13, (a) => cpop(a)),
  un('clzw', 0x600, 1, 0x1b, (a) => clz(zext32(a), 32)),
  un('ctzw', 0x601, 1, 0x1b, (a) => ctz(zext32(a), 32)),
  un('cpopw', 0x602, 1, 0x1b, (a) => cpop(zext32(a))),
  rr('max', 0x05, 6, 0x33, (a, b) => (s64(a) < s64(b) ? b : a)),
  rr('maxu', 0x05, 7, 0x33, (a, b) => (a < b ? b : a)),
  rr('min', 0x05, 4, 0x33, (a, b) => (s64(a) < s64(b) ? a : b)),
  rr('minu', 0x05, 5, 0x33, (a, b) => (a < b ? a : b)),
  un('sext.b', 0x604, 1, 0x13, (a) => BigInt.asIntN(8, a)),
  un('sext.h', 0x605, 1, 0x13, (a) => BigInt.asIntN(16, a)),
  { name: 'zext.h', enc: (rd, rs1) => R(0x04, 0, rs1, 4, rd, 0x3b), op: (a) => a & 0xffffn },
  rr('rol', 0x30, 1, 0x33, (a, b) => rotr(a, (64n - (b & 63n)) % 64n, 64n)),
  rr('ror', 0x30, 5, 0x33, (a, b) => rotr(a, b & 63n, 64n)),
  ri('rori', 0x600, 5, 0x13, SH6, (a, s) => rotr(a, s, 64n)),
  rr('rolw', 0x30, 1, 0x3b, (a, b) => sext32(rotr(zext32(a), (32n - (b & 31n)) % 32n, 32n))),
  rr('rorw', 0x30, 5, 0x3b, (a, b) => sext32(rotr(zext32(a), b & 31n, 32n))),
  ri('roriw', 0x600, 5, 0x1b, SH5, (a, s) => sext32(rotr(zext32(a), s, 32n))),
  un('orc.b', 0x287, 5, 0x13, (a) => bytes(a, (b, i) => [i, b ? 0xffn : 0n])),
  un('rev8', 0x6b8, 5, 0x13, (a) => bytes(a, (b, i) => [7 - i, b])),
  // Zbs
  rr('bclr', 0x24, 1, 0x33, (a, b) => a & ~bit(b)),
  rr('bext', 0x24, 5, 0x33, (a, b) => (a >> (b & 63n)) & 1n),
  rr('binv', 0x34, 1, 0x33, (a, b) => a ^ bit(b)),
  rr('bset', 0x14, 1, 0x33, (a, b) => a | bit(b)),
  ri('bclri', 0x480, 1, 0x13, SH6, (a, s) => a & ~bit(s)),
  ri('bexti', 0x480, 5, 0x13, SH6, (a, s) => (a >> s) & 1n),
  ri('binvi', 0x680, 1, 0x13, SH6, (a, s) => a ^ bit(s)),
  ri('bseti', 0x280, 1, 0x13, SH6, (a, s) => a | bit(s)),
  // Zicond
  rr('czero.eqz', 0x07, 5, 0x33, (a, b) => (b === 0n ? 0n : a)),
  rr('czero.nez', 0x07, 7, 0x33, (a, b) => (b !== 0n ? 0n : a)),
];

/** A small deterministic generator (xorshift64*), so a failure reproduces. */
function rng(seed: bigint): () => bigint {
  let s = seed;
  return () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & MASK;
    s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & MASK;
  };
}
const EDGE = [
  0n,
  1n,
  2n,
  31n,
  32n,
  33n,
  63n,
  64n,
  0x80n,
  0xffn,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  0x100000000n,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  MASK,
  MASK - 1n,
  0xffffffff00000000n,
  0x00ff00ff00ff0000n,
];
const REGS = [0, 10, 11, 12, 13, 14, 15, 16, 17];

interface Step {
  insn: Insn;
  rd: number;
  rs1: number;
  x: number;
}

function randomSteps(next: () => bigint, n: number): Step[] {
  const pick = <T>(a: T[]): T => a[Number(next() % BigInt(a.length))];
  return Array.from({ length: n }, () => {
    const insn = pick(INSNS);
    return { insn, rd: pick(REGS), rs1: pick(REGS), x: insn.imm ? pick(insn.imm) : pick(REGS) };
  });
}

function model(regs: bigint[], steps: Step[]): void {
  for (const { insn, rd, rs1, x } of steps) {
    const v = insn.op(regs[rs1], insn.imm ? 0n : regs[x], x);
    if (rd !== 0) regs[rd] = v;
  }
}

function randomRegs(next: () => bigint): bigint[] {
  return Array.from({ length: 32 }, (_, i) => (i === 0 ? 0n : next() & 1n ? EDGE[Number(next() % BigInt(EDGE.length))] : next()));
}

function setRegs(m: TestMachine, regs: bigint[]): void {
  for (let i = 1; i < 32; i++) {
    m.hart.xl[i] = Number(regs[i] & 0xffffffffn) | 0;
    m.hart.xh[i] = Number(regs[i] >> 32n) | 0;
  }
}

function regsOf(m: TestMachine): bigint[] {
  return Array.from({ length: 32 }, (_, i) => u64(m.regBig(i)));
}

test('random B and Zicond programs match the specification model, in every tier', () => {
  for (let seed = 1n; seed <= 12n; seed++) {
    const next = rng(seed * 0x9e3779b97f4a7c15n);
    const steps = randomSteps(next, 300);
    const start = randomRegs(next);
    const want = [...start];
    model(want, steps);
    for (const tier of TIERS) {
      const m = new TestMachine(4 << 20);
      setTier(m.hart, tier);
      m.loadWords(CODE, [...steps.map((s) => s.insn.enc(s.rd, s.rs1, s.x)), A.ECALL]);
      setRegs(m, start);
      m.hart.pc = CODE;
      assert.equal(m.hart.run(1e6), Cause.EcallU, `seed ${seed} ${tier.name}`);
      const got = regsOf(m);
      for (let r = 0; r < 32; r++) {
        if (got[r] !== want[r]) {
          const writers = steps.filter((s) => s.rd === r).map((s) => s.insn.name);
          assert.fail(`seed ${seed} ${tier.name}: x${r} = ${got[r].toString(16)}, want ${want[r].toString(16)} (written by ${writers.slice(-3).join(', ')})`);
        }
      }
    }
  }
});

test('a hot loop of B and Zicond instructions matches the model once compiled', () => {
  const next = rng(77n);
  const steps = randomSteps(next, 60);
  const start = randomRegs(next);
  const LOOPS = 3000,
    T0 = 5;
  const want = [...start];
  for (let i = 0; i < LOOPS; i++) model(want, steps);
  want[T0] = 0n;
  const body = steps.map((s) => s.insn.enc(s.rd, s.rs1, s.x));
  const words = [...body, A.addi(T0, T0, -1), A.bne(T0, 0, -(body.length + 1) * 4), A.ECALL];
  for (const tier of TIERS) {
    const m = new TestMachine(4 << 20);
    setTier(m.hart, tier);
    m.loadWords(CODE, words);
    setRegs(m, start);
    m.setReg(T0, LOOPS);
    m.hart.pc = CODE;
    let cause = -1;
    for (let i = 0; i < 100 && cause < 0; i++) cause = m.hart.run(1 << 16);
    assert.equal(cause, Cause.EcallU, tier.name);
    assert.deepEqual(
      regsOf(m).map((v) => v.toString(16)),
      want.map((v) => v.toString(16)),
      tier.name,
    );
    // the compiled tiers really compiled the loop (no fallback to the interpreter)
    if (tier.backend === 'wasm') {
      assert.ok(m.hart.wasmInsns > (LOOPS * steps.length) / 2, `${tier.name}: ${m.hart.wasmInsns} instructions in WebAssembly`);
      assert.equal(m.mem.wasmJit!.stats.failures, 0, tier.name);
    } else if (tier.threshold < LOOPS) assert.ok(m.hart.jsInsns > (LOOPS * steps.length) / 2, tier.name);
  }
});

test('encodings beside B and Zicond that the hart does not implement are illegal', () => {
  const cases: [string, number][] = [
    ['clmul (Zbc)', R(0x05, 2, 1, 1, 3, 0x33)],
    ['clmulr (Zbc)', R(0x05, 2, 1, 2, 3, 0x33)],
    ['clmulh (Zbc)', R(0x05, 2, 1, 3, 3, 0x33)],
    ['pack (Zbkb)', R(0x04, 2, 1, 4, 3, 0x33)],
    ['packh (Zbkb)', R(0x04, 2, 1, 7, 3, 0x33)],
    ['packw (Zbkb)', R(0x04, 2, 1, 4, 3, 0x3b)],
    ['brev8 (Zbkb)', I(0x687, 1, 5, 3, 0x13)],
    ['rev8 RV32 encoding', I(0x698, 1, 5, 3, 0x13)],
    ['zip (RV32 Zbkb)', I(0x08f, 1, 1, 3, 0x13)],
    ['unzip (RV32 Zbkb)', I(0x08f, 1, 5, 3, 0x13)],
    ['xperm4 (Zbkx)', R(0x14, 2, 1, 2, 3, 0x33)],
    ['xperm8 (Zbkx)', R(0x14, 2, 1, 4, 3, 0x33)],
    ['clz-space 0x603', I(0x603, 1, 1, 3, 0x13)],
    ['clz-space 0x606', I(0x606, 1, 1, 3, 0x13)],
    ['clzw-space 0x603', I(0x603, 1, 1, 3, 0x1b)],
    ['clzw-space 0x604', I(0x604, 1, 1, 3, 0x1b)],
    ['orc.b with another shamt', I(0x286, 1, 5, 3, 0x13)],
    ['rori funct6 0x19', I(0x640, 1, 5, 3, 0x13)],
    ['roriw with imm bit 5', R(0x31, 2, 1, 5, 3, 0x1b)],
    ['slli.uw funct6 0x03', I(0x0c0, 1, 1, 3, 0x1b)],
    ['add.uw-space funct3 1', R(0x04, 2, 1, 1, 3, 0x3b)],
    ['sh1add.uw-space funct3 3', R(0x10, 2, 1, 3, 3, 0x3b)],
    ['czero funct3 6', R(0x07, 2, 1, 6, 3, 0x33)],
    ['bset funct3 5', R(0x14, 2, 1, 5, 3, 0x33)],
    ['rolw-space funct7 0x31', R(0x31, 2, 1, 1, 3, 0x3b)],
    ['bseti with funct6 0x0b', I(0x2c0, 1, 1, 3, 0x13)],
  ];
  for (const [name, insn] of cases) {
    for (const tier of TIERS) {
      const m = new TestMachine(4 << 20);
      setTier(m.hart, tier);
      m.map(CODE, USER | PTE_R | PTE_W | PTE_X);
      m.loadWords(CODE, [A.addi(1, 0, 1), insn, A.ECALL]);
      m.hart.pc = CODE;
      assert.equal(m.hart.run(10), Cause.Illegal, `${name} (${tier.name})`);
      assert.equal(m.hart.tval, insn, `${name} tval`);
      assert.equal(m.hart.pc, CODE + 4, `${name} pc`);
    }
  }
});
