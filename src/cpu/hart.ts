// One RV64GC hart running in user mode. Every trap leaves run() and is handled
// by the kernel (TypeScript); the hart itself knows nothing of Linux.
//
// Speed comes from four things: registers live as int32 halves in a typed
// array (no BigInt), instructions are decoded once per physical page (see
// decode.ts), run() stays inside a page until a jump leaves it, so the fetch
// TLB is consulted once per page entry rather than per instruction, and hot
// code is compiled to JavaScript (jit.ts) at block entries, where run() counts
// how often each address is entered. Loads and stores hit a direct-mapped TLB
// with one tag compare; everything unusual (TLB miss, misalignment, page
// crossing, faults) goes to slow paths.
import type { PhysMem } from './physmem.js';
import { Mmu, Access, TLB_MASK, TLB_SIZE } from './mmu.js';
import { X_OFF, F_OFF, W_OFF, TLB_OFF, Word } from './layout.js';

/** The memory's WebAssembly tier, or null where the host forbids compiling WebAssembly (CSP). */
function newWasmJit(mem: PhysMem, memory: WebAssembly.Memory): WasmJit | null {
  try {
    return new WasmJit(mem, memory);
  } catch {
    return null;
  }
}
import { Op, PAGE_SLOTS, SLOT_INTS, decodeSlot, newCodePage } from './decode.js';
import { mul64, mulh64, div64, div32 } from './alu64.js';
import { ctz32, cpop32, orcb32, bswap32 } from './bitmanip.js';
import { execCsr } from './csr.js';
import { execFp } from './fpu.js';
import { compileRegion, JIT_SLOT, JIT_PAGE, type RegionFn, type JitHart } from './jit.js';
import { WasmJit, IN_WASM, NEVER, OPT_BACK_EDGES, type WasmHart } from './wasm/runtime.js';
import { OPTIMIZE } from './wasm/emit.js';
import { Cause, u64ToNumber } from './trap.js';
import { warmUp } from './warmup.js';

export { Cause } from './trap.js';

const TWO32 = 4294967296;
/** The decode-cache word counting block entries the interpreter made in the page (the sentinel slot's counter). */
const PAGE_COUNT = PAGE_SLOTS * SLOT_INTS + 3;
/** Largest budget handed to compiled WebAssembly at once (its counters are int32). */
const WASM_BUDGET = 0x3fffffff;
/** Default compile thresholds (block entries) of the two compilers. */
export const WASM_THRESHOLD = 1000;
export const JS_THRESHOLD = 2000;

/** Which compiler turns hot code into functions: WebAssembly (wasm/), or JavaScript (jit.ts) where wasm is missing. */
export type JitBackend = 'wasm' | 'js';

/**
 * Ways to run code a hart can be held to (tests, `tuxglass run --jit`): the
 * interpreter alone, the JavaScript compiler, WebAssembly (the default where
 * the host has it), and WebAssembly compiling each block on its first run.
 */
export const TIER_NAMES = ['interp', 'js', 'wasm', 'wasm-eager'] as const;
export type TierName = (typeof TIER_NAMES)[number];

export class Hart implements JitHart, WasmHart {
  readonly mem: PhysMem;
  readonly hartId: number;
  readonly mmu: Mmu;
  /**
   * All integer registers in one array: x[i] low half, x[i + 64] high half
   * (one base pointer in the hot loop). Slot 32 is a write sink for rd = x0.
   * @internal
   */
  readonly x: Int32Array;
  /** Integer registers, low halves (a view of x). */
  readonly xl: Int32Array;
  /** Integer registers, high halves (a view of x). */
  readonly xh: Int32Array;
  readonly fregs: Float64Array;
  /** The FP registers' bits: fbits[2i] low, fbits[2i+1] high (little-endian host). */
  readonly fbits: Int32Array;
  /**
   * The hart's words in linear memory (layout.ts Word): fflags, frm and the
   * exit state of compiled WebAssembly live there so compiled code reaches them.
   * @internal
   */
  readonly words: Int32Array;
  /** Byte offset of this hart's state slot in the linear memory; -1: not in it (no WebAssembly). */
  readonly slot: number;
  pc = 0;
  instret = 0;
  tval = 0;
  timeSource: () => number = () => Math.floor(this.instret / 100);
  /**
   * Entries into a code address (page entry or taken branch) before the code
   * there is compiled to JavaScript (jit.ts); Infinity: interpret only.
   */
  jitThreshold = JS_THRESHOLD;
  /** The compiler hot code goes to; 'wasm' only where the hart's state is in linear memory. */
  jitBackend: JitBackend = 'js';
  /** Instructions retired by compiled code: JavaScript regions, WebAssembly (the rest was interpreted). */
  jsInsns = 0;
  wasmInsns = 0;
  /** Hand-offs from the interpreter to compiled WebAssembly. */
  wasmEnters = 0;

  // LR/SC reservation: RAM offset (-1 none), width, and the value LR read
  private resvOff = -1;
  private resvSize = 0;
  private resvLo = 0;
  private resvHi = 0;
  // value returned by loadSlow()
  private ldLo = 0;
  private ldHi = 0;
  /** @internal exit state of a compiled region (see jit.ts) */
  jn = 0;
  /** @internal */
  js = 0;
  /** @internal */
  jpcLo = 0;
  /** @internal */
  jpcHi = 0;
  /**
   * Decoded form of a 4-byte instruction that straddles two pages: slot 0
   * holds it and every other slot is a page end, so any in-"page" branch
   * target resolves to a normal exit with the right pc.
   */
  private readonly straddle: Int32Array;

  private static warm = false;

  /**
   * Warm the interpreter up (once per process; the first hart does it
   * anyway). A host calls this as early as it can: V8 then optimizes run()
   * on a helper thread while the host goes on loading and booting.
   */
  static prepare(): void {
    if (!Hart.warm) {
      Hart.warm = true;
      warmUp((m) => new Hart(m, -1));
    }
  }

  constructor(mem: PhysMem, hartId: number) {
    Hart.prepare();
    this.mem = mem;
    this.hartId = hartId;
    // registers, TLB and exit words in the hart's slot of the linear memory (layout.ts)
    const st = mem.allocHartState(),
      buf = st.buffer,
      at = st.offset;
    this.slot = st.wasm ? at : -1;
    this.x = new Int32Array(buf, at + X_OFF, 128);
    this.xl = this.x.subarray(0, 64);
    this.xh = this.x.subarray(64, 128);
    this.fregs = new Float64Array(buf, at + F_OFF, 32);
    this.fbits = new Int32Array(buf, at + F_OFF, 64);
    this.words = new Int32Array(buf, at + W_OFF, Word.Count);
    this.mmu = new Mmu(mem, new Int32Array(buf, at + TLB_OFF, TLB_SIZE * 8));
    if (this.slot >= 0 && mem.wasm) {
      mem.wasmJit ??= newWasmJit(mem, mem.wasm);
      if (mem.wasmJit) {
        mem.wasmJit.attach(this);
        this.jitBackend = 'wasm';
        this.jitThreshold = WASM_THRESHOLD;
      }
    }
    const s = newCodePage();
    for (let i = 0; i < PAGE_SLOTS; i++) s[i * SLOT_INTS] = Op.PageEnd;
    this.straddle = s;
    // Numeric fields start out as small integers but later hold any double
    // (addresses, counters, int32 bits beyond V8's 31-bit small integers).
    // Widening a field changes the object's hidden class, which throws away
    // optimized code of run() compiled meanwhile: widen them all now.
    const self = this as unknown as Record<string, number>;
    for (const f of [
      'pc',
      'instret',
      'tval',
      'jitThreshold',
      'jsInsns',
      'wasmInsns',
      'wasmEnters',
      'resvOff',
      'resvSize',
      'resvLo',
      'resvHi',
      'ldLo',
      'ldHi',
      'jn',
      'js',
      'jpcLo',
      'jpcHi',
    ]) {
      const v = self[f];
      self[f] = 0.5;
      self[f] = v;
    }
  }

  /** Hold the hart to one way of running code; false when this host has no WebAssembly for it. */
  setTier(t: TierName): boolean {
    const wasm = t === 'wasm' || t === 'wasm-eager';
    if (wasm && (this.slot < 0 || !this.mem.wasmJit)) return false;
    this.jitBackend = wasm ? 'wasm' : 'js';
    this.jitThreshold = t === 'interp' ? Infinity : t === 'js' ? JS_THRESHOLD : t === 'wasm' ? WASM_THRESHOLD : 1;
    if (wasm) this.mem.wasmJit!.optBackEdges = t === 'wasm' ? OPT_BACK_EDGES : 1;
    return true;
  }

  /** Accrued FP exception flags (NV=16, DZ=8, OF=4, UF=2, NX=1). */
  get fflags(): number {
    return this.words[Word.Fflags];
  }
  set fflags(v: number) {
    this.words[Word.Fflags] = v;
  }
  /** Dynamic rounding mode. */
  get frm(): number {
    return this.words[Word.Frm];
  }
  set frm(v: number) {
    this.words[Word.Frm] = v;
  }

  get satpRoot(): number {
    return this.mmu.root;
  }
  set satpRoot(root: number) {
    this.setPageTable(root);
  }

  setPageTable(rootPageIndex: number): void {
    this.mmu.root = rootPageIndex;
    this.mmu.flush();
  }

  flushTlb(): void {
    this.mmu.flush();
  }

  clearReservation(): void {
    this.resvOff = -1;
  }

  /**
   * Execute up to `budget` instructions. Returns -1 when the budget is used
   * up, else the trap cause; then pc is the trapping instruction (not
   * retired) and tval is set.
   */
  run(budget: number): number {
    if (!(budget > 0)) return -1;
    const x = this.x,
      xl = this.xl,
      xh = this.xh,
      fbits = this.fbits;
    const mem = this.mem,
      memCode = mem.code;
    const i32 = mem.i32,
      u8 = mem.u8,
      i8 = mem.i8,
      u16 = mem.u16,
      i16 = mem.i16;
    const mmu = this.mmu;
    const tlb = mmu.tlb;
    const start = this.instret,
      hot = Math.min(this.jitThreshold, NEVER);
    const wasm = this.jitBackend === 'wasm' ? this.mem.wasmJit : null,
      words = this.words,
      slot = this.slot;
    // a compiled block gave the slice back without progress (budget): interpret the next block
    let skip = false;
    // The first block entry resumes where the last slice stopped: after a
    // trap, or at any instruction where a timer ended it. It may use compiled
    // code but never makes a block start there, or interrupts landing at
    // random would cut hot blocks into single instructions.
    let resume = true;
    let n = 0;
    let pcHi = Math.floor(this.pc / TWO32) | 0,
      pcLo = this.pc | 0;
    let cause = -1;
    // jumps clear bit 0 and branch offsets are even: only the kernel can set an odd pc
    if (pcLo & 1) {
      this.tval = this.pc;
      return Cause.InsnMisaligned;
    }
    // current decoded page, the VA of its slot 0 (high half is pcHi), its RAM page, slot index
    /* eslint-disable no-useless-assignment -- hot loop: numbers from the start keep V8's representation of these small integers stable */
    let code = this.straddle,
      base = 0,
      phys = -1,
      p = 0;
    /* eslint-enable no-useless-assignment */

    outer: for (;;) {
      // enter the page holding pcHi:pcLo
      {
        const vpn = (pcHi << 20) | (pcLo >>> 12),
          ti = (vpn & TLB_MASK) << 3;
        let off: number;
        if (pcHi >>> 6 === 0 && tlb[ti + 4] === vpn) off = tlb[ti + 5];
        else {
          off = mmu.translate(pcLo, pcHi, Access.Fetch);
          if (off < 0) {
            cause = mmu.cause;
            this.tval = mmu.tval;
            break outer;
          }
        }
        phys = off >>> 12;
        code = memCode[phys] ?? mem.codePage(phys);
        base = pcLo & ~0xfff;
        p = (pcLo & 0xfff) << 1;
      }

      leave: {
        trap: {
          blk: for (;;) {
            // block entry: the page was just entered or a branch landed at p;
            // hot entries run compiled regions (jit.ts)
            entry: while (phys >= 0) {
              if (skip) {
                skip = false;
                break;
              }
              const c = code[p + 3];
              if (resume) {
                resume = false;
                if (c >= 0 && c < NEVER && (c === 0 || wasm || c < hot)) {
                  if (c > 0 && c < hot) code[p + 3] = c + 1;
                  break;
                }
              }
              if (c === IN_WASM) {
                // the hand-off to WebAssembly (wasm/runtime.ts): it runs and chains until it exits
                const r = wasm!.enter(slot, (base + (p >> 1)) | 0, pcHi, 0, Math.min(budget - n, WASM_BUDGET));
                const done = words[Word.ExitN];
                n += done;
                this.wasmInsns += done;
                this.wasmEnters++;
                pcLo = words[Word.ExitPcLo];
                pcHi = words[Word.ExitPcHi];
                if (r >= 0) {
                  cause = r;
                  break outer;
                }
                if (r === OPTIMIZE) {
                  this.optimiseAt(pcLo, pcHi);
                  continue outer;
                }
                skip = done === 0;
                continue outer;
              }
              if (wasm) {
                // WebAssembly compiles whole pages: a page is hot when its blocks were entered `hot` times
                if (c === NEVER || c < 0) break;
                if (c < hot) code[p + 3] = c + 1;
                if (++code[PAGE_COUNT] < hot) break;
                code[PAGE_COUNT] = 0;
                if (!wasm.compile(code, phys, u64ToNumber(base, pcHi), undefined, this.nextPageHalf(base, pcHi))) break;
                continue;
              }
              let fn: RegionFn | null;
              if (c < 0) fn = (mem.compiled[phys] as RegionFn[])[~c];
              else if (c < hot) {
                code[p + 3] = c + 1;
                break;
              } else if (c === NEVER) break;
              else if (!(fn = this.compileAt(code, phys, p))) break;
              const r = fn(this, budget - n, base, pcHi, code, phys);
              n += this.jn;
              this.jsInsns += this.jn;
              if (r === JIT_SLOT) {
                p = this.js << 1;
                if (memCode[phys] !== code) break leave;
                // no progress (budget nearly used up): interpret from p
                if (this.jn === 0) break;
                continue entry;
              }
              if (r === JIT_PAGE) {
                pcLo = this.jpcLo;
                pcHi = this.jpcHi;
                continue outer;
              }
              p = this.js << 1;
              cause = r;
              n++; // n-- below: the trapping instruction is not retired
              break trap;
            }
            for (;;) {
              if (n >= budget) break trap;
              const w = code[p];
              n++;
              switch (w & 255) {
                case Op.Undecoded: {
                  n--;
                  const s = p >> 2,
                    hw = phys * 2048 + s;
                  if (s === PAGE_SLOTS - 1 && (u16[hw] & 3) === 3) code[p] = Op.Straddle;
                  else decodeSlot(code, p, u16[hw], u16[hw + 1]);
                  continue;
                }
                case Op.PageEnd:
                  n--;
                  break leave;
                case Op.Straddle: {
                  n--;
                  const r = this.decodeStraddle(pcHi, base, phys);
                  if (r >= 0) {
                    cause = r;
                    n++;
                    break trap;
                  }
                  code = this.straddle;
                  base = (base + 4094) | 0;
                  phys = -1;
                  p = 0;
                  continue;
                }
                case Op.Illegal:
                  this.tval = code[p + 2] >>> 0;
                  cause = Cause.Illegal;
                  break trap;

                // ---- constants, moves, pc-relative ----
                case Op.Li: {
                  const rd = (w >>> 8) & 63,
                    imm = code[p + 1];
                  x[rd] = imm;
                  x[rd + 64] = imm >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Mv: {
                  const rd = (w >>> 8) & 63,
                    rs1 = (w >>> 14) & 63;
                  x[rd] = x[rs1];
                  x[rd + 64] = x[rs1 + 64];
                  p += w >>> 26;
                  continue;
                }
                case Op.Auipc: {
                  const a = (base + (p >> 1)) | 0,
                    imm = code[p + 1],
                    lo = (a + imm) | 0;
                  const hi = pcHi + (a >>> 0 < base >>> 0 ? 1 : 0) + (imm >> 31) + (lo >>> 0 < a >>> 0 ? 1 : 0);
                  const rd = (w >>> 8) & 63;
                  x[rd] = lo;
                  x[rd + 64] = hi | 0;
                  p += w >>> 26;
                  continue;
                }

                // ---- jumps and branches (taken ones fall out of the switch) ----
                case Op.Jal: {
                  const l = (base + (p >> 1) + (w >>> 27)) | 0,
                    rd = (w >>> 8) & 63;
                  x[rd] = l;
                  x[rd + 64] = (pcHi + (l >>> 0 < base >>> 0 ? 1 : 0)) | 0;
                  break;
                }
                case Op.Jalr: {
                  const rs1 = (w >>> 14) & 63,
                    a = x[rs1],
                    imm = code[p + 1];
                  const lo = (a + imm) | 0;
                  const hi = (x[rs1 + 64] + (imm >> 31) + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
                  const l = (base + (p >> 1) + (w >>> 27)) | 0,
                    rd = (w >>> 8) & 63;
                  x[rd] = l;
                  x[rd + 64] = (pcHi + (l >>> 0 < base >>> 0 ? 1 : 0)) | 0;
                  pcLo = lo & ~1;
                  pcHi = hi;
                  continue outer;
                }
                case Op.Beq: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63;
                  if (x[a] !== x[b] || x[a + 64] !== x[b + 64]) {
                    p += w >>> 26;
                    if (code[p + 3] === 0) code[p + 3] = 1;
                    continue;
                  }
                  break;
                }
                case Op.Bne: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63;
                  if (x[a] === x[b] && x[a + 64] === x[b + 64]) {
                    p += w >>> 26;
                    if (code[p + 3] === 0) code[p + 3] = 1;
                    continue;
                  }
                  break;
                }
                case Op.Blt: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    ah = x[a + 64],
                    bh = x[b + 64];
                  if (!(ah < bh || (ah === bh && x[a] >>> 0 < x[b] >>> 0))) {
                    p += w >>> 26;
                    if (code[p + 3] === 0) code[p + 3] = 1;
                    continue;
                  }
                  break;
                }
                case Op.Bge: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    ah = x[a + 64],
                    bh = x[b + 64];
                  if (ah < bh || (ah === bh && x[a] >>> 0 < x[b] >>> 0)) {
                    p += w >>> 26;
                    if (code[p + 3] === 0) code[p + 3] = 1;
                    continue;
                  }
                  break;
                }
                case Op.Bltu: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    ah = x[a + 64] >>> 0,
                    bh = x[b + 64] >>> 0;
                  if (!(ah < bh || (ah === bh && x[a] >>> 0 < x[b] >>> 0))) {
                    p += w >>> 26;
                    if (code[p + 3] === 0) code[p + 3] = 1;
                    continue;
                  }
                  break;
                }
                case Op.Bgeu: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    ah = x[a + 64] >>> 0,
                    bh = x[b + 64] >>> 0;
                  if (ah < bh || (ah === bh && x[a] >>> 0 < x[b] >>> 0)) {
                    p += w >>> 26;
                    if (code[p + 3] === 0) code[p + 3] = 1;
                    continue;
                  }
                  break;
                }

                // ---- loads: TLB hit and aligned, else the slow path ----
                case Op.Lb:
                case Op.Lbu: {
                  const rs1 = (w >>> 14) & 63,
                    a = x[rs1],
                    imm = code[p + 1],
                    lo = (a + imm) | 0;
                  const hi = (x[rs1 + 64] + (imm >> 31) + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
                  const vpn = (hi << 20) | (lo >>> 12),
                    ti = (vpn & TLB_MASK) << 3;
                  let v: number;
                  if (hi >>> 6 === 0 && tlb[ti] === vpn) {
                    const o = tlb[ti + 1] | (lo & 0xfff);
                    v = (w & 255) === Op.Lb ? i8[o] : u8[o];
                  } else {
                    const r = this.loadSlow(lo, hi, 1);
                    if (r >= 0) {
                      cause = r;
                      break trap;
                    }
                    v = (w & 255) === Op.Lb ? (this.ldLo << 24) >> 24 : this.ldLo;
                  }
                  const rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Lh:
                case Op.Lhu: {
                  const rs1 = (w >>> 14) & 63,
                    a = x[rs1],
                    imm = code[p + 1],
                    lo = (a + imm) | 0;
                  const hi = (x[rs1 + 64] + (imm >> 31) + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
                  const vpn = (hi << 20) | (lo >>> 12),
                    ti = (vpn & TLB_MASK) << 3;
                  let v: number;
                  if (hi >>> 6 === 0 && tlb[ti] === vpn && (lo & 1) === 0) {
                    const o = (tlb[ti + 1] | (lo & 0xfff)) >> 1;
                    v = (w & 255) === Op.Lh ? i16[o] : u16[o];
                  } else {
                    const r = this.loadSlow(lo, hi, 2);
                    if (r >= 0) {
                      cause = r;
                      break trap;
                    }
                    v = (w & 255) === Op.Lh ? (this.ldLo << 16) >> 16 : this.ldLo;
                  }
                  const rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Lw:
                case Op.Lwu: {
                  const rs1 = (w >>> 14) & 63,
                    a = x[rs1],
                    imm = code[p + 1],
                    lo = (a + imm) | 0;
                  const hi = (x[rs1 + 64] + (imm >> 31) + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
                  const vpn = (hi << 20) | (lo >>> 12),
                    ti = (vpn & TLB_MASK) << 3;
                  let v: number;
                  if (hi >>> 6 === 0 && tlb[ti] === vpn && (lo & 3) === 0) v = i32[(tlb[ti + 1] | (lo & 0xfff)) >> 2];
                  else {
                    const r = this.loadSlow(lo, hi, 4);
                    if (r >= 0) {
                      cause = r;
                      break trap;
                    }
                    v = this.ldLo;
                  }
                  const rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = (w & 255) === Op.Lw ? v >> 31 : 0;
                  p += w >>> 26;
                  continue;
                }
                case Op.Ld: {
                  const rs1 = (w >>> 14) & 63,
                    a = x[rs1],
                    imm = code[p + 1],
                    lo = (a + imm) | 0;
                  const hi = (x[rs1 + 64] + (imm >> 31) + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
                  const vpn = (hi << 20) | (lo >>> 12),
                    ti = (vpn & TLB_MASK) << 3,
                    rd = (w >>> 8) & 63;
                  if (hi >>> 6 === 0 && tlb[ti] === vpn && (lo & 7) === 0) {
                    const o = (tlb[ti + 1] | (lo & 0xfff)) >> 2;
                    x[rd] = i32[o];
                    x[rd + 64] = i32[o + 1];
                  } else {
                    const r = this.loadSlow(lo, hi, 8);
                    if (r >= 0) {
                      cause = r;
                      break trap;
                    }
                    x[rd] = this.ldLo;
                    x[rd + 64] = this.ldHi;
                  }
                  p += w >>> 26;
                  continue;
                }
                case Op.Flw:
                case Op.Fld: {
                  const rs1 = (w >>> 14) & 63,
                    a = x[rs1],
                    imm = code[p + 1],
                    lo = (a + imm) | 0;
                  const hi = (x[rs1 + 64] + (imm >> 31) + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
                  const vpn = (hi << 20) | (lo >>> 12),
                    ti = (vpn & TLB_MASK) << 3,
                    fd = ((w >>> 8) & 31) * 2;
                  const dbl = (w & 255) === Op.Fld;
                  if (hi >>> 6 === 0 && tlb[ti] === vpn && (lo & (dbl ? 7 : 3)) === 0) {
                    const o = (tlb[ti + 1] | (lo & 0xfff)) >> 2;
                    fbits[fd] = i32[o];
                    fbits[fd + 1] = dbl ? i32[o + 1] : -1;
                  } else {
                    const r = this.loadSlow(lo, hi, dbl ? 8 : 4);
                    if (r >= 0) {
                      cause = r;
                      break trap;
                    }
                    fbits[fd] = this.ldLo;
                    fbits[fd + 1] = dbl ? this.ldHi : -1;
                  }
                  p += w >>> 26;
                  continue;
                }

                // ---- stores: the write TLB never maps a page holding decoded code ----
                case Op.Sb:
                case Op.Sh:
                case Op.Sw:
                case Op.Sd:
                case Op.Fsw:
                case Op.Fsd: {
                  const rs1 = (w >>> 14) & 63,
                    a = x[rs1],
                    imm = code[p + 1],
                    lo = (a + imm) | 0;
                  const hi = (x[rs1 + 64] + (imm >> 31) + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
                  const vpn = (hi << 20) | (lo >>> 12),
                    ti = (vpn & TLB_MASK) << 3,
                    rs2 = (w >>> 20) & 63;
                  const op = w & 255;
                  // value and width
                  let vl: number, vh: number, size: number;
                  if (op === Op.Fsw || op === Op.Fsd) {
                    vl = fbits[(rs2 & 31) * 2];
                    vh = fbits[(rs2 & 31) * 2 + 1];
                    size = op === Op.Fsw ? 4 : 8;
                  } else {
                    vl = x[rs2];
                    vh = x[rs2 + 64];
                    size = 1 << (op - Op.Sb);
                  }
                  if (hi >>> 6 === 0 && tlb[ti + 2] === vpn && (lo & (size - 1)) === 0) {
                    const o = tlb[ti + 3] | (lo & 0xfff);
                    if (size === 4) i32[o >> 2] = vl;
                    else if (size === 8) {
                      i32[o >> 2] = vl;
                      i32[(o >> 2) + 1] = vh;
                    } else if (size === 1) u8[o] = vl;
                    else u16[o >> 1] = vl;
                  } else {
                    const r = this.storeSlow(lo, hi, size, vl, vh);
                    if (r >= 0) {
                      cause = r;
                      break trap;
                    }
                    // the store hit the page being executed: re-enter it freshly decoded
                    if (memCode[phys] !== code) {
                      p += w >>> 26;
                      break leave;
                    }
                  }
                  p += w >>> 26;
                  continue;
                }

                // ---- integer register-immediate ----
                case Op.Addi: {
                  const rs1 = (w >>> 14) & 63,
                    a = x[rs1],
                    imm = code[p + 1],
                    lo = (a + imm) | 0,
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = (x[rs1 + 64] + (imm >> 31) + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
                  x[rd] = lo;
                  p += w >>> 26;
                  continue;
                }
                case Op.Slti: {
                  const rs1 = (w >>> 14) & 63,
                    imm = code[p + 1],
                    ah = x[rs1 + 64],
                    bh = imm >> 31,
                    rd = (w >>> 8) & 63;
                  x[rd] = ah < bh || (ah === bh && x[rs1] >>> 0 < imm >>> 0) ? 1 : 0;
                  x[rd + 64] = 0;
                  p += w >>> 26;
                  continue;
                }
                case Op.Sltiu: {
                  const rs1 = (w >>> 14) & 63,
                    imm = code[p + 1],
                    ah = x[rs1 + 64] >>> 0,
                    bh = (imm >> 31) >>> 0,
                    rd = (w >>> 8) & 63;
                  x[rd] = ah < bh || (ah === bh && x[rs1] >>> 0 < imm >>> 0) ? 1 : 0;
                  x[rd + 64] = 0;
                  p += w >>> 26;
                  continue;
                }
                case Op.Xori: {
                  const rs1 = (w >>> 14) & 63,
                    imm = code[p + 1],
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = x[rs1 + 64] ^ (imm >> 31);
                  x[rd] = x[rs1] ^ imm;
                  p += w >>> 26;
                  continue;
                }
                case Op.Ori: {
                  const rs1 = (w >>> 14) & 63,
                    imm = code[p + 1],
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = x[rs1 + 64] | (imm >> 31);
                  x[rd] = x[rs1] | imm;
                  p += w >>> 26;
                  continue;
                }
                case Op.Andi: {
                  const rs1 = (w >>> 14) & 63,
                    imm = code[p + 1],
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = x[rs1 + 64] & (imm >> 31);
                  x[rd] = x[rs1] & imm;
                  p += w >>> 26;
                  continue;
                }
                case Op.Slli: {
                  const rs1 = (w >>> 14) & 63,
                    sh = code[p + 1],
                    al = x[rs1],
                    ah = x[rs1 + 64],
                    rd = (w >>> 8) & 63;
                  if (sh === 0) {
                    x[rd] = al;
                    x[rd + 64] = ah;
                  } else if (sh < 32) {
                    x[rd + 64] = (ah << sh) | (al >>> (32 - sh));
                    x[rd] = al << sh;
                  } else {
                    x[rd + 64] = al << (sh - 32);
                    x[rd] = 0;
                  }
                  p += w >>> 26;
                  continue;
                }
                case Op.Srli: {
                  const rs1 = (w >>> 14) & 63,
                    sh = code[p + 1],
                    al = x[rs1],
                    ah = x[rs1 + 64],
                    rd = (w >>> 8) & 63;
                  if (sh === 0) {
                    x[rd] = al;
                    x[rd + 64] = ah;
                  } else if (sh < 32) {
                    x[rd] = (al >>> sh) | (ah << (32 - sh));
                    x[rd + 64] = ah >>> sh;
                  } else {
                    x[rd] = ah >>> (sh - 32);
                    x[rd + 64] = 0;
                  }
                  p += w >>> 26;
                  continue;
                }
                case Op.Srai: {
                  const rs1 = (w >>> 14) & 63,
                    sh = code[p + 1],
                    al = x[rs1],
                    ah = x[rs1 + 64],
                    rd = (w >>> 8) & 63;
                  if (sh === 0) {
                    x[rd] = al;
                    x[rd + 64] = ah;
                  } else if (sh < 32) {
                    x[rd] = (al >>> sh) | (ah << (32 - sh));
                    x[rd + 64] = ah >> sh;
                  } else {
                    x[rd] = ah >> (sh - 32);
                    x[rd + 64] = ah >> 31;
                  }
                  p += w >>> 26;
                  continue;
                }

                // ---- integer register-register ----
                case Op.Add: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    al = x[a],
                    lo = (al + x[b]) | 0,
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = (x[a + 64] + x[b + 64] + (lo >>> 0 < al >>> 0 ? 1 : 0)) | 0;
                  x[rd] = lo;
                  p += w >>> 26;
                  continue;
                }
                case Op.Sub: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    al = x[a],
                    bl = x[b],
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = (x[a + 64] - x[b + 64] - (al >>> 0 < bl >>> 0 ? 1 : 0)) | 0;
                  x[rd] = (al - bl) | 0;
                  p += w >>> 26;
                  continue;
                }
                case Op.Sll: {
                  const a = (w >>> 14) & 63,
                    sh = x[(w >>> 20) & 63] & 63,
                    al = x[a],
                    ah = x[a + 64],
                    rd = (w >>> 8) & 63;
                  if (sh === 0) {
                    x[rd] = al;
                    x[rd + 64] = ah;
                  } else if (sh < 32) {
                    x[rd + 64] = (ah << sh) | (al >>> (32 - sh));
                    x[rd] = al << sh;
                  } else {
                    x[rd + 64] = al << (sh - 32);
                    x[rd] = 0;
                  }
                  p += w >>> 26;
                  continue;
                }
                case Op.Srl: {
                  const a = (w >>> 14) & 63,
                    sh = x[(w >>> 20) & 63] & 63,
                    al = x[a],
                    ah = x[a + 64],
                    rd = (w >>> 8) & 63;
                  if (sh === 0) {
                    x[rd] = al;
                    x[rd + 64] = ah;
                  } else if (sh < 32) {
                    x[rd] = (al >>> sh) | (ah << (32 - sh));
                    x[rd + 64] = ah >>> sh;
                  } else {
                    x[rd] = ah >>> (sh - 32);
                    x[rd + 64] = 0;
                  }
                  p += w >>> 26;
                  continue;
                }
                case Op.Sra: {
                  const a = (w >>> 14) & 63,
                    sh = x[(w >>> 20) & 63] & 63,
                    al = x[a],
                    ah = x[a + 64],
                    rd = (w >>> 8) & 63;
                  if (sh === 0) {
                    x[rd] = al;
                    x[rd + 64] = ah;
                  } else if (sh < 32) {
                    x[rd] = (al >>> sh) | (ah << (32 - sh));
                    x[rd + 64] = ah >> sh;
                  } else {
                    x[rd] = ah >> (sh - 32);
                    x[rd + 64] = ah >> 31;
                  }
                  p += w >>> 26;
                  continue;
                }
                case Op.Slt: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    ah = x[a + 64],
                    bh = x[b + 64],
                    rd = (w >>> 8) & 63;
                  x[rd] = ah < bh || (ah === bh && x[a] >>> 0 < x[b] >>> 0) ? 1 : 0;
                  x[rd + 64] = 0;
                  p += w >>> 26;
                  continue;
                }
                case Op.Sltu: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    ah = x[a + 64] >>> 0,
                    bh = x[b + 64] >>> 0,
                    rd = (w >>> 8) & 63;
                  x[rd] = ah < bh || (ah === bh && x[a] >>> 0 < x[b] >>> 0) ? 1 : 0;
                  x[rd + 64] = 0;
                  p += w >>> 26;
                  continue;
                }
                case Op.Xor: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = x[a + 64] ^ x[b + 64];
                  x[rd] = x[a] ^ x[b];
                  p += w >>> 26;
                  continue;
                }
                case Op.Or: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = x[a + 64] | x[b + 64];
                  x[rd] = x[a] | x[b];
                  p += w >>> 26;
                  continue;
                }
                case Op.And: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = x[a + 64] & x[b + 64];
                  x[rd] = x[a] & x[b];
                  p += w >>> 26;
                  continue;
                }

                // ---- 32-bit ops, results sign-extended ----
                case Op.Addiw: {
                  const v = (x[(w >>> 14) & 63] + code[p + 1]) | 0,
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Slliw: {
                  const v = x[(w >>> 14) & 63] << code[p + 1],
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Srliw: {
                  const v = (x[(w >>> 14) & 63] >>> code[p + 1]) | 0,
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Sraiw: {
                  const v = x[(w >>> 14) & 63] >> code[p + 1],
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Addw: {
                  const v = (x[(w >>> 14) & 63] + x[(w >>> 20) & 63]) | 0,
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Subw: {
                  const v = (x[(w >>> 14) & 63] - x[(w >>> 20) & 63]) | 0,
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Sllw: {
                  const v = x[(w >>> 14) & 63] << (x[(w >>> 20) & 63] & 31),
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Srlw: {
                  const v = (x[(w >>> 14) & 63] >>> (x[(w >>> 20) & 63] & 31)) | 0,
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Sraw: {
                  const v = x[(w >>> 14) & 63] >> (x[(w >>> 20) & 63] & 31),
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }

                // ---- M extension ----
                case Op.Mul: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63;
                  mul64(xl, xh, (w >>> 8) & 63, x[a], x[a + 64], x[b], x[b + 64]);
                  p += w >>> 26;
                  continue;
                }
                case Op.Mulw: {
                  const v = Math.imul(x[(w >>> 14) & 63], x[(w >>> 20) & 63]),
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.Mulh:
                case Op.Mulhsu:
                case Op.Mulhu: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    op = w & 255;
                  mulh64(xl, xh, (w >>> 8) & 63, x[a], x[a + 64], x[b], x[b + 64], op !== Op.Mulhu, op === Op.Mulh);
                  p += w >>> 26;
                  continue;
                }
                case Op.Div:
                case Op.Divu:
                case Op.Rem:
                case Op.Remu: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    op = w & 255;
                  div64(xl, xh, (w >>> 8) & 63, x[a], x[a + 64], x[b], x[b + 64], op === Op.Div || op === Op.Rem, op >= Op.Rem);
                  p += w >>> 26;
                  continue;
                }
                case Op.Divw:
                case Op.Divuw:
                case Op.Remw:
                case Op.Remuw: {
                  const op = w & 255;
                  div32(xl, xh, (w >>> 8) & 63, x[(w >>> 14) & 63], x[(w >>> 20) & 63], op === Op.Divw || op === Op.Remw, op >= Op.Remw);
                  p += w >>> 26;
                  continue;
                }

                // ---- B extension (Zba, Zbb, Zbs) and Zicond ----
                case Op.ShAdd: {
                  // rs2 + (rs1 << N), N = 1..3 in imm
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    sh = code[p + 1],
                    al = x[a],
                    rd = (w >>> 8) & 63;
                  const sl = al << sh,
                    sh2 = (x[a + 64] << sh) | (al >>> (32 - sh)),
                    lo = (sl + x[b]) | 0;
                  x[rd + 64] = (sh2 + x[b + 64] + (lo >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
                  x[rd] = lo;
                  p += w >>> 26;
                  continue;
                }
                case Op.ShAddUw: {
                  // rs2 + (zext32(rs1) << N), N = 0..3 in imm (add.uw: N = 0)
                  const al = x[(w >>> 14) & 63],
                    b = (w >>> 20) & 63,
                    sh = code[p + 1],
                    rd = (w >>> 8) & 63;
                  const sl = al << sh,
                    sh2 = sh === 0 ? 0 : al >>> (32 - sh),
                    lo = (sl + x[b]) | 0;
                  x[rd + 64] = (sh2 + x[b + 64] + (lo >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
                  x[rd] = lo;
                  p += w >>> 26;
                  continue;
                }
                case Op.SlliUw: {
                  const al = x[(w >>> 14) & 63],
                    sh = code[p + 1],
                    rd = (w >>> 8) & 63;
                  if (sh === 0) {
                    x[rd] = al;
                    x[rd + 64] = 0;
                  } else if (sh < 32) {
                    x[rd + 64] = al >>> (32 - sh);
                    x[rd] = al << sh;
                  } else {
                    x[rd + 64] = al << (sh - 32);
                    x[rd] = 0;
                  }
                  p += w >>> 26;
                  continue;
                }
                case Op.Andn: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = x[a + 64] & ~x[b + 64];
                  x[rd] = x[a] & ~x[b];
                  p += w >>> 26;
                  continue;
                }
                case Op.Orn: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = x[a + 64] | ~x[b + 64];
                  x[rd] = x[a] | ~x[b];
                  p += w >>> 26;
                  continue;
                }
                case Op.Xnor: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = ~(x[a + 64] ^ x[b + 64]);
                  x[rd] = ~(x[a] ^ x[b]);
                  p += w >>> 26;
                  continue;
                }
                case Op.Clz:
                case Op.Ctz:
                case Op.Cpop: {
                  const a = (w >>> 14) & 63,
                    lo = x[a],
                    hi = x[a + 64],
                    op = w & 255,
                    rd = (w >>> 8) & 63;
                  x[rd] =
                    op === Op.Clz
                      ? hi !== 0
                        ? Math.clz32(hi)
                        : 32 + Math.clz32(lo)
                      : op === Op.Ctz
                        ? lo !== 0
                          ? ctz32(lo)
                          : 32 + ctz32(hi)
                        : cpop32(lo) + cpop32(hi);
                  x[rd + 64] = 0;
                  p += w >>> 26;
                  continue;
                }
                case Op.Clzw:
                case Op.Ctzw:
                case Op.Cpopw: {
                  const v = x[(w >>> 14) & 63],
                    op = w & 255,
                    rd = (w >>> 8) & 63;
                  x[rd] = op === Op.Clzw ? Math.clz32(v) : op === Op.Ctzw ? ctz32(v) : cpop32(v);
                  x[rd + 64] = 0;
                  p += w >>> 26;
                  continue;
                }
                case Op.Max:
                case Op.Maxu:
                case Op.Min:
                case Op.Minu: {
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    op = w & 255,
                    rd = (w >>> 8) & 63;
                  const ah = x[a + 64],
                    bh = x[b + 64];
                  const less =
                    op === Op.Max || op === Op.Min
                      ? ah < bh || (ah === bh && x[a] >>> 0 < x[b] >>> 0)
                      : ah >>> 0 < bh >>> 0 || (ah === bh && x[a] >>> 0 < x[b] >>> 0);
                  // max takes rs2 when rs1 < rs2, min takes rs1 then
                  const r = less === (op === Op.Max || op === Op.Maxu) ? b : a;
                  x[rd] = x[r];
                  x[rd + 64] = x[r + 64];
                  p += w >>> 26;
                  continue;
                }
                case Op.SextB: {
                  const v = (x[(w >>> 14) & 63] << 24) >> 24,
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.SextH: {
                  const v = (x[(w >>> 14) & 63] << 16) >> 16,
                    rd = (w >>> 8) & 63;
                  x[rd] = v;
                  x[rd + 64] = v >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.ZextH: {
                  const rd = (w >>> 8) & 63;
                  x[rd] = x[(w >>> 14) & 63] & 0xffff;
                  x[rd + 64] = 0;
                  p += w >>> 26;
                  continue;
                }
                case Op.Rol:
                case Op.Ror:
                case Op.Rori: {
                  // rotate right by s: swap the halves for s & 32, then rotate by s & 31
                  const a = (w >>> 14) & 63,
                    op = w & 255,
                    rd = (w >>> 8) & 63;
                  let s = op === Op.Rori ? code[p + 1] : x[(w >>> 20) & 63] & 63;
                  if (op === Op.Rol) s = (64 - s) & 63;
                  let lo = x[a],
                    hi = x[a + 64];
                  if (s & 32) {
                    const t = lo;
                    lo = hi;
                    hi = t;
                  }
                  s &= 31;
                  if (s === 0) {
                    x[rd] = lo;
                    x[rd + 64] = hi;
                  } else {
                    x[rd] = (lo >>> s) | (hi << (32 - s));
                    x[rd + 64] = (hi >>> s) | (lo << (32 - s));
                  }
                  p += w >>> 26;
                  continue;
                }
                case Op.Rolw:
                case Op.Rorw:
                case Op.Roriw: {
                  const v = x[(w >>> 14) & 63],
                    op = w & 255,
                    rd = (w >>> 8) & 63;
                  let s = op === Op.Roriw ? code[p + 1] : x[(w >>> 20) & 63] & 31;
                  if (op === Op.Rolw) s = (32 - s) & 31;
                  const r = s === 0 ? v : (v >>> s) | (v << (32 - s));
                  x[rd] = r;
                  x[rd + 64] = r >> 31;
                  p += w >>> 26;
                  continue;
                }
                case Op.OrcB: {
                  const a = (w >>> 14) & 63,
                    rd = (w >>> 8) & 63;
                  x[rd + 64] = orcb32(x[a + 64]);
                  x[rd] = orcb32(x[a]);
                  p += w >>> 26;
                  continue;
                }
                case Op.Rev8: {
                  const a = (w >>> 14) & 63,
                    lo = x[a],
                    rd = (w >>> 8) & 63;
                  x[rd] = bswap32(x[a + 64]);
                  x[rd + 64] = bswap32(lo);
                  p += w >>> 26;
                  continue;
                }
                case Op.Bclr:
                case Op.Bclri:
                case Op.Binv:
                case Op.Binvi:
                case Op.Bset:
                case Op.Bseti: {
                  // the immediate forms are the odd ones (Bclri = Bclr + 1, ...)
                  const a = (w >>> 14) & 63,
                    op = w & 255,
                    rd = (w >>> 8) & 63;
                  const s = (op - Op.Bclr) & 1 ? code[p + 1] : x[(w >>> 20) & 63] & 63;
                  const ml = s < 32 ? 1 << s : 0,
                    mh = s < 32 ? 0 : 1 << (s - 32);
                  let lo = x[a],
                    hi = x[a + 64];
                  if (op <= Op.Bclri) {
                    lo &= ~ml;
                    hi &= ~mh;
                  } else if (op <= Op.Binvi) {
                    lo ^= ml;
                    hi ^= mh;
                  } else {
                    lo |= ml;
                    hi |= mh;
                  }
                  x[rd] = lo;
                  x[rd + 64] = hi;
                  p += w >>> 26;
                  continue;
                }
                case Op.Bext:
                case Op.Bexti: {
                  const a = (w >>> 14) & 63,
                    rd = (w >>> 8) & 63;
                  const s = (w & 255) === Op.Bexti ? code[p + 1] : x[(w >>> 20) & 63] & 63;
                  x[rd] = ((s < 32 ? x[a] : x[a + 64]) >>> (s & 31)) & 1;
                  x[rd + 64] = 0;
                  p += w >>> 26;
                  continue;
                }
                case Op.CzeroEqz:
                case Op.CzeroNez: {
                  // czero.eqz: rs2 == 0 gives 0, else rs1; czero.nez: rs2 != 0 gives 0, else rs1
                  const a = (w >>> 14) & 63,
                    b = (w >>> 20) & 63,
                    rd = (w >>> 8) & 63;
                  if (((x[b] | x[b + 64]) === 0) === ((w & 255) === Op.CzeroEqz)) {
                    x[rd] = 0;
                    x[rd + 64] = 0;
                  } else {
                    x[rd] = x[a];
                    x[rd + 64] = x[a + 64];
                  }
                  p += w >>> 26;
                  continue;
                }

                // ---- system ----
                case Op.Fence:
                  p += w >>> 26;
                  continue;
                case Op.FenceI:
                  mem.invalidateAllCode();
                  p += w >>> 26;
                  break leave;
                case Op.Ecall: {
                  // the kernel resumes after it: a block starts there
                  const q = p + (w >>> 26);
                  if (code[q + 3] === 0) code[q + 3] = 1;
                  this.tval = 0;
                  cause = Cause.EcallU;
                  break trap;
                }
                case Op.Ebreak: {
                  const q = p + (w >>> 26);
                  if (code[q + 3] === 0) code[q + 3] = 1;
                  cause = Cause.Breakpoint; // tval = pc, set on exit
                  break trap;
                }
                case Op.Csr: {
                  const raw = code[p + 2];
                  this.instret = start + n - 1;
                  if (!execCsr(this, (w >>> 8) & 63, (w >>> 14) & 63, code[p + 1], (raw >>> 12) & 7, start + n - 1)) {
                    this.tval = raw >>> 0;
                    cause = Cause.Illegal;
                    break trap;
                  }
                  // compiled blocks stop before a CSR access: one starts after it
                  p += w >>> 26;
                  if (code[p + 3] === 0) code[p + 3] = 1;
                  continue blk;
                }
                case Op.Amo: {
                  const r = this.amo(w, code[p + 2]);
                  if (r >= 0) {
                    cause = r;
                    break trap;
                  }
                  p += w >>> 26;
                  if (memCode[phys] !== code) break leave;
                  continue;
                }
                case Op.Fp: {
                  const raw = code[p + 2];
                  if (execFp(this, raw) >= 0) {
                    this.tval = raw >>> 0;
                    cause = Cause.Illegal;
                    break trap;
                  }
                  p += w >>> 26;
                  continue;
                }
                default:
                  // corrupt slot: cannot happen for slots written by decode.ts
                  this.tval = code[p + 2] >>> 0;
                  cause = Cause.Illegal;
                  break trap;
              }
              // taken branch or jal: pc-relative target, staying in the page if possible
              const t = (p >> 1) + code[p + 1];
              if (t >>> 0 < 4096) {
                p = t << 1;
                continue blk;
              }
              const lo = (base + t) | 0;
              pcHi = (pcHi + (t >> 31) + (lo >>> 0 < base >>> 0 ? 1 : 0)) | 0;
              pcLo = lo;
              continue outer;
            }
          }
        }
        // trapped (cause >= 0; the instruction is not retired) or budget used up, at slot p
        if (cause >= 0) n--;
        const lo = (base + (p >> 1)) | 0;
        if (lo >>> 0 < base >>> 0) pcHi = (pcHi + 1) | 0;
        pcLo = lo;
        break outer;
      }
      // leaving the page: continue at slot p (possibly the sentinel past its end)
      const lo = (base + (p >> 1)) | 0;
      if (lo >>> 0 < base >>> 0) pcHi = (pcHi + 1) | 0;
      pcLo = lo;
    }
    this.pc = u64ToNumber(pcLo, pcHi);
    if (cause === Cause.Breakpoint) this.tval = this.pc;
    this.instret = start + n;
    return cause;
  }

  /** A quick-tier WebAssembly function ran a loop hot: recompile its page at the optimised tier. */
  private optimiseAt(lo: number, hi: number): void {
    const off = this.mmu.translate(lo, hi, Access.Fetch);
    if (off >= 0) this.mem.wasmJit?.optimise(off >>> 12, u64ToNumber(lo & ~0xfff, hi), this.nextPageHalf(lo, hi));
  }

  /**
   * The first halfword of the page after the one holding lo:hi when that
   * page is mapped for fetch now, else -1: what compiled code takes as the
   * upper half of an instruction straddling the two pages (wasm/page.ts; the
   * code checks it again before every run). A fetch translation has no side
   * effect but the TLB fill (Svade: no A/D updates), so a failed one here is
   * simply no answer; the interpreter takes the fault when it gets there.
   */
  private nextPageHalf(lo: number, hi: number): number {
    const nlo = ((lo & ~0xfff) + 4096) | 0,
      nhi = (nlo === 0 ? hi + 1 : hi) | 0;
    const off = this.mmu.translate(nlo, nhi, Access.Fetch);
    return off < 0 ? -1 : this.mem.u16[off >>> 1];
  }

  /** Compile the region entered at slot p; marks the slot when impossible. */
  private compileAt(code: Int32Array, phys: number, p: number): RegionFn | null {
    const fn = compileRegion(code, this.mem.u16, phys, p >> 1);
    const list = this.mem.compiled[phys];
    if (!fn || !list) {
      code[p + 3] = NEVER;
      return null;
    }
    code[p + 3] = ~list.length;
    list.push(fn);
    // dry runs with no budget go straight to the exit code, so V8 has seen it
    // run before it optimizes the region (else the first real exit
    // deoptimizes); V8 starts recording type feedback only after some calls
    for (let i = 0; i < 128; i++) fn(this, 0, 0, 0, code, phys);
    return fn;
  }

  /**
   * Decode the 4-byte instruction at the last parcel of the page at
   * pcHi:base (RAM page phys) into the straddle buffer. Returns -1, or the
   * fetch fault of the second page (tval = that page's address).
   */
  private decodeStraddle(pcHi: number, base: number, phys: number): number {
    const nlo = (base + 4096) | 0,
      nhi = (nlo === 0 ? pcHi + 1 : pcHi) | 0;
    const off = this.mmu.translate(nlo, nhi, Access.Fetch);
    if (off < 0) {
      this.tval = this.mmu.tval;
      return this.mmu.cause;
    }
    const u16 = this.mem.u16;
    decodeSlot(this.straddle, 0, u16[phys * 2048 + PAGE_SLOTS - 1], u16[off >> 1]);
    return -1;
  }

  /** @internal The slow path of a compiled load: the value goes to Word.LdLo/LdHi. */
  loadForWasm(lo: number, hi: number, size: number): number {
    const r = this.loadSlow(lo, hi, size);
    if (r < 0) {
      this.words[Word.LdLo] = this.ldLo;
      this.words[Word.LdHi] = this.ldHi;
    }
    return r;
  }

  /** @internal The slow path of a compiled store. */
  storeForWasm(lo: number, hi: number, size: number, vl: number, vh: number): number {
    return this.storeSlow(lo, hi, size, vl, vh);
  }

  /**
   * Load `size` bytes at hi:lo through the full path (TLB miss, misaligned,
   * crossing a page). Result bits in ldLo/ldHi; returns -1 or the cause.
   */
  private loadSlow(lo: number, hi: number, size: number): number {
    const mmu = this.mmu,
      u8 = this.mem.u8;
    const o1 = mmu.translate(lo, hi, Access.Read);
    if (o1 < 0) {
      this.tval = mmu.tval;
      return mmu.cause;
    }
    const first = 4096 - (lo & 0xfff);
    let o2 = o1 + first;
    if (size > first) {
      // misaligned across pages: the next page is translated separately
      const nlo = (lo + first) | 0,
        nhi = (hi + (nlo >>> 0 < lo >>> 0 ? 1 : 0)) | 0;
      o2 = mmu.translate(nlo, nhi, Access.Read);
      if (o2 < 0) {
        this.tval = mmu.tval;
        return mmu.cause;
      }
    }
    let vl = 0,
      vh = 0;
    for (let i = size - 1; i >= 0; i--) {
      const b = u8[i < first ? o1 + i : o2 + i - first];
      if (i >= 4) vh = (vh << 8) | b;
      else vl = (vl << 8) | b;
    }
    this.ldLo = vl;
    this.ldHi = vh;
    return -1;
  }

  /** Store through the full path; both pages are translated before any byte is written. */
  private storeSlow(lo: number, hi: number, size: number, vl: number, vh: number): number {
    const mmu = this.mmu,
      u8 = this.mem.u8;
    const o1 = mmu.translate(lo, hi, Access.Write);
    if (o1 < 0) {
      this.tval = mmu.tval;
      return mmu.cause;
    }
    const first = 4096 - (lo & 0xfff);
    let o2 = o1 + first;
    if (size > first) {
      const nlo = (lo + first) | 0,
        nhi = (hi + (nlo >>> 0 < lo >>> 0 ? 1 : 0)) | 0;
      o2 = mmu.translate(nlo, nhi, Access.Write);
      if (o2 < 0) {
        this.tval = mmu.tval;
        return mmu.cause;
      }
    }
    for (let i = 0; i < size; i++) {
      u8[i < first ? o1 + i : o2 + i - first] = (i >= 4 ? vh >>> ((i - 4) * 8) : vl >>> (i * 8)) & 255;
    }
    return -1;
  }

  /** LR, SC and the AMOs (.w and .d). Returns -1 or the trap cause. */
  /** @internal */
  amo(w: number, raw: number): number {
    const xl = this.xl,
      xh = this.xh,
      i32 = this.mem.i32,
      mmu = this.mmu;
    const rd = (w >>> 8) & 63,
      rs1 = (w >>> 14) & 63,
      rs2 = (w >>> 20) & 63;
    const f5 = raw >>> 27,
      dbl = ((raw >>> 12) & 7) === 3,
      size = dbl ? 8 : 4;
    const lo = xl[rs1],
      hi = xh[rs1];
    if (lo & (size - 1)) {
      this.tval = u64ToNumber(lo, hi);
      return f5 === 2 ? Cause.LoadMisaligned : Cause.StoreMisaligned;
    }
    if (f5 === 2) {
      // LR
      const off = mmu.translate(lo, hi, Access.Read);
      if (off < 0) {
        this.tval = mmu.tval;
        return mmu.cause;
      }
      const vl = i32[off >> 2],
        vh = dbl ? i32[(off >> 2) + 1] : vl >> 31;
      this.resvOff = off;
      this.resvSize = size;
      this.resvLo = vl;
      this.resvHi = vh;
      xl[rd] = vl;
      xh[rd] = vh;
      return -1;
    }
    // SC and AMOs need write permission and report store faults
    const off = mmu.translate(lo, hi, Access.Write);
    if (off < 0) {
      this.tval = mmu.tval;
      return mmu.cause;
    }
    const k = off >> 2;
    const ol = i32[k],
      oh = dbl ? i32[k + 1] : ol >> 31;
    if (f5 === 3) {
      // SC
      // the value check also catches a store by another hart between slices
      const ok = this.resvOff === off && this.resvSize === size && this.resvLo === ol && this.resvHi === oh;
      this.resvOff = -1;
      if (ok) {
        i32[k] = xl[rs2];
        if (dbl) i32[k + 1] = xh[rs2];
      }
      xl[rd] = ok ? 0 : 1;
      xh[rd] = 0;
      return -1;
    }
    const bl = xl[rs2],
      bh = dbl ? xh[rs2] : bl >> 31;
    let nl: number, nh: number;
    switch (f5) {
      case 1:
        nl = bl;
        nh = bh;
        break; // swap
      case 0:
        nl = (ol + bl) | 0;
        nh = (oh + bh + (nl >>> 0 < ol >>> 0 ? 1 : 0)) | 0;
        break; // add
      case 4:
        nl = ol ^ bl;
        nh = oh ^ bh;
        break;
      case 12:
        nl = ol & bl;
        nh = oh & bh;
        break;
      case 8:
        nl = ol | bl;
        nh = oh | bh;
        break;
      default: {
        // min/max: signed (16, 20) or unsigned (24, 28)
        const unsigned = f5 >= 24;
        const ah = unsigned ? oh >>> 0 : oh,
          bhc = unsigned ? bh >>> 0 : bh;
        const less = ah < bhc || (ah === bhc && ol >>> 0 < bl >>> 0);
        const takeOld = f5 === 16 || f5 === 24 ? less : !less;
        if (takeOld) {
          nl = ol;
          nh = oh;
        } else {
          nl = bl;
          nh = bh;
        }
      }
    }
    i32[k] = nl;
    if (dbl) i32[k + 1] = nh;
    xl[rd] = ol;
    xh[rd] = oh;
    return -1;
  }
}
