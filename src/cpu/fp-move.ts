// Sign injection (FSGNJ, FSGNJN, FSGNJX) and moves between integer and FP
// registers (FMV.X.W, FMV.W.X, FMV.X.D, FMV.D.X). All are bit-exact: no NaN
// is canonicalised and no flag is raised. Sign injection reads singles through
// the NaN-box check; FMV.X.W copies the low 32 bits whatever the box.

import type { FpHart } from './fpu.js';
import { readSBits, writeSBits, writeX } from './fp-regs.js';

export const SGNJ = 0,
  SGNJN = 1,
  SGNJX = 2;

function inject(magnitude: number, signSource: number, op: number): number {
  let s: number;
  if (op === SGNJ) s = signSource;
  else if (op === SGNJN) s = ~signSource;
  else s = magnitude ^ signSource;
  return (magnitude & 0x7fffffff) | (s & 0x80000000);
}

export function fsgnjD(h: FpHart, rd: number, rs1: number, rs2: number, op: number): void {
  const lo = h.fbits[2 * rs1];
  const hi = inject(h.fbits[2 * rs1 + 1], h.fbits[2 * rs2 + 1], op);
  h.fbits[2 * rd] = lo;
  h.fbits[2 * rd + 1] = hi;
}

export function fsgnjS(h: FpHart, rd: number, rs1: number, rs2: number, op: number): void {
  writeSBits(h, rd, inject(readSBits(h, rs1), readSBits(h, rs2), op));
}

export function fmvXW(h: FpHart, rd: number, rs1: number): void {
  const v = h.fbits[2 * rs1];
  writeX(h, rd, v, v >> 31);
}

export function fmvWX(h: FpHart, rd: number, rs1: number): void {
  writeSBits(h, rd, h.xl[rs1]);
}

export function fmvXD(h: FpHart, rd: number, rs1: number): void {
  writeX(h, rd, h.fbits[2 * rs1], h.fbits[2 * rs1 + 1]);
}

export function fmvDX(h: FpHart, rd: number, rs1: number): void {
  h.fbits[2 * rd] = h.xl[rs1];
  h.fbits[2 * rd + 1] = h.xh[rs1];
}
