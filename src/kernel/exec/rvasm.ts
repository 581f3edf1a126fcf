// A tiny RV64 assembler for the few instructions the vDSO's code needs, with
// labels for branches. Encodings are the base ISA's (RISC-V unprivileged spec).

export const REG = { zero: 0, ra: 1, t0: 5, t1: 6, t2: 7, a0: 10, a1: 11, a2: 12, a3: 13, a4: 14, a7: 17, t3: 28, t4: 29, t5: 30 } as const;

const i = (op: number, f3: number, rd: number, rs1: number, imm: number) => (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const s = (op: number, f3: number, rs1: number, rs2: number, imm: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op) >>> 0;
const r = (f7: number, f3: number, rd: number, rs1: number, rs2: number) => ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x33) >>> 0;
const b = (f3: number, rs1: number, rs2: number, off: number) =>
  ((((off >> 12) & 1) << 31) |
    (((off >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((off >> 1) & 0xf) << 8) |
    (((off >> 11) & 1) << 7) |
    0x63) >>>
  0;
const j = (rd: number, off: number) =>
  ((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;

type Branch = 'beq' | 'bne' | 'bltu' | 'bgeu';
const BF3: Record<Branch, number> = { beq: 0, bne: 1, bltu: 6, bgeu: 7 };

/** Instructions are 4 bytes each; `pc` of instruction n is base + 4n. */
export class Asm {
  words: number[] = [];
  private labels = new Map<string, number>();
  private fix: { at: number; label: string; make: (off: number) => number }[] = [];
  constructor(readonly base = 0) {}
  get pc(): number {
    return this.base + this.words.length * 4;
  }
  label(name: string): this {
    this.labels.set(name, this.words.length);
    return this;
  }
  addi(rd: number, rs1: number, imm: number) {
    this.words.push(i(0x13, 0, rd, rs1, imm));
    return this;
  }
  li(rd: number, imm: number) {
    return this.addi(rd, 0, imm);
  }
  slli(rd: number, rs1: number, sh: number) {
    this.words.push(i(0x13, 1, rd, rs1, sh & 63));
    return this;
  }
  ld(rd: number, rs1: number, imm: number) {
    this.words.push(i(0x03, 3, rd, rs1, imm));
    return this;
  }
  lbu(rd: number, rs1: number, imm: number) {
    this.words.push(i(0x03, 4, rd, rs1, imm));
    return this;
  }
  sd(rs2: number, rs1: number, imm: number) {
    this.words.push(s(0x23, 3, rs1, rs2, imm));
    return this;
  }
  add(rd: number, rs1: number, rs2: number) {
    this.words.push(r(0, 0, rd, rs1, rs2));
    return this;
  }
  or(rd: number, rs1: number, rs2: number) {
    this.words.push(r(0, 6, rd, rs1, rs2));
    return this;
  }
  /** rd = address `target` (absolute, same coordinates as base) via auipc + addi. */
  la(rd: number, target: number) {
    const off = target - this.pc;
    const lo = ((off & 0xfff) ^ 0x800) - 0x800,
      hi = (off - lo) >> 12;
    this.words.push((((hi & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0);
    return this.addi(rd, rd, lo);
  }
  ecall() {
    this.words.push(0x00000073);
    return this;
  }
  ret() {
    this.words.push(i(0x67, 0, 0, REG.ra, 0));
    return this;
  }
  branch(op: Branch, rs1: number, rs2: number, label: string) {
    this.fix.push({ at: this.words.length, label, make: (off) => b(BF3[op], rs1, rs2, off) });
    this.words.push(0);
    return this;
  }
  j(label: string) {
    this.fix.push({ at: this.words.length, label, make: (off) => j(0, off) });
    this.words.push(0);
    return this;
  }
  /** The encoded words, with branch targets resolved. */
  done(): number[] {
    for (const f of this.fix) {
      const to = this.labels.get(f.label);
      if (to === undefined) throw new Error(`rvasm: no label ${f.label}`);
      this.words[f.at] = f.make((to - f.at) * 4);
    }
    return this.words;
  }
}
