// Code generation for one page function (see page.ts for its contract).
//
// The function body is "loop + switch" over units: a unit is one block, or
// (optimised tier) a loop region: the blocks of one strongly connected
// component of the page's control flow. Units are nested `block`s in the
// function's `loop`, entered through a `br_table` on NEXT, the block number:
// a forward jump to another unit is a plain `br`, a backward one goes round
// the loop.
//
// Compiled code keeps guest registers in its own register file, 32 i64 at
// XW_OFF in the hart's slot (the interpreter's file is int32 halves; the
// support module copies one to the other when control enters and leaves
// compiled code). Within a unit they live in i64 locals: every register the
// unit uses is loaded when it is entered, and those it writes are stored
// when control leaves it, so a loop region's iterations touch memory only
// for the guest's own loads and stores. A loop region has its own `loop`
// and `br_table`, so a jump inside it stays inside. Every way out of a unit
// other than a jump (a trap, the budget, a stop before an interpreter-only
// instruction) goes through the unit's one exit tail, which stores the
// registers and returns through exit().
import { Body, Op as W, T } from './encoder.js';
import { Op, SINK } from '../decode.js';
import { COUNTER_OFF, F_OFF, RAM_OFF, TLB_OFF, W_OFF, Word, X_OFF, XW_OFF } from '../layout.js';
import { TLB_MASK, TLB_R, TLB_W, TLB_X } from '../mmu.js';
import { Imp, STORE_HIT_CODE } from './support.js';
import { FP_LOCALS, emitFp, type FpCtx } from './fp.js';

export interface Insn {
  op: number;
  w: number;
  imm: number;
  raw: number;
  off: number;
  len: number;
  /** an instruction straddling into the next page: the upper half it was compiled with */
  nextHalf?: number;
}
export interface Block {
  start: number;
  insns: Insn[];
  /** where control goes when the last instruction falls through */
  next: number;
  /** the block stops before an interpreter-only instruction (at `next`) */
  stop: boolean;
}
/** Blocks emitted together: one block, or a loop region (resident registers). */
export interface Unit {
  blocks: number[];
  loop: boolean;
}

/** Exit status asking the runtime to recompile the page at the optimised tier (then continue at the exit pc). */
export const OPTIMIZE = -3;

export const isBranch = (op: number): boolean => op >= Op.Beq && op <= Op.Bgeu;
const rdOf = (w: number): number => (w >>> 8) & 63;
const rs1Of = (w: number): number => (w >>> 14) & 63;
const rs2Of = (w: number): number => (w >>> 20) & 63;

// parameters and fixed locals
const ST = 0,
  PC = 1,
  BLK = 2,
  N = 3,
  BUDGET = 4;
const VPAGE = 5,
  NEXT = 6,
  ADDR = 7,
  VPN = 8,
  ENT = 9,
  STATUS = 10,
  A = 11,
  B = 12,
  EXOFF = 13,
  EXBACK = 14,
  FP0 = 15;
export const FIXED_LOCALS = [T.I64, T.I32, T.I64, T.I64, T.I32, T.I32, T.I64, T.I64, T.I32, T.I32, ...FP_LOCALS];
const FIRST_REG_LOCAL = FP0 + FP_LOCALS.length;

const LD_VALUE = W_OFF + Word.LdLo * 4;
const xw = (r: number): number => XW_OFF + r * 8;
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
  const w = ins.w,
    op = ins.op;
  const m = (r: number): number => (r > 0 && r < 32 ? bit(r) : 0);
  const rd = m(rdOf(w)),
    rs1 = m(rs1Of(w)),
    rs2 = m(rs2Of(w));
  switch (op) {
    case Op.Li:
    case Op.Auipc:
      return { reads: 0, writes: rd };
    case Op.Jal:
      return { reads: 0, writes: rd };
    case Op.Fence:
      return { reads: 0, writes: 0 };
    case Op.Flw:
    case Op.Fld:
      return { reads: rs1, writes: 0 };
    case Op.Fsw:
    case Op.Fsd:
      return { reads: rs1, writes: 0 };
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
export class PageGen implements FpCtx {
  readonly b = new Body();
  /** guest register -> its local (0: none yet) */
  private readonly local = new Int32Array(33);
  /** types of the locals after the fixed ones, in order */
  readonly extraLocals: T[] = [];
  /** unit of each block, and the block's position in its unit */
  private readonly unitOf: Int32Array;
  private readonly posOf: Int32Array;

  // the unit being generated: registers it uses and writes (bit masks)
  private unit = 0;
  private pos = 0;
  private used = 0;
  private written = 0;
  /** extra nesting of structured control inside the block */
  private depth = 0;
  /** instructions in the current block, and the index of the one being generated */
  private k = 0;
  private j = 0;

  /**
   * `blocks` in emission order (block number = index), grouped into `units`
   * (consecutive). `counter`: byte offset of this function's back-edge
   * countdown (quick tier), or -1 (optimised tier: no countdown).
   * `returnSites`: return points of calls made in this page.
   */
  constructor(
    private readonly blocks: Block[],
    private readonly units: Unit[],
    private readonly index: Map<number, number>,
    private readonly counter: number,
    private readonly returnSites: number[] = [],
  ) {
    this.unitOf = new Int32Array(blocks.length);
    this.posOf = new Int32Array(blocks.length);
    units.forEach((u, ui) =>
      u.blocks.forEach((bi, p) => {
        this.unitOf[bi] = ui;
        this.posOf[bi] = p;
      }),
    );
  }

  function(): Uint8Array {
    const b = this.b,
      nu = this.units.length;
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
    const unit = this.units[u],
      b = this.b;
    this.unit = u;
    let used = 0,
      written = 0;
    for (const bi of unit.blocks) {
      for (const ins of this.blocks[bi].insns) {
        const r = regsOf(ins);
        used |= r.reads | r.writes;
        written |= r.writes;
      }
    }
    this.used = used;
    this.written = written;
    for (let r = 1; r < 32; r++) if (used & bit(r)) this.load(r);
    b.block(); // the exit tail's label
    if (!unit.loop) {
      this.pos = 0;
      this.block(unit.blocks[0]);
    } else {
      const s = unit.blocks.length,
        first = unit.blocks[0];
      b.loop();
      if (s > 1) {
        for (let p = s - 1; p >= 0; p--) b.block();
        b.get(NEXT);
        if (first !== 0) b.i32(first).op(W.I32Sub);
        b.brTable(
          Array.from({ length: s }, (_, p) => p),
          0,
        ).end();
      }
      for (let p = 0; p < s; p++) {
        this.pos = p;
        this.block(unit.blocks[p]);
        if (p < s - 1) b.end();
      }
      b.end(); // the region's loop: every block ends in a jump
    }
    b.end();
    // the exit tail: store the unit's registers, leave at vpage + EXOFF with EXBACK not retired
    this.flush();
    b.get(ST).get(VPAGE).get(EXOFF).op(W.I64ExtendI32U).op(W.I64Add).get(N).get(EXBACK).op(W.I32Sub).get(STATUS).returnCall(Imp.Exit);
  }

  // ---- registers ----

  private newLocal(t: T): number {
    this.extraLocals.push(t);
    return FIRST_REG_LOCAL + this.extraLocals.length - 1;
  }

  private regLocal(r: number): number {
    let l = this.local[r];
    if (l === 0) {
      l = this.newLocal(T.I64);
      this.local[r] = l;
    }
    return l;
  }

  /** load x[r] from compiled code's register file into its local */
  private load(r: number): void {
    this.b.get(ST).mem(W.I64Load, xw(r)).set(this.regLocal(r));
  }

  /** push the value of x[r] */
  read(r: number): void {
    if (r === 0 || r === SINK) {
      this.b.i64(0);
      return;
    }
    if (!(this.used & bit(r))) throw new Error(`wasm: x${r} read outside its unit's set`);
    this.b.get(this.local[r]);
  }

  /** pop a value into x[r] */
  write(r: number): void {
    if (r === 0 || r === SINK) {
      this.b.op(W.Drop);
      return;
    }
    if (!(this.written & bit(r))) throw new Error(`wasm: x${r} written outside its unit's set`);
    this.b.set(this.local[r]);
  }

  /** Store the registers the unit writes (control leaves it). */
  flush(): void {
    const b = this.b;
    for (let r = 1; r < 32; r++) if (this.written & bit(r)) b.get(ST).get(this.local[r]).mem(W.I64Store, xw(r));
  }

  /** A helper is about to read x[r] from the interpreter's register file (int32 halves). */
  private syncOut(r: number): void {
    if (r <= 0 || r >= 32) return;
    const b = this.b,
      l = this.local[r];
    b.get(ST).get(l).mem(W.I64Store32, xLo(r)).get(ST).get(l).i64(32).op(W.I64ShrU).mem(W.I64Store32, xHi(r));
  }

  /** A helper changed x[r] in the interpreter's register file. */
  private syncIn(r: number): void {
    if (r <= 0 || r >= 32) return;
    this.b.get(ST).mem(W.I64Load32U, xLo(r)).get(ST).mem(W.I64Load32U, xHi(r)).i64(32).op(W.I64Shl).op(W.I64Or).set(this.local[r]);
  }

  // ---- control ----

  /** push vpage + off */
  pcOf(off: number): void {
    this.b.get(VPAGE);
    if (off !== 0) this.b.i64(off | 0, Math.floor(off / 4294967296) | 0).op(W.I64Add);
  }

  /** return through exit(st, vpage + off, n, status); registers already stored */
  private exitNow(off: number, status: number): void {
    const b = this.b;
    b.get(ST);
    this.pcOf(off);
    b.get(N).i32(status).returnCall(Imp.Exit);
  }

  /** Labels between the current code and the end of its unit (inner blocks, loop, the tail's block). */
  private unitInner(): number {
    const unit = this.units[this.unit];
    return (unit.loop ? (unit.blocks.length > 1 ? unit.blocks.length - this.pos : 1) : 0) + 1;
  }

  /** Leave through the unit's exit tail: at byte offset off, `back` instructions not retired, STATUS set or `status`. */
  private toTail(off: number, back: number, status?: number): void {
    const b = this.b;
    b.i32(off).set(EXOFF).i32(back).set(EXBACK);
    if (status !== undefined) b.i32(status).set(STATUS);
    b.br(this.unitInner() - 1 + this.depth);
  }

  /** True when a jump to byte offset t stays inside the current unit (a loop region). */
  private staysIn(t: number): boolean {
    const j = t >= 0 && t < 4096 ? this.index.get(t) : undefined;
    return j !== undefined && this.unitOf[j] === this.unit && this.units[this.unit].loop;
  }

  /**
   * Continue at byte offset t of the page (any value: other pages too).
   * Leaving the unit stores its registers first, unless `stored`.
   */
  goto(t: number, stored = false): void {
    const b = this.b;
    const j = t >= 0 && t < 4096 ? this.index.get(t) : undefined;
    if (this.staysIn(t)) {
      const unit = this.units[this.unit],
        s = unit.blocks.length,
        pj = this.posOf[j!];
      if (s === 1) {
        b.br(this.depth);
        return;
      } // the region's loop
      if (pj > this.pos) b.br(pj - this.pos - 1 + this.depth);
      else
        b.i32(j!)
          .set(NEXT)
          .br(s - 1 - this.pos + this.depth);
      return;
    }
    if (!stored) this.flush();
    if (j !== undefined) {
      const v = this.unitOf[j],
        inner = this.unitInner() + this.depth;
      if (v > this.unit) {
        if (this.units[v].loop) b.i32(j).set(NEXT);
        b.br(inner + v - this.unit - 1);
        return;
      }
      if (this.counter >= 0) this.countBackEdge(t);
      b.i32(j)
        .set(NEXT)
        .br(inner + this.units.length - 1 - this.unit);
      return;
    }
    if (t >= 0 && t < 4096) {
      this.exitNow(t, -1);
      return;
    } // not compiled: the interpreter
    b.get(ST);
    this.pcOf(t);
    b.get(N).get(BUDGET).returnCall(Imp.Dispatch);
  }

  /** Quick tier: a backward jump counts down the function's counter; at zero, ask for the optimised tier. */
  private countBackEdge(t: number): void {
    const b = this.b;
    b.i32(0)
      .i32(0)
      .mem(W.I32Load, COUNTER_OFF + this.counter)
      .i32(1)
      .op(W.I32Sub)
      .tee(STATUS)
      .mem(W.I32Store, COUNTER_OFF + this.counter)
      .get(STATUS)
      .op(W.I32Eqz)
      .if_();
    this.exitNow(t, OPTIMIZE);
    b.end();
  }

  // ---- blocks ----

  private block(i: number): void {
    const blk = this.blocks[i],
      b = this.b;
    this.depth = 0;
    this.k = blk.insns.length;
    // the budget: n += k, or leave before the block for the interpreter to step
    b.get(N).i32(this.k).op(W.I32Add).tee(N).get(BUDGET).op(W.I32GtS).if_();
    this.depth++;
    this.toTail(blk.start, this.k, -1);
    b.end();
    this.depth--;
    this.groups = planGroups(blk.insns);
    for (this.j = 0; this.j < blk.insns.length; this.j++) {
      const ins = blk.insns[this.j];
      if (ins.nextHalf !== undefined) this.straddleGuard(ins, ins.nextHalf);
      const grp = this.groups.get(this.j);
      if (grp?.header) this.groupHeader(grp);
      if (isBranch(ins.op)) {
        this.branch(ins);
        return;
      }
      if (ins.op === Op.Jal) {
        this.jal(ins);
        return;
      }
      if (ins.op === Op.Jalr) {
        this.jalr(ins);
        return;
      }
      this.insn(ins);
    }
    if (blk.stop) {
      this.toTail(blk.next, 0, -1);
      return;
    }
    // fall through: into the next block's code when it comes right after in the same loop region
    const j = this.index.get(blk.next);
    if (j !== undefined && this.units[this.unit].loop && this.unitOf[j] === this.unit && this.posOf[j] === this.pos + 1) return;
    this.goto(blk.next);
  }

  /**
   * Before an instruction straddling into the next page: leave for the
   * interpreter at it (not retired) unless the next page is in the fetch TLB
   * and its first halfword is still `half`, the upper half this code was
   * compiled with. The next page is not part of what the function is keyed
   * by: another process may map other code there, or the guest may have
   * rewritten it; the interpreter then decodes it afresh, or takes the
   * fetch fault.
   */
  private straddleGuard(ins: Insn, half: number): void {
    const b = this.b;
    b.get(VPAGE).i64(4096).op(W.I64Add);
    this.tlbProbe(TLB_X);
    b.op(W.I64Ne)
      .if_(T.I32)
      .i32(1)
      .else_()
      .get(ENT)
      .mem(W.I32Load, TLB_OFF + TLB_X * 4 + 4)
      .mem(W.I32Load16U, RAM_OFF)
      .i32(half)
      .op(W.I32Ne)
      .end()
      .if_();
    this.depth++;
    this.toTail(ins.off, this.k - this.j, -1);
    b.end();
    this.depth--;
  }

  /**
   * The TLB probe for the virtual address on the stack: sets VPN (its page
   * number) and ENT (its entry's offset from ST) and leaves the entry's page
   * tag for `tag` and VPN on the stack, for the caller's I64Eq or I64Ne.
   */
  private tlbProbe(tag: number): void {
    this.b
      .i64(12)
      .op(W.I64ShrU)
      .tee(VPN)
      .op(W.I32WrapI64)
      .i32(TLB_MASK)
      .op(W.I32And)
      .i32(5)
      .op(W.I32Shl)
      .get(ST)
      .op(W.I32Add)
      .tee(ENT)
      .mem(W.I64Load32S, TLB_OFF + tag * 4)
      .get(VPN);
  }

  /** pc-relative link value: vpage + off + len */
  private link(ins: Insn): void {
    const rd = rdOf(ins.w);
    if (rd === SINK) return;
    this.pcOf(ins.off + ins.len);
    this.write(rd);
  }

  private branch(ins: Insn): void {
    const b = this.b,
      w = ins.w,
      taken = ins.off + ins.imm,
      next = ins.off + ins.len;
    this.read(rs1Of(w));
    this.read(rs2Of(w));
    switch (ins.op) {
      case Op.Beq:
        b.op(W.I64Eq);
        break;
      case Op.Bne:
        b.op(W.I64Ne);
        break;
      case Op.Blt:
        b.op(W.I64LtS);
        break;
      case Op.Bge:
        b.op(W.I64GeS);
        break;
      case Op.Bltu:
        b.op(W.I64LtU);
        break;
      default:
        b.op(W.I64GeU);
        break;
    }
    // registers are stored once when both ways leave the unit
    const stored = !this.staysIn(taken) && !this.staysIn(next);
    if (stored) this.flush();
    b.if_();
    this.depth++;
    this.goto(taken, stored);
    b.end();
    this.depth--;
    this.goto(next, stored);
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
    if (this.returnSites.length) {
      // a return to a call made in this page stays in this function (and in its loop region)
      b.get(A).i64(-4096).op(W.I64And).get(VPAGE).op(W.I64Eq).if_();
      this.depth++;
      b.get(A).op(W.I32WrapI64).i32(4095).op(W.I32And).set(STATUS);
      for (const t of this.returnSites) {
        b.get(STATUS).i32(t).op(W.I32Eq).if_();
        this.depth++;
        this.goto(t);
        b.end();
        this.depth--;
      }
      b.end();
      this.depth--;
    }
    this.flush();
    b.get(ST).get(A).get(N).get(BUDGET).returnCall(Imp.Dispatch);
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
    b.tee(ADDR);
    this.tlbProbe(tag);
    b.op(W.I64Ne);
    if (size > 1)
      b.get(ADDR)
        .op(W.I32WrapI64)
        .i32(4095)
        .op(W.I32And)
        .i32(4096 - size)
        .op(W.I32GtU)
        .op(W.I32Or);
    b.if_(type);
    this.depth++;
    slow();
    b.else_();
    b.get(ENT)
      .mem(W.I32Load, TLB_OFF + tag * 4 + 4)
      .get(ADDR)
      .op(W.I32WrapI64)
      .i32(4095)
      .op(W.I32And)
      .op(W.I32Or);
    fast();
    b.end();
    this.depth--;
  }

  /** Memory groups of the current block (by instruction index), see planGroups. */
  private groups = new Map<number, Group>();
  /** i32 locals holding group addresses, reused from block to block */
  private readonly groupLocals: number[] = [];

  /**
   * The one translation of a group: G = RAM offset of base + minOff if the
   * whole span is in one page with a TLB hit (W tag if the group stores),
   * else -1 (each member then translates on its own).
   */
  private groupHeader(g: Group): void {
    const b = this.b,
      tag = g.store ? TLB_W : TLB_R,
      span = g.maxEnd - g.minOff + 1;
    while (this.groupLocals.length <= g.slot) this.groupLocals.push(this.newLocal(T.I32));
    const G = this.groupLocals[g.slot];
    this.read(g.base);
    if (g.minOff !== 0) b.i64(g.minOff).op(W.I64Add);
    b.tee(ADDR);
    this.tlbProbe(tag);
    b.op(W.I64Eq)
      .get(ADDR)
      .op(W.I32WrapI64)
      .i32(4095)
      .op(W.I32And)
      .i32(4096 - span)
      .op(W.I32LeU)
      .op(W.I32And)
      .if_(T.I32)
      .get(ENT)
      .mem(W.I32Load, TLB_OFF + tag * 4 + 4)
      .get(ADDR)
      .op(W.I32WrapI64)
      .i32(4095)
      .op(W.I32And)
      .op(W.I32Or)
      .else_()
      .i32(-1)
      .end()
      .set(G);
  }

  /**
   * A member of a translated group: `fast` with the group's RAM address
   * when its translation held (G >= 0), else `own` (its own translation).
   * False when the instruction is in no group.
   */
  private viaGroup(type: number, fast: (delta: number, G: number) => void, own: () => void): boolean {
    const g = this.groups.get(this.j);
    if (!g) return false;
    const b = this.b,
      G = this.groupLocals[g.slot];
    b.get(G).i32(0).op(W.I32GeS).if_(type);
    this.depth++;
    fast(g.delta, G);
    b.else_();
    own();
    b.end();
    this.depth--;
    return true;
  }

  /** After a helper left its status in STATUS: leave through the tail when it is a trap cause. */
  private trapIfCause(ins: Insn): void {
    const b = this.b;
    b.get(STATUS).i32(0).op(W.I32GeS).if_();
    this.depth++;
    this.toTail(ins.off, this.k - this.j);
    b.end();
    this.depth--;
  }

  /** The instruction retired but dropped decoded code (STORE_HIT_CODE): leave right after it. */
  private leaveIfCodeHit(ins: Insn): void {
    const b = this.b;
    b.get(STATUS).i32(STORE_HIT_CODE).op(W.I32Eq).if_();
    this.depth++;
    this.toTail(ins.off + ins.len, this.k - this.j - 1, -1);
    b.end();
    this.depth--;
  }

  private pushAddrHalves(): void {
    this.b.get(ST).get(ADDR).op(W.I32WrapI64).get(ADDR).i64(32).op(W.I64ShrU).op(W.I32WrapI64);
  }

  /** Load `size` bytes; leaves the value (i64, extended as `ramOp` does) on the stack. */
  private loadMem(ins: Insn, size: number, ramOp: W, extend: (b: Body) => void): void {
    const b = this.b;
    if (
      this.viaGroup(
        T.I64,
        (delta, G) => {
          b.get(G).mem(ramOp, RAM_OFF + delta);
        },
        () => this.loadOwn(ins, size, ramOp, extend),
      )
    )
      return;
    this.loadOwn(ins, size, ramOp, extend);
  }

  private loadOwn(ins: Insn, size: number, ramOp: W, extend: (b: Body) => void): void {
    const b = this.b;
    this.translate(
      ins,
      size,
      TLB_R,
      T.I64,
      () => {
        this.pushAddrHalves();
        b.i32(size).call(Imp.Load).set(STATUS);
        this.trapIfCause(ins);
        b.get(ST).mem(W.I64Load, LD_VALUE);
        extend(b);
      },
      () => {
        b.mem(ramOp, RAM_OFF);
      },
    );
  }

  /** Store the low `size` bytes of the i64 in local B. */
  private storeMem(ins: Insn, size: number, ramOp: W): void {
    const b = this.b;
    if (
      this.viaGroup(
        0x40,
        (delta, G) => {
          b.get(G)
            .get(B)
            .mem(ramOp, RAM_OFF + delta);
        },
        () => this.storeOwn(ins, size, ramOp),
      )
    )
      return;
    this.storeOwn(ins, size, ramOp);
  }

  private storeOwn(ins: Insn, size: number, ramOp: W): void {
    const b = this.b;
    this.translate(
      ins,
      size,
      TLB_W,
      0x40,
      () => {
        this.pushAddrHalves();
        b.i32(size).get(B).op(W.I32WrapI64).get(B).i64(32).op(W.I64ShrU).op(W.I32WrapI64).call(Imp.Store).set(STATUS);
        this.trapIfCause(ins);
        this.leaveIfCodeHit(ins);
      },
      () => {
        b.get(B).mem(ramOp, RAM_OFF);
      },
    );
  }

  // ---- floating point (fp.ts) ----

  private fpIns: Insn | null = null;
  readInt(r: number): void {
    this.read(r);
  }
  writeInt(r: number): void {
    this.write(r);
  }

  /** The JS FPU for the current FP instruction (the interpreter's register file carries integer operands). */
  slow(): void {
    const ins = this.fpIns!,
      raw = ins.raw,
      b = this.b;
    if (fpReadsInt(raw)) this.syncOut((raw >>> 15) & 31);
    b.get(ST).i32(raw).call(Imp.Fp).set(STATUS);
    if (fpWritesInt(raw)) this.syncIn((raw >>> 7) & 31);
    this.trapIfCause(ins);
  }

  // ---- instructions ----

  private insn(ins: Insn): void {
    const b = this.b,
      w = ins.w,
      rd = rdOf(w),
      rs1 = rs1Of(w),
      rs2 = rs2Of(w),
      imm = ins.imm;
    const rr = (op: W): void => {
      this.read(rs1);
      this.read(rs2);
      b.op(op);
      this.write(rd);
    };
    const ri = (op: W): void => {
      this.read(rs1);
      b.i64(imm);
      b.op(op);
      this.write(rd);
    };
    /** 32-bit operation on the low halves, result sign-extended */
    const rrW = (op: W): void => {
      this.read(rs1);
      b.op(W.I32WrapI64);
      this.read(rs2);
      b.op(W.I32WrapI64);
      b.op(op).op(W.I64ExtendI32S);
      this.write(rd);
    };
    const riW = (op: W): void => {
      this.read(rs1);
      b.op(W.I32WrapI64).i32(imm).op(op).op(W.I64ExtendI32S);
      this.write(rd);
    };
    const call2 = (f: number): void => {
      this.read(rs1);
      this.read(rs2);
      b.call(f);
      this.write(rd);
    };
    const none = (): void => {};
    switch (ins.op) {
      case Op.Li:
        if (rd !== SINK) {
          b.i64(imm);
          this.write(rd);
        }
        return;
      case Op.Mv:
        if (rd !== SINK) {
          this.read(rs1);
          this.write(rd);
        }
        return;
      case Op.Auipc:
        if (rd !== SINK) {
          this.pcOf(ins.off + imm);
          this.write(rd);
        }
        return;

      // loads fault even when their result goes nowhere
      case Op.Lb:
        this.loadMem(ins, 1, W.I64Load8S, (x) => x.op(W.I64Extend8S));
        this.write(rd);
        return;
      case Op.Lbu:
        this.loadMem(ins, 1, W.I64Load8U, none);
        this.write(rd);
        return;
      case Op.Lh:
        this.loadMem(ins, 2, W.I64Load16S, (x) => x.op(W.I64Extend16S));
        this.write(rd);
        return;
      case Op.Lhu:
        this.loadMem(ins, 2, W.I64Load16U, none);
        this.write(rd);
        return;
      case Op.Lw:
        this.loadMem(ins, 4, W.I64Load32S, (x) => x.op(W.I64Extend32S));
        this.write(rd);
        return;
      case Op.Lwu:
        this.loadMem(ins, 4, W.I64Load32U, none);
        this.write(rd);
        return;
      case Op.Ld:
        this.loadMem(ins, 8, W.I64Load, none);
        this.write(rd);
        return;
      case Op.Flw:
        // NaN-boxed: the high word all ones
        b.get(ST);
        this.loadMem(ins, 4, W.I64Load32U, (x) => x.i64(-1, 0).op(W.I64And));
        b.i64(0, -1)
          .op(W.I64Or)
          .mem(W.I64Store, fReg(rd & 31));
        return;
      case Op.Fld:
        b.get(ST);
        this.loadMem(ins, 8, W.I64Load, none);
        b.mem(W.I64Store, fReg(rd & 31));
        return;
      case Op.Sb:
      case Op.Sh:
      case Op.Sw:
      case Op.Sd: {
        this.read(rs2);
        b.set(B);
        const size = 1 << (ins.op - Op.Sb);
        this.storeMem(ins, size, size === 1 ? W.I64Store8 : size === 2 ? W.I64Store16 : size === 4 ? W.I64Store32 : W.I64Store);
        return;
      }
      case Op.Fsw:
        b.get(ST)
          .mem(W.I64Load, fReg(rs2 & 31))
          .set(B);
        this.storeMem(ins, 4, W.I64Store32);
        return;
      case Op.Fsd:
        b.get(ST)
          .mem(W.I64Load, fReg(rs2 & 31))
          .set(B);
        this.storeMem(ins, 8, W.I64Store);
        return;
      case Op.Fence:
        return;
      case Op.Amo:
        this.syncOut(rs1);
        this.syncOut(rs2);
        b.get(ST).i32(w).i32(ins.raw).call(Imp.Amo).set(STATUS);
        this.syncIn(rd);
        this.trapIfCause(ins);
        this.leaveIfCodeHit(ins);
        return;
      case Op.Fp:
        this.fpIns = ins;
        if (!emitFp(this, ins.raw, FP0)) this.slow();
        return;
    }
    if (rd === SINK) return; // the rest only compute a result
    switch (ins.op) {
      case Op.Addi:
        ri(W.I64Add);
        return;
      case Op.Slti:
        this.read(rs1);
        b.i64(imm).op(W.I64LtS).op(W.I64ExtendI32U);
        this.write(rd);
        return;
      case Op.Sltiu:
        this.read(rs1);
        b.i64(imm).op(W.I64LtU).op(W.I64ExtendI32U);
        this.write(rd);
        return;
      case Op.Xori:
        ri(W.I64Xor);
        return;
      case Op.Ori:
        ri(W.I64Or);
        return;
      case Op.Andi:
        ri(W.I64And);
        return;
      case Op.Slli:
        ri(W.I64Shl);
        return;
      case Op.Srli:
        ri(W.I64ShrU);
        return;
      case Op.Srai:
        ri(W.I64ShrS);
        return;
      case Op.Add:
        rr(W.I64Add);
        return;
      case Op.Sub:
        rr(W.I64Sub);
        return;
      case Op.Sll:
        rr(W.I64Shl);
        return;
      case Op.Srl:
        rr(W.I64ShrU);
        return;
      case Op.Sra:
        rr(W.I64ShrS);
        return;
      case Op.Slt:
        this.read(rs1);
        this.read(rs2);
        b.op(W.I64LtS).op(W.I64ExtendI32U);
        this.write(rd);
        return;
      case Op.Sltu:
        this.read(rs1);
        this.read(rs2);
        b.op(W.I64LtU).op(W.I64ExtendI32U);
        this.write(rd);
        return;
      case Op.Xor:
        rr(W.I64Xor);
        return;
      case Op.Or:
        rr(W.I64Or);
        return;
      case Op.And:
        rr(W.I64And);
        return;
      case Op.Addiw:
        riW(W.I32Add);
        return;
      case Op.Slliw:
        riW(W.I32Shl);
        return;
      case Op.Srliw:
        riW(W.I32ShrU);
        return;
      case Op.Sraiw:
        riW(W.I32ShrS);
        return;
      case Op.Addw:
        rrW(W.I32Add);
        return;
      case Op.Subw:
        rrW(W.I32Sub);
        return;
      case Op.Sllw:
        rrW(W.I32Shl);
        return;
      case Op.Srlw:
        rrW(W.I32ShrU);
        return;
      case Op.Sraw:
        rrW(W.I32ShrS);
        return;
      case Op.Mul:
        rr(W.I64Mul);
        return;
      case Op.Mulw:
        rrW(W.I32Mul);
        return;
      case Op.Mulh:
        call2(Imp.Mulh);
        return;
      case Op.Mulhsu:
        call2(Imp.Mulhsu);
        return;
      case Op.Mulhu:
        call2(Imp.Mulhu);
        return;
      case Op.Div:
        call2(Imp.Div);
        return;
      case Op.Divu:
        call2(Imp.Divu);
        return;
      case Op.Rem:
        call2(Imp.Rem);
        return;
      case Op.Remu:
        call2(Imp.Remu);
        return;
      case Op.Divw:
        call2(Imp.Divw);
        return;
      case Op.Divuw:
        call2(Imp.Divuw);
        return;
      case Op.Remw:
        call2(Imp.Remw);
        return;
      case Op.Remuw:
        call2(Imp.Remuw);
        return;
      default:
        if (this.bitmanip(ins)) return;
        throw new Error(`wasm: op ${ins.op} cannot be compiled`);
    }
  }

  /**
   * B (Zba, Zbb, Zbs) and Zicond: WebAssembly has clz, ctz, popcnt, rotates
   * and sign extensions on i64, so these become a few operators each. False
   * for an op that is not one of them. rd is not the sink.
   */
  private bitmanip(ins: Insn): boolean {
    const b = this.b,
      w = ins.w,
      rd = rdOf(w),
      rs1 = rs1Of(w),
      rs2 = rs2Of(w),
      imm = ins.imm;
    const r1 = (): void => {
      this.read(rs1);
    };
    const r2 = (): void => {
      this.read(rs2);
    };
    const low = (): void => {
      this.read(rs1);
      b.op(W.I32WrapI64);
    };
    const zext32 = (): void => {
      this.read(rs1);
      b.op(W.I32WrapI64).op(W.I64ExtendI32U);
    };
    /** 1 << (shift amount), the amount on the stack as i64 (WebAssembly takes it modulo 64, as RISC-V does) */
    const bitOf = (amount: () => void): void => {
      b.i64(1);
      amount();
      b.op(W.I64Shl);
    };
    const rs2v = (): void => {
      this.read(rs2);
    };
    const immv = (): void => {
      b.i64(imm);
    };
    /** min/max: A = rs1, B = rs2; keep A when cmp(A, B) holds */
    const pick = (cmp: W): void => {
      this.read(rs1);
      b.set(A);
      this.read(rs2);
      b.set(B);
      b.get(A).get(B).get(A).get(B).op(cmp).op(W.Select);
    };
    switch (ins.op) {
      case Op.ShAdd:
        r1();
        b.i64(imm).op(W.I64Shl);
        r2();
        b.op(W.I64Add);
        break;
      case Op.ShAddUw:
        zext32();
        b.i64(imm).op(W.I64Shl);
        r2();
        b.op(W.I64Add);
        break;
      case Op.SlliUw:
        zext32();
        b.i64(imm).op(W.I64Shl);
        break;
      case Op.Andn:
        r1();
        r2();
        b.i64(-1).op(W.I64Xor).op(W.I64And);
        break;
      case Op.Orn:
        r1();
        r2();
        b.i64(-1).op(W.I64Xor).op(W.I64Or);
        break;
      case Op.Xnor:
        r1();
        r2();
        b.op(W.I64Xor).i64(-1).op(W.I64Xor);
        break;
      case Op.Clz:
        r1();
        b.op(W.I64Clz);
        break;
      case Op.Ctz:
        r1();
        b.op(W.I64Ctz);
        break;
      case Op.Cpop:
        r1();
        b.op(W.I64Popcnt);
        break;
      case Op.Clzw:
        low();
        b.op(W.I32Clz).op(W.I64ExtendI32U);
        break;
      case Op.Ctzw:
        low();
        b.op(W.I32Ctz).op(W.I64ExtendI32U);
        break;
      case Op.Cpopw:
        low();
        b.op(W.I32Popcnt).op(W.I64ExtendI32U);
        break;
      case Op.Max:
        pick(W.I64GtS);
        break;
      case Op.Maxu:
        pick(W.I64GtU);
        break;
      case Op.Min:
        pick(W.I64LtS);
        break;
      case Op.Minu:
        pick(W.I64LtU);
        break;
      case Op.SextB:
        r1();
        b.op(W.I64Extend8S);
        break;
      case Op.SextH:
        r1();
        b.op(W.I64Extend16S);
        break;
      case Op.ZextH:
        r1();
        b.i64(0xffff).op(W.I64And);
        break;
      case Op.Rol:
        r1();
        r2();
        b.op(W.I64Rotl);
        break;
      case Op.Ror:
        r1();
        r2();
        b.op(W.I64Rotr);
        break;
      case Op.Rori:
        r1();
        b.i64(imm).op(W.I64Rotr);
        break;
      case Op.Rolw:
        low();
        r2();
        b.op(W.I32WrapI64).op(W.I32Rotl).op(W.I64ExtendI32S);
        break;
      case Op.Rorw:
        low();
        r2();
        b.op(W.I32WrapI64).op(W.I32Rotr).op(W.I64ExtendI32S);
        break;
      case Op.Roriw:
        low();
        b.i32(imm).op(W.I32Rotr).op(W.I64ExtendI32S);
        break;
      case Op.OrcB:
        // bit 7 of each byte of z is set exactly when that byte of rs1 is zero
        // (the add cannot carry across bytes); those bytes become 0, the rest 0xff
        r1();
        b.set(A);
        b.get(A)
          .i64(0x7f7f7f7f, 0x7f7f7f7f)
          .op(W.I64And)
          .i64(0x7f7f7f7f, 0x7f7f7f7f)
          .op(W.I64Add)
          .get(A)
          .op(W.I64Or)
          .i64(0x7f7f7f7f, 0x7f7f7f7f)
          .op(W.I64Or)
          .i64(-1)
          .op(W.I64Xor)
          .i64(7)
          .op(W.I64ShrU)
          .i64(0x01010101, 0x01010101)
          .op(W.I64And)
          .i64(0xff)
          .op(W.I64Mul)
          .i64(-1)
          .op(W.I64Xor);
        break;
      case Op.Rev8:
        // swap bytes within halfwords, halfwords within words, then the words
        r1();
        b.set(A);
        b.get(A)
          .i64(8)
          .op(W.I64ShrU)
          .i64(0x00ff00ff, 0x00ff00ff)
          .op(W.I64And)
          .get(A)
          .i64(0x00ff00ff, 0x00ff00ff)
          .op(W.I64And)
          .i64(8)
          .op(W.I64Shl)
          .op(W.I64Or)
          .set(A);
        b.get(A)
          .i64(16)
          .op(W.I64ShrU)
          .i64(0x0000ffff, 0x0000ffff)
          .op(W.I64And)
          .get(A)
          .i64(0x0000ffff, 0x0000ffff)
          .op(W.I64And)
          .i64(16)
          .op(W.I64Shl)
          .op(W.I64Or)
          .i64(32)
          .op(W.I64Rotl);
        break;
      case Op.Bclr:
        r1();
        bitOf(rs2v);
        b.i64(-1).op(W.I64Xor).op(W.I64And);
        break;
      case Op.Bclri:
        r1();
        bitOf(immv);
        b.i64(-1).op(W.I64Xor).op(W.I64And);
        break;
      case Op.Bset:
        r1();
        bitOf(rs2v);
        b.op(W.I64Or);
        break;
      case Op.Bseti:
        r1();
        bitOf(immv);
        b.op(W.I64Or);
        break;
      case Op.Binv:
        r1();
        bitOf(rs2v);
        b.op(W.I64Xor);
        break;
      case Op.Binvi:
        r1();
        bitOf(immv);
        b.op(W.I64Xor);
        break;
      case Op.Bext:
        r1();
        r2();
        b.op(W.I64ShrU).i64(1).op(W.I64And);
        break;
      case Op.Bexti:
        r1();
        b.i64(imm).op(W.I64ShrU).i64(1).op(W.I64And);
        break;
      // select(a, b, c) is a when c is nonzero
      case Op.CzeroEqz:
        b.i64(0);
        r1();
        r2();
        b.op(W.I64Eqz).op(W.Select);
        break;
      case Op.CzeroNez:
        r1();
        b.i64(0);
        r2();
        b.op(W.I64Eqz).op(W.Select);
        break;
      default:
        return false;
    }
    this.write(rd);
    return true;
  }
}

/** A memory access sharing one translation with others of its block (see planGroups). */
interface Group {
  /** the group's number in its block, picks its address local */
  slot: number;
  header: boolean;
  base: number;
  minOff: number;
  maxEnd: number;
  store: boolean;
  /** this member's offset from minOff */
  delta: number;
}

const ACCESS_SIZE: Partial<Record<number, number>> = {
  [Op.Lb]: 1,
  [Op.Lbu]: 1,
  [Op.Sb]: 1,
  [Op.Lh]: 2,
  [Op.Lhu]: 2,
  [Op.Sh]: 2,
  [Op.Lw]: 4,
  [Op.Lwu]: 4,
  [Op.Sw]: 4,
  [Op.Flw]: 4,
  [Op.Fsw]: 4,
  [Op.Ld]: 8,
  [Op.Sd]: 8,
  [Op.Fld]: 8,
  [Op.Fsd]: 8,
};
const isStoreOp = (op: number): boolean => (op >= Op.Sb && op <= Op.Sd) || op === Op.Fsw || op === Op.Fsd;

/**
 * Loads and stores of one block off the same unchanged base register
 * (stack frames, structs) share one translation: the first member checks
 * that the group's whole span is in one page with a TLB hit, and the others
 * only test its result.
 */
function planGroups(insns: Insn[]): Map<number, Group> {
  const out = new Map<number, Group>();
  let slot = 0;
  for (let i = 0; i < insns.length; i++) {
    const first = insns[i],
      base = rs1Of(first.w);
    if (out.has(i) || ACCESS_SIZE[first.op] === undefined || base === 0) continue;
    const members: number[] = [];
    for (let j = i; j < insns.length; j++) {
      const ins = insns[j];
      if (ins.op === Op.Amo) break;
      if (ACCESS_SIZE[ins.op] !== undefined && rs1Of(ins.w) === base && !out.has(j)) members.push(j);
      if (regsOf(ins).writes & bit(base)) break; // later accesses see a new base
    }
    if (members.length < 2) continue;
    const minOff = Math.min(...members.map((j) => insns[j].imm));
    const maxEnd = Math.max(...members.map((j) => insns[j].imm + ACCESS_SIZE[insns[j].op]! - 1));
    if (maxEnd - minOff >= 4096) continue;
    const store = members.some((j) => isStoreOp(insns[j].op));
    members.forEach((j, n) => out.set(j, { slot, header: n === 0, base, minOff, maxEnd, store, delta: insns[j].imm - minOff }));
    slot++;
  }
  return out;
}
