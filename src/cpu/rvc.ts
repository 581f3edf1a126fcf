// The C extension (Zca, Zcd) and Zcb: each 16-bit instruction is rewritten
// once, at decode time, into the 32-bit instruction it stands for, so the
// interpreter has a single execution path. Reserved encodings return 0
// (illegal); HINTs expand to their architectural no-op (a write to x0).

const iType = (imm: number, rs1: number, f3: number, rd: number, opc: number): number => ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;

const sType = (imm: number, rs2: number, rs1: number, f3: number, opc: number): number =>
  (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opc;

const rType = (f7: number, rs2: number, rs1: number, f3: number, rd: number, opc: number): number =>
  (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;

function bType(imm: number, rs2: number, rs1: number, f3: number): number {
  return (
    (((imm >> 12) & 1) << 31) |
    (((imm >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((imm >> 1) & 15) << 8) |
    (((imm >> 11) & 1) << 7) |
    0x63
  );
}

function jType(imm: number, rd: number): number {
  return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) | (imm & 0xff000) | (rd << 7) | 0x6f;
}

const bit = (c: number, i: number): number => (c >>> i) & 1;
/** Sign-extended 6-bit immediate imm[5]=bit 12, imm[4:0]=bits 6:2 (CI format). */
const ciImm = (c: number): number => ((((c >>> 2) & 31) | (bit(c, 12) << 5)) << 26) >> 26;

/**
 * Zcb's byte and halfword loads and stores (quadrant 0, funct3 100): c.lbu
 * and c.sb take uimm[0] from bit 6 and uimm[1] from bit 5; c.lhu, c.lh and
 * c.sh take uimm[1] from bit 5, with bit 6 telling c.lh from c.lhu (and
 * reserved for c.sh).
 */
function zcbLoadStore(c: number, rs1: number, r: number): number {
  const f = (c >>> 10) & 7,
    b6 = bit(c, 6),
    uimm1 = bit(c, 5) << 1;
  switch (f) {
    case 0:
      return iType(uimm1 | b6, rs1, 4, r, 0x03); // C.LBU
    case 1:
      return iType(uimm1, rs1, b6 ? 1 : 5, r, 0x03); // C.LH / C.LHU
    case 2:
      return sType(uimm1 | b6, r, rs1, 0, 0x23); // C.SB
    case 3:
      return b6 ? 0 : sType(uimm1, r, rs1, 1, 0x23); // C.SH
    default:
      return 0;
  }
}

/** Zcb's one-register ops (quadrant 1, funct6 100111, bits 6:5 = 11), by bits 4:2; rd' is also the source. */
function zcbUnary(sel: number, r: number): number {
  switch (sel) {
    case 0:
      return iType(0xff, r, 7, r, 0x13); // C.ZEXT.B = andi rd, rd, 255
    case 1:
      return iType(0x604, r, 1, r, 0x13); // C.SEXT.B = sext.b
    case 2:
      return rType(0x04, 0, r, 4, r, 0x3b); // C.ZEXT.H = zext.h
    case 3:
      return iType(0x605, r, 1, r, 0x13); // C.SEXT.H = sext.h
    case 4:
      return rType(0x04, 0, r, 0, r, 0x3b); // C.ZEXT.W = add.uw rd, rd, zero
    case 5:
      return iType(-1, r, 4, r, 0x13); // C.NOT = xori rd, rd, -1
    default:
      return 0;
  }
}

/** Expand a 16-bit compressed instruction; 0 if reserved or unknown. */
export function expandCompressed(c: number): number {
  const f3 = (c >>> 13) & 7;
  const rdF = (c >>> 7) & 31; // full rd/rs1 (CI/CR formats)
  const rs2F = (c >>> 2) & 31; // full rs2 (CR/CSS formats)
  const rdP = ((c >>> 2) & 7) + 8; // rd'/rs2' (CIW/CL/CS formats)
  const rs1P = ((c >>> 7) & 7) + 8; // rs1'/rd'
  switch (c & 3) {
    case 0: {
      // CL/CS offsets: word forms scale by 4, doubleword (and FP double) forms by 8
      const offW = (((c >>> 10) & 7) << 3) | (bit(c, 6) << 2) | (bit(c, 5) << 6);
      const offD = (((c >>> 10) & 7) << 3) | (((c >>> 5) & 3) << 6);
      switch (f3) {
        case 0: {
          // C.ADDI4SPN
          const imm = (((c >>> 11) & 3) << 4) | (((c >>> 7) & 15) << 6) | (bit(c, 6) << 2) | (bit(c, 5) << 3);
          return imm === 0 ? 0 : iType(imm, 2, 0, rdP, 0x13);
        }
        case 1:
          return iType(offD, rs1P, 3, rdP, 0x07); // C.FLD
        case 4:
          return zcbLoadStore(c, rs1P, rdP);
        case 2:
          return iType(offW, rs1P, 2, rdP, 0x03); // C.LW
        case 3:
          return iType(offD, rs1P, 3, rdP, 0x03); // C.LD
        case 5:
          return sType(offD, rdP, rs1P, 3, 0x27); // C.FSD
        case 6:
          return sType(offW, rdP, rs1P, 2, 0x23); // C.SW
        case 7:
          return sType(offD, rdP, rs1P, 3, 0x23); // C.SD
        default:
          return 0;
      }
    }
    case 1:
      switch (f3) {
        case 0:
          return iType(ciImm(c), rdF, 0, rdF, 0x13); // C.ADDI / C.NOP
        case 1:
          return rdF === 0 ? 0 : iType(ciImm(c), rdF, 0, rdF, 0x1b); // C.ADDIW
        case 2:
          return iType(ciImm(c), 0, 0, rdF, 0x13); // C.LI
        case 3: {
          if (rdF === 2) {
            // C.ADDI16SP
            const imm = (((bit(c, 12) << 9) | (bit(c, 6) << 4) | (bit(c, 5) << 6) | (((c >>> 3) & 3) << 7) | (bit(c, 2) << 5)) << 22) >> 22;
            return imm === 0 ? 0 : iType(imm, 2, 0, 2, 0x13);
          }
          const imm = ciImm(c); // C.LUI: nzimm[17:12]
          return imm === 0 ? 0 : ((imm << 12) & 0xfffff000) | (rdF << 7) | 0x37;
        }
        case 4: {
          const shamt = ((c >>> 2) & 31) | (bit(c, 12) << 5);
          switch ((c >>> 10) & 3) {
            case 0:
              return iType(shamt, rs1P, 5, rs1P, 0x13); // C.SRLI
            case 1:
              return iType(shamt | 0x400, rs1P, 5, rs1P, 0x13); // C.SRAI
            case 2:
              return iType(ciImm(c), rs1P, 7, rs1P, 0x13); // C.ANDI
            default: {
              const rs2 = rdP;
              const sel = (c >>> 5) & 3;
              if (bit(c, 12) === 0) {
                switch (sel) {
                  case 0:
                    return rType(0x20, rs2, rs1P, 0, rs1P, 0x33); // C.SUB
                  case 1:
                    return rType(0, rs2, rs1P, 4, rs1P, 0x33); // C.XOR
                  case 2:
                    return rType(0, rs2, rs1P, 6, rs1P, 0x33); // C.OR
                  default:
                    return rType(0, rs2, rs1P, 7, rs1P, 0x33); // C.AND
                }
              }
              if (sel === 0) return rType(0x20, rs2, rs1P, 0, rs1P, 0x3b); // C.SUBW
              if (sel === 1) return rType(0, rs2, rs1P, 0, rs1P, 0x3b); // C.ADDW
              if (sel === 2) return rType(1, rs2, rs1P, 0, rs1P, 0x33); // C.MUL (Zcb)
              return zcbUnary((c >>> 2) & 7, rs1P);
            }
          }
        }
        case 5: {
          // C.J
          const imm =
            (((bit(c, 12) << 11) |
              (bit(c, 11) << 4) |
              (((c >>> 9) & 3) << 8) |
              (bit(c, 8) << 10) |
              (bit(c, 7) << 6) |
              (bit(c, 6) << 7) |
              (((c >>> 3) & 7) << 1) |
              (bit(c, 2) << 5)) <<
              20) >>
            20;
          return jType(imm, 0);
        }
        default: {
          // C.BEQZ (6) / C.BNEZ (7)
          const imm = (((bit(c, 12) << 8) | (((c >>> 10) & 3) << 3) | (((c >>> 5) & 3) << 6) | (((c >>> 3) & 3) << 1) | (bit(c, 2) << 5)) << 23) >> 23;
          return bType(imm, 0, rs1P, f3 === 6 ? 0 : 1);
        }
      }
    case 2:
      switch (f3) {
        case 0:
          return iType(rs2F | (bit(c, 12) << 5), rdF, 1, rdF, 0x13); // C.SLLI
        case 1: {
          // C.FLDSP
          const off = (bit(c, 12) << 5) | (((c >>> 5) & 3) << 3) | (((c >>> 2) & 7) << 6);
          return iType(off, 2, 3, rdF, 0x07);
        }
        case 2: {
          // C.LWSP
          if (rdF === 0) return 0;
          const off = (bit(c, 12) << 5) | (((c >>> 4) & 7) << 2) | (((c >>> 2) & 3) << 6);
          return iType(off, 2, 2, rdF, 0x03);
        }
        case 3: {
          // C.LDSP
          if (rdF === 0) return 0;
          const off = (bit(c, 12) << 5) | (((c >>> 5) & 3) << 3) | (((c >>> 2) & 7) << 6);
          return iType(off, 2, 3, rdF, 0x03);
        }
        case 4:
          if (bit(c, 12) === 0) {
            if (rs2F === 0) return rdF === 0 ? 0 : iType(0, rdF, 0, 0, 0x67); // C.JR
            return rType(0, rs2F, 0, 0, rdF, 0x33); // C.MV
          }
          if (rs2F === 0) return rdF === 0 ? 0x00100073 : iType(0, rdF, 0, 1, 0x67); // C.EBREAK / C.JALR
          return rType(0, rs2F, rdF, 0, rdF, 0x33); // C.ADD
        case 5: {
          // C.FSDSP
          const off = (((c >>> 10) & 7) << 3) | (((c >>> 7) & 7) << 6);
          return sType(off, rs2F, 2, 3, 0x27);
        }
        case 6: {
          // C.SWSP
          const off = (((c >>> 9) & 15) << 2) | (((c >>> 7) & 3) << 6);
          return sType(off, rs2F, 2, 2, 0x23);
        }
        default: {
          // C.SDSP
          const off = (((c >>> 10) & 7) << 3) | (((c >>> 7) & 7) << 6);
          return sType(off, rs2F, 2, 3, 0x23);
        }
      }
    default:
      return 0; // not a 16-bit instruction
  }
}
