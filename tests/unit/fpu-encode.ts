// Shared by the FPU tests: a bare hart with only the registers execFp uses,
// instruction encoders, and a table of every F/D instruction by mnemonic.
import type { FpHart } from '../../src/cpu/fpu.js';
import { Cause } from '../../src/cpu/hart.js';
import { TestMachine } from './cpu-harness/machine.js';
import { setTier, type Tier } from './cpu-harness/tiers.js';
import * as A from './cpu-harness/asm.js';

export function makeHart(): FpHart {
  const buf = new ArrayBuffer(32 * 8);
  return { xl: new Int32Array(32), xh: new Int32Array(32), fregs: new Float64Array(buf), fbits: new Int32Array(buf), fflags: 0, frm: 0 };
}

export function opFp(funct7: number, rs2: number, rs1: number, funct3: number, rd: number): number {
  return ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | 0x53) >>> 0;
}

export function r4(opcode: number, fmt: number, rs3: number, rs2: number, rs1: number, rm: number, rd: number): number {
  return ((rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opcode) >>> 0;
}

/** How an instruction is encoded and where its operands and result live. */
export interface FpInsn {
  /** Source operands are FP registers (f1, f2, f3) or an integer register (x6). */
  src: 'f' | 'x';
  /** The result goes to f4 or x5. */
  dst: 'f' | 'x';
  /** The instruction word for a given rm field (ignored by instructions without one). */
  encode(rm: number): number;
}

export const F_RS1 = 1,
  F_RS2 = 2,
  F_RS3 = 3,
  F_RD = 4,
  X_RD = 5,
  X_RS1 = 6;

function table(): Map<string, FpInsn> {
  const t = new Map<string, FpInsn>();
  const fmts: [string, number][] = [
    ['s', 0],
    ['d', 1],
  ];
  for (const [sfx, fmt] of fmts) {
    const arith: [string, number][] = [
      ['fadd', 0x00],
      ['fsub', 0x01],
      ['fmul', 0x02],
      ['fdiv', 0x03],
    ];
    for (const [name, f5] of arith) {
      t.set(`${name}.${sfx}`, { src: 'f', dst: 'f', encode: (rm) => opFp((f5 << 2) | fmt, F_RS2, F_RS1, rm, F_RD) });
    }
    t.set(`fsqrt.${sfx}`, { src: 'f', dst: 'f', encode: (rm) => opFp((0x0b << 2) | fmt, 0, F_RS1, rm, F_RD) });
    const fused: [string, number][] = [
      ['fmadd', 0x43],
      ['fmsub', 0x47],
      ['fnmsub', 0x4b],
      ['fnmadd', 0x4f],
    ];
    for (const [name, opcode] of fused) {
      t.set(`${name}.${sfx}`, { src: 'f', dst: 'f', encode: (rm) => r4(opcode, fmt, F_RS3, F_RS2, F_RS1, rm, F_RD) });
    }
    const noRm: [string, number, number][] = [
      ['fsgnj', 0x04, 0],
      ['fsgnjn', 0x04, 1],
      ['fsgnjx', 0x04, 2],
      ['fmin', 0x05, 0],
      ['fmax', 0x05, 1],
    ];
    for (const [name, f5, f3] of noRm) {
      t.set(`${name}.${sfx}`, { src: 'f', dst: 'f', encode: () => opFp((f5 << 2) | fmt, F_RS2, F_RS1, f3, F_RD) });
    }
    const cmp: [string, number][] = [
      ['fle', 0],
      ['flt', 1],
      ['feq', 2],
    ];
    for (const [name, f3] of cmp) {
      t.set(`${name}.${sfx}`, { src: 'f', dst: 'x', encode: () => opFp((0x14 << 2) | fmt, F_RS2, F_RS1, f3, X_RD) });
    }
    t.set(`fclass.${sfx}`, { src: 'f', dst: 'x', encode: () => opFp((0x1c << 2) | fmt, 0, F_RS1, 1, X_RD) });
    const ints: [string, number][] = [
      ['w', 0],
      ['wu', 1],
      ['l', 2],
      ['lu', 3],
    ];
    for (const [it, sel] of ints) {
      t.set(`fcvt.${it}.${sfx}`, { src: 'f', dst: 'x', encode: (rm) => opFp((0x18 << 2) | fmt, sel, F_RS1, rm, X_RD) });
      t.set(`fcvt.${sfx}.${it}`, { src: 'x', dst: 'f', encode: (rm) => opFp((0x1a << 2) | fmt, sel, X_RS1, rm, F_RD) });
    }
  }
  t.set('fcvt.s.d', { src: 'f', dst: 'f', encode: (rm) => opFp(0x20, 1, F_RS1, rm, F_RD) });
  t.set('fcvt.d.s', { src: 'f', dst: 'f', encode: (rm) => opFp(0x21, 0, F_RS1, rm, F_RD) });
  t.set('fmv.x.w', { src: 'f', dst: 'x', encode: () => opFp(0x70, 0, F_RS1, 0, X_RD) });
  t.set('fmv.x.d', { src: 'f', dst: 'x', encode: () => opFp(0x71, 0, F_RS1, 0, X_RD) });
  t.set('fmv.w.x', { src: 'x', dst: 'f', encode: () => opFp(0x78, 0, X_RS1, 0, F_RD) });
  t.set('fmv.d.x', { src: 'x', dst: 'f', encode: () => opFp(0x79, 0, X_RS1, 0, F_RD) });
  return t;
}

export const FP_INSNS = table();

/** Splits a 64-bit hex string into signed 32-bit [low, high] halves. */
export function halves(hex: string): [number, number] {
  const s = hex.padStart(16, '0');
  return [parseInt(s.slice(8), 16) | 0, parseInt(s.slice(0, 8), 16) | 0];
}

export function hex64(lo: number, hi: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/**
 * Runs one instruction on a fresh hart with operands given as 64-bit hex
 * register contents; returns the result register as hex, the flags and
 * execFp's return value.
 */
export function runInsn(
  exec: (h: FpHart, insn: number) => number,
  h: FpHart,
  insn: FpInsn,
  rm: number,
  frm: number,
  ops: string[],
): { result: string; flags: number; ret: number } {
  h.fflags = 0;
  h.frm = frm;
  h.fbits.fill(0);
  h.xl.fill(0);
  h.xh.fill(0);
  if (insn.src === 'f') {
    for (let i = 0; i < ops.length; i++) {
      const [lo, hi] = halves(ops[i]);
      h.fbits[2 * (F_RS1 + i)] = lo;
      h.fbits[2 * (F_RS1 + i) + 1] = hi;
    }
  } else {
    const [lo, hi] = halves(ops[0]);
    h.xl[X_RS1] = lo;
    h.xh[X_RS1] = hi;
  }
  const ret = exec(h, insn.encode(rm));
  const result = insn.dst === 'f' ? hex64(h.fbits[2 * F_RD], h.fbits[2 * F_RD + 1]) : hex64(h.xl[X_RD], h.xh[X_RD]);
  return { result, flags: h.fflags, ret };
}

/**
 * A hart of a test machine held to `tier`, and an executor that runs one
 * instruction on it as guest code (each distinct word on its own code page,
 * followed by ecall): FP_DONE after it retired, FP_ILLEGAL if it trapped.
 */
export function tierHart(tier: Tier): { h: FpHart; exec: (h: FpHart, insn: number) => number } {
  const m = new TestMachine(8 << 20);
  setTier(m.hart, tier);
  const pages = new Map<number, number>();
  let next = 0x10000;
  const exec = (_h: FpHart, insn: number): number => {
    let va = pages.get(insn);
    if (va === undefined) {
      va = next;
      next += 0x1000;
      m.loadWords(va, [insn, A.ECALL]);
      pages.set(insn, va);
    }
    m.hart.pc = va;
    const cause = m.hart.run(10);
    if (cause === Cause.EcallU && m.hart.pc === va + 4) return -1;
    if (cause === Cause.Illegal && m.hart.pc === va && m.hart.tval === insn) return 2;
    throw new Error(`${insn.toString(16)}: trap ${cause} at ${m.hart.pc.toString(16)}`);
  };
  return { h: m.hart, exec };
}
