// The support module: WebAssembly functions every compiled page imports.
//
//   Registers: compiled code has its own file of 32 i64 (XW_OFF); enter
//   copies the interpreter's int32 halves into it, exit copies them back.
//
//   dispatch(st, pc, n, budget)    continue at guest pc: fetch TLB, then the
//                                  entry table (entries.ts), then a tail call
//                                  into the compiled block; on any miss, exit
//                                  to the interpreter at pc
//   exit(st, pc, n, status)        store the exit state, return status
//   enter(st, pcLo, pcHi, n, budget)  the interpreter's hand-off (no i64 in
//                                  JS: the pc comes as halves)
//   stale(st, pc, blk, n, budget)  sits in the function-table slots of
//                                  dropped pages: exits to the interpreter
//   mulhu/mulh/mulhsu, div/divu/rem/remu, divw/divuw/remw/remuw:
//                                  RISC-V's M extension where wasm differs
//                                  (no 128-bit product; division by zero and
//                                  overflow are defined results, not traps)
//
// `st` is the byte offset of the hart's state slot (layout.ts).
import { Body, ModuleBuilder, Op, T } from './encoder.js';
import { ENTRY_OFF, ENTRY_SLOTS, TLB_OFF, W_OFF, Word, X_OFF, XW_OFF } from '../layout.js';
import { TLB_MASK, TLB_X } from '../mmu.js';
import { HASH_MUL, HASH_SHIFT } from './entries.js';

/** The signature of a compiled page function: (st, pc, blk, n, budget) -> status. */
export const REGION_SIG: [T[], T[]] = [[T.I32, T.I64, T.I32, T.I32, T.I32], [T.I32]];

/** Exported names, in the order compiled pages import them (see Imp). */
export const SUPPORT_EXPORTS = ['dispatch', 'exit', 'mulhu', 'mulh', 'mulhsu', 'div', 'divu', 'rem', 'remu', 'divw', 'divuw', 'remw', 'remuw'] as const;

/** Function indices of the imports of a compiled page (support functions, then JS helpers). */
export const enum Imp {
  Dispatch = 0,
  Exit,
  Mulhu,
  Mulh,
  Mulhsu,
  Div,
  Divu,
  Rem,
  Remu,
  Divw,
  Divuw,
  Remw,
  Remuw,
  /** JS: (st, lo, hi, size) -> -1 (value in Word.LdLo/LdHi) or a trap cause */
  Load,
  /** JS: (st, lo, hi, size, vlo, vhi) -> -1, STORE_HIT_CODE, or a trap cause */
  Store,
  /** JS: (st, packed, raw) -> -1, STORE_HIT_CODE, or a trap cause */
  Amo,
  /** JS: (st, raw) -> -1 or a trap cause (tval set) */
  Fp,
}

/** A store (or AMO) hit a page holding decoded code, which is now dropped. */
export const STORE_HIT_CODE = -2;

const EXIT_N = W_OFF + Word.ExitN * 4;
const EXIT_PC = W_OFF + Word.ExitPcLo * 4;

export function supportModule(memPages: number): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory('env', 'mem', memPages);
  m.importTable('env', 'table', 1);
  const region = m.type(...REGION_SIG);
  const tDispatch = m.type([T.I32, T.I64, T.I32, T.I32], [T.I32]);
  const tEnter = m.type([T.I32, T.I32, T.I32, T.I32, T.I32], [T.I32]);
  const tBin = m.type([T.I64, T.I64], [T.I64]);

  // exit: 0 st, 1 pc, 2 n, 3 status; compiled code's registers go back to the interpreter's halves
  const exit = new Body();
  for (let r = 1; r < 32; r++) {
    exit
      .get(0)
      .get(0)
      .mem(Op.I64Load, XW_OFF + r * 8)
      .mem(Op.I64Store32, X_OFF + r * 4)
      .get(0)
      .get(0)
      .mem(Op.I64Load, XW_OFF + r * 8)
      .i64(32)
      .op(Op.I64ShrU)
      .mem(Op.I64Store32, X_OFF + (r + 64) * 4);
  }
  exit.get(0).get(2).mem(Op.I32Store, EXIT_N).get(0).get(1).mem(Op.I64Store, EXIT_PC).get(3).end();
  const fExit = m.func(tDispatch, [], exit.view());

  // dispatch: 0 st, 1 pc, 2 n, 3 budget; locals 4 vpn (i64), 5 entry addr, 6 key + 1, 7 slot, 8 k
  const d = new Body();
  const count = (b: Body, w: Word) =>
    b
      .get(0)
      .get(0)
      .mem(Op.I32Load, W_OFF + w * 4)
      .i32(1)
      .op(Op.I32Add)
      .mem(Op.I32Store, W_OFF + w * 4);
  count(d, Word.Chains);
  d.block()
    // fetch TLB: tag = vpn of a lower-half address (see mmu.ts), value = RAM offset of the page
    .get(1)
    .i64(12)
    .op(Op.I64ShrU)
    .tee(4)
    .op(Op.I32WrapI64)
    .i32(TLB_MASK)
    .op(Op.I32And)
    .i32(5)
    .op(Op.I32Shl)
    .get(0)
    .op(Op.I32Add)
    .tee(5)
    .mem(Op.I64Load32S, TLB_OFF + TLB_X * 4)
    .get(4)
    .op(Op.I64Ne)
    .brIf(0)
    .get(5)
    .mem(Op.I32Load, TLB_OFF + TLB_X * 4 + 4)
    .get(1)
    .op(Op.I32WrapI64)
    .i32(4095)
    .op(Op.I32And)
    .op(Op.I32Or)
    .tee(6)
    .i32(HASH_MUL)
    .op(Op.I32Mul)
    .i32(HASH_SHIFT)
    .op(Op.I32ShrU)
    .set(7)
    // the table holds key + 1 (entries.ts)
    .get(6)
    .i32(1)
    .op(Op.I32Add)
    .set(6)
    .loop()
    .get(7)
    .i32(3)
    .op(Op.I32Shl)
    .mem(Op.I32Load, ENTRY_OFF)
    .tee(8)
    .get(6)
    .op(Op.I32Eq)
    .if_()
    .get(0)
    .get(1)
    .get(7)
    .i32(3)
    .op(Op.I32Shl)
    .mem(Op.I32Load, ENTRY_OFF + 4)
    .tee(8)
    .i32(4095)
    .op(Op.I32And)
    .get(2)
    .get(3)
    .get(8)
    .i32(12)
    .op(Op.I32ShrU)
    .returnCallIndirect(region)
    .end()
    .get(8)
    .op(Op.I32Eqz)
    .brIf(1)
    .get(7)
    .i32(1)
    .op(Op.I32Add)
    .i32(ENTRY_SLOTS - 1)
    .op(Op.I32And)
    .set(7)
    .br(0)
    .end()
    .end();
  count(d, Word.ChainMisses);
  d.get(0).get(1).get(2).i32(-1).returnCall(fExit).end();
  const fDispatch = m.func(tDispatch, [T.I64, T.I32, T.I32, T.I32, T.I32], d.view());

  // enter: 0 st, 1 pcLo, 2 pcHi, 3 n, 4 budget; the interpreter's registers become compiled code's
  const e = new Body();
  for (let r = 1; r < 32; r++) {
    e.get(0)
      .get(0)
      .mem(Op.I64Load32U, X_OFF + r * 4)
      .get(0)
      .mem(Op.I64Load32U, X_OFF + (r + 64) * 4)
      .i64(32)
      .op(Op.I64Shl)
      .op(Op.I64Or)
      .mem(Op.I64Store, XW_OFF + r * 8);
  }
  e.get(0).get(1).op(Op.I64ExtendI32U).get(2).op(Op.I64ExtendI32U).i64(32).op(Op.I64Shl).op(Op.I64Or).get(3).get(4).returnCall(fDispatch).end();
  const fEnter = m.func(tEnter, [], e.view());

  // stale: 0 st, 1 pc, 2 blk, 3 n, 4 budget
  const s = new Body();
  s.get(0).get(1).get(3).i32(-1).returnCall(fExit).end();
  const fStale = m.func(region, [], s.view());

  // mulhu: 0 a, 1 b; locals 2 a0, 3 a1, 4 b0, 5 b1, 6 p01, 7 p10, 8 mid
  const lo32 = (b: Body, l: number) => b.get(l).i64(-1, 0).op(Op.I64And);
  const hi32 = (b: Body, l: number) => b.get(l).i64(32).op(Op.I64ShrU);
  const mu = new Body();
  lo32(mu, 0).set(2);
  hi32(mu, 0).set(3);
  lo32(mu, 1).set(4);
  hi32(mu, 1).set(5);
  mu.get(2).get(5).op(Op.I64Mul).set(6).get(3).get(4).op(Op.I64Mul).set(7).get(2).get(4).op(Op.I64Mul).i64(32).op(Op.I64ShrU);
  lo32(mu, 6).op(Op.I64Add);
  lo32(mu, 7).op(Op.I64Add).set(8);
  mu.get(3).get(5).op(Op.I64Mul);
  hi32(mu, 6).op(Op.I64Add);
  hi32(mu, 7).op(Op.I64Add);
  hi32(mu, 8).op(Op.I64Add).end();
  const fMulhu = m.func(tBin, [T.I64, T.I64, T.I64, T.I64, T.I64, T.I64, T.I64], mu.view());

  // mulh: mulhu - (a < 0 ? b : 0) - (b < 0 ? a : 0); mulhsu: only the first correction
  const corr = (b: Body, neg: number, sub: number) => b.get(sub).i64(0).get(neg).i64(0).op(Op.I64LtS).op(Op.Select).op(Op.I64Sub);
  const mh = new Body();
  mh.get(0).get(1).call(fMulhu);
  corr(mh, 0, 1);
  corr(mh, 1, 0);
  mh.end();
  const fMulh = m.func(tBin, [], mh.view());
  const ms = new Body();
  ms.get(0).get(1).call(fMulhu);
  corr(ms, 0, 1);
  ms.end();
  const fMulhsu = m.func(tBin, [], ms.view());

  // 64-bit division: 0 a (dividend), 1 b (divisor)
  const div = (op: Op, zero: (b: Body) => void, signed: boolean, w: boolean): number => {
    const b = new Body();
    if (w) {
      // operate on the low 32 bits; the result is sign-extended
      b.get(1).op(Op.I32WrapI64).op(Op.I32Eqz).if_(T.I64);
      zero(b);
      b.else_();
      if (signed) {
        b.get(0)
          .op(Op.I32WrapI64)
          .i32(-0x80000000)
          .op(Op.I32Eq)
          .get(1)
          .op(Op.I32WrapI64)
          .i32(-1)
          .op(Op.I32Eq)
          .op(Op.I32And)
          .if_(T.I64)
          .i64(op === Op.I32DivS ? -0x80000000 : 0)
          .else_();
      }
      b.get(0).op(Op.I32WrapI64).get(1).op(Op.I32WrapI64).op(op).op(Op.I64ExtendI32S);
      if (signed) b.end();
      b.end().end();
    } else {
      b.get(1).op(Op.I64Eqz).if_(T.I64);
      zero(b);
      b.else_();
      if (signed && op === Op.I64DivS) {
        // INT64_MIN / -1 overflows: the quotient is the dividend (rem_s is already 0 there)
        b.get(0).i64(0, -0x80000000).op(Op.I64Eq).get(1).i64(-1).op(Op.I64Eq).op(Op.I32And).if_(T.I64).get(0).else_();
      }
      b.get(0).get(1).op(op);
      if (signed && op === Op.I64DivS) b.end();
      b.end().end();
    }
    return m.func(tBin, [], b.view());
  };
  const ones = (b: Body) => b.i64(-1);
  const dividend = (b: Body) => b.get(0);
  const dividendW = (b: Body) => b.get(0).op(Op.I32WrapI64).op(Op.I64ExtendI32S);
  const fDiv = div(Op.I64DivS, ones, true, false);
  const fDivu = div(Op.I64DivU, ones, false, false);
  const fRem = div(Op.I64RemS, dividend, true, false);
  const fRemu = div(Op.I64RemU, dividend, false, false);
  const fDivw = div(Op.I32DivS, ones, true, true);
  const fDivuw = div(Op.I32DivU, ones, false, true);
  const fRemw = div(Op.I32RemS, dividendW, true, true);
  const fRemuw = div(Op.I32RemU, dividendW, false, true);

  const fns: Record<(typeof SUPPORT_EXPORTS)[number], number> = {
    dispatch: fDispatch,
    exit: fExit,
    mulhu: fMulhu,
    mulh: fMulh,
    mulhsu: fMulhsu,
    div: fDiv,
    divu: fDivu,
    rem: fRem,
    remu: fRemu,
    divw: fDivw,
    divuw: fDivuw,
    remw: fRemw,
    remuw: fRemuw,
  };
  for (const name of SUPPORT_EXPORTS) m.export(name, fns[name]);
  m.export('enter', fEnter);
  m.export('stale', fStale);
  return m.bytes();
}
