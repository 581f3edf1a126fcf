// Instruction encoders for hand-written unit-test programs.
const r = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const i = (imm: number, rs1: number, f3: number, rd: number, op: number): number => (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const s = (imm: number, rs2: number, rs1: number, f3: number, op: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op) >>> 0;

export const addi = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 0, rd, 0x13);
export const addiw = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 0, rd, 0x1b);
export const slli = (rd: number, rs1: number, sh: number): number => i(sh, rs1, 1, rd, 0x13);
export const add = (rd: number, rs1: number, rs2: number): number => r(0, rs2, rs1, 0, rd, 0x33);
export const sub = (rd: number, rs1: number, rs2: number): number => r(0x20, rs2, rs1, 0, rd, 0x33);
export const lui = (rd: number, imm20: number): number => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0;
export const auipc = (rd: number, imm20: number): number => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0;
export const lb = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 0, rd, 0x03);
export const lh = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 1, rd, 0x03);
export const lw = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 2, rd, 0x03);
export const ld = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 3, rd, 0x03);
export const lbu = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 4, rd, 0x03);
export const lhu = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 5, rd, 0x03);
export const lwu = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 6, rd, 0x03);
export const sb = (rs2: number, rs1: number, imm: number): number => s(imm, rs2, rs1, 0, 0x23);
export const sh = (rs2: number, rs1: number, imm: number): number => s(imm, rs2, rs1, 1, 0x23);
export const sw = (rs2: number, rs1: number, imm: number): number => s(imm, rs2, rs1, 2, 0x23);
export const sd = (rs2: number, rs1: number, imm: number): number => s(imm, rs2, rs1, 3, 0x23);
export const fld = (fd: number, rs1: number, imm: number): number => i(imm, rs1, 3, fd, 0x07);
export const flw = (fd: number, rs1: number, imm: number): number => i(imm, rs1, 2, fd, 0x07);
export const fsd = (fs: number, rs1: number, imm: number): number => s(imm, fs, rs1, 3, 0x27);
export const fsw = (fs: number, rs1: number, imm: number): number => s(imm, fs, rs1, 2, 0x27);
export const jalr = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 0, rd, 0x67);
export function jal(rd: number, off: number): number {
  return ((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (off & 0xff000) | (rd << 7) | 0x6f) >>> 0;
}
function b(f3: number, rs1: number, rs2: number, off: number): number {
  return (
    ((((off >> 12) & 1) << 31) |
      (((off >> 5) & 0x3f) << 25) |
      (rs2 << 20) |
      (rs1 << 15) |
      (f3 << 12) |
      (((off >> 1) & 15) << 8) |
      (((off >> 11) & 1) << 7) |
      0x63) >>>
    0
  );
}
export const beq = (rs1: number, rs2: number, off: number): number => b(0, rs1, rs2, off);
export const bne = (rs1: number, rs2: number, off: number): number => b(1, rs1, rs2, off);
export const blt = (rs1: number, rs2: number, off: number): number => b(4, rs1, rs2, off);
export const csrrw = (rd: number, csr: number, rs1: number): number => i(csr, rs1, 1, rd, 0x73);
export const csrrs = (rd: number, csr: number, rs1: number): number => i(csr, rs1, 2, rd, 0x73);
export const csrrc = (rd: number, csr: number, rs1: number): number => i(csr, rs1, 3, rd, 0x73);
export const csrrwi = (rd: number, csr: number, uimm: number): number => i(csr, uimm, 5, rd, 0x73);
function amo(f5: number, wide: boolean, rd: number, rs1: number, rs2: number): number {
  return r(f5 << 2, rs2, rs1, wide ? 3 : 2, rd, 0x2f);
}
export const lrW = (rd: number, rs1: number): number => amo(2, false, rd, rs1, 0);
export const lrD = (rd: number, rs1: number): number => amo(2, true, rd, rs1, 0);
export const scW = (rd: number, rs1: number, rs2: number): number => amo(3, false, rd, rs1, rs2);
export const scD = (rd: number, rs1: number, rs2: number): number => amo(3, true, rd, rs1, rs2);
export const amoaddD = (rd: number, rs1: number, rs2: number): number => amo(0, true, rd, rs1, rs2);
export const amoswapW = (rd: number, rs1: number, rs2: number): number => amo(1, false, rd, rs1, rs2);
export const ECALL = 0x00000073;
export const EBREAK = 0x00100073;
export const FENCE_I = 0x0000100f;
export const SRET = 0x10200073;
export const MRET = 0x30200073;
export const WFI = 0x10500073;
export const SFENCE_VMA = 0x12000073;
export const NOP = 0x00000013;
export const andi = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 7, rd, 0x13);
export const ori = (rd: number, rs1: number, imm: number): number => i(imm, rs1, 6, rd, 0x13);
/** OP (0x33) and OP-32 (0x3b) register-register instructions by funct7/funct3, e.g. M extension. */
export const op = (f7: number, f3: number, rd: number, rs1: number, rs2: number): number => r(f7, rs2, rs1, f3, rd, 0x33);
export const op32 = (f7: number, f3: number, rd: number, rs1: number, rs2: number): number => r(f7, rs2, rs1, f3, rd, 0x3b);
