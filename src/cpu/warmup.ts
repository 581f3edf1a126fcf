// Warm-up of the interpreter before real work. V8 optimizes Hart.run() once
// it is hot, but throws the optimized code away ("insufficient type
// feedback") each time a case it has never seen run is reached, and the
// interpreter's big switch has a hundred such paths: a fresh process would
// spend seconds recompiling. So once per process a tiny guest program that
// reaches every opcode and every slow path runs first, on its own RAM.
import { PhysMem, RAM_BASE } from './physmem.js';
import { PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D } from './mmu.js';
import { decodeSlot, newCodePage } from './decode.js';

/** The part of the hart the warm-up drives. */
interface WarmHart {
  pc: number;
  instret: number;
  jitThreshold: number;
  readonly x: Int32Array;
  setPageTable(root: number): void;
  run(budget: number): number;
}

// encoders (registers are numbers)
const R = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number): number =>
  (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
const I = (imm: number, rs1: number, f3: number, rd: number, op: number): number => ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
const S = (imm: number, rs2: number, rs1: number, f3: number): number =>
  (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23;
const B = (f3: number, rs1: number, rs2: number, off: number): number =>
  (((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (((off >> 1) & 15) << 8) | (((off >> 11) & 1) << 7) | 0x63;
const J = (rd: number, off: number): number =>
  (((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (off & 0xff000) | (rd << 7) | 0x6f;
const LUI = (rd: number, v: number): number => (v & 0xfffff000) | (rd << 7) | 0x37;
const ADDI = (rd: number, rs1: number, imm: number): number => I(imm, rs1, 0, rd, 0x13);
/** x9 holds the base of the program's addresses (see BASES) */
const ADDBASE = (rd: number): number => R(0, 9, rd, 0, rd, 0x33);

const CODE = 0x1000,
  FUNC = 0x3000,
  DATA = 0x5000,
  STRADDLE = 0x7ffe,
  LOOP = 0x9000;
/** Nothing is mapped there; a page whose last instruction straddles into NOWHERE. */
const NOWHERE = 0xb000,
  STRADDLE_FAULT = 0xaffe;
/** A data page sharing DATA's TLB entry: accesses alternating between them all miss the TLB. */
const DATA_ALIAS = DATA + 0x400000;
/**
 * The program runs at two bases [high half, low half] of its addresses: low
 * ones as static programs use, and high ones as shared libraries and the
 * stack use, so V8 sees in every path addresses beyond 32 bits and low
 * halves beyond its 31-bit small integers.
 */
const BASES = [
  [0x3f, 0xa000_0000],
  [0, 0],
] as const;
const ECALL = 0x73,
  FENCE_I = 0x100f;

/** The program: every instruction kind, loads and stores fast and slow, all exits. */
function program(): number[] {
  const p: number[] = [
    LUI(10, DATA),
    ADDBASE(10),
    ADDI(11, 0, -5),
    LUI(12, 0x80000000),
    ADDI(13, 0, 5),
    ADDI(14, 0, 40),
    ADDI(15, 0, 0),
    LUI(18, FUNC),
    ADDBASE(18),
    LUI(19, 0x8000),
    ADDI(19, 19, -2),
    ADDBASE(19),
    ADDI(17, 10, 2047),
    ADDI(17, 17, 2046),
  ];
  const loop = p.length;
  // operand pairs: high halves less, equal and greater; shift amounts 0, 5, 40, 59
  const pairs = [
    [12, 15],
    [11, 13],
    [11, 14],
    [13, 14],
    [14, 13],
    [13, 11],
    [13, 13],
    [11, 11],
  ];
  // register-immediate
  for (const rs1 of [11, 13]) {
    for (const f3 of [0, 2, 3, 4, 6, 7]) p.push(I(-3, rs1, f3, 16, 0x13), I(9, rs1, f3, 16, 0x13));
    p.push(I(7, rs1, 0, 16, 0x1b), ADDI(16, rs1, 0));
  }
  for (const sh of [0, 5, 40]) p.push(I(sh, 11, 1, 16, 0x13), I(sh, 12, 5, 16, 0x13), I(sh | 0x400, 12, 5, 16, 0x13));
  for (const sh of [0, 5]) p.push(I(sh, 11, 1, 16, 0x1b), I(sh, 12, 5, 16, 0x1b), I(sh | 0x400, 12, 5, 16, 0x1b));
  // register-register (OP and OP-32)
  const ops: [number, number, number][] = [
    [0, 0, 0x33],
    [0x20, 0, 0x33],
    [0, 1, 0x33],
    [0, 2, 0x33],
    [0, 3, 0x33],
    [0, 4, 0x33],
    [0, 5, 0x33],
    [0x20, 5, 0x33],
    [0, 6, 0x33],
    [0, 7, 0x33],
    [0, 0, 0x3b],
    [0x20, 0, 0x3b],
    [0, 1, 0x3b],
    [0, 5, 0x3b],
    [0x20, 5, 0x3b],
  ];
  for (const [f7, f3, op] of ops) for (const [a, b] of pairs) p.push(R(f7, b, a, f3, 16, op));
  p.push(R(0, 0, 11, 0, 16, 0x33)); // add rd, rs1, x0: a move
  // M extension, including division by zero and by large values
  for (let f3 = 0; f3 < 8; f3++) {
    for (const [a, b] of [...pairs, [11, 12], [12, 11], [12, 12]]) {
      p.push(R(1, b, a, f3, 16, 0x33));
      if (f3 === 0 || f3 >= 4) p.push(R(1, b, a, f3, 16, 0x3b));
    }
  }
  // B extension and Zicond: register forms on the same pairs (shift amounts
  // and bit indexes 0, 5 and 40 included), then the one-operand and
  // immediate forms
  const bops: [number, number, number][] = [
    [0x05, 4, 0x33],
    [0x05, 5, 0x33],
    [0x05, 6, 0x33],
    [0x05, 7, 0x33],
    [0x07, 5, 0x33],
    [0x07, 7, 0x33],
    [0x10, 2, 0x33],
    [0x10, 4, 0x33],
    [0x10, 6, 0x33],
    [0x14, 1, 0x33],
    [0x24, 1, 0x33],
    [0x24, 5, 0x33],
    [0x34, 1, 0x33],
    [0x20, 4, 0x33],
    [0x20, 6, 0x33],
    [0x20, 7, 0x33],
    [0x30, 1, 0x33],
    [0x30, 5, 0x33],
    [0x04, 0, 0x3b],
    [0x10, 2, 0x3b],
    [0x10, 4, 0x3b],
    [0x10, 6, 0x3b],
    [0x30, 1, 0x3b],
    [0x30, 5, 0x3b],
  ];
  for (const [f7, f3, op] of bops) for (const [a, b] of pairs) p.push(R(f7, b, a, f3, 16, op));
  for (const rs1 of [11, 12, 13, 15]) {
    // clz ctz cpop sext.b sext.h; clzw ctzw cpopw; zext.h orc.b rev8
    for (const imm of [0x600, 0x601, 0x602, 0x604, 0x605]) p.push(I(imm, rs1, 1, 16, 0x13));
    for (const imm of [0x600, 0x601, 0x602]) p.push(I(imm, rs1, 1, 16, 0x1b));
    p.push(R(0x04, 0, rs1, 4, 16, 0x3b), I(0x287, rs1, 5, 16, 0x13), I(0x6b8, rs1, 5, 16, 0x13));
    // bseti bclri binvi, bexti rori, slli.uw (6-bit amounts), roriw (5-bit)
    for (const sh of [0, 5, 40]) {
      p.push(
        I(0x280 | sh, rs1, 1, 16, 0x13),
        I(0x480 | sh, rs1, 1, 16, 0x13),
        I(0x680 | sh, rs1, 1, 16, 0x13),
        I(0x480 | sh, rs1, 5, 16, 0x13),
        I(0x600 | sh, rs1, 5, 16, 0x13),
        I(0x080 | sh, rs1, 1, 16, 0x1b),
        I(0x600 | (sh & 31), rs1, 5, 16, 0x1b),
      );
    }
  }
  // loads and stores: aligned, misaligned, crossing into the next page; FP forms
  for (let f3 = 0; f3 < 4; f3++) p.push(S(8, 11, 10, f3), S(9, 11, 10, f3), S(0, 11, 17, f3));
  for (const f3 of [0, 1, 2, 3, 4, 5, 6]) p.push(I(8, 10, f3, 16, 0x03), I(9, 10, f3, 16, 0x03), I(0, 17, f3, 16, 0x03));
  p.push(I(8, 10, 3, 1, 0x07), I(8, 10, 2, 2, 0x07), I(1, 10, 3, 1, 0x07), S(16, 1, 10, 3) | 4, S(16, 2, 10, 2) | 4, S(3, 2, 10, 2) | 4);
  // FP arithmetic (fadd.d, fmv.x.d), CSRs, fences, AMOs
  p.push(R(1, 1, 1, 7, 3, 0x53), R(0x71, 0, 1, 0, 16, 0x53));
  for (const csr of [1, 2, 3, 0xc00, 0xc01, 0xc02]) p.push(I(csr, 0, 2, 16, 0x73));
  p.push(I(0, 15, 1, 16, 0x73) | (2 << 20), 0x0ff0000f);
  // every access kind missing the TLB
  p.push(LUI(26, DATA_ALIAS), ADDBASE(26));
  for (let f3 = 0; f3 < 7; f3++) p.push(I(0, 26, f3, 16, 0x03), I(8, 10, f3, 16, 0x03));
  for (let f3 = 0; f3 < 4; f3++) p.push(S(0, 16, 26, f3), S(8, 16, 10, f3));
  p.push(I(0, 26, 2, 1, 0x07), I(8, 10, 2, 1, 0x07), I(0, 26, 3, 1, 0x07), I(8, 10, 3, 1, 0x07));
  p.push(S(0, 1, 26, 2) | 4, S(8, 1, 10, 2) | 4, S(0, 1, 26, 3) | 4, S(8, 1, 10, 3) | 4);
  for (const w of [2, 3]) {
    p.push(R(2 << 2, 0, 10, w, 16, 0x2f), R(3 << 2, 11, 10, w, 16, 0x2f), R(3 << 2, 11, 10, w, 16, 0x2f));
    for (const f5 of [0, 1, 4, 8, 12, 16, 20, 24, 28]) p.push(R(f5 << 2, 11, 10, w, 16, 0x2f));
  }
  // branches both ways (a taken one skips one instruction)
  for (const f3 of [0, 1, 4, 5, 6, 7]) for (const [a, b] of [...pairs, [11, 12], [12, 11]]) p.push(B(f3, a, b, 8), ADDI(0, 0, 0));
  p.push(I(0, 0, 0, 16, 0x17) | (1 << 12), J(1, 8), ADDI(0, 0, 0));
  // a call to another page and to an instruction straddling two pages
  p.push(I(0, 18, 0, 1, 0x67), I(0, 19, 0, 1, 0x67), ADDI(21, 21, -1));
  p.push(J(1, FUNC - CODE - p.length * 4)); // a taken jump out of the page
  p.push(B(1, 21, 0, (loop - p.length) * 4));
  // Traps, each resumed by the driver (see warmUp): page faults of loads,
  // stores and AMOs of every kind, a misaligned AMO, ebreak, an unknown CSR,
  // a reserved rounding mode, and fetch faults on a jump and on an
  // instruction straddling into an unmapped page (both resume at ra).
  p.push(LUI(23, NOWHERE), ADDBASE(23), LUI(24, STRADDLE_FAULT + 2), ADDI(24, 24, -2), ADDBASE(24), ADDI(25, 10, 1));
  for (let f3 = 0; f3 < 7; f3++) p.push(I(0, 23, f3, 16, 0x03));
  for (let f3 = 0; f3 < 4; f3++) p.push(S(0, 16, 23, f3));
  p.push(S(0, 16, 18, 2)); // a store to a read-only page
  p.push(I(0, 23, 2, 1, 0x07), I(0, 23, 3, 1, 0x07), S(0, 1, 23, 2) | 4, S(0, 1, 23, 3) | 4);
  p.push(R(1 << 2, 11, 23, 3, 16, 0x2f), R(2 << 2, 0, 23, 2, 16, 0x2f), R(0, 11, 25, 2, 16, 0x2f));
  p.push(0x00100073, I(0x7ff, 0, 2, 16, 0x73), R(1, 1, 1, 5, 3, 0x53));
  p.push(I(0, 23, 0, 1, 0x67), I(0, 24, 0, 1, 0x67));
  // after the loop (they drop decoded code): a store into this page's own code, fence.i
  p.push(LUI(20, CODE + 4096), ADDBASE(20), S(-4, 0, 20, 2), FENCE_I, ECALL, 0x00000000);
  return p;
}

/** A small hot loop calling another page: run with the block compiler on, for its entry and exit paths. */
function hotLoop(): number[] {
  return [
    LUI(18, FUNC),
    ADDBASE(18),
    LUI(10, DATA),
    ADDBASE(10),
    ADDI(21, 0, 8),
    I(0, 18, 0, 1, 0x67),
    I(8, 10, 3, 16, 0x03),
    S(16, 16, 10, 3),
    ADDI(21, 21, -1),
    B(1, 21, 0, -16),
    ECALL,
    0x00000000,
  ];
}

/**
 * Decode a sample of every instruction format, compressed and not, legal
 * and reserved: the decoder runs inside the interpreter, and a form met for
 * the first time there would throw away its optimized code.
 */
function warmDecoder(): void {
  const page = newCodePage();
  for (let q = 0; q < 3; q++) {
    for (let f3 = 0; f3 < 8; f3++) {
      for (const b12 of [0, 1]) {
        // rd/rs1 field (with c.sub-group selectors in bits 11:10) and rs2 field (selectors in 6:5)
        for (const hi of [0, 1, 2, 5, 8, 16, 24, 31]) {
          for (const lo of [0, 1, 8, 16, 24, 31]) decodeSlot(page, 0, q | (lo << 2) | (hi << 7) | (b12 << 12) | (f3 << 13), 0);
        }
      }
    }
  }
  for (let op = 3; op < 128; op += 4) {
    for (let f3 = 0; f3 < 8; f3++) {
      for (const f7 of [0, 1, 0x20, 0x7f, 0x08, 0x10]) {
        for (const r of [0, 5]) {
          const insn = (f7 << 25) | (r << 20) | (r << 15) | (f3 << 12) | (r << 7) | op;
          decodeSlot(page, 0, insn & 0xffff, insn >>> 16);
        }
      }
    }
  }
  for (const insn of [0x00000073, 0x00100073, 0x10500073]) decodeSlot(page, 0, insn & 0xffff, insn >>> 16);
}

/** Run the warm-up program on a private machine with a hart made by `make`. */
export function warmUp(make: (mem: PhysMem) => WarmHart): void {
  warmDecoder();
  const mem = new PhysMem(64 * 4096);
  const root = 0;
  let next = 1;
  const mapAt = (hi: number, va: number, flags: number): number => {
    const i32 = mem.i32;
    let table = root;
    for (const vpn of [((hi & 0x7f) << 2) | (va >>> 30), (va >>> 21) & 511]) {
      const e = table * 1024 + vpn * 2;
      if (!(i32[e] & PTE_V)) i32[e] = ((RAM_BASE / 4096 + next++) << 10) | PTE_V;
      table = (i32[e] >>> 10) - RAM_BASE / 4096;
    }
    const page = next++;
    i32[table * 1024 + ((va >>> 12) & 511) * 2] = ((RAM_BASE / 4096 + page) << 10) | flags | PTE_V | PTE_U | PTE_A | PTE_D;
    return page * 4096;
  };
  const put = (off: number, words: number[]): void =>
    words.forEach((w, i) => {
      mem.i32[(off >> 2) + i] = w;
    });
  const rwx = PTE_R | PTE_W | PTE_X;
  const code = program();
  if (code.length > 1000) throw new Error(`warm-up program outgrew its page (${code.length} words)`);
  for (const [hi, lo] of BASES) {
    const map = (va: number, flags: number): number => mapAt(hi, lo + va, flags);
    put(map(CODE, rwx), code);
    put(map(FUNC, PTE_R | PTE_X), [ADDI(22, 22, 1), I(0, 1, 0, 0, 0x67)]);
    map(DATA, PTE_R | PTE_W);
    map(DATA + 4096, PTE_R | PTE_W);
    map(DATA_ALIAS, PTE_R | PTE_W);
    const s1 = map(STRADDLE & ~0xfff, PTE_R | PTE_X),
      s2 = map((STRADDLE + 2) & ~0xfff, PTE_R | PTE_X);
    const straddler = ADDI(22, 22, 2);
    mem.u16[(s1 + 0xffe) >> 1] = straddler & 0xffff;
    mem.u16[s2 >> 1] = straddler >>> 16;
    put(s2 + 4, [0, 0]);
    mem.u16[(s2 + 2) >> 1] = 0x8082; // c.jr ra
    put(map(LOOP, PTE_R | PTE_X), hotLoop());
    mem.u16[(map(STRADDLE_FAULT & ~0xfff, PTE_R | PTE_X) + 0xffe) >> 1] = ADDI(22, 22, 2) & 0xffff;
  }

  const h = make(mem);
  // The hot loop's quick WebAssembly asks for the optimised tier at its first
  // backward jump, so run()'s hand-off to that tier (and the compiler's loop
  // regions) has run before V8 optimizes run(); met first in a real program
  // (10,000 backward jumps in), it threw that code away mid-run.
  if (mem.wasmJit) mem.wasmJit.optBackEdges = 1;
  h.setPageTable(root);
  h.pc = 1; // only the kernel can make pc odd
  h.run(1);
  // V8 compiles run() once its type feedback has been stable for a while:
  // every path must be seen early, so each round covers all of them (both
  // bases, interpreted and a compiled loop) and later rounds use small
  // budgets (one not an integer: the kernel's need not be) to exercise every exit.
  const progs = [
    [Infinity, CODE, code.length],
    [2, LOOP, hotLoop().length],
  ] as const;
  for (const [budget, which] of [
    [1e6, 3],
    [17.5, 1],
    [5, 2],
  ])
    for (const [hi, lo] of BASES)
      for (const [k, [threshold, start, words]] of progs.entries()) {
        if (!(which & (1 << k))) continue;
        const end = hi * 2 ** 32 + lo + start + (words - 1) * 4; // the final illegal instruction
        h.jitThreshold = threshold;
        // a long-running machine's counter is past the small integers
        h.instret = hi ? 2 ** 40 : 0;
        h.pc = hi * 2 ** 32 + lo + start;
        h.x[9] = lo;
        h.x[9 + 64] = hi;
        h.x[21] = 2;
        for (let i = 0; i < 2000; i++) {
          // every other run starts with an empty TLB: the slow paths of every access kind run too
          if (i & 1) h.setPageTable(root);
          const cause = h.run(budget);
          if (cause === 12)
            h.pc = h.x[65] * 2 ** 32 + (h.x[1] >>> 0); // fetch fault: back to ra
          else if (cause === 2 && h.pc === end) break;
          else if (cause >= 0) h.pc += 4;
        }
      }
}
