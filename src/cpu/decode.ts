// Instruction decoding into the per-page decode cache.
//
// A decoded page has one slot per 2-byte parcel (C instructions may start on
// any even address) plus a sentinel slot at offset 4096. A slot is SLOT_INTS
// ints: [packed, imm, raw, spare]. packed = op | rd<<8 | rs1<<14 | rs2<<20 |
// step<<26, where step is how far the slot index p advances (in ints) to the
// next instruction: 8 for a 4-byte instruction, 4 for a compressed one. The
// interpreter (and a later block compiler) read only these fields.
//
// Integer destinations x0 are rewritten to SINK (32) so the interpreter can
// write rd unconditionally while x0 keeps reading as zero.
//
// The ISA decoded here: RV64IMAFD, C (Zca, Zcd) and Zcb, B (Zba, Zbb, Zbs),
// Zicond, Zicsr/Zicntr (csr.ts), Zifencei, and the Zihintntl/Zihintpause
// hints (which execute as the no-ops they are). /proc/cpuinfo and
// riscv_hwprobe say exactly this. What RVA23U64 still lacks: Zfa and Zfhmin
// (FPU work), Zicbom/Zicboz (cbo.* through the store path; prefetches are
// already ORI hints), Zimop/Zcmop (decoder entries writing 0 / doing
// nothing), Zawrs (wrs.* may simply complete), Supm (pointer masking: an
// address mask on the load/store path, per task), and V with Zvfhmin, Zvbb
// and Zvkt: 32 vector registers of VLEN bits beside x[], vtype/vl/vstart
// and vxrm/vxsat, some 400 instructions over SEW 8..64 and LMUL 1/8..8 with
// precise traps that restart at vstart, and on the kernel side V state in
// context switches, signal frames (__riscv_v_ext_state) and ptrace regsets,
// prctl(PR_RISCV_V_*) and the hwprobe/hwcap bits.
import { expandCompressed } from './rvc.js';

export const SLOT_INTS = 4;
export const PAGE_SLOTS = 2048;
export const CODE_PAGE_INTS = (PAGE_SLOTS + 1) * SLOT_INTS;
export const SINK = 32;
export const STEP_32 = 8;
export const STEP_16 = 4;

export const enum Op {
  Undecoded = 0,
  PageEnd,
  Straddle,
  Illegal,
  Li,
  Mv,
  Auipc,
  Jal,
  Jalr,
  Beq,
  Bne,
  Blt,
  Bge,
  Bltu,
  Bgeu,
  Lb,
  Lh,
  Lw,
  Ld,
  Lbu,
  Lhu,
  Lwu,
  Sb,
  Sh,
  Sw,
  Sd,
  Addi,
  Slti,
  Sltiu,
  Xori,
  Ori,
  Andi,
  Slli,
  Srli,
  Srai,
  Add,
  Sub,
  Sll,
  Slt,
  Sltu,
  Xor,
  Srl,
  Sra,
  Or,
  And,
  Addiw,
  Slliw,
  Srliw,
  Sraiw,
  Addw,
  Subw,
  Sllw,
  Srlw,
  Sraw,
  Mul,
  Mulh,
  Mulhsu,
  Mulhu,
  Div,
  Divu,
  Rem,
  Remu,
  Mulw,
  Divw,
  Divuw,
  Remw,
  Remuw,
  Fence,
  FenceI,
  Ecall,
  Ebreak,
  Csr,
  Amo,
  Flw,
  Fld,
  Fsw,
  Fsd,
  Fp,
  // B = Zba + Zbb + Zbs (bitmanip 1.0.0), and Zicond. sh<N>add(.uw) carry N
  // in imm (add.uw is ShAddUw with N = 0); immediate shift and bit-index
  // forms carry the amount in imm.
  ShAdd,
  ShAddUw,
  SlliUw,
  Andn,
  Orn,
  Xnor,
  Clz,
  Ctz,
  Cpop,
  Clzw,
  Ctzw,
  Cpopw,
  Max,
  Maxu,
  Min,
  Minu,
  SextB,
  SextH,
  ZextH,
  Rol,
  Ror,
  Rori,
  Rolw,
  Rorw,
  Roriw,
  OrcB,
  Rev8,
  Bclr,
  Bclri,
  Bext,
  Bexti,
  Binv,
  Binvi,
  Bset,
  Bseti,
  CzeroEqz,
  CzeroNez,
}

/** A fresh decoded page: every slot undecoded, the sentinel marks the page end. */
export function newCodePage(): Int32Array {
  const c = new Int32Array(CODE_PAGE_INTS);
  c[PAGE_SLOTS * SLOT_INTS] = Op.PageEnd;
  return c;
}

function put(out: Int32Array, p: number, op: number, rd: number, rs1: number, rs2: number, step: number, imm: number, raw: number): void {
  out[p] = op | (rd << 8) | (rs1 << 14) | (rs2 << 20) | (step << 26);
  out[p + 1] = imm;
  out[p + 2] = raw;
}

/** Mark slot p illegal; raw becomes tval. */
export function putIllegal(out: Int32Array, p: number, raw: number, step: number): void {
  put(out, p, Op.Illegal, 0, 0, 0, step, 0, raw);
}

const sink = (r: number): number => (r === 0 ? SINK : r);

// opcode tables by funct3 (-1: reserved), built once: decoding runs cold, so
// it allocates nothing
const BRANCH_OPS = [Op.Beq, Op.Bne, -1, -1, Op.Blt, Op.Bge, Op.Bltu, Op.Bgeu];
const LOAD_OPS = [Op.Lb, Op.Lh, Op.Lw, Op.Ld, Op.Lbu, Op.Lhu, Op.Lwu, -1];
const OPIMM_OPS = [0, 0, Op.Slti, Op.Sltiu, Op.Xori, 0, Op.Ori, Op.Andi];
const OP_OPS = [Op.Add, Op.Sll, Op.Slt, Op.Sltu, Op.Xor, Op.Srl, Op.Or, Op.And];
const MULW_OPS = [Op.Mulw, -1, -1, -1, Op.Divw, Op.Divuw, Op.Remw, Op.Remuw];
/** OP-IMM (0x13) funct3 1 and 5: shifts, Zbs single-bit ops, Zbb unary ops and rotates; -1 reserved. */
function opImmShift(f3: number, insn: number): number {
  const f6 = insn >>> 26,
    imm12 = insn >>> 20;
  if (f3 === 1) {
    switch (f6) {
      case 0x00:
        return Op.Slli;
      case 0x0a:
        return Op.Bseti;
      case 0x12:
        return Op.Bclri;
      case 0x1a:
        return Op.Binvi;
      default: // clz 0x600, ctz 0x601, cpop 0x602, sext.b 0x604, sext.h 0x605
        if (imm12 >= 0x600 && imm12 <= 0x602) return Op.Clz + (imm12 - 0x600);
        if (imm12 === 0x604) return Op.SextB;
        if (imm12 === 0x605) return Op.SextH;
        return -1;
    }
  }
  switch (f6) {
    case 0x00:
      return Op.Srli;
    case 0x10:
      return Op.Srai;
    case 0x12:
      return Op.Bexti;
    case 0x18:
      return Op.Rori;
    default:
      return imm12 === 0x287 ? Op.OrcB : imm12 === 0x6b8 ? Op.Rev8 : -1;
  }
}

/** OP (0x33) with funct7 other than 0 and 1: B extension and Zicond (Zbc's clmul is not implemented). */
function opB(f7: number, f3: number): number {
  switch (f7) {
    case 0x20:
      return f3 === 0 ? Op.Sub : f3 === 5 ? Op.Sra : f3 === 4 ? Op.Xnor : f3 === 6 ? Op.Orn : f3 === 7 ? Op.Andn : -1;
    case 0x05:
      return f3 === 4 ? Op.Min : f3 === 5 ? Op.Minu : f3 === 6 ? Op.Max : f3 === 7 ? Op.Maxu : -1;
    case 0x07:
      return f3 === 5 ? Op.CzeroEqz : f3 === 7 ? Op.CzeroNez : -1;
    case 0x10:
      return f3 === 2 || f3 === 4 || f3 === 6 ? Op.ShAdd : -1;
    case 0x14:
      return f3 === 1 ? Op.Bset : -1;
    case 0x24:
      return f3 === 1 ? Op.Bclr : f3 === 5 ? Op.Bext : -1;
    case 0x30:
      return f3 === 1 ? Op.Rol : f3 === 5 ? Op.Ror : -1;
    case 0x34:
      return f3 === 1 ? Op.Binv : -1;
    default:
      return -1;
  }
}

/** AMO funct5 values that exist (bit i set: funct5 i). */
const AMO_F5 = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 8) | (1 << 12) | (1 << 16) | (1 << 20) | (1 << 24) | (1 << 28);

/**
 * Decode the parcel(s) starting with 16-bit `lo16` (and `hi16` for a 32-bit
 * instruction) into slot p.
 */
export function decodeSlot(out: Int32Array, p: number, lo16: number, hi16: number): void {
  if ((lo16 & 3) !== 3) {
    const x = expandCompressed(lo16);
    if (x === 0) putIllegal(out, p, lo16, STEP_16);
    else decode32(out, p, x, lo16, STEP_16);
  } else {
    const insn = lo16 | (hi16 << 16);
    decode32(out, p, insn, insn, STEP_32);
  }
}

/** Decode a 32-bit instruction `insn` (the expansion of `raw` if compressed). */
export function decode32(out: Int32Array, p: number, insn: number, raw: number, step: number): void {
  const rd = (insn >>> 7) & 31,
    rs1 = (insn >>> 15) & 31,
    rs2 = (insn >>> 20) & 31;
  const f3 = (insn >>> 12) & 7,
    f7 = insn >>> 25;
  const immI = insn >> 20;
  const d = sink(rd);
  switch (insn & 0x7f) {
    case 0x37: // LUI: a constant load
      put(out, p, Op.Li, d, 0, 0, step, insn & 0xfffff000, raw);
      return;
    case 0x17:
      put(out, p, Op.Auipc, d, 0, 0, step, insn & 0xfffff000, raw);
      return;
    case 0x6f: {
      const imm = ((insn >> 31) << 20) | (insn & 0xff000) | (((insn >>> 20) & 1) << 11) | (((insn >>> 21) & 0x3ff) << 1);
      put(out, p, Op.Jal, d, 0, 0, step, imm, raw);
      return;
    }
    case 0x67:
      if (f3 !== 0) return putIllegal(out, p, raw, step);
      put(out, p, Op.Jalr, d, rs1, 0, step, immI, raw);
      return;
    case 0x63: {
      const op = BRANCH_OPS[f3];
      if (op < 0) return putIllegal(out, p, raw, step);
      const imm = ((insn >> 31) << 12) | (((insn >>> 7) & 1) << 11) | (((insn >>> 25) & 63) << 5) | (((insn >>> 8) & 15) << 1);
      put(out, p, op, 0, rs1, rs2, step, imm, raw);
      return;
    }
    case 0x03: {
      const op = LOAD_OPS[f3];
      if (op < 0) return putIllegal(out, p, raw, step);
      put(out, p, op, d, rs1, 0, step, immI, raw);
      return;
    }
    case 0x23: {
      if (f3 > 3) return putIllegal(out, p, raw, step);
      const imm = ((insn >> 25) << 5) | ((insn >>> 7) & 31);
      put(out, p, Op.Sb + f3, 0, rs1, rs2, step, imm, raw);
      return;
    }
    case 0x13: {
      switch (f3) {
        case 0:
          if (rs1 === 0) put(out, p, Op.Li, d, 0, 0, step, immI, raw);
          else if (immI === 0) put(out, p, Op.Mv, d, rs1, 0, step, 0, raw);
          else put(out, p, Op.Addi, d, rs1, 0, step, immI, raw);
          return;
        case 1:
        case 5: {
          const op = opImmShift(f3, insn);
          if (op < 0) return putIllegal(out, p, raw, step);
          put(out, p, op, d, rs1, 0, step, (insn >>> 20) & 63, raw);
          return;
        }
        default:
          put(out, p, OPIMM_OPS[f3], d, rs1, 0, step, immI, raw);
          return;
      }
    }
    case 0x33: {
      let op: number;
      if (f7 === 0) op = OP_OPS[f3];
      else if (f7 === 1) op = Op.Mul + f3;
      else op = opB(f7, f3);
      if (op < 0) return putIllegal(out, p, raw, step);
      if (op === Op.Add && (rs1 === 0 || rs2 === 0)) put(out, p, Op.Mv, d, rs1 | rs2, 0, step, 0, raw);
      else put(out, p, op, d, rs1, rs2, step, op === Op.ShAdd ? f3 >> 1 : 0, raw);
      return;
    }
    case 0x1b: {
      if (f3 === 0) {
        put(out, p, Op.Addiw, d, rs1, 0, step, immI, raw);
        return;
      }
      if (f3 === 1 && f7 === 0) {
        put(out, p, Op.Slliw, d, rs1, 0, step, rs2, raw);
        return;
      }
      if (f3 === 5 && (f7 === 0 || f7 === 0x20)) {
        put(out, p, f7 ? Op.Sraiw : Op.Srliw, d, rs1, 0, step, rs2, raw);
        return;
      }
      // Zba's slli.uw has a 6-bit shift amount; Zbb's W forms a 5-bit one
      if (f3 === 1 && insn >>> 26 === 0x02) {
        put(out, p, Op.SlliUw, d, rs1, 0, step, (insn >>> 20) & 63, raw);
        return;
      }
      if (f3 === 1 && f7 === 0x30 && rs2 <= 2) {
        put(out, p, Op.Clzw + rs2, d, rs1, 0, step, 0, raw);
        return;
      }
      if (f3 === 5 && f7 === 0x30) {
        put(out, p, Op.Roriw, d, rs1, 0, step, rs2, raw);
        return;
      }
      return putIllegal(out, p, raw, step);
    }
    case 0x3b: {
      let op = -1;
      if (f7 === 0) op = f3 === 0 ? Op.Addw : f3 === 1 ? Op.Sllw : f3 === 5 ? Op.Srlw : -1;
      else if (f7 === 0x20) op = f3 === 0 ? Op.Subw : f3 === 5 ? Op.Sraw : -1;
      else if (f7 === 1) op = MULW_OPS[f3];
      else if (f7 === 0x04)
        op = f3 === 0 ? Op.ShAddUw : f3 === 4 && rs2 === 0 ? Op.ZextH : -1; // add.uw, zext.h
      else if (f7 === 0x10) op = f3 === 2 || f3 === 4 || f3 === 6 ? Op.ShAddUw : -1;
      else if (f7 === 0x30) op = f3 === 1 ? Op.Rolw : f3 === 5 ? Op.Rorw : -1;
      if (op < 0) return putIllegal(out, p, raw, step);
      put(out, p, op, d, rs1, rs2, step, op === Op.ShAddUw ? f3 >> 1 : 0, raw);
      return;
    }
    case 0x0f:
      if (f3 === 0) {
        put(out, p, Op.Fence, 0, 0, 0, step, 0, raw);
        return;
      }
      if (f3 === 1) {
        put(out, p, Op.FenceI, 0, 0, 0, step, 0, raw);
        return;
      }
      return putIllegal(out, p, raw, step);
    case 0x73:
      if (f3 === 0) {
        if (insn === 0x00000073) {
          put(out, p, Op.Ecall, 0, 0, 0, step, 0, raw);
          return;
        }
        if (insn === 0x00100073) {
          put(out, p, Op.Ebreak, 0, 0, 0, step, 0, raw);
          return;
        }
        return putIllegal(out, p, raw, step); // sret, mret, wfi, sfence.vma, ...: privileged
      }
      if (f3 === 4) return putIllegal(out, p, raw, step);
      // CSR number in imm (unsigned), rs1 field is the register or the 5-bit immediate
      put(out, p, Op.Csr, d, rs1, 0, step, insn >>> 20, raw);
      return;
    case 0x2f: {
      if (f3 !== 2 && f3 !== 3) return putIllegal(out, p, raw, step);
      const f5 = insn >>> 27;
      if (f5 === 2 && rs2 !== 0) return putIllegal(out, p, raw, step); // LR has no rs2
      if (!((AMO_F5 >>> f5) & 1)) return putIllegal(out, p, raw, step);
      put(out, p, Op.Amo, d, rs1, rs2, step, 0, raw);
      return;
    }
    case 0x07:
      if (f3 === 2) {
        put(out, p, Op.Flw, rd, rs1, 0, step, immI, raw);
        return;
      }
      if (f3 === 3) {
        put(out, p, Op.Fld, rd, rs1, 0, step, immI, raw);
        return;
      }
      return putIllegal(out, p, raw, step);
    case 0x27: {
      const imm = ((insn >> 25) << 5) | ((insn >>> 7) & 31);
      if (f3 === 2) {
        put(out, p, Op.Fsw, 0, rs1, rs2, step, imm, raw);
        return;
      }
      if (f3 === 3) {
        put(out, p, Op.Fsd, 0, rs1, rs2, step, imm, raw);
        return;
      }
      return putIllegal(out, p, raw, step);
    }
    case 0x53:
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f:
      // The FPU validates the rest of the encoding itself; it needs the 32-bit
      // form, which for FP arithmetic is always the raw instruction.
      put(out, p, Op.Fp, 0, 0, 0, step, 0, raw);
      return;
    default:
      return putIllegal(out, p, raw, step);
  }
}
