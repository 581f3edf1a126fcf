// Code generation for one page function (see page.ts for its contract).
//
// The function body is "loop + switch" over units: a unit is one block, or
// (optimised tier) a loop region: the blocks of one strongly connected
// component of the page's control flow. Units are nested `block`s in the
// function's `loop`, entered through a `br_table` on NEXT, the block number:
// a forward jump to another unit is a plain `br`, a backward one goes round
// the loop.
//
// Guest registers live in i64 locals, in two ways:
//   lazy (a single block): loaded from the register file on first use,
//     written back at the block's end and before any exit;
//   resident (a loop region): every register the region uses is loaded when
//     the region is entered and those it writes are stored when it is left,
//     so iterations touch the register file not at all. A loop region has
//     its own `loop` and `br_table`, so a jump inside it stays inside.
// Either way the register file is up to date whenever control leaves the
// unit, which is all a block entered from elsewhere relies on.
import { Body, Op as W, T } from './encoder.js';
import { Op, SINK } from '../decode.js';
import { COUNTER_OFF, F_OFF, RAM_OFF, TLB_OFF, W_OFF, Word, X_OFF } from '../layout.js';
import { TLB_MASK, TLB_R, TLB_W } from '../mmu.js';
import { Imp, STORE_HIT_CODE } from './support.js';

export interface Insn { op: number; w: number; imm: number; raw: number; off: number; len: number }
export interface Block {
  start: number;
  insns: Insn[];
  /** where control goes when the last instruction falls through */
  next: number;
  /** the block stops before an interpreter-only instruction (at `next`) */
  stop: boolean;
}
/** Blocks emitted together: one block, or a loop region (resident registers). */
export interface Unit { blocks: number[]; loop: boolean }

/** Exit status asking the runtime to recompile the page at the optimised tier (then continue at the exit pc). */
export const OPTIMIZE = -3;

export const isBranch = (op: number): boolean => op >= Op.Beq && op <= Op.Bgeu;
const rdOf = (w: number): number => (w >>> 8) & 63;
const rs1Of = (w: number): number => (w >>> 14) & 63;
const rs2Of = (w: number): number => (w >>> 20) & 63;

// parameters and fixed locals
const ST = 0, PC = 1, BLK = 2, N = 3, BUDGET = 4;
const VPAGE = 5, NEXT = 6, ADDR = 7, VPN = 8, ENT = 9, STATUS = 10, A = 11, B = 12;
export const FIXED_LOCALS = [T.I64, T.I32, T.I64, T.I64, T.I32, T.I32, T.I64, T.I64];
const FIRST_REG_LOCAL = 13;

const EXIT_PC = W_OFF + Word.ExitPcLo * 4;
const LD_VALUE = W_OFF + Word.LdLo * 4;
const xLo = (r: number): number => X_OFF + r * 4;
const xHi = (r: number): number => X_OFF + (r + 64) * 4;
const fReg = (r: number): number => F_OFF + r * 8;
const bit = (r: number): number => 1 << r;

/** An OP-FP instruction whose destination is an integer register (compares, fcvt to int, fmv.x, fclass). */
export function fpWritesInt(raw: number): boolean {
  if ((raw & 0x7f) !== 0x53) return false;
  const f5 = raw >>> 27;
  return f5 === 0x14 || f5 === 0x18 || f5 === 0x1c;
}
/** An OP-FP instruction reading integer register rs1 (fcvt from int, fmv.w.x / fmv.d.x). */
export function fpReadsInt(raw: number): boolean {
  if ((raw & 0x7f) !== 0x53) return false;
  const f5 = raw >>> 27;
  return f5 === 0x1a || f5 === 0x1e;
}

/** Integer registers an instruction reads and writes (bit masks; x0 and the sink excluded). */
export function regsOf(ins: Insn): { reads: number; writes: number } {
  const w = ins.w, op = ins.op;
  const m = (r: number): number => (r > 0 && r < 32 ? bit(r) : 0);
  const rd = m(rdOf(w)), rs1 = m(rs1Of(w)), rs2 = m(rs2Of(w));
  switch (op) {
    case Op.Li: case Op.Auipc: return { reads: 0, writes: rd };
    case Op.Jal: return { reads: 0, writes: rd };
    case Op.Fence: return { reads: 0, writes: 0 };
    case Op.Flw: case Op.Fld: return { reads: rs1, writes: 0 };
    case Op.Fsw: case Op.Fsd: return { reads: rs1, writes: 0 };
    case Op.Fp: {
      const raw = ins.raw;
      return { reads: fpReadsInt(raw) ? m((raw >>> 15) & 31) : 0, writes: fpWritesInt(raw) ? m((raw >>> 7) & 31) : 0 };
    }
    default:
      if (isBranch(op) || (op >= Op.Sb && op <= Op.Sd)) return { reads: rs1 | rs2, writes: 0 };
      return { reads: rs1 | rs2, writes: rd };
  }
}

/** The code generator of one page function. */
export class PageGen {
  readonly b = new Body();
  /** guest register -> its local (0: none yet) */
  private readonly local = new Int32Array(33);
  /** the locals' registers, in local order */
  readonly regLocals: number[] = [];
  /** unit of each block, and the block's position in its unit */
  private readonly unitOf: Int32Array;
  private readonly posOf: Int32Array;

  // state while generating a block
  private unit = 0;
  private pos = 0;
  /** resident registers of the current unit (loop region), written ones; 0 for a lazy unit */
  private resident = 0;
  private residentWrites = 0;
  /** lazy units: registers whose local is valid / differs from memory */
  private cached = 0;
  private dirty = 0;
  /** extra nesting of structured control inside the block */
  private depth = 0;
  /** instructions in the current block, and the index of the one being generated */
  private k = 0;
  private j = 0;

  /**
   * `blocks` in emission order (block number = index), grouped into `units`
   * (consecutive). `counter`: byte offset of this function's back-edge
   * countdown (quick tier), or -1 (optimised tier: no countdown).
   */
  constructor(private readonly blocks: Block[], private readonly units: Unit[],
    private readonly index: Map<number, number>, private readonly counter: number) {
    this.unitOf = new Int32Array(blocks.length);
    this.posOf = new Int32Array(blocks.length);
    units.forEach((u, ui) => u.blocks.forEach((bi, p) => { this.unitOf[bi] = ui; this.posOf[bi] = p; }));
  }

  function(): Uint8Array {
    const b = this.b, nu = this.units.length;
    b.get(PC).i64(-4096).op(W.I64And).set(VPAGE);
    b.get(BLK).set(NEXT);
    b.loop();
    for (let u = nu - 1; u >= 0; u--) b.block();
    b.get(NEXT).brTable(Array.from(this.unitOf), 0).end();
    for (let u = 0; u < nu; u++) {
      this.emitUnit(u);
      if (u < nu - 1) b.end();
    }
    b.end().op(W.Unreachable).end();
    return b.view();
  }

  private emitUnit(u: number): void {
    const unit = this.units[u], b = this.b;
    this.unit = u;
    if (!unit.loop) {
      this.resident = 0; this.residentWrites = 0;
      this.pos = 0;
      this.block(unit.blocks[0]);
      return;
    }
    // a loop region: load what it uses, then its own loop + switch
    let used = 0, written = 0;
    for (const bi of unit.blocks) {
      for (const ins of this.blocks[bi].insns) {
        const r = regsOf(ins);
        used |= r.reads | r.writes;
        written |= r.writes;
      }
    }
    this.resident = used; this.residentWrites = written;
    for (let r = 1; r < 32; r++) if (used & bit(r)) this.load(r);
    const s = unit.blocks.length, first = unit.blocks[0];
    b.loop();
    for (let p = s - 1; p >= 0; p--) b.block();
    b.get(NEXT);
    if (first !== 0) b.i32(first).op(W.I32Sub);
    b.brTable(Array.from({ length: s }, (_, p) => p), 0).end();
    for (let p = 0; p < s; p++) {
      this.pos = p;
      this.block(unit.blocks[p]);
      if (p < s - 1) b.end();
    }
    b.end(); // the region's loop: every block ends in a jump
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

  /** load x[r] from the register file into its local */
  private load(r: number): void {
    this.b.get(ST).mem(W.I64Load32U, xLo(r)).get(ST).mem(W.I64Load32U, xHi(r)).i64(32).op(W.I64Shl).op(W.I64Or)
      .set(this.regLocal(r));
  }

  private storeReg(r: number): void {
    const l = this.local[r];
    this.b.get(ST).get(l).mem(W.I64Store32, xLo(r)).get(ST).get(l).i64(32).op(W.I64ShrU).mem(W.I64Store32, xHi(r));
  }

  /** push the value of x[r] */
  read(r: number): void {
    const b = this.b;
    if (r === 0 || r === SINK) { b.i64(0); return; }
    if (this.resident & bit(r)) { b.get(this.local[r]); return; }
    if (this.units[this.unit].loop) throw new Error(`wasm: x${r} read outside its region's set`);
    const l = this.regLocal(r);
    if (this.cached & bit(r)) { b.get(l); return; }
    b.get(ST).mem(W.I64Load32U, xLo(r)).get(ST).mem(W.I64Load32U, xHi(r)).i64(32).op(W.I64Shl).op(W.I64Or).tee(l);
    this.cached |= bit(r);
  }

  /** pop a value into x[r] */
  write(r: number): void {
    if (r === 0 || r === SINK) { this.b.op(W.Drop); return; }
    this.b.set(this.regLocal(r));
    if (this.resident & bit(r)) return;
    if (this.units[this.unit].loop) throw new Error(`wasm: x${r} written outside its region's set`);
    this.cached |= bit(r);
    this.dirty |= bit(r);
  }

  /** The registers that may differ from the register file now. */
  private pending(): number {
    return this.resident ? this.residentWrites : this.dirty;
  }

  /**
   * Store what differs from the register file. `leaving`: control leaves the
   * unit on every path from here (a lazy unit forgets its dirty set); else
   * this is a side path (a slow path about to exit) and nothing is forgotten.
   */
  flush(leaving: boolean): void {
    const p = this.pending();
    for (let r = 1; r < 32; r++) if (p & bit(r)) this.storeReg(r);
    if (leaving && !this.resident) this.dirty = 0;
  }

  /** A helper is about to read registers `rs` from the register file. */
  private syncOut(rs: number): void {
    const p = this.pending() & rs;
    for (let r = 1; r < 32; r++) if (p & bit(r)) this.storeReg(r);
    if (!this.resident) this.dirty &= ~rs;
  }

  /** A helper changed x[r] in the register file. */
  private syncIn(r: number): void {
    if (r <= 0 || r >= 32) return;
    if (this.resident & bit(r)) { this.load(r); return; }
    this.cached &= ~bit(r);
    this.dirty &= ~bit(r);
  }

  // ---- control ----

  /** push vpage + off */
  pcOf(off: number): void {
    this.b.get(VPAGE);
    if (off !== 0) this.b.i64(off | 0, Math.floor(off / 4294967296) | 0).op(W.I64Add);
  }

  /** return through exit(st, vpage + off, n - back, status); registers already stored */
  private exit(off: number, back: number, status: () => void): void {
    const b = this.b;
    b.get(ST);
    this.pcOf(off);
    b.get(N);
    if (back !== 0) b.i32(back).op(W.I32Sub);
    status();
    b.returnCall(Imp.Exit);
  }

  /** Labels between the current code and the end of its unit (a loop region's inner blocks and loop). */
  private unitInner(): number {
    const unit = this.units[this.unit];
    return unit.loop ? unit.blocks.length - this.pos : 0;
  }

  /**
   * Continue at byte offset t of the page (any value: other pages too).
   * Leaving the unit stores its registers first.
   */
  goto(t: number): void {
    const b = this.b;
    const j = t >= 0 && t < 4096 ? this.index.get(t) : undefined;
    if (j !== undefined && this.unitOf[j] === this.unit && this.units[this.unit].loop) {
      // inside the loop region: registers stay in locals
      const pj = this.posOf[j];
      if (pj > this.pos) b.br(pj - this.pos - 1 + this.depth);
      else b.i32(j).set(NEXT).br(this.units[this.unit].blocks.length - 1 - this.pos + this.depth);
      return;
    }
    this.flush(true);
    if (j !== undefined) {
      const v = this.unitOf[j], inner = this.unitInner() + this.depth;
      if (v > this.unit) {
        if (this.units[v].loop) b.i32(j).set(NEXT);
        b.br(inner + v - this.unit - 1);
        return;
      }
      if (this.counter >= 0) this.countBackEdge(t);
      b.i32(j).set(NEXT).br(inner + this.units.length - 1 - this.unit);
      return;
    }
    if (t >= 0 && t < 4096) { this.exit(t, 0, () => b.i32(-1)); return; } // not compiled: the interpreter
    b.get(ST);
    this.pcOf(t);
    b.get(N).get(BUDGET).returnCall(Imp.Dispatch);
  }

  /** Quick tier: a backward jump counts down the function's counter; at zero, ask for the optimised tier. */
  private countBackEdge(t: number): void {
    const b = this.b;
    b.i32(0).i32(0).mem(W.I32Load, COUNTER_OFF + this.counter).i32(1).op(W.I32Sub).tee(STATUS)
      .mem(W.I32Store, COUNTER_OFF + this.counter)
      .get(STATUS).op(W.I32Eqz).if_();
    this.depth++;
    this.exit(t, 0, () => b.i32(OPTIMIZE));
    b.end();
    this.depth--;
  }

  /** Continue at the pc in local A (registers stored). */
  private gotoDynamic(): void {
    this.b.get(ST).get(A).get(N).get(BUDGET).returnCall(Imp.Dispatch);
  }

  // ---- blocks ----

  private block(i: number): void {
    const blk = this.blocks[i], b = this.b;
    this.depth = 0;
    this.cached = 0; this.dirty = 0;
    this.k = blk.insns.length;
    // the budget: n += k, or leave before the block for the interpreter to step
    b.get(N).i32(this.k).op(W.I32Add).tee(N).get(BUDGET).op(W.I32GtS).if_();
    this.depth++;
    this.flush(false);
    this.exit(blk.start, this.k, () => b.i32(-1));
    b.end();
    this.depth--;
    for (this.j = 0; this.j < blk.insns.length; this.j++) {
      const ins = blk.insns[this.j];
      if (isBranch(ins.op)) { this.branch(ins); return; }
      if (ins.op === Op.Jal) { this.jal(ins); return; }
      if (ins.op === Op.Jalr) { this.jalr(ins); return; }
      this.insn(ins);
    }
    if (blk.stop) { this.flush(true); this.exit(blk.next, 0, () => b.i32(-1)); return; }
    // fall through: into the next block's code when it comes right after in the same unit
    const j = this.index.get(blk.next);
    const unit = this.units[this.unit];
    if (j !== undefined && !unit.loop && this.unitOf[j] === this.unit + 1 && !this.units[this.unit + 1].loop) {
      this.flush(true);
      return;
    }
    if (j !== undefined && unit.loop && this.unitOf[j] === this.unit && this.posOf[j] === this.pos + 1) return;
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
    // a block's own registers are stored once, before the test; a loop
    // region stores its registers only on the paths that leave it
    if (!this.resident) this.flush(true);
    b.if_();
    this.depth++;
    this.goto(ins.off + ins.imm);
    b.end();
    this.depth--;
    this.goto(ins.off + ins.len);
  }

  private jal(ins: Insn): void {
    this.link(ins);
    this.goto(ins.off + ins.imm);
  }

  private jalr(ins: Insn): void {
    const b = this.b;
    this.read(rs1Of(ins.w));
    b.i64(ins.imm).op(W.I64Add).i64(-2).op(W.I64And).set(A);
    this.link(ins);
    this.flush(true);
    this.gotoDynamic();
  }

  // ---- memory ----

  /**
   * The RAM address (an i32; RAM_OFF is added by the access) of a
   * `size`-byte access at rs1 + imm through the TLB's `tag` entries: `fast`
   * gets it on the stack; `slow` runs instead when the TLB misses or the
   * access crosses a page, and must leave the same stack. ADDR holds the
   * guest address.
   */
  private translate(ins: Insn, size: number, tag: number, type: number, slow: () => void, fast: () => void): void {
    const b = this.b;
    this.read(rs1Of(ins.w));
    if (ins.imm !== 0) b.i64(ins.imm).op(W.I64Add);
    b.tee(ADDR).i64(12).op(W.I64ShrU).tee(VPN)
      .op(W.I32WrapI64).i32(TLB_MASK).op(W.I32And).i32(5).op(W.I32Shl).get(ST).op(W.I32Add).tee(ENT)
      .mem(W.I64Load32S, TLB_OFF + tag * 4).get(VPN).op(W.I64Ne);
    if (size > 1) b.get(ADDR).op(W.I32WrapI64).i32(4095).op(W.I32And).i32(4096 - size).op(W.I32GtU).op(W.I32Or);
    b.if_(type);
    this.depth++;
    slow();
    b.else_();
    b.get(ENT).mem(W.I32Load, TLB_OFF + tag * 4 + 4).get(ADDR).op(W.I32WrapI64).i32(4095).op(W.I32And).op(W.I32Or);
    fast();
    b.end();
    this.depth--;
  }

  /** After a helper left its status in STATUS: a trap exit when it is a cause. */
  private trapIfCause(ins: Insn): void {
    const b = this.b;
    b.get(STATUS).i32(0).op(W.I32GeS).if_();
    this.depth++;
    this.flush(false);
    this.exit(ins.off, this.k - this.j, () => b.get(STATUS));
    b.end();
    this.depth--;
  }

  /** The instruction retired but dropped decoded code (STORE_HIT_CODE): leave right after it. */
  private leaveIfCodeHit(ins: Insn): void {
    const b = this.b;
    b.get(STATUS).i32(STORE_HIT_CODE).op(W.I32Eq).if_();
    this.depth++;
    this.flush(false);
    this.exit(ins.off + ins.len, this.k - this.j - 1, () => b.i32(-1));
    b.end();
    this.depth--;
  }

  private pushAddrHalves(): void {
    this.b.get(ST).get(ADDR).op(W.I32WrapI64).get(ADDR).i64(32).op(W.I64ShrU).op(W.I32WrapI64);
  }

  /** Load `size` bytes; leaves the value (i64, extended as `ramOp` does) on the stack. */
  private loadMem(ins: Insn, size: number, ramOp: W, extend: (b: Body) => void): void {
    const b = this.b;
    this.translate(ins, size, TLB_R, T.I64, () => {
      this.pushAddrHalves();
      b.i32(size).call(Imp.Load).set(STATUS);
      this.trapIfCause(ins);
      b.get(ST).mem(W.I64Load, LD_VALUE);
      extend(b);
    }, () => { b.mem(ramOp, RAM_OFF); });
  }

  /** Store the low `size` bytes of the i64 in local B. */
  private storeMem(ins: Insn, size: number, ramOp: W): void {
    const b = this.b;
    this.translate(ins, size, TLB_W, 0x40, () => {
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
    const none = (): void => {};
    switch (ins.op) {
      case Op.Li: if (rd !== SINK) { b.i64(imm); this.write(rd); } return;
      case Op.Mv: if (rd !== SINK) { this.read(rs1); this.write(rd); } return;
      case Op.Auipc: if (rd !== SINK) { this.pcOf(ins.off + imm); this.write(rd); } return;

      // loads fault even when their result goes nowhere
      case Op.Lb: this.loadMem(ins, 1, W.I64Load8S, (x) => x.op(W.I64Extend8S)); this.write(rd); return;
      case Op.Lbu: this.loadMem(ins, 1, W.I64Load8U, none); this.write(rd); return;
      case Op.Lh: this.loadMem(ins, 2, W.I64Load16S, (x) => x.op(W.I64Extend16S)); this.write(rd); return;
      case Op.Lhu: this.loadMem(ins, 2, W.I64Load16U, none); this.write(rd); return;
      case Op.Lw: this.loadMem(ins, 4, W.I64Load32S, (x) => x.op(W.I64Extend32S)); this.write(rd); return;
      case Op.Lwu: this.loadMem(ins, 4, W.I64Load32U, none); this.write(rd); return;
      case Op.Ld: this.loadMem(ins, 8, W.I64Load, none); this.write(rd); return;
      case Op.Flw:
        // NaN-boxed: the high word all ones
        b.get(ST);
        this.loadMem(ins, 4, W.I64Load32U, (x) => x.i64(-1, 0).op(W.I64And));
        b.i64(0, -1).op(W.I64Or).mem(W.I64Store, fReg(rd & 31));
        return;
      case Op.Fld:
        b.get(ST);
        this.loadMem(ins, 8, W.I64Load, none);
        b.mem(W.I64Store, fReg(rd & 31));
        return;
      case Op.Sb: case Op.Sh: case Op.Sw: case Op.Sd: {
        this.read(rs2);
        b.set(B);
        const size = 1 << (ins.op - Op.Sb);
        this.storeMem(ins, size, size === 1 ? W.I64Store8 : size === 2 ? W.I64Store16 : size === 4 ? W.I64Store32 : W.I64Store);
        return;
      }
      case Op.Fsw: b.get(ST).mem(W.I64Load, fReg(rs2 & 31)).set(B); this.storeMem(ins, 4, W.I64Store32); return;
      case Op.Fsd: b.get(ST).mem(W.I64Load, fReg(rs2 & 31)).set(B); this.storeMem(ins, 8, W.I64Store); return;
      case Op.Fence: return;
      case Op.Amo: {
        this.syncOut(bit(rs1) | bit(rs2));
        b.get(ST).i32(w).i32(ins.raw).call(Imp.Amo).set(STATUS);
        this.syncIn(rd);
        this.trapIfCause(ins);
        this.leaveIfCodeHit(ins);
        return;
      }
      case Op.Fp: {
        const raw = ins.raw;
        if (fpReadsInt(raw)) this.syncOut(bit((raw >>> 15) & 31));
        b.get(ST).i32(raw).call(Imp.Fp).set(STATUS);
        if (fpWritesInt(raw)) this.syncIn((raw >>> 7) & 31);
        this.trapIfCause(ins);
        return;
      }
    }
    if (rd === SINK) return; // the rest only compute a result
    switch (ins.op) {
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
      default:
        throw new Error(`wasm: op ${ins.op} cannot be compiled`);
    }
  }
}
