// Compiles the hot blocks of one decoded page into one WebAssembly function.
//
// Contract of a compiled page function (st, pc, blk, n, budget) -> status:
//   - st is the byte offset of the hart's state slot (layout.ts), pc the
//     guest address being entered, blk the number of the block that starts
//     there (the entry table, entries.ts, maps pc's RAM offset to the
//     function and blk), n the instructions retired so far in this hand-off
//     and budget the most that may retire.
//   - Every block first checks the budget: if its instructions would pass
//     it, it exits to the interpreter at its first instruction, which then
//     steps exactly up to the budget. So a slice ends on the same instruction
//     in every tier, and instret is exact.
//   - It leaves in one of three ways, always with the register file in
//     memory up to date:
//       a tail call to the next compiled code (dispatch, another page),
//       exit(status -1): continue interpreting at Word.ExitPc, ExitN retired,
//       exit(cause >= 0): a trap at Word.ExitPc (not retired), tval set.
//   - Only blocks the interpreter has run go in (their decode-cache counter
//     is nonzero), so branches to code never run exit to the interpreter.
//   - It never stores to a page holding decoded code: the write TLB has no
//     such pages (physmem.ts), so those stores take the JS slow path, which
//     drops the page's code and makes the function exit right after.
//   - Nothing in it depends on the page's physical or virtual address: the
//     page's virtual base comes from pc, so one compiled function serves every
//     page with the same contents (fork, exec, shared libraries).
//
// Inside the function, blocks are nested `block`s in a `loop` with a
// `br_table` at the top ("loop + switch"): a forward jump to another block
// is a plain `br`, a backward one goes round the loop through the table.
// Guest registers are cached in i64 locals within a block: loaded from the
// register file on first use, written back at the block's end and before
// any call out, so a block entered from anywhere finds them in memory.
import { Body, ModuleBuilder, Op as W, T } from './encoder.js';
import { Op, PAGE_SLOTS, SLOT_INTS, SINK, decodeSlot } from '../decode.js';
import { F_OFF, RAM_OFF, TLB_OFF, W_OFF, Word, X_OFF } from '../layout.js';
import { TLB_MASK, TLB_R, TLB_W } from '../mmu.js';
import { Imp, REGION_SIG, STORE_HIT_CODE, SUPPORT_EXPORTS } from './support.js';

/** Blocks per function: the entry table's value has 12 bits for the block number. */
export const MAX_BLOCKS = 4095;
const MAX_BLOCK_INSNS = 200;

/** Instructions compiled code leaves to the interpreter. */
export function interpreterOnly(op: number): boolean {
  return op === Op.PageEnd || op === Op.Straddle || op === Op.Illegal || op === Op.Ecall ||
    op === Op.Ebreak || op === Op.FenceI || op === Op.Csr || op === Op.Undecoded;
}

const isBranch = (op: number): boolean => op >= Op.Beq && op <= Op.Bgeu;
const rdOf = (w: number): number => (w >>> 8) & 63;
const rs1Of = (w: number): number => (w >>> 14) & 63;
const rs2Of = (w: number): number => (w >>> 20) & 63;

// parameters and fixed locals
const ST = 0, PC = 1, BLK = 2, N = 3, BUDGET = 4;
const VPAGE = 5, NEXT = 6, ADDR = 7, VPN = 8, ENT = 9, STATUS = 10, A = 11, B = 12;
const FIXED_LOCALS = [T.I64, T.I32, T.I64, T.I64, T.I32, T.I32, T.I64, T.I64];
const FIRST_REG_LOCAL = 13;

const JS_HELPERS = ['load', 'store', 'amo', 'fp'] as const;

interface Insn { op: number; w: number; imm: number; raw: number; off: number; len: number }
interface Block { start: number; insns: Insn[]; /** where control goes after the last insn if it falls through */ next: number; /** the block stops before an interpreter-only instruction */ stop: boolean }

export interface CompiledPage {
  bytes: Uint8Array<ArrayBuffer>;
  /** byte offsets of the blocks in the function (block number = index) */
  leaders: number[];
  /** leaders that cannot start compiled code (an interpreter-only first instruction) */
  never: number[];
  /** guest instructions compiled */
  insns: number;
}

/**
 * Compile the blocks starting at `leaders` (byte offsets, any order) of the
 * decoded page `code` (RAM page `phys`; halfwords in `u16` decode what is not
 * decoded yet). Null if none can be compiled.
 */
export function compilePage(code: Int32Array, u16: Uint16Array, phys: number, leaders: number[], memPages: number): CompiledPage | null {
  const decoded = (off: number): number => {
    const p = (off >> 1) * SLOT_INTS;
    if ((code[p] & 255) === Op.Undecoded) {
      const s = off >> 1, hw = phys * 2048 + s;
      if (s === PAGE_SLOTS - 1 && (u16[hw] & 3) === 3) code[p] = Op.Straddle;
      else decodeSlot(code, p, u16[hw], u16[hw + 1]);
    }
    return code[p];
  };
  const starts = [...new Set(leaders)].filter((o) => o >= 0 && o < 4096 && (o & 1) === 0).sort((a, b) => a - b);
  const never = starts.filter((o) => interpreterOnly(decoded(o) & 255));
  const ok = starts.filter((o) => !interpreterOnly(decoded(o) & 255)).slice(0, MAX_BLOCKS);
  if (ok.length === 0) return null;
  const index = new Map<number, number>(ok.map((o, i) => [o, i]));
  const blocks: Block[] = [];
  let total = 0;
  for (const start of ok) {
    const insns: Insn[] = [];
    let off = start, stop = false;
    for (;;) {
      const w = decoded(off), op = w & 255;
      if (insns.length > 0 && (index.has(off) || insns.length >= MAX_BLOCK_INSNS)) break;
      if (interpreterOnly(op) && op !== Op.PageEnd) { stop = insns.length > 0; break; }
      if (op === Op.PageEnd) break; // fall into the next page
      const p = (off >> 1) * SLOT_INTS, len = (w >>> 26) >> 1;
      insns.push({ op, w, imm: code[p + 1], raw: code[p + 2], off, len });
      off += len;
      if (isBranch(op) || op === Op.Jal || op === Op.Jalr) break;
    }
    total += insns.length;
    blocks.push({ start, insns, next: off, stop });
  }
  const g = new PageGen(blocks, index);
  const body = g.function();
  const m = new ModuleBuilder();
  m.importMemory('env', 'mem', memPages);
  m.importTable('env', 'table', 1);
  const region = m.type(...REGION_SIG);
  const tDispatch = m.type([T.I32, T.I64, T.I32, T.I32], [T.I32]);
  const tBin = m.type([T.I64, T.I64], [T.I64]);
  for (const name of SUPPORT_EXPORTS) {
    m.importFunc('rt', name, name === 'dispatch' || name === 'exit' ? tDispatch : tBin);
  }
  m.importFunc('js', JS_HELPERS[0], m.type([T.I32, T.I32, T.I32, T.I32], [T.I32]));
  m.importFunc('js', JS_HELPERS[1], m.type([T.I32, T.I32, T.I32, T.I32, T.I32, T.I32], [T.I32]));
  m.importFunc('js', JS_HELPERS[2], m.type([T.I32, T.I32, T.I32], [T.I32]));
  m.importFunc('js', JS_HELPERS[3], m.type([T.I32, T.I32], [T.I32]));
  const f = m.func(region, [...FIXED_LOCALS, ...g.regLocals.map(() => T.I64)], body);
  m.export('page', f);
  return { bytes: m.bytes(), leaders: ok, never, insns: total };
}

const EXIT_PC = W_OFF + Word.ExitPcLo * 4;
const LD_VALUE = W_OFF + Word.LdLo * 4;
const xLo = (r: number): number => X_OFF + r * 4;
const xHi = (r: number): number => X_OFF + (r + 64) * 4;
const fReg = (r: number): number => F_OFF + r * 8;

/** The code generator of one page function. */
class PageGen {
  readonly b = new Body();
  /** guest register -> its local (0: none yet) */
  private readonly local = new Int32Array(33);
  /** the locals' registers, in local order */
  readonly regLocals: number[] = [];
  /** registers whose local holds the current value / differs from memory (bit r) */
  private cached = 0;
  private dirty = 0;
  /** the block being generated, and the nesting of structured control inside it */
  private cur = 0;
  private depth = 0;
  /** instructions in the current block, and the index of the one being generated */
  private k = 0;
  private j = 0;

  constructor(private readonly blocks: Block[], private readonly index: Map<number, number>) {}

  function(): Uint8Array {
    const b = this.b, m = this.blocks.length;
    b.get(PC).i64(-4096).op(W.I64And).set(VPAGE);
    b.get(BLK).set(NEXT);
    b.loop();
    for (let i = m - 1; i >= 0; i--) b.block();
    b.get(NEXT).brTable(Array.from({ length: m }, (_, i) => i), 0).end();
    for (let i = 0; i < m; i++) {
      this.block(i);
      if (i < m - 1) b.end();
    }
    b.end().op(W.Unreachable).end();
    return b.view();
  }

  // ---- registers ----

  private regLocal(r: number): number {
    let l = this.local[r];
    if (l === 0) {
      l = FIRST_REG_LOCAL + this.regLocals.length;
      this.local[r] = l;
      this.regLocals.push(r);
    }
    return l;
  }

  /** push the value of x[r] */
  read(r: number): void {
    const b = this.b;
    if (r === 0 || r === SINK) { b.i64(0); return; }
    const l = this.regLocal(r);
    if (this.cached & (1 << r)) { b.get(l); return; }
    b.get(ST).mem(W.I64Load32U, xLo(r)).get(ST).mem(W.I64Load32U, xHi(r)).i64(32).op(W.I64Shl).op(W.I64Or).tee(l);
    this.cached |= 1 << r;
  }

  /** pop a value into x[r] */
  write(r: number): void {
    if (r === 0 || r === SINK) { this.b.op(W.Drop); return; }
    this.b.set(this.regLocal(r));
    this.cached |= 1 << r;
    this.dirty |= 1 << r;
  }

  /** Store dirty registers to the register file; `keep`: still count them dirty (a conditional path). */
  flush(keep = false): void {
    const b = this.b;
    for (let r = 1; r < 32; r++) {
      if (!(this.dirty & (1 << r))) continue;
      const l = this.local[r];
      b.get(ST).get(l).mem(W.I64Store32, xLo(r)).get(ST).get(l).i64(32).op(W.I64ShrU).mem(W.I64Store32, xHi(r));
    }
    if (!keep) this.dirty = 0;
  }

  /** Forget the local copy of r (a helper changed it in memory). */
  forget(r: number): void {
    if (r > 0 && r < 32) { this.cached &= ~(1 << r); this.dirty &= ~(1 << r); }
  }

  // ---- control ----

  /** push vpage + off */
  pcOf(off: number): void {
    this.b.get(VPAGE);
    if (off !== 0) this.b.i64(off | 0, Math.floor(off / 4294967296) | 0).op(W.I64Add);
  }

  /** return through exit(st, vpage + off, n - back, status) with `status` pushed by emitStatus */
  exit(off: number, back: number, emitStatus: () => void): void {
    const b = this.b;
    b.get(ST);
    this.pcOf(off);
    b.get(N);
    if (back !== 0) b.i32(back).op(W.I32Sub);
    emitStatus();
    b.returnCall(Imp.Exit);
  }

  /** Continue at byte offset t of the page (any value: other pages too). Registers flushed. */
  goto(t: number): void {
    const b = this.b;
    if (t >= 0 && t < 4096) {
      const j = this.index.get(t);
      if (j !== undefined) {
        if (j > this.cur) b.br(j - this.cur - 1 + this.depth);
        else b.i32(j).set(NEXT).br(this.blocks.length - 1 - this.cur + this.depth);
        return;
      }
      // in this page but not compiled: the interpreter
      this.exit(t, 0, () => b.i32(-1));
      return;
    }
    b.get(ST);
    this.pcOf(t);
    b.get(N).get(BUDGET).returnCall(Imp.Dispatch);
  }

  /** Continue at the pc in local A (registers flushed). */
  gotoDynamic(): void {
    this.b.get(ST).get(A).get(N).get(BUDGET).returnCall(Imp.Dispatch);
  }

  // ---- blocks ----

  private block(i: number): void {
    const blk = this.blocks[i], b = this.b;
    this.cur = i; this.depth = 0;
    this.cached = 0; this.dirty = 0;
    this.k = blk.insns.length;
    // the budget: n += k, or leave before the block for the interpreter to step
    b.get(N).i32(this.k).op(W.I32Add).tee(N).get(BUDGET).op(W.I32GtS).if_();
    this.depth++;
    this.exit(blk.start, this.k, () => b.i32(-1));
    b.end();
    this.depth--;
    let ended = false;
    for (this.j = 0; this.j < blk.insns.length; this.j++) {
      const ins = blk.insns[this.j];
      if (isBranch(ins.op)) { this.branch(ins); ended = true; } else if (ins.op === Op.Jal) { this.jal(ins); ended = true; } else if (ins.op === Op.Jalr) { this.jalr(ins); ended = true; } else this.insn(ins);
    }
    if (ended) return;
    this.flush();
    if (blk.stop) { this.exit(blk.next, 0, () => b.i32(-1)); return; }
    // fall through: into the next block's code when it starts right here
    if (i + 1 < this.blocks.length && this.blocks[i + 1].start === blk.next) return;
    this.goto(blk.next);
  }

  /** pc-relative link value: vpage + off + len */
  private link(ins: Insn): void {
    const rd = rdOf(ins.w);
    if (rd === SINK) return;
    this.pcOf(ins.off + ins.len);
    this.write(rd);
  }

  private branch(ins: Insn): void {
    const b = this.b, w = ins.w;
    this.read(rs1Of(w));
    this.read(rs2Of(w));
    switch (ins.op) {
      case Op.Beq: b.op(W.I64Eq); break;
      case Op.Bne: b.op(W.I64Ne); break;
      case Op.Blt: b.op(W.I64LtS); break;
      case Op.Bge: b.op(W.I64GeS); break;
      case Op.Bltu: b.op(W.I64LtU); break;
      default: b.op(W.I64GeU); break;
    }
    b.set(STATUS);
    this.flush();
    b.get(STATUS).if_();
    this.depth++;
    this.goto(ins.off + ins.imm);
    b.end();
    this.depth--;
    this.goto(ins.off + ins.len);
  }

  private jal(ins: Insn): void {
    this.link(ins);
    this.flush();
    this.goto(ins.off + ins.imm);
  }

  private jalr(ins: Insn): void {
    const b = this.b;
    this.read(rs1Of(ins.w));
    b.i64(ins.imm).op(W.I64Add).i64(-2).op(W.I64And).set(A);
    this.link(ins);
    this.flush();
    this.gotoDynamic();
  }

  // ---- memory ----

  /**
   * Push the RAM address (an i32, add RAM_OFF) of a `size`-byte access at
   * rs1 + imm through the TLB's `tag` entries, or run `slow` (which must
   * leave the same stack) when it misses or crosses a page. ADDR holds the
   * guest address.
   */
  private translate(ins: Insn, size: number, tag: number, slowType: number, slow: () => void, fast: () => void): void {
    const b = this.b;
    this.read(rs1Of(ins.w));
    if (ins.imm !== 0) b.i64(ins.imm).op(W.I64Add);
    b.tee(ADDR).i64(12).op(W.I64ShrU).tee(VPN)
      .op(W.I32WrapI64).i32(TLB_MASK).op(W.I32And).i32(5).op(W.I32Shl).get(ST).op(W.I32Add).tee(ENT)
      .mem(W.I64Load32S, TLB_OFF + tag * 4).get(VPN).op(W.I64Ne);
    if (size > 1) b.get(ADDR).op(W.I32WrapI64).i32(4095).op(W.I32And).i32(4096 - size).op(W.I32GtU).op(W.I32Or);
    b.if_(slowType);
    this.depth++;
    slow();
    b.else_();
    b.get(ENT).mem(W.I32Load, TLB_OFF + tag * 4 + 4).get(ADDR).op(W.I32WrapI64).i32(4095).op(W.I32And).op(W.I32Or);
    fast();
    b.end();
    this.depth--;
  }

  /** After a helper call left its status in STATUS: trap exit when it is a cause. */
  private trapIfCause(ins: Insn): void {
    const b = this.b;
    b.get(STATUS).i32(0).op(W.I32GeS).if_();
    this.depth++;
    this.exit(ins.off, this.k - this.j, () => b.get(STATUS));
    b.end();
    this.depth--;
  }

  /** The instruction retired but dropped code (STORE_HIT_CODE): leave after it. */
  private leaveIfCodeHit(ins: Insn): void {
    const b = this.b;
    b.get(STATUS).i32(STORE_HIT_CODE).op(W.I32Eq).if_();
    this.depth++;
    this.exit(ins.off + ins.len, this.k - this.j - 1, () => b.i32(-1));
    b.end();
    this.depth--;
  }

  private pushAddrHalves(): void {
    this.b.get(ST).get(ADDR).op(W.I32WrapI64).get(ADDR).i64(32).op(W.I64ShrU).op(W.I32WrapI64);
  }

  /** Load `size` bytes; leaves the value (i64, extended per `op`) on the stack. */
  private load(ins: Insn, size: number, ramOp: W, extend: (b: Body) => void): void {
    const b = this.b;
    this.translate(ins, size, TLB_R, T.I64, () => {
      this.flush(true);
      this.pushAddrHalves();
      b.i32(size).call(Imp.Load).set(STATUS);
      this.trapIfCause(ins);
      b.get(ST).mem(W.I64Load, LD_VALUE);
      extend(b);
    }, () => { b.mem(ramOp, RAM_OFF); });
  }

  /** Store the low `size` bytes of the i64 in local B. */
  private store(ins: Insn, size: number, ramOp: W): void {
    const b = this.b;
    this.translate(ins, size, TLB_W, 0x40, () => {
      this.flush(true);
      this.pushAddrHalves();
      b.i32(size).get(B).op(W.I32WrapI64).get(B).i64(32).op(W.I64ShrU).op(W.I32WrapI64).call(Imp.Store).set(STATUS);
      this.trapIfCause(ins);
      this.leaveIfCodeHit(ins);
    }, () => { b.get(B).mem(ramOp, RAM_OFF); });
  }

  // ---- instructions ----

  private insn(ins: Insn): void {
    const b = this.b, w = ins.w, rd = rdOf(w), rs1 = rs1Of(w), rs2 = rs2Of(w), imm = ins.imm;
    const rr = (op: W): void => { this.read(rs1); this.read(rs2); b.op(op); this.write(rd); };
    const ri = (op: W): void => { this.read(rs1); b.i64(imm); b.op(op); this.write(rd); };
    /** 32-bit operation on the low halves, result sign-extended */
    const rrW = (op: W): void => {
      this.read(rs1); b.op(W.I32WrapI64); this.read(rs2); b.op(W.I32WrapI64); b.op(op).op(W.I64ExtendI32S); this.write(rd);
    };
    const riW = (op: W): void => { this.read(rs1); b.op(W.I32WrapI64).i32(imm).op(op).op(W.I64ExtendI32S); this.write(rd); };
    const call2 = (f: number): void => { this.read(rs1); this.read(rs2); b.call(f); this.write(rd); };
    const noExt = (): void => {};
    if (rd === SINK && ins.op !== Op.Amo && !(ins.op >= Op.Sb && ins.op <= Op.Sd) && ins.op !== Op.Fsw && ins.op !== Op.Fsd &&
        ins.op !== Op.Fp && ins.op !== Op.Flw && ins.op !== Op.Fld && !(ins.op >= Op.Lb && ins.op <= Op.Lwu)) {
      return; // a result nobody sees (loads still fault, helpers still run)
    }
    switch (ins.op) {
      case Op.Li: b.i64(imm); this.write(rd); return;
      case Op.Mv: this.read(rs1); this.write(rd); return;
      case Op.Auipc: this.pcOf(ins.off + imm); this.write(rd); return;

      case Op.Lb: this.load(ins, 1, W.I64Load8S, (x) => x.op(W.I64Extend8S)); this.write(rd); return;
      case Op.Lbu: this.load(ins, 1, W.I64Load8U, (x) => x.i64(255, 0).op(W.I64And)); this.write(rd); return;
      case Op.Lh: this.load(ins, 2, W.I64Load16S, (x) => x.op(W.I64Extend16S)); this.write(rd); return;
      case Op.Lhu: this.load(ins, 2, W.I64Load16U, (x) => x.i64(0xffff, 0).op(W.I64And)); this.write(rd); return;
      case Op.Lw: this.load(ins, 4, W.I64Load32S, (x) => x.op(W.I64Extend32S)); this.write(rd); return;
      case Op.Lwu: this.load(ins, 4, W.I64Load32U, (x) => x.i64(-1, 0).op(W.I64And)); this.write(rd); return;
      case Op.Ld: this.load(ins, 8, W.I64Load, noExt); this.write(rd); return;
      case Op.Flw: {
        // NaN-boxed: the high word all ones
        const f = rd & 31;
        b.get(ST);
        this.load(ins, 4, W.I64Load32U, (x) => x.i64(-1, 0).op(W.I64And));
        b.i64(0, -1).op(W.I64Or).mem(W.I64Store, fReg(f));
        return;
      }
      case Op.Fld: {
        b.get(ST);
        this.load(ins, 8, W.I64Load, noExt);
        b.mem(W.I64Store, fReg(rd & 31));
        return;
      }
      case Op.Sb: case Op.Sh: case Op.Sw: case Op.Sd: {
        this.read(rs2);
        b.set(B);
        const size = 1 << (ins.op - Op.Sb);
        this.store(ins, size, size === 1 ? W.I64Store8 : size === 2 ? W.I64Store16 : size === 4 ? W.I64Store32 : W.I64Store);
        return;
      }
      case Op.Fsw: b.get(ST).mem(W.I64Load, fReg(rs2 & 31)).set(B); this.store(ins, 4, W.I64Store32); return;
      case Op.Fsd: b.get(ST).mem(W.I64Load, fReg(rs2 & 31)).set(B); this.store(ins, 8, W.I64Store); return;

      case Op.Addi: ri(W.I64Add); return;
      case Op.Slti: this.read(rs1); b.i64(imm).op(W.I64LtS).op(W.I64ExtendI32U); this.write(rd); return;
      case Op.Sltiu: this.read(rs1); b.i64(imm).op(W.I64LtU).op(W.I64ExtendI32U); this.write(rd); return;
      case Op.Xori: ri(W.I64Xor); return;
      case Op.Ori: ri(W.I64Or); return;
      case Op.Andi: ri(W.I64And); return;
      case Op.Slli: ri(W.I64Shl); return;
      case Op.Srli: ri(W.I64ShrU); return;
      case Op.Srai: ri(W.I64ShrS); return;
      case Op.Add: rr(W.I64Add); return;
      case Op.Sub: rr(W.I64Sub); return;
      case Op.Sll: rr(W.I64Shl); return;
      case Op.Srl: rr(W.I64ShrU); return;
      case Op.Sra: rr(W.I64ShrS); return;
      case Op.Slt: this.read(rs1); this.read(rs2); b.op(W.I64LtS).op(W.I64ExtendI32U); this.write(rd); return;
      case Op.Sltu: this.read(rs1); this.read(rs2); b.op(W.I64LtU).op(W.I64ExtendI32U); this.write(rd); return;
      case Op.Xor: rr(W.I64Xor); return;
      case Op.Or: rr(W.I64Or); return;
      case Op.And: rr(W.I64And); return;
      case Op.Addiw: riW(W.I32Add); return;
      case Op.Slliw: riW(W.I32Shl); return;
      case Op.Srliw: riW(W.I32ShrU); return;
      case Op.Sraiw: riW(W.I32ShrS); return;
      case Op.Addw: rrW(W.I32Add); return;
      case Op.Subw: rrW(W.I32Sub); return;
      case Op.Sllw: rrW(W.I32Shl); return;
      case Op.Srlw: rrW(W.I32ShrU); return;
      case Op.Sraw: rrW(W.I32ShrS); return;
      case Op.Mul: rr(W.I64Mul); return;
      case Op.Mulw: rrW(W.I32Mul); return;
      case Op.Mulh: call2(Imp.Mulh); return;
      case Op.Mulhsu: call2(Imp.Mulhsu); return;
      case Op.Mulhu: call2(Imp.Mulhu); return;
      case Op.Div: call2(Imp.Div); return;
      case Op.Divu: call2(Imp.Divu); return;
      case Op.Rem: call2(Imp.Rem); return;
      case Op.Remu: call2(Imp.Remu); return;
      case Op.Divw: call2(Imp.Divw); return;
      case Op.Divuw: call2(Imp.Divuw); return;
      case Op.Remw: call2(Imp.Remw); return;
      case Op.Remuw: call2(Imp.Remuw); return;
      case Op.Fence: return;
      case Op.Amo: {
        this.flush();
        b.get(ST).i32(w).i32(ins.raw).call(Imp.Amo).set(STATUS);
        this.forget(rd);
        this.trapIfCause(ins);
        this.leaveIfCodeHit(ins);
        return;
      }
      case Op.Fp: {
        this.flush();
        b.get(ST).i32(ins.raw).call(Imp.Fp).set(STATUS);
        if (fpWritesInt(ins.raw)) this.forget((ins.raw >>> 7) & 31);
        this.trapIfCause(ins);
        return;
      }
      default:
        throw new Error(`wasm: op ${ins.op} cannot be compiled`);
    }
  }
}

/** An OP-FP instruction whose destination is an integer register (compares, fcvt to int, fmv.x, fclass). */
function fpWritesInt(raw: number): boolean {
  if ((raw & 0x7f) !== 0x53) return false;
  const f5 = raw >>> 27;
  return f5 === 0x14 || f5 === 0x18 || f5 === 0x1c;
}
