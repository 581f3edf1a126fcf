// F and D instructions inline in compiled code: the same fast paths as the
// JS FPU (fp-arith.ts, fp-convert.ts, fp-compare.ts), on wasm's f64, which
// rounds to nearest-even exactly as JS does. A fast path keeps a result only
// when it is provably the one the exact FPU gives, flags included: exact
// results in any rounding mode, inexact ones under RNE with no overflow or
// tininess possible (NX is then the only flag). Everything else (directed
// rounding of inexact results, NaNs, infinities, underflow, reserved rounding
// modes, single precision arithmetic) calls the JS FPU, which is exact.
//
// FP registers stay in the register file (fbits) and are read and written
// there; only integer operands and results go through the caller's locals.
import { Body, Op as W, T } from './encoder.js';
import { F_OFF, W_OFF, Word } from '../layout.js';

/** Smallest normal double; products and errors that stay exact above these bounds (see fp-exact.ts). */
const MIN_NORMAL_D = 2.2250738585072014e-308;
const PRODUCT_SAFE_MIN = 2 ** -960;
const DIVIDEND_SAFE_MIN = 2 ** -958;
const FMA_SAFE_MIN = 2 ** -1000;
const SPLITTER = 134217729;
const NX = 1;
const RNE = 0,
  RTZ = 1,
  RDN = 2;
const DYNAMIC = 7;

/** What the FP emitter needs from the page generator. */
export interface FpCtx {
  readonly b: Body;
  /** push / pop integer register r (i64) */
  readInt(r: number): void;
  writeInt(r: number): void;
  /** the JS FPU for this instruction (the exact slow path), trap check included */
  slow(): void;
}

/** Locals the emitter uses: f64 temporaries F0..F9, the rounding mode (i32), an integer operand (i64). */
export const FP_LOCALS = [T.F64, T.F64, T.F64, T.F64, T.F64, T.F64, T.F64, T.F64, T.F64, T.F64, T.I32, T.I64];

const ST = 0;
const fReg = (r: number): number => F_OFF + r * 8;
const FFLAGS = W_OFF + Word.Fflags * 4,
  FRM = W_OFF + Word.Frm * 4;

/** The rounding mode a fast path may assume: a constant, or the dynamic frm checked at run time. */
type Rm = { known: number } | { dynamic: true };

class FpGen {
  readonly b: Body;
  constructor(
    private readonly ctx: FpCtx,
    private readonly f0: number,
  ) {
    this.b = ctx.b;
  }
  F(i: number): number {
    return this.f0 + i;
  }
  get RM(): number {
    return this.f0 + 10;
  }
  get X(): number {
    return this.f0 + 11;
  }

  ld(r: number): this {
    this.b.get(ST).mem(W.F64Load, fReg(r));
    return this;
  }
  /** f[r] = the f64 in local l */
  st(r: number, l: number): this {
    this.b.get(ST).get(l).mem(W.F64Store, fReg(r));
    return this;
  }
  nx(): this {
    this.b.get(ST).get(ST).mem(W.I32Load, FFLAGS).i32(NX).op(W.I32Or).mem(W.I32Store, FFLAGS);
    return this;
  }
  /** push |local l| >= v */
  absGe(l: number, v: number): this {
    this.b.get(l).op(W.F64Abs).f64c(v).op(W.F64Ge);
    return this;
  }
  /** push l - l == 0 (finite) */
  finite(l: number): this {
    this.b.get(l).get(l).op(W.F64Sub).f64c(0).op(W.F64Eq);
    return this;
  }

  /** e = a + b - s exactly (2Sum) into local e; uses F9 */
  addError(a: number, b: number, s: number, e: number): this {
    const t = this.F(9);
    this.b.get(s).get(a).op(W.F64Sub).set(t).get(a).get(s).get(t).op(W.F64Sub).op(W.F64Sub).get(b).get(t).op(W.F64Sub).op(W.F64Add).set(e);
    return this;
  }

  /** e = a * b - p exactly (Dekker) into local e; uses F6..F9 */
  mulError(a: number, b: number, p: number, e: number): this {
    const ah = this.F(6),
      al = this.F(7),
      bh = this.F(8),
      bl = this.F(9),
      x = this.b;
    x.f64c(SPLITTER).get(a).op(W.F64Mul).set(e); // e as scratch t
    x.get(e).get(e).get(a).op(W.F64Sub).op(W.F64Sub).set(ah);
    x.get(a).get(ah).op(W.F64Sub).set(al);
    x.f64c(SPLITTER).get(b).op(W.F64Mul).set(e);
    x.get(e).get(e).get(b).op(W.F64Sub).op(W.F64Sub).set(bh);
    x.get(b).get(bh).op(W.F64Sub).set(bl);
    x.get(ah)
      .get(bh)
      .op(W.F64Mul)
      .get(p)
      .op(W.F64Sub)
      .get(ah)
      .get(bl)
      .op(W.F64Mul)
      .op(W.F64Add)
      .get(al)
      .get(bh)
      .op(W.F64Mul)
      .op(W.F64Add)
      .get(al)
      .get(bl)
      .op(W.F64Mul)
      .op(W.F64Add)
      .set(e);
    return this;
  }

  /** push "rm is RNE" (i32) */
  isRne(rm: Rm): void {
    if ('known' in rm) this.b.i32(rm.known === RNE ? 1 : 0);
    else this.b.get(this.RM).op(W.I32Eqz);
  }
  /** push "rm is not RDN" */
  notRdn(rm: Rm): void {
    if ('known' in rm) this.b.i32(rm.known === RDN ? 0 : 1);
    else this.b.get(this.RM).i32(RDN).op(W.I32Ne);
  }

  /**
   * block $out { block $slow { rm check; body (br 1 = done, br 0 = slow) } slow path }.
   * `body` runs at depth 0 = $slow, 1 = $out.
   */
  frame(rmField: number, body: (rm: Rm) => void): void {
    const b = this.b;
    b.block().block();
    let rm: Rm;
    if (rmField === DYNAMIC) {
      b.get(ST).mem(W.I32Load, FRM).tee(this.RM).i32(4).op(W.I32GtU).brIf(0);
      rm = { dynamic: true };
    } else rm = { known: rmField };
    body(rm);
    b.br(0).end();
    this.ctx.slow();
    b.end();
  }

  /** FADD.D / FSUB.D */
  add(rd: number, rs1: number, rs2: number, rmField: number, sub: boolean): void {
    const [a, bb, s, e] = [this.F(0), this.F(1), this.F(2), this.F(3)],
      b = this.b;
    this.frame(rmField, (rm) => {
      this.ld(rs1);
      b.set(a);
      this.ld(rs2);
      if (sub) b.op(W.F64Neg);
      b.set(bb);
      b.get(a).get(bb).op(W.F64Add).set(s);
      // finite, and not an exact zero that RDN would make -0
      this.finite(s);
      b.op(W.I32Eqz).brIf(0);
      b.get(s).f64c(0).op(W.F64Ne);
      this.notRdn(rm);
      b.op(W.I32Or).op(W.I32Eqz).brIf(0);
      this.addError(a, bb, s, e);
      this.keep(rd, s, e, rm);
    });
  }

  /** Store local v when error e is 0 (exact), or under RNE with e finite (NX); else fall to slow. */
  private keep(rd: number, v: number, e: number, rm: Rm): void {
    const b = this.b;
    b.get(e).f64c(0).op(W.F64Eq).if_();
    this.st(rd, v);
    b.br(2);
    b.end();
    this.isRne(rm);
    this.finite(e);
    b.op(W.I32And).op(W.I32Eqz).brIf(0);
    this.st(rd, v);
    this.nx();
    b.br(1);
  }

  /** FMUL.D */
  mul(rd: number, rs1: number, rs2: number, rmField: number): void {
    const [a, bb, p, e] = [this.F(0), this.F(1), this.F(2), this.F(3)],
      b = this.b;
    this.frame(rmField, (rm) => {
      this.ld(rs1);
      b.set(a);
      this.ld(rs2);
      b.set(bb);
      b.get(a).get(bb).op(W.F64Mul).set(p);
      this.absGe(p, PRODUCT_SAFE_MIN);
      b.get(p).op(W.F64Abs).f64c(Infinity).op(W.F64Ne).op(W.I32And);
      this.absGe(a, MIN_NORMAL_D);
      b.op(W.I32And);
      this.absGe(bb, MIN_NORMAL_D);
      b.op(W.I32And);
      b.if_();
      this.mulError(a, bb, p, e);
      this.keepIn(rd, p, e, rm);
      b.else_();
      // an exact zero: its sign does not depend on the rounding mode
      b.get(p).f64c(0).op(W.F64Eq).get(a).f64c(0).op(W.F64Eq).get(bb).f64c(0).op(W.F64Eq).op(W.I32Or).op(W.I32And).op(W.I32Eqz).brIf(1);
      this.st(rd, p);
      b.br(2);
      b.end();
    });
  }

  /** keep() one `if` deeper (depths +1) */
  private keepIn(rd: number, v: number, e: number, rm: Rm): void {
    const b = this.b;
    b.get(e).f64c(0).op(W.F64Eq).if_();
    this.st(rd, v);
    b.br(3);
    b.end();
    this.isRne(rm);
    this.finite(e);
    b.op(W.I32And).op(W.I32Eqz).brIf(1);
    this.st(rd, v);
    this.nx();
    b.br(2);
  }

  /** FDIV.D */
  div(rd: number, rs1: number, rs2: number, rmField: number): void {
    const [a, bb, q, e, p] = [this.F(0), this.F(1), this.F(2), this.F(3), this.F(4)],
      b = this.b;
    this.frame(rmField, (rm) => {
      this.ld(rs1);
      b.set(a);
      this.ld(rs2);
      b.set(bb);
      b.get(a).get(bb).op(W.F64Div).set(q);
      this.absGe(q, PRODUCT_SAFE_MIN);
      b.get(q).op(W.F64Abs).f64c(Infinity).op(W.F64Ne).op(W.I32And);
      this.absGe(bb, MIN_NORMAL_D);
      b.op(W.I32And);
      this.absGe(a, DIVIDEND_SAFE_MIN);
      b.op(W.I32And);
      b.if_();
      // q is exact iff q*b reproduces a exactly
      b.get(q).get(bb).op(W.F64Mul).set(p);
      this.mulError(q, bb, p, e);
      b.get(p).get(a).op(W.F64Eq).get(e).f64c(0).op(W.F64Eq).op(W.I32And).if_();
      this.st(rd, q);
      b.br(3);
      b.end();
      this.isRne(rm);
      this.finite(e);
      b.op(W.I32And).op(W.I32Eqz).brIf(1);
      this.st(rd, q);
      this.nx();
      b.br(2);
      b.else_();
      b.get(q).f64c(0).op(W.F64Eq).get(a).f64c(0).op(W.F64Eq).op(W.I32And).op(W.I32Eqz).brIf(1);
      this.st(rd, q);
      b.br(2);
      b.end();
    });
  }

  /** FSQRT.D */
  sqrt(rd: number, rs1: number, rmField: number): void {
    const [a, r, p, e] = [this.F(0), this.F(1), this.F(2), this.F(3)],
      b = this.b;
    this.frame(rmField, (rm) => {
      this.ld(rs1);
      b.set(a);
      b.get(a).f64c(DIVIDEND_SAFE_MIN).op(W.F64Ge).get(a).f64c(Infinity).op(W.F64Ne).op(W.I32And);
      b.if_();
      b.get(a).op(W.F64Sqrt).set(r);
      b.get(r).get(r).op(W.F64Mul).set(p);
      this.mulError(r, r, p, e);
      b.get(p).get(a).op(W.F64Eq).get(e).f64c(0).op(W.F64Eq).op(W.I32And).if_();
      this.st(rd, r);
      b.br(3);
      b.end();
      this.isRne(rm);
      this.finite(e);
      b.op(W.I32And).op(W.I32Eqz).brIf(1);
      this.st(rd, r);
      this.nx();
      b.br(2);
      b.else_();
      // sqrt(+-0) = +-0
      b.get(a).f64c(0).op(W.F64Eq).op(W.I32Eqz).brIf(1);
      this.st(rd, a);
      b.br(2);
      b.end();
    });
  }

  /** The four fused multiply-adds, .D (see fp-arith.ts fmaD) */
  fma(rd: number, rs1: number, rs2: number, rs3: number, rmField: number, negProd: boolean, negAdd: boolean): void {
    const [a, bb, c, uh, ul, th] = [this.F(0), this.F(1), this.F(2), this.F(3), this.F(4), this.F(5)],
      b = this.b;
    // F6..F9 are mulError/addError scratch; tl, v, ev, r, er reuse locals once free
    const tl = this.F(1),
      v = this.F(4),
      ev = this.F(3),
      r = this.F(2),
      er = this.F(5);
    this.frame(rmField, (rm) => {
      this.ld(rs1);
      if (negProd) b.op(W.F64Neg);
      b.set(a);
      this.ld(rs2);
      b.set(bb);
      this.ld(rs3);
      if (negAdd) b.op(W.F64Neg);
      b.set(c);
      b.get(a).get(bb).op(W.F64Mul).set(uh);
      this.absGe(uh, PRODUCT_SAFE_MIN);
      b.get(uh).op(W.F64Abs).f64c(Infinity).op(W.F64Ne).op(W.I32And);
      this.absGe(a, MIN_NORMAL_D);
      b.op(W.I32And);
      this.absGe(bb, MIN_NORMAL_D);
      b.op(W.I32And);
      b.if_();
      this.mulError(a, bb, uh, ul); // ul; a, bb free from here
      b.get(c).get(uh).op(W.F64Add).set(th);
      this.addError(c, uh, th, tl); // tl (in bb's local)
      b.get(tl).get(ul).op(W.F64Add).set(a); // v, held in a for now
      this.addError(tl, ul, a, ev); // ev (in uh's local)
      b.get(a).set(v); // v (in ul's local)
      b.get(ev).f64c(0).op(W.F64Ne).if_();
      this.toOdd(v, ev);
      b.end();
      b.get(th).get(v).op(W.F64Add).set(r); // r (in c's local)
      this.addError(th, v, r, a); // er, held in a
      b.get(a).set(er); // er (in th's local)
      this.finite(r);
      this.finite(er);
      b.op(W.I32And);
      this.finite(ev);
      b.op(W.I32And).op(W.I32Eqz).brIf(1);
      b.get(ev).f64c(0).op(W.F64Eq).get(er).f64c(0).op(W.F64Eq).op(W.I32And).if_();
      // exact; an exact zero here is +0, wrong only under RDN
      b.get(r).f64c(0).op(W.F64Ne);
      this.notRdn(rm);
      b.op(W.I32Or).op(W.I32Eqz).brIf(2);
      this.st(rd, r);
      b.br(3);
      b.end();
      this.isRne(rm);
      this.absGe(r, FMA_SAFE_MIN);
      b.op(W.I32And).op(W.I32Eqz).brIf(1);
      this.st(rd, r);
      this.nx();
      b.br(2);
      b.else_();
      // a zero product plus a finite c: exact
      b.get(uh).f64c(0).op(W.F64Eq).get(a).f64c(0).op(W.F64Eq).get(bb).f64c(0).op(W.F64Eq).op(W.I32Or).op(W.I32And);
      this.finite(c);
      b.op(W.I32And).op(W.I32Eqz).brIf(1);
      b.get(c).get(uh).op(W.F64Add).set(r);
      b.get(r).f64c(0).op(W.F64Ne);
      this.notRdn(rm);
      b.op(W.I32Or).op(W.I32Eqz).brIf(1);
      this.st(rd, r);
      b.br(2);
      b.end();
    });
  }

  /** local v = its round-to-odd neighbour given error sign err (v's bits +-1, see fp-exact.ts toOdd) */
  private toOdd(v: number, err: number): void {
    const b = this.b;
    b.get(v).op(W.I64ReinterpretF64).i64(1).op(W.I64And).op(W.I64Eqz).if_();
    b.get(v)
      .op(W.I64ReinterpretF64)
      .i64(1)
      .i64(-1)
      .get(err)
      .f64c(0)
      .op(W.F64Gt)
      .get(v)
      .f64c(0)
      .op(W.F64Gt)
      .op(W.I32Eq)
      .op(W.Select)
      .op(W.I64Add)
      .op(W.F64ReinterpretI64)
      .set(v);
    b.end();
  }
}

/**
 * Emit an OP-FP (0x53) or R4 instruction inline when it has a fast path
 * here; false leaves it to the caller (the JS FPU through a helper). `f0` is
 * the first of FP_LOCALS.
 */
export function emitFp(ctx: FpCtx, raw: number, f0: number): boolean {
  const g = new FpGen(ctx, f0),
    b = ctx.b;
  const opcode = raw & 0x7f,
    rd = (raw >>> 7) & 31,
    rm = (raw >>> 12) & 7;
  const rs1 = (raw >>> 15) & 31,
    rs2 = (raw >>> 20) & 31,
    f7 = raw >>> 25,
    fmt = f7 & 3;
  const legalRm = rm <= 4 || rm === DYNAMIC;
  if (opcode !== 0x53) {
    if (fmt !== 1 || !legalRm) return false;
    const negProd = opcode === 0x4b || opcode === 0x4f,
      negAdd = opcode === 0x47 || opcode === 0x4f;
    g.fma(rd, rs1, rs2, raw >>> 27, rm, negProd, negAdd);
    return true;
  }
  const f5 = f7 >>> 2;
  if (fmt === 1) {
    switch (f5) {
      case 0x00:
      case 0x01:
        if (!legalRm) return false;
        g.add(rd, rs1, rs2, rm, f5 === 1);
        return true;
      case 0x02:
        if (!legalRm) return false;
        g.mul(rd, rs1, rs2, rm);
        return true;
      case 0x03:
        if (!legalRm) return false;
        g.div(rd, rs1, rs2, rm);
        return true;
      case 0x0b:
        if (!legalRm || rs2 !== 0) return false;
        g.sqrt(rd, rs1, rm);
        return true;
      case 0x04: {
        // FSGNJ.D, FSGNJN.D, FSGNJX.D: bits only
        if (rm > 2) return false;
        const sign = (x: Body) => x.i64(0, -0x80000000).op(W.I64And);
        b.get(ST);
        b.get(ST).mem(W.I64Load, fReg(rs1)).i64(-1, 0x7fffffff).op(W.I64And);
        if (rm === 2) b.get(ST).mem(W.I64Load, fReg(rs1)).get(ST).mem(W.I64Load, fReg(rs2)).op(W.I64Xor);
        else {
          b.get(ST).mem(W.I64Load, fReg(rs2));
          if (rm === 1) b.i64(-1).op(W.I64Xor);
        }
        sign(b);
        b.op(W.I64Or).mem(W.I64Store, fReg(rd));
        return true;
      }
      case 0x05: {
        // FMIN.D, FMAX.D: wasm's min/max order -0 < +0 as RISC-V does; NaNs go slow
        if (rm > 1) return false;
        const [a, c] = [g.F(0), g.F(1)];
        b.block().block();
        g.ld(rs1);
        b.tee(a).get(a).op(W.F64Ne);
        g.ld(rs2);
        b.tee(c).get(c).op(W.F64Ne).op(W.I32Or).brIf(0);
        b.get(ST)
          .get(a)
          .get(c)
          .op(rm === 1 ? W.F64Max : W.F64Min)
          .mem(W.F64Store, fReg(rd))
          .br(1);
        b.end();
        ctx.slow();
        b.end();
        return true;
      }
      case 0x14: {
        // FLE.D, FLT.D, FEQ.D: no NaN, no flag
        if (rm > 2) return false;
        const [a, c] = [g.F(0), g.F(1)];
        b.block().block();
        g.ld(rs1);
        b.tee(a).get(a).op(W.F64Ne);
        g.ld(rs2);
        b.tee(c).get(c).op(W.F64Ne).op(W.I32Or).brIf(0);
        b.get(a)
          .get(c)
          .op(rm === 0 ? W.F64Le : rm === 1 ? W.F64Lt : W.F64Eq)
          .op(W.I64ExtendI32U);
        ctx.writeInt(rd);
        b.br(1).end();
        ctx.slow();
        b.end();
        return true;
      }
      case 0x18: // FCVT.{W,WU,L,LU}.D, RTZ only (C's casts)
        if (rm !== RTZ || rs2 > 3) return false;
        cvtToInt(g, ctx, rd, rs1, rs2);
        return true;
      case 0x1a: // FCVT.D.{W,WU,L,LU}: exact conversions
        if (!legalRm || rs2 > 3) return false;
        ctx.readInt(rs1);
        b.set(g.X);
        g.frame(rm, () => {
          const t = g.F(0);
          b.get(g.X);
          if (rs2 === 0) b.op(W.I32WrapI64).op(W.F64ConvertI32S);
          else if (rs2 === 1) b.op(W.I32WrapI64).op(W.F64ConvertI32U);
          else {
            // below 2^53 in magnitude: exact
            const lim = 2 ** 53;
            b.op(rs2 === 2 ? W.F64ConvertI64S : W.F64ConvertI64U)
              .tee(t)
              .op(W.F64Abs)
              .f64c(lim)
              .op(W.F64Lt)
              .op(W.I32Eqz)
              .brIf(0)
              .get(t);
          }
          b.set(t);
          g.st(rd, t);
          b.br(1);
        });
        return true;
      case 0x1c: // FMV.X.D (FCLASS.D goes slow)
        if (rm !== 0 || rs2 !== 0) return false;
        b.get(ST).mem(W.I64Load, fReg(rs1));
        ctx.writeInt(rd);
        return true;
      case 0x1e: // FMV.D.X
        if (rm !== 0 || rs2 !== 0) return false;
        b.get(ST);
        ctx.readInt(rs1);
        b.mem(W.I64Store, fReg(rd));
        return true;
      default:
        return false;
    }
  }
  if (fmt === 0) {
    if (f5 === 0x1c && rm === 0 && rs2 === 0) {
      // FMV.X.W: the low word, sign-extended
      b.get(ST).mem(W.I64Load32S, fReg(rs1));
      ctx.writeInt(rd);
      return true;
    }
    if (f5 === 0x1e && rm === 0 && rs2 === 0) {
      // FMV.W.X: NaN-boxed
      b.get(ST);
      ctx.readInt(rs1);
      b.i64(-1, 0).op(W.I64And).i64(0, -1).op(W.I64Or).mem(W.I64Store, fReg(rd));
      return true;
    }
  }
  return false;
}

/** FCVT.{W,WU,L,LU}.D with RTZ: in range, truncate (NX if it had a fraction); else the JS FPU saturates. */
function cvtToInt(g: FpGen, ctx: FpCtx, rd: number, rs1: number, kind: number): void {
  const b = ctx.b,
    x = g.F(0),
    t = g.F(1);
  const [lo, hi] = kind === 0 ? [-2147483648, 2147483647] : kind === 1 ? [0, 4294967295] : kind === 2 ? [-(2 ** 63), 2 ** 63] : [0, 2 ** 64];
  const hiOp = kind <= 1 ? W.F64Le : W.F64Lt;
  b.block().block();
  g.ld(rs1);
  b.tee(x).op(W.F64Trunc).tee(t).f64c(lo).op(W.F64Ge).get(t).f64c(hi).op(hiOp).op(W.I32And).op(W.I32Eqz).brIf(0);
  b.get(x).get(t).op(W.F64Ne).if_();
  g.nx();
  b.end();
  b.get(t);
  switch (kind) {
    case 0:
      b.op(W.I32TruncF64S).op(W.I64ExtendI32S);
      break;
    case 1:
      b.op(W.I32TruncF64U).op(W.I64ExtendI32S);
      break; // WU's result is sign-extended
    case 2:
      b.op(W.I64TruncF64S);
      break;
    default:
      b.op(W.I64TruncF64U);
      break;
  }
  ctx.writeInt(rd);
  b.br(1).end();
  ctx.slow();
  b.end();
}
