// The F and D extensions' execution unit: decodes one OP-FP (0x53) or R4
// fused multiply-add (0x43/0x47/0x4B/0x4F) instruction and executes it on the
// hart's registers. The hart owns the pc, mstatus.FS and the fetch; it calls
// execFp with the raw instruction word and advances the pc on success.

import { fcvtDFromInt, fcvtDS, fcvtSD, fcvtSFromInt, fcvtToInt } from './fp-convert.js';
import { faddD, faddS, fdivD, fdivS, fmaD, fmaS, fmulD, fmulS, fsqrtD, fsqrtS } from './fp-arith.js';
import { fclassD, fclassS, fcmpD, fcmpS, fminmaxD, fminmaxS } from './fp-compare.js';
import { fmvDX, fmvWX, fmvXD, fmvXW, fsgnjD, fsgnjS } from './fp-move.js';
import { readSBits, sValue } from './fp-regs.js';

/**
 * The registers the FPU uses. Integer registers are 32-bit halves; fregs and
 * fbits view the same little-endian buffer (fbits[2i] = low word of f[i]).
 */
export interface FpHart {
  xl: Int32Array;
  xh: Int32Array;
  fregs: Float64Array;
  fbits: Int32Array;
  /** Accrued exception flags: NV=16, DZ=8, OF=4, UF=2, NX=1. */
  fflags: number;
  /** Dynamic rounding mode: 0..4 = RNE, RTZ, RDN, RUP, RMM. */
  frm: number;
}

/** execFp's results: done (the hart advances the pc), or an illegal-instruction trap cause. */
export const FP_DONE = -1;
export const FP_ILLEGAL = 2;

const DYNAMIC_RM = 7;

/** The rounding mode an rm field selects, or -1 if it is reserved (5, 6, or 7 with a bad frm). */
function roundingMode(h: FpHart, rm: number): number {
  if (rm === DYNAMIC_RM) rm = h.frm;
  return rm >= 0 && rm <= 4 ? rm : -1;
}

/** Executes one F/D instruction; returns FP_DONE (-1) or FP_ILLEGAL (2). */
export function execFp(h: FpHart, insn: number): number {
  const opcode = insn & 0x7f;
  const rd = (insn >>> 7) & 31;
  const rs1 = (insn >>> 15) & 31;
  const rs2 = (insn >>> 20) & 31;
  const rmField = (insn >>> 12) & 7;
  if (opcode === 0x53) return execOpFp(h, insn, rd, rs1, rs2, rmField);

  // R4 format: rs3 in bits 31:27, fmt in 26:25.
  const fmt = (insn >>> 25) & 3;
  const rm = roundingMode(h, rmField);
  if (fmt > 1 || rm < 0) return FP_ILLEGAL;
  let negProd: boolean, negAdd: boolean;
  switch (opcode) {
    case 0x43:
      negProd = false;
      negAdd = false;
      break; // FMADD:  a*b + c
    case 0x47:
      negProd = false;
      negAdd = true;
      break; // FMSUB:  a*b - c
    case 0x4b:
      negProd = true;
      negAdd = false;
      break; // FNMSUB: -(a*b) + c
    case 0x4f:
      negProd = true;
      negAdd = true;
      break; // FNMADD: -(a*b) - c
    default:
      return FP_ILLEGAL;
  }
  const rs3 = insn >>> 27;
  if (fmt === 1) fmaD(h, rd, rs1, rs2, rs3, rm, negProd, negAdd);
  else fmaS(h, rd, rs1, rs2, rs3, rm, negProd, negAdd);
  return FP_DONE;
}

function execOpFp(h: FpHart, insn: number, rd: number, rs1: number, rs2: number, rmField: number): number {
  const funct7 = insn >>> 25;
  const isD = (funct7 & 3) === 1;
  if ((funct7 & 3) > 1) return FP_ILLEGAL; // H and Q are not implemented
  switch (funct7 >>> 2) {
    case 0x00:
    case 0x01:
    case 0x02:
    case 0x03: {
      const rm = roundingMode(h, rmField);
      if (rm < 0) return FP_ILLEGAL;
      switch (funct7 >>> 2) {
        case 0x00:
          if (isD) faddD(h, rd, rs1, rs2, rm, false);
          else faddS(h, rd, rs1, rs2, rm, false);
          break;
        case 0x01:
          if (isD) faddD(h, rd, rs1, rs2, rm, true);
          else faddS(h, rd, rs1, rs2, rm, true);
          break;
        case 0x02:
          if (isD) fmulD(h, rd, rs1, rs2, rm);
          else fmulS(h, rd, rs1, rs2, rm);
          break;
        default:
          if (isD) fdivD(h, rd, rs1, rs2, rm);
          else fdivS(h, rd, rs1, rs2, rm);
          break;
      }
      return FP_DONE;
    }
    case 0x0b: {
      // FSQRT
      const rm = roundingMode(h, rmField);
      if (rm < 0 || rs2 !== 0) return FP_ILLEGAL;
      if (isD) fsqrtD(h, rd, rs1, rm);
      else fsqrtS(h, rd, rs1, rm);
      return FP_DONE;
    }
    case 0x04: // FSGNJ, FSGNJN, FSGNJX
      if (rmField > 2) return FP_ILLEGAL;
      if (isD) fsgnjD(h, rd, rs1, rs2, rmField);
      else fsgnjS(h, rd, rs1, rs2, rmField);
      return FP_DONE;
    case 0x05: // FMIN, FMAX
      if (rmField > 1) return FP_ILLEGAL;
      if (isD) fminmaxD(h, rd, rs1, rs2, rmField === 1);
      else fminmaxS(h, rd, rs1, rs2, rmField === 1);
      return FP_DONE;
    case 0x08: {
      // FCVT.S.D (fmt S, rs2 = D) and FCVT.D.S (fmt D, rs2 = S)
      const rm = roundingMode(h, rmField);
      if (rm < 0 || rs2 !== (isD ? 0 : 1)) return FP_ILLEGAL;
      if (isD) fcvtDS(h, rd, rs1);
      else fcvtSD(h, rd, rs1, rm);
      return FP_DONE;
    }
    case 0x14: // FLE (0), FLT (1), FEQ (2)
      if (rmField > 2) return FP_ILLEGAL;
      if (isD) fcmpD(h, rd, rs1, rs2, rmField);
      else fcmpS(h, rd, rs1, rs2, rmField);
      return FP_DONE;
    case 0x18: {
      // FCVT.{W,WU,L,LU}.fmt
      const rm = roundingMode(h, rmField);
      if (rm < 0 || rs2 > 3) return FP_ILLEGAL;
      fcvtToInt(h, rd, isD ? h.fregs[rs1] : sValue(readSBits(h, rs1)), rm, rs2);
      return FP_DONE;
    }
    case 0x1a: {
      // FCVT.fmt.{W,WU,L,LU}
      const rm = roundingMode(h, rmField);
      if (rm < 0 || rs2 > 3) return FP_ILLEGAL;
      if (isD) fcvtDFromInt(h, rd, rs1, rm, rs2);
      else fcvtSFromInt(h, rd, rs1, rm, rs2);
      return FP_DONE;
    }
    case 0x1c: // FMV.X.{W,D} (funct3 0), FCLASS (funct3 1)
      if (rs2 !== 0 || rmField > 1) return FP_ILLEGAL;
      if (rmField === 0) {
        if (isD) fmvXD(h, rd, rs1);
        else fmvXW(h, rd, rs1);
      } else if (isD) {
        fclassD(h, rd, rs1);
      } else {
        fclassS(h, rd, rs1);
      }
      return FP_DONE;
    case 0x1e: // FMV.{W,D}.X
      if (rs2 !== 0 || rmField !== 0) return FP_ILLEGAL;
      if (isD) fmvDX(h, rd, rs1);
      else fmvWX(h, rd, rs1);
      return FP_DONE;
    default:
      return FP_ILLEGAL;
  }
}
