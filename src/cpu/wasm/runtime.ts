// The WebAssembly tier of one machine (one PhysMem): the function table,
// the entry table, the support module, the JS helpers compiled code calls,
// and the code cache that lets every page with the same contents share one
// compiled function.
//
// Hand-off (hart.ts): the interpreter marks a decode-cache slot IN_WASM when
// compiled code starts a block there, and at such a block entry calls
// enter(); compiled code then runs, chaining through dispatch from page to
// page, until it exits with the interpreter's next pc (see page.ts). That
// call is the only way in; the exit words are the only way out.
//
// Code is keyed by what it is: a compiled function belongs to page
// *contents* (hash, verified byte for byte), not to a physical page or a
// process. When a page is decoded (first run after a load, a fork's copy, a
// library page another process mapped), a function already compiled for the
// same bytes is installed at once: new processes start on compiled code.
import { Cause } from '../trap.js';
import { execFp } from '../fpu.js';
import type { PhysMem } from '../physmem.js';
import { EntryTable } from './entries.js';
import { compilePage, type CompiledPage } from './page.js';
import { COUNTER_OFF, COUNTER_SLOTS } from '../layout.js';
import { STORE_HIT_CODE, SUPPORT_EXPORTS, supportModule } from './support.js';

/** Decode-cache counter value of a slot where compiled WebAssembly starts a block. */
export const IN_WASM = -0x40000000;
/** Counter value for "never compile here" (also the cap of the counters). */
export const NEVER = 0x7fffffff;

/** What compiled code needs of a hart (Hart implements it). */
export interface WasmHart {
  readonly slot: number;
  readonly words: Int32Array;
  tval: number;
  loadForWasm(lo: number, hi: number, size: number): number;
  storeForWasm(lo: number, hi: number, size: number, vl: number, vh: number): number;
  amo(w: number, raw: number): number;
}

/** Figures for --stats. */
export interface WasmStats {
  compiles: number;
  /** of which at the optimised tier */
  optimised: number;
  compileMs: number;
  compiledInsns: number;
  /** pages given code compiled for the same contents elsewhere, and those that found none */
  cacheHits: number;
  cacheMisses: number;
  drops: number;
  /** pages the compiler failed on (a compiler bug; the interpreter runs them) */
  failures: number;
}

/** One compiled function: the blocks it has, the pages running it. */
interface CompiledFn {
  idx: number;
  leaders: number[];
  never: number[];
  hash: number;
  content: Int32Array;
  users: number;
  insns: number;
  /** optimised tier (loop regions), else quick */
  opt: boolean;
  /** the virtual address of the page it was compiled for (for names in profiles and --stats) */
  va: number;
}

const CACHE_LIMIT = 8192;
/** Default backward jumps inside a quick-tier function before its page is recompiled at the optimised tier. */
export const OPT_BACK_EDGES = 10000;

export class WasmJit {
  readonly table: WebAssembly.Table;
  readonly entries: EntryTable;
  readonly enter: (st: number, pcLo: number, pcHi: number, n: number, budget: number) => number;
  readonly stats: WasmStats = { compiles: 0, optimised: 0, compileMs: 0, compiledInsns: 0, cacheHits: 0, cacheMisses: 0, drops: 0, failures: 0 };
  /** Backward jumps a quick-tier function takes before its page goes to the optimised tier. */
  optBackEdges = OPT_BACK_EDGES;
  private readonly imports: WebAssembly.Imports;
  private readonly stale: WebAssembly.ExportValue;
  private readonly harts: (WasmHart | undefined)[] = [];
  private readonly memPages: number;
  /** the quick tier's back-edge countdowns, by function-table index (layout.ts COUNTER_OFF) */
  private readonly counters: Int32Array;
  /** the function each decoded RAM page runs (by page index) */
  private readonly fnOf: (CompiledFn | undefined)[] = [];
  /** content hash -> the latest function compiled for it */
  private readonly byContent = new Map<number, CompiledFn>();
  private readonly freeIdx: number[] = [];
  private nextIdx = 1;
  /** bumped whenever decoded code is dropped (a helper's store tells compiled code) */
  private drops = 0;

  constructor(
    private readonly mem: PhysMem,
    memory: WebAssembly.Memory,
  ) {
    this.memPages = memory.buffer.byteLength / 65536;
    this.table = new WebAssembly.Table({ element: 'anyfunc', initial: 256 });
    this.entries = new EntryTable(memory.buffer);
    this.counters = new Int32Array(memory.buffer, COUNTER_OFF, COUNTER_SLOTS);
    const support = new WebAssembly.Instance(new WebAssembly.Module(supportModule(this.memPages)), {
      env: { mem: memory, table: this.table },
    });
    const ex = support.exports;
    this.enter = ex.enter as WasmJit['enter'];
    this.stale = ex.stale;
    const rt: Record<string, WebAssembly.ExportValue> = {};
    for (const name of SUPPORT_EXPORTS) rt[name] = ex[name];
    const hartOf = (st: number): WasmHart => this.harts[st >>> 16]!;
    this.imports = {
      env: { mem: memory, table: this.table },
      rt,
      js: {
        load: (st: number, lo: number, hi: number, size: number): number => hartOf(st).loadForWasm(lo, hi, size),
        store: (st: number, lo: number, hi: number, size: number, vl: number, vh: number): number => {
          const d = this.drops;
          const r = hartOf(st).storeForWasm(lo, hi, size, vl, vh);
          return r >= 0 ? r : this.drops !== d ? STORE_HIT_CODE : -1;
        },
        amo: (st: number, w: number, raw: number): number => {
          const d = this.drops;
          const r = hartOf(st).amo(w, raw);
          return r >= 0 ? r : this.drops !== d ? STORE_HIT_CODE : -1;
        },
        fp: (st: number, raw: number): number => {
          const h = hartOf(st);
          if (execFp(h as never, raw) >= 0) {
            h.tval = raw >>> 0;
            return Cause.Illegal;
          }
          return -1;
        },
      },
    };
  }

  /** A hart whose state slot is in this memory. */
  attach(h: WasmHart): void {
    this.harts[h.slot >>> 16] = h;
  }

  /**
   * Compile quick-tier code in the background: WebAssembly.compile turns
   * the generated bytes into machine code on the host's helper threads while
   * the interpreter runs on, and the function is installed when the host's
   * event loop next turns (the kernel's run loop yields to it every few ms).
   * The host sets it for the default tier; explicit tiers and tests compile
   * in place, so their code runs compiled at a fixed point. Which code runs
   * when never changes what the guest sees (instret is exact in every tier).
   */
  background = false;
  /** RAM pages with a background compile under way */
  private readonly pending = new Set<number>();
  /** Background compiles under way. */
  get compiling(): number {
    return this.pending.size;
  }

  /**
   * Compile the blocks of RAM page `phys` the interpreter has run (slots
   * with a nonzero counter, and those already compiled) into one function,
   * replacing the page's previous one. False if nothing could be compiled
   * now (in the background: the function comes later, see `background`).
   * `nextHalf`: the first halfword of the next virtual page if it is mapped
   * for fetch now, else -1 (an instruction straddling the two pages is then
   * left to the interpreter).
   */
  compile(code: Int32Array, phys: number, va: number, opt = this.fnOf[phys]?.opt ?? false, nextHalf = -1): boolean {
    const t0 = performance.now();
    const background = this.background && !opt;
    if (background && this.pending.has(phys)) return false;
    const leaders: number[] = [];
    for (let s = 0; s < 2048; s++) {
      const c = code[s * 4 + 3];
      if (c !== 0 && c !== NEVER) leaders.push(s * 2);
    }
    const idx = this.allocIdx();
    let cp: CompiledPage | null;
    try {
      cp = compilePage(code, this.mem.u16, phys, leaders, this.memPages, opt ? -1 : idx * 4, `${opt ? 'opt' : 'quick'}_${va.toString(16)}`, nextHalf);
      for (const off of cp?.never ?? leaders) code[(off >> 1) * 4 + 3] = NEVER;
      if (!cp) {
        this.freeIdx.push(idx);
        return false;
      }
      if (!background) return this.finish(code, phys, va, opt, idx, cp, new WebAssembly.Module(cp.bytes), t0);
    } catch (e) {
      this.failed(code, phys, leaders, idx, e);
      return false;
    }
    // the page's words now: the function is for them only
    const content = this.mem.i32.slice(phys * 1024, phys * 1024 + 1024),
      prev = this.fnOf[phys],
      page = cp;
    this.pending.add(phys);
    this.stats.compileMs += performance.now() - t0;
    WebAssembly.compile(page.bytes).then(
      (mod) => {
        this.pending.delete(phys);
        // Still the same decoded page, bytes and function? (a write or fence.i dropped the code, or
        // the optimised tier replaced it): else the work is thrown away.
        if (this.mem.code[phys] !== code || this.fnOf[phys] !== prev || !sameWords(content, this.mem.i32, phys * 1024)) {
          this.freeIdx.push(idx);
          return;
        }
        try {
          this.finish(code, phys, va, false, idx, page, mod, performance.now());
        } catch (e) {
          this.failed(code, phys, leaders, idx, e);
        }
      },
      (e: unknown) => {
        this.pending.delete(phys);
        if (this.mem.code[phys] === code) this.failed(code, phys, leaders, idx, e);
        else this.freeIdx.push(idx);
      },
    );
    return false;
  }

  /** Instantiate a compiled page at table index idx and run it at phys. */
  private finish(code: Int32Array, phys: number, va: number, opt: boolean, idx: number, cp: CompiledPage, mod: WebAssembly.Module, t0: number): boolean {
    const inst = new WebAssembly.Instance(mod, this.imports);
    this.table.set(idx, inst.exports.page as never);
    this.counters[idx] = this.optBackEdges;
    const content = this.mem.i32.slice(phys * 1024, phys * 1024 + 1024);
    const fn: CompiledFn = { idx, leaders: cp.leaders, never: cp.never, hash: hashPage(content), content, users: 0, insns: cp.insns, opt, va };
    this.stats.compiles++;
    if (opt) this.stats.optimised++;
    this.stats.compiledInsns += cp.insns;
    this.remember(fn);
    this.install(code, phys, fn);
    this.stats.compileMs += performance.now() - t0;
    return true;
  }

  /** A bug in the compiler: leave this page to the interpreter. */
  private failed(code: Int32Array, phys: number, leaders: number[], idx: number, e: unknown): void {
    console.error(`tuxglass: wasm compile of page ${phys} failed: ${(e as Error).message}`);
    this.stats.failures++;
    for (const off of leaders) code[(off >> 1) * 4 + 3] = NEVER;
    this.freeIdx.push(idx);
  }

  /**
   * A page was just decoded: if a function was compiled for the same
   * contents, it runs here too from now on.
   */
  adopt(code: Int32Array, phys: number): void {
    if (this.byContent.size === 0) return;
    const i32 = this.mem.i32,
      at = phys * 1024;
    const fn = this.byContent.get(hashPage(i32.subarray(at, at + 1024)));
    if (!fn) {
      this.stats.cacheMisses++;
      return;
    }
    const c = fn.content;
    for (let i = 0; i < 1024; i++)
      if (c[i] !== i32[at + i]) {
        this.stats.cacheMisses++;
        return;
      }
    this.stats.cacheHits++;
    this.install(code, phys, fn);
    for (const off of fn.never) code[(off >> 1) * 4 + 3] = NEVER;
  }

  /** A quick-tier function asked for the optimised tier (a hot loop); false if the page has no function now. */
  optimise(phys: number, va: number, nextHalf = -1): boolean {
    const fn = this.fnOf[phys],
      code = this.mem.code[phys];
    if (!fn || fn.opt || !code) return false;
    return this.compile(code, phys, va, true, nextHalf);
  }

  /** RAM page `phys` lost its decoded code (a write, a free, fence.i). */
  drop(phys: number): void {
    const fn = this.fnOf[phys];
    this.drops++;
    if (!fn) return;
    this.fnOf[phys] = undefined;
    for (const off of fn.leaders) this.entries.delete(phys * 4096 + off);
    this.stats.drops++;
    this.release(fn);
  }

  private install(code: Int32Array, phys: number, fn: CompiledFn): void {
    const old = this.fnOf[phys];
    if (old) {
      for (const off of old.leaders) this.entries.delete(phys * 4096 + off);
      this.release(old);
    }
    this.fnOf[phys] = fn;
    fn.users++;
    fn.leaders.forEach((off, i) => {
      if (this.entries.set(phys * 4096 + off, (fn.idx << 12) | i)) code[(off >> 1) * 4 + 3] = IN_WASM;
    });
  }

  private remember(fn: CompiledFn): void {
    const prev = this.byContent.get(fn.hash);
    this.byContent.delete(fn.hash); // re-insert: the Map's order is the LRU order
    this.byContent.set(fn.hash, fn);
    if (prev && prev !== fn && prev.users === 0) this.freeFn(prev);
    if (this.byContent.size > CACHE_LIMIT) {
      for (const [h, f] of this.byContent) {
        if (f.users > 0) continue;
        this.byContent.delete(h);
        this.freeFn(f);
        if (this.byContent.size <= CACHE_LIMIT) break;
      }
    }
  }

  private release(fn: CompiledFn): void {
    if (--fn.users === 0 && this.byContent.get(fn.hash) !== fn) this.freeFn(fn);
  }

  private freeFn(fn: CompiledFn): void {
    this.table.set(fn.idx, this.stale as never);
    this.freeIdx.push(fn.idx);
  }

  private allocIdx(): number {
    const i = this.freeIdx.pop();
    if (i !== undefined) return i;
    const idx = this.nextIdx++;
    if (idx >= COUNTER_SLOTS) throw new Error('wasm: function table full');
    if (idx >= this.table.length) this.table.grow(this.table.length);
    return idx;
  }
}

/** Whether the page at word offset `at` of `i32` still holds `words`. */
function sameWords(words: Int32Array, i32: Int32Array, at: number): boolean {
  for (let i = 0; i < 1024; i++) if (words[i] !== i32[at + i]) return false;
  return true;
}

/** A 32-bit hash of a page's words (FNV-1a over words, then a final mix). */
function hashPage(w: Int32Array): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < 1024; i++) h = Math.imul(h ^ w[i], 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h;
}
