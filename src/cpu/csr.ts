// The CSRs a user-mode program may touch: the FP control/status registers and
// the read-only counters. Any other CSR number is an illegal instruction, as
// is any write to a counter.

export const CSR_FFLAGS = 0x001,
  CSR_FRM = 0x002,
  CSR_FCSR = 0x003;
export const CSR_CYCLE = 0xc00,
  CSR_TIME = 0xc01,
  CSR_INSTRET = 0xc02;

/** The hart state the CSR instructions read and write. */
export interface CsrHart {
  xl: Int32Array;
  xh: Int32Array;
  fflags: number;
  frm: number;
  timeSource: () => number;
}

/**
 * Execute a CSRRW/CSRRS/CSRRC (or immediate form) whose fields come from the
 * decode cache; `retired` is the instruction count before this instruction.
 * Returns false for an illegal access.
 */
export function execCsr(h: CsrHart, rd: number, rs1: number, csr: number, funct3: number, retired: number): boolean {
  const kind = funct3 & 3; // 1 = write, 2 = set bits, 3 = clear bits
  const writes = kind === 1 || rs1 !== 0;
  // source operand: register rs1, or the 5-bit zero-extended immediate
  const src = funct3 & 4 ? rs1 : h.xl[rs1];
  let oldLo: number,
    oldHi = 0;
  switch (csr) {
    case CSR_FFLAGS:
      oldLo = h.fflags & 31;
      break;
    case CSR_FRM:
      oldLo = h.frm & 7;
      break;
    case CSR_FCSR:
      oldLo = ((h.frm & 7) << 5) | (h.fflags & 31);
      break;
    case CSR_CYCLE:
    case CSR_TIME:
    case CSR_INSTRET: {
      if (writes) return false;
      const v = csr === CSR_TIME ? h.timeSource() : retired;
      oldLo = v | 0;
      oldHi = Math.floor(v / 4294967296) | 0;
      break;
    }
    default:
      return false;
  }
  if (writes) {
    const v = kind === 1 ? src : kind === 2 ? oldLo | src : oldLo & ~src;
    if (csr === CSR_FFLAGS) h.fflags = v & 31;
    else if (csr === CSR_FRM) h.frm = v & 7;
    else {
      h.fflags = v & 31;
      h.frm = (v >>> 5) & 7;
    }
  }
  h.xl[rd] = oldLo;
  h.xh[rd] = oldHi;
  return true;
}
