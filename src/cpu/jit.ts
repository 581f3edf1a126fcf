// Block compiler: hot code of one decoded page becomes a JavaScript function.
//
// A region starts at a hot entry slot and takes in the basic blocks reachable
// from it inside the page (following branches and in-page jumps). Each block
// is a case of a `switch` in a loop, so loops within the page run entirely in
// generated code, with immediates as constants and the guest registers the
// region uses held in JS locals (loaded on entry, written back on every exit).
// It reads only the decode cache (decode.ts), so it shares the interpreter's
// fields; anything unusual (system instructions, page ends, straddling
// instructions) stays with the interpreter, which the region exits to.
//
// Only blocks the interpreter has already run go in (a slot's counter field
// is nonzero once the interpreter entered it), and a load or store that misses
// the TLB fast path leaves the region for the interpreter. So generated code
// holds few paths V8 has never seen run, which would deoptimize it, and no
// call on the memory path; regions stay small and quick to optimize. Accesses
// off one unchanged base register share a single translation (see Group),
// and a return to a block of the region stays in it.
//
// Contract of a region function (h, budget, base, pcHi, code, phys): it runs at
// most `budget` instructions, sets h.jn to the number retired, and returns
//   JIT_SLOT (-1): continue interpreting this page at byte offset h.js
//   JIT_PAGE (-2): continue at the virtual address h.jpcHi:h.jpcLo
//   a cause (>= 0): trap at byte offset h.js (tval set), not retired.
// A region never stores to a page with decoded code (the write TLB has no
// such pages, so those stores take the interpreter's slow path).
import { Op, PAGE_SLOTS, SLOT_INTS, SINK, decodeSlot } from './decode.js';
import { TLB_MASK } from './mmu.js';
import { mulhu32, mulh64, div64, div32 } from './alu64.js';
import { ctz32, cpop32, orcb32, bswap32 } from './bitmanip.js';
import { execFp } from './fpu.js';
import { Cause } from './trap.js';
import type { PhysMem } from './physmem.js';

/** The hart internals generated code touches (Hart implements it). */
export interface JitHart {
  readonly x: Int32Array;
  readonly xl: Int32Array;
  readonly xh: Int32Array;
  readonly fbits: Int32Array;
  readonly mmu: { readonly tlb: Int32Array };
  readonly mem: PhysMem;
  tval: number;
  /** exit state: retired count, byte offset in the page, jump target */
  jn: number;
  js: number;
  jpcLo: number;
  jpcHi: number;
  amo(w: number, raw: number): number;
}

export type RegionFn = (h: JitHart, budget: number, base: number, pcHi: number, code: Int32Array, phys: number) => number;

export const JIT_SLOT = -1;
export const JIT_PAGE = -2;

const MAX_INSNS = 200;
const MAX_BLOCK = 120;

/** Instructions a region does not contain: the interpreter executes them. */
function interpreterOnly(op: number): boolean {
  return (
    op === Op.PageEnd ||
    op === Op.Straddle ||
    op === Op.Illegal ||
    op === Op.Ecall ||
    op === Op.Ebreak ||
    op === Op.FenceI ||
    op === Op.Csr ||
    op === Op.Undecoded
  );
}

const isBranch = (op: number): boolean => op >= Op.Beq && op <= Op.Bgeu;

let jitUsable = true;

/**
 * Compile the region entered at byte offset `entry` of the decoded page
 * `code` (RAM page `phys`, halfwords in `u16`). Null when nothing can be
 * compiled there, or when the host forbids generated code.
 */
export function compileRegion(code: Int32Array, u16: Uint16Array, phys: number, entry: number): RegionFn | null {
  if (!jitUsable) return null;
  const decoded = (off: number): number => {
    const p = (off >> 1) * SLOT_INTS;
    if ((code[p] & 255) === Op.Undecoded) {
      const s = off >> 1,
        hw = phys * 2048 + s;
      if (s === PAGE_SLOTS - 1 && (u16[hw] & 3) === 3) code[p] = Op.Straddle;
      else decodeSlot(code, p, u16[hw], u16[hw + 1]);
    }
    return code[p];
  };
  if (interpreterOnly(decoded(entry) & 255)) return null;
  const g = new Gen();

  // blocks are discovered as their first jump to them is generated
  const blocks: number[] = [entry];
  const index = new Map<number, number>([[entry, 0]]);
  let room = MAX_INSNS;
  /** Jump to byte offset t; `seen`: known to run (straight-line continuation). */
  const goto = (t: number, seen = false): string => {
    if (t >= 0 && t < 4096) {
      let b = index.get(t);
      if (b === undefined && room > 0 && !interpreterOnly(decoded(t) & 255) && (seen || code[(t >> 1) * SLOT_INTS + 3] !== 0)) {
        b = blocks.length;
        blocks.push(t);
        index.set(t, b);
      }
      if (b !== undefined) return `{ b = ${b}; continue; }`;
      return `{ es = ${t}; break out; }`;
    }
    // another page: the epilogue computes the address
    return `{ es = ${t}; ret = -3; break out; }`;
  };
  const cases: string[] = [];
  for (let bi = 0; bi < blocks.length; bi++) {
    // the block's instructions: up to a jump, or to where another block starts
    const list: { op: number; c: Ctx }[] = [];
    let off = blocks[bi],
      k = 0;
    for (;;) {
      const w = decoded(off),
        op = w & 255;
      if (k > 0 && (interpreterOnly(op) || k >= MAX_BLOCK || index.has(off))) break;
      const p = (off >> 1) * SLOT_INTS;
      const c: Ctx = { w, imm: code[p + 1], raw: code[p + 2], off, k, next: off + ((w >>> 26) >> 1) };
      list.push({ op, c });
      room--;
      k++;
      if (isBranch(op) || op === Op.Jal || op === Op.Jalr) break;
      off = c.next;
    }
    const groups = planGroups(list);
    const lines: string[] = [];
    let term = '';
    for (let i = 0; i < list.length; i++) {
      const { op, c } = list[i],
        w = c.w;
      const grp = groups.get(i);
      if (grp?.header) lines.push(g.groupHeader(grp));
      if (isBranch(op)) {
        lines.push(`n += ${k};`);
        term = `if (${g.branchCond(op, w)}) ${goto(c.off + c.imm)}\n  ${goto(c.next)}`;
      } else if (op === Op.Jal || op === Op.Jalr) {
        // a call's return point becomes a block too (if it has run), for in-page returns
        if (rdOf(w) !== SINK) goto(c.next);
        if (op === Op.Jal) {
          lines.push(`n += ${k};`, g.link(w, c.off));
          term = goto(c.off + c.imm);
        } else {
          // a target in this page continues in the region if it is a block start
          lines.push(g.jalr(w, c), `n += ${k};`);
          term = 'if (jh === pcHi && ((jl ^ base) & -4096) === 0) switch (jl & 4095) { /*BLOCKS*/ }\n  ret = -2; break out;';
        }
      } else {
        lines.push(g.emit(op, c, grp));
      }
    }
    if (!term) {
      lines.push(`n += ${k};`);
      term = goto(off, true);
    }
    // the budget is checked once per block; a trap inside counts its own instructions
    cases.push(`case ${bi}: {\n  if (n + ${k} > budget) { es = ${blocks[bi]}; break out; }\n  ` + `${lines.filter((l) => l).join('\n  ')}\n  ${term}\n}`);
  }
  const regs = [...g.used].sort((a, b) => a - b);
  const dispatch = blocks.map((off, i) => `case ${off}: b = ${i}; continue;`).join(' ');
  const body = cases.join('\n').replaceAll('/*BLOCKS*/', dispatch);
  // only the views this region uses
  const views = [
    'x = h.x',
    'fb = h.fbits',
    'tlb = h.mmu.tlb',
    'm32 = h.mem.i32',
    'm8 = h.mem.u8',
    's8 = h.mem.i8',
    'm16 = h.mem.u16',
    's16 = h.mem.i16',
    'mcode = h.mem.code',
  ].filter((v) => v.startsWith('x ') || new RegExp(`\\b${v.split(' ')[0]}\\b`).test(body));
  const src = `
const ${views.join(', ')};
${regs.length ? `let ${regs.map((r) => `l${r} = x[${r}], h${r} = x[${r + 64}]`).join(', ')};` : ''}
// exits only assign locals (ret, es: byte offset, ek: retired in the block, jl/jh: jump target)
let n = 0, b = 0, ret = -1, es = 0, ek = 0, jl = 0, jh = 0;
out: for (;;) {
switch (b) {
${body}
}
}
${[...g.written].map((r) => `x[${r}] = l${r}; x[${r + 64}] = h${r};`).join(' ')}
const el = (base + es) | 0, eh = (pcHi + (es >> 31) + ((el >>> 0) < (base >>> 0) ? 1 : 0)) | 0;
h.jn = n + ek; h.js = es;
h.jpcLo = ret === -3 ? el : jl; h.jpcHi = ret === -3 ? eh : jh;
return ret === -3 ? -2 : ret;`;
  try {
    const factory = new Function(
      'mulhu32',
      'mulh64',
      'div64',
      'div32',
      'execFp',
      'ctz32',
      'cpop32',
      'orcb32',
      'bswap32',
      `return function region(h, budget, base, pcHi, code, phys) {${src}\n};`,
    );
    return factory(mulhu32, mulh64, div64, div32, execFp, ctz32, cpop32, orcb32, bswap32) as RegionFn;
  } catch {
    // e.g. a Content-Security-Policy without 'unsafe-eval': interpret only
    jitUsable = false;
    return null;
  }
}

interface Ctx {
  w: number;
  imm: number;
  raw: number;
  off: number;
  k: number;
  next: number;
}

/**
 * Loads and stores of one block off the same unchanged base register (stack
 * frames, structs) share one translation: a header checks once that they all
 * fall in one page, aligned, with a TLB hit, and sets the group's RAM offset
 * g<id> (-1 if not; then each access takes its own path).
 */
interface Group {
  id: number;
  header: boolean;
  base: number;
  minOff: number;
  maxEnd: number;
  align: number;
  store: boolean;
  delta: number;
}

const MEM_SIZE = new Map<number, number>([
  [Op.Lb, 1],
  [Op.Lbu, 1],
  [Op.Sb, 1],
  [Op.Lh, 2],
  [Op.Lhu, 2],
  [Op.Sh, 2],
  [Op.Lw, 4],
  [Op.Lwu, 4],
  [Op.Sw, 4],
  [Op.Flw, 4],
  [Op.Fsw, 4],
  [Op.Ld, 8],
  [Op.Sd, 8],
  [Op.Fld, 8],
  [Op.Fsd, 8],
]);
const isStore = (op: number): boolean => (op >= Op.Sb && op <= Op.Sd) || op === Op.Fsw || op === Op.Fsd;
/** the integer register an instruction writes (not x0), or 0 */
function intDest(op: number, w: number): number {
  if (isStore(op) || isBranch(op) || op === Op.Flw || op === Op.Fld || op === Op.Fence) return 0;
  const rd = rdOf(w);
  return rd === SINK ? 0 : rd;
}

let groupIds = 0;

function planGroups(list: { op: number; c: Ctx }[]): Map<number, Group> {
  const out = new Map<number, Group>();
  for (let i = 0; i < list.length; i++) {
    const first = list[i];
    const base = rs1Of(first.c.w);
    if (out.has(i) || !MEM_SIZE.has(first.op) || base === 0) continue;
    const members: number[] = [];
    for (let j = i; j < list.length; j++) {
      const { op, c } = list[j];
      if (op === Op.Amo || op === Op.Fp) break; // helpers: keep it simple
      if (MEM_SIZE.has(op) && rs1Of(c.w) === base && !out.has(j)) members.push(j);
      if (intDest(op, c.w) === base) break; // later accesses see a new base
    }
    const minOff = Math.min(...members.map((j) => list[j].c.imm));
    const inGroup = members.filter((j) => (list[j].c.imm - minOff) % MEM_SIZE.get(list[j].op)! === 0);
    if (inGroup.length < 2) continue;
    const maxEnd = Math.max(...inGroup.map((j) => list[j].c.imm + MEM_SIZE.get(list[j].op)! - 1));
    if (maxEnd - minOff >= 4096) continue;
    const id = groupIds++;
    const align = Math.max(...inGroup.map((j) => MEM_SIZE.get(list[j].op)!)) - 1;
    const store = inGroup.some((j) => isStore(list[j].op));
    inGroup.forEach((j, n) => out.set(j, { id, header: n === 0, base, minOff, maxEnd, align, store, delta: list[j].c.imm - minOff }));
  }
  return out;
}

const rdOf = (w: number): number => (w >>> 8) & 63;
const rs1Of = (w: number): number => (w >>> 14) & 63;
const rs2Of = (w: number): number => (w >>> 20) & 63;

/** Code generator for the instructions of one region; tracks the registers it touches. */
class Gen {
  /** registers held in locals l<r> (low half) and h<r> (high half) */
  readonly used = new Set<number>();
  /** registers to write back to the register file on exit */
  readonly written = new Set<number>();

  /** low / high half of a source register; x0 is the constant 0 */
  L(r: number): string {
    if (r === 0) return '0';
    this.used.add(r);
    return `l${r}`;
  }
  H(r: number): string {
    if (r === 0) return '0';
    this.used.add(r);
    return `h${r}`;
  }

  /** Write rd; both halves are computed before either is written (rd may be a source). */
  set(rd: number, lo: string, hi: string): string {
    if (rd === SINK) return '';
    this.used.add(rd);
    this.written.add(rd);
    return `{ const t0 = (${lo}) | 0, t1 = (${hi}) | 0; l${rd} = t0; h${rd} = t1; }`;
  }
  /** Write rd from a 32-bit result, sign-extended. */
  setW(rd: number, expr: string): string {
    if (rd === SINK) return '';
    this.used.add(rd);
    this.written.add(rd);
    return `{ const t0 = (${expr}) | 0; l${rd} = t0; h${rd} = t0 >> 31; }`;
  }
  /** Store the locals of registers into the register file (before a helper reads it). */
  flush(...rs: number[]): string {
    return rs
      .filter((r) => r !== 0 && r !== SINK)
      .map((r) => `x[${r}] = ${this.L(r)}; x[${r + 64}] = ${this.H(r)};`)
      .join(' ');
  }
  /** Reload a register written by a helper. */
  reload(rd: number): string {
    if (rd === 0 || rd === SINK) return '';
    this.used.add(rd);
    this.written.add(rd);
    return `l${rd} = x[${rd}]; h${rd} = x[${rd + 64}];`;
  }

  /** trap at instruction k (0-based) of the block */
  trap(c: Ctx, cause: string): string {
    return `{ ek = ${c.k}; es = ${c.off}; ret = ${cause}; break out; }`;
  }
  /** leave for the interpreter at instruction k of the block (it is not executed here) */
  bail(c: Ctx): string {
    return `{ ek = ${c.k}; es = ${c.off}; break out; }`;
  }

  link(w: number, off: number): string {
    const rd = rdOf(w);
    return this.set(rd, `(base + ${off + ((w >>> 26) >> 1)}) | 0`, `pcHi + (((base + ${off + ((w >>> 26) >> 1)}) >>> 0) < (base >>> 0) ? 1 : 0)`);
  }

  jalr(w: number, c: Ctx): string {
    const rs1 = rs1Of(w);
    return (
      `{ const a = ${this.L(rs1)}, l = (a + ${c.imm}) | 0; jh = (${this.H(rs1)} + ${c.imm >> 31} + ((l >>> 0) < (a >>> 0) ? 1 : 0)) | 0; ` +
      `jl = l & ~1; }\n  ${this.link(w, c.off)}`
    );
  }

  branchCond(op: number, w: number): string {
    const al = this.L(rs1Of(w)),
      ah = this.H(rs1Of(w)),
      bl = this.L(rs2Of(w)),
      bh = this.H(rs2Of(w));
    const ltS = `(${ah} < ${bh} || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0)))`;
    const ltU = `((${ah} >>> 0) < (${bh} >>> 0) || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0)))`;
    switch (op) {
      case Op.Beq:
        return `${al} === ${bl} && ${ah} === ${bh}`;
      case Op.Bne:
        return `${al} !== ${bl} || ${ah} !== ${bh}`;
      case Op.Blt:
        return ltS;
      case Op.Bge:
        return `!${ltS}`;
      case Op.Bltu:
        return ltU;
      default:
        return `!${ltU}`;
    }
  }

  /** effective address rs1 + imm as consts l (low), hh (high); TLB tag v and index t */
  addr(c: Ctx): string {
    const rs1 = rs1Of(c.w);
    return (
      `const a = ${this.L(rs1)}, l = (a + ${c.imm}) | 0, hh = (${this.H(rs1)} + ${c.imm >> 31} + ((l >>> 0) < (a >>> 0) ? 1 : 0)) | 0;\n  ` +
      `const v = (hh << 20) | (l >>> 12), t = (v & ${TLB_MASK}) << 3;`
    );
  }

  /** The shared translation of a group of accesses (see Group). */
  groupHeader(gr: Group): string {
    const tag = gr.store ? 2 : 0;
    return (
      `let g${gr.id} = -1;\n  { const a = ${this.L(gr.base)}, la = (a + ${gr.minOff}) | 0, ` +
      `hh = (${this.H(gr.base)} + ${gr.minOff >> 31} + ((la >>> 0) < (a >>> 0) ? 1 : 0)) | 0;\n  ` +
      `if ((hh >>> 6) === 0 && (la & ${gr.align}) === 0 && ((la ^ ((a + ${gr.maxEnd}) | 0)) & -4096) === 0) {\n  ` +
      `const v = (hh << 20) | (la >>> 12), t = (v & ${TLB_MASK}) << 3; if (tlb[t + ${tag}] === v) g${gr.id} = tlb[t + ${tag + 1}] | (la & 4095); } }`
    );
  }

  /**
   * TLB hit and aligned: `fast` accesses RAM at byte offset o (loads into r,
   * and q); else the interpreter performs the instruction.
   */
  access(c: Ctx, size: number, tag: number, fast: string, grp?: Group): string {
    const own =
      `{ ${this.addr(c)}\n  ` +
      `if ((hh >>> 6) === 0 && tlb[t + ${tag}] === v && (l & ${size - 1}) === 0) { const o = tlb[t + ${tag + 1}] | (l & 4095); ${fast} }\n  ` +
      `else ${this.bail(c)} }`;
    return grp ? `if (g${grp.id} >= 0) { const o = g${grp.id} + ${grp.delta}; ${fast} } else ${own}` : own;
  }

  load(c: Ctx, size: number, fast: string, write: string, grp?: Group): string {
    return `{ let r = 0, q = 0;\n  ${this.access(c, size, 0, fast, grp)}\n  ${write} }`;
  }

  store(c: Ctx, size: number, fast: string, grp?: Group): string {
    return this.access(c, size, 2, fast, grp);
  }

  shift(rd: number, rs1: number, amount: string, kind: 'l' | 'rl' | 'ra'): string {
    if (rd === SINK) return '';
    const al = this.L(rs1),
      ah = this.H(rs1);
    const body =
      kind === 'l'
        ? `if (s === 0) { lo = ${al}; hi = ${ah}; } else if (s < 32) { hi = (${ah} << s) | (${al} >>> (32 - s)); lo = ${al} << s; } else { hi = ${al} << (s - 32); lo = 0; }`
        : kind === 'rl'
          ? `if (s === 0) { lo = ${al}; hi = ${ah}; } else if (s < 32) { lo = (${al} >>> s) | (${ah} << (32 - s)); hi = ${ah} >>> s; } else { lo = ${ah} >>> (s - 32); hi = 0; }`
          : `if (s === 0) { lo = ${al}; hi = ${ah}; } else if (s < 32) { lo = (${al} >>> s) | (${ah} << (32 - s)); hi = ${ah} >> s; } else { lo = ${ah} >> (s - 32); hi = ${ah} >> 31; }`;
    return `{ const s = ${amount}; let lo = 0, hi = 0; ${body} ${this.set(rd, 'lo', 'hi')} }`;
  }

  /** Constant shift amount: resolved at compile time. */
  shiftImm(rd: number, rs1: number, s: number, kind: 'l' | 'rl' | 'ra'): string {
    const al = this.L(rs1),
      ah = this.H(rs1);
    if (s === 0) return this.set(rd, al, ah);
    if (kind === 'l') {
      return s < 32 ? this.set(rd, `${al} << ${s}`, `(${ah} << ${s}) | (${al} >>> ${32 - s})`) : this.set(rd, '0', `${al} << ${s - 32}`);
    }
    if (kind === 'rl') {
      return s < 32 ? this.set(rd, `(${al} >>> ${s}) | (${ah} << ${32 - s})`, `${ah} >>> ${s}`) : this.set(rd, `${ah} >>> ${s - 32}`, '0');
    }
    return s < 32 ? this.set(rd, `(${al} >>> ${s}) | (${ah} << ${32 - s})`, `${ah} >> ${s}`) : this.set(rd, `${ah} >> ${s - 32}`, `${ah} >> 31`);
  }

  /** A helper from alu64.ts writing its result to slot SINK of the register file. */
  viaSink(rd: number, call: string): string {
    if (rd === SINK) return '';
    return `${call} ${this.set(rd, `x[${SINK}]`, `x[${SINK + 64}]`)}`;
  }

  emit(op: number, c: Ctx, grp?: Group): string {
    const w = c.w,
      rd = rdOf(w),
      rs1 = rs1Of(w),
      rs2 = rs2Of(w),
      imm = c.imm;
    const a = this.L(rs1),
      ah = this.H(rs1),
      b = this.L(rs2),
      bh = this.H(rs2);
    const lt = (xh: string, yh: string, xl: string, yl: string): string => `(${xh} < ${yh} || (${xh} === ${yh} && (${xl} >>> 0) < (${yl} >>> 0)))`;
    const ltu = (xh: string, yh: string, xl: string, yl: string): string =>
      `((${xh} >>> 0) < (${yh} >>> 0) || (${xh} === ${yh} && (${xl} >>> 0) < (${yl} >>> 0)))`;
    switch (op) {
      case Op.Li:
        return this.set(rd, `${imm}`, `${imm >> 31}`);
      case Op.Mv:
        return this.set(rd, a, ah);
      case Op.Auipc:
        return this.set(
          rd,
          `(base + ${c.off} + ${imm}) | 0`,
          `pcHi + ${imm >> 31} + (((base + ${c.off}) >>> 0) < (base >>> 0) ? 1 : 0) + ((((base + ${c.off} + ${imm}) | 0) >>> 0) < (((base + ${c.off}) | 0) >>> 0) ? 1 : 0)`,
        );
      case Op.Lb:
        return this.load(c, 1, 'r = s8[o];', this.setW(rd, 'r'), grp);
      case Op.Lbu:
        return this.load(c, 1, 'r = m8[o];', this.set(rd, 'r', '0'), grp);
      case Op.Lh:
        return this.load(c, 2, 'r = s16[o >> 1];', this.setW(rd, 'r'), grp);
      case Op.Lhu:
        return this.load(c, 2, 'r = m16[o >> 1];', this.set(rd, 'r', '0'), grp);
      case Op.Lw:
        return this.load(c, 4, 'r = m32[o >> 2];', this.setW(rd, 'r'), grp);
      case Op.Lwu:
        return this.load(c, 4, 'r = m32[o >> 2];', this.set(rd, 'r', '0'), grp);
      case Op.Ld:
        return this.load(c, 8, 'r = m32[o >> 2]; q = m32[(o >> 2) + 1];', this.set(rd, 'r', 'q'), grp);
      case Op.Flw: {
        const f = (rd & 31) * 2;
        return this.load(c, 4, 'r = m32[o >> 2];', `fb[${f}] = r; fb[${f + 1}] = -1;`, grp);
      }
      case Op.Fld: {
        const f = (rd & 31) * 2;
        return this.load(c, 8, 'r = m32[o >> 2]; q = m32[(o >> 2) + 1];', `fb[${f}] = r; fb[${f + 1}] = q;`, grp);
      }
      case Op.Sb:
        return this.store(c, 1, `m8[o] = ${b};`, grp);
      case Op.Sh:
        return this.store(c, 2, `m16[o >> 1] = ${b};`, grp);
      case Op.Sw:
        return this.store(c, 4, `m32[o >> 2] = ${b};`, grp);
      case Op.Sd:
        return this.store(c, 8, `m32[o >> 2] = ${b}; m32[(o >> 2) + 1] = ${bh};`, grp);
      case Op.Fsw:
        return this.store(c, 4, `m32[o >> 2] = fb[${(rs2 & 31) * 2}];`, grp);
      case Op.Fsd: {
        const f = (rs2 & 31) * 2;
        return this.store(c, 8, `m32[o >> 2] = fb[${f}]; m32[(o >> 2) + 1] = fb[${f + 1}];`, grp);
      }
      case Op.Addi:
        return rd === SINK ? '' : `{ const a = ${a}, l = (a + ${imm}) | 0; ${this.set(rd, 'l', `${ah} + ${imm >> 31} + ((l >>> 0) < (a >>> 0) ? 1 : 0)`)} }`;
      case Op.Slti:
        return this.set(rd, `${lt(ah, `${imm >> 31}`, a, `${imm}`)} ? 1 : 0`, '0');
      case Op.Sltiu:
        return this.set(rd, `${ltu(ah, `${imm >> 31}`, a, `${imm}`)} ? 1 : 0`, '0');
      case Op.Xori:
        return this.set(rd, `${a} ^ ${imm}`, `${ah} ^ ${imm >> 31}`);
      case Op.Ori:
        return this.set(rd, `${a} | ${imm}`, `${ah} | ${imm >> 31}`);
      case Op.Andi:
        return this.set(rd, `${a} & ${imm}`, `${ah} & ${imm >> 31}`);
      case Op.Slli:
        return this.shiftImm(rd, rs1, imm, 'l');
      case Op.Srli:
        return this.shiftImm(rd, rs1, imm, 'rl');
      case Op.Srai:
        return this.shiftImm(rd, rs1, imm, 'ra');
      case Op.Add:
        return rd === SINK ? '' : `{ const a = ${a}, l = (a + ${b}) | 0; ${this.set(rd, 'l', `${ah} + ${bh} + ((l >>> 0) < (a >>> 0) ? 1 : 0)`)} }`;
      case Op.Sub:
        return rd === SINK ? '' : `{ const a = ${a}, c = ${b}; ${this.set(rd, 'a - c', `${ah} - ${bh} - ((a >>> 0) < (c >>> 0) ? 1 : 0)`)} }`;
      case Op.Sll:
        return this.shift(rd, rs1, `${b} & 63`, 'l');
      case Op.Srl:
        return this.shift(rd, rs1, `${b} & 63`, 'rl');
      case Op.Sra:
        return this.shift(rd, rs1, `${b} & 63`, 'ra');
      case Op.Slt:
        return this.set(rd, `${lt(ah, bh, a, b)} ? 1 : 0`, '0');
      case Op.Sltu:
        return this.set(rd, `${ltu(ah, bh, a, b)} ? 1 : 0`, '0');
      case Op.Xor:
        return this.set(rd, `${a} ^ ${b}`, `${ah} ^ ${bh}`);
      case Op.Or:
        return this.set(rd, `${a} | ${b}`, `${ah} | ${bh}`);
      case Op.And:
        return this.set(rd, `${a} & ${b}`, `${ah} & ${bh}`);
      case Op.Addiw:
        return this.setW(rd, `${a} + ${imm}`);
      case Op.Slliw:
        return this.setW(rd, `${a} << ${imm}`);
      case Op.Srliw:
        return this.setW(rd, `${a} >>> ${imm}`);
      case Op.Sraiw:
        return this.setW(rd, `${a} >> ${imm}`);
      case Op.Addw:
        return this.setW(rd, `${a} + ${b}`);
      case Op.Subw:
        return this.setW(rd, `${a} - ${b}`);
      case Op.Sllw:
        return this.setW(rd, `${a} << (${b} & 31)`);
      case Op.Srlw:
        return this.setW(rd, `${a} >>> (${b} & 31)`);
      case Op.Sraw:
        return this.setW(rd, `${a} >> (${b} & 31)`);
      case Op.Mul:
        return rd === SINK
          ? ''
          : `{ const a = ${a}, c = ${b}; ${this.set(rd, 'Math.imul(a, c)', `mulhu32(a, c) + Math.imul(a, ${bh}) + Math.imul(${ah}, c)`)} }`;
      case Op.Mulw:
        return this.setW(rd, `Math.imul(${a}, ${b})`);
      case Op.Mulh:
      case Op.Mulhsu:
      case Op.Mulhu:
        return this.viaSink(rd, `mulh64(h.xl, h.xh, ${SINK}, ${a}, ${ah}, ${b}, ${bh}, ${op !== Op.Mulhu}, ${op === Op.Mulh});`);
      case Op.Div:
      case Op.Divu:
      case Op.Rem:
      case Op.Remu:
        return this.viaSink(rd, `div64(h.xl, h.xh, ${SINK}, ${a}, ${ah}, ${b}, ${bh}, ${op === Op.Div || op === Op.Rem}, ${op >= Op.Rem});`);
      case Op.Divw:
      case Op.Divuw:
      case Op.Remw:
      case Op.Remuw:
        return this.viaSink(rd, `div32(h.xl, h.xh, ${SINK}, ${a}, ${b}, ${op === Op.Divw || op === Op.Remw}, ${op >= Op.Remw});`);
      case Op.Fence:
        return '';
      case Op.Amo:
        // the helper works on the register file
        return (
          `{ ${this.flush(rs1, rs2)} const e = h.amo(${w}, ${c.raw}); if (e >= 0) ${this.trap(c, 'e')}\n  ${this.reload(rd)}\n  ` +
          `if (mcode[phys] !== code) { ek = ${c.k + 1}; es = ${c.next}; break out; } }`
        );
      case Op.Fp: {
        // integer operand rs1 and result rd (fmv, fcvt, compares) go through the register file
        const r1 = (c.raw >>> 15) & 31,
          d = (c.raw >>> 7) & 31;
        return `{ ${this.flush(r1, d)} if (execFp(h, ${c.raw}) >= 0) { h.tval = ${c.raw >>> 0}; ${this.trap(c, `${Cause.Illegal}`)} } ${this.reload(d)} }`;
      }
      default:
        if (op >= Op.ShAdd && op <= Op.CzeroNez) return this.emitB(op, c);
        throw new Error(`jit: op ${op} is interpreter-only`);
    }
  }

  /**
   * The B extension (Zba, Zbb, Zbs) and Zicond: pure register operations.
   * Constant shift amounts and bit indexes are resolved here.
   */
  emitB(op: number, c: Ctx): string {
    const w = c.w,
      rd = rdOf(w),
      rs2 = rs2Of(w),
      imm = c.imm;
    if (rd === SINK) return '';
    const a = this.L(rs1Of(w)),
      ah = this.H(rs1Of(w));
    // immediate and one-operand forms were decoded with rs2 = 0: b reads as constant 0
    const b = this.L(rs2),
      bh = this.H(rs2);
    switch (op) {
      case Op.ShAdd:
        return (
          `{ const s = ${a} << ${imm}, l = (s + ${b}) | 0; ` +
          `${this.set(rd, 'l', `((${ah} << ${imm}) | (${a} >>> ${32 - imm})) + ${bh} + ((l >>> 0) < (s >>> 0) ? 1 : 0)`)} }`
        );
      case Op.ShAddUw:
        return (
          `{ const s = ${a} << ${imm}, l = (s + ${b}) | 0; ` +
          `${this.set(rd, 'l', `${imm === 0 ? '0' : `(${a} >>> ${32 - imm})`} + ${bh} + ((l >>> 0) < (s >>> 0) ? 1 : 0)`)} }`
        );
      case Op.SlliUw:
        if (imm === 0) return this.set(rd, a, '0');
        return imm < 32 ? this.set(rd, `${a} << ${imm}`, `${a} >>> ${32 - imm}`) : this.set(rd, '0', `${a} << ${imm - 32}`);
      case Op.Andn:
        return this.set(rd, `${a} & ~${b}`, `${ah} & ~${bh}`);
      case Op.Orn:
        return this.set(rd, `${a} | ~${b}`, `${ah} | ~${bh}`);
      case Op.Xnor:
        return this.set(rd, `~(${a} ^ ${b})`, `~(${ah} ^ ${bh})`);
      case Op.Clz:
        return this.set(rd, `${ah} !== 0 ? Math.clz32(${ah}) : 32 + Math.clz32(${a})`, '0');
      case Op.Ctz:
        return this.set(rd, `${a} !== 0 ? ctz32(${a}) : 32 + ctz32(${ah})`, '0');
      case Op.Cpop:
        return this.set(rd, `cpop32(${a}) + cpop32(${ah})`, '0');
      case Op.Clzw:
        return this.set(rd, `Math.clz32(${a})`, '0');
      case Op.Ctzw:
        return this.set(rd, `ctz32(${a})`, '0');
      case Op.Cpopw:
        return this.set(rd, `cpop32(${a})`, '0');
      case Op.Max:
      case Op.Maxu:
      case Op.Min:
      case Op.Minu: {
        const signed = op === Op.Max || op === Op.Min;
        const less = signed ? `${ah} < ${bh}` : `(${ah} >>> 0) < (${bh} >>> 0)`;
        // k0: rs1 < rs2; max then takes rs2, min takes rs1
        const [x, xh, y, yh] = op === Op.Max || op === Op.Maxu ? [b, bh, a, ah] : [a, ah, b, bh];
        return `{ const k0 = ${less} || (${ah} === ${bh} && (${a} >>> 0) < (${b} >>> 0)); ` + `${this.set(rd, `k0 ? ${x} : ${y}`, `k0 ? ${xh} : ${yh}`)} }`;
      }
      case Op.SextB:
        return this.setW(rd, `(${a} << 24) >> 24`);
      case Op.SextH:
        return this.setW(rd, `(${a} << 16) >> 16`);
      case Op.ZextH:
        return this.set(rd, `${a} & 65535`, '0');
      case Op.Rori: {
        // rotate right: swap the halves for s & 32, then rotate by s & 31
        const [lo, hi] = imm & 32 ? [ah, a] : [a, ah],
          s = imm & 31;
        if (s === 0) return this.set(rd, lo, hi);
        return this.set(rd, `(${lo} >>> ${s}) | (${hi} << ${32 - s})`, `(${hi} >>> ${s}) | (${lo} << ${32 - s})`);
      }
      case Op.Rol:
      case Op.Ror:
        return (
          `{ let s = ${op === Op.Rol ? `(64 - (${b} & 63)) & 63` : `${b} & 63`}, lo = ${a}, hi = ${ah};\n  ` +
          'if (s & 32) { const t = lo; lo = hi; hi = t; }\n  s &= 31;\n  ' +
          `if (s !== 0) { const t = lo; lo = (lo >>> s) | (hi << (32 - s)); hi = (hi >>> s) | (t << (32 - s)); }\n  ${this.set(rd, 'lo', 'hi')} }`
        );
      case Op.Roriw:
        return this.setW(rd, imm === 0 ? a : `(${a} >>> ${imm}) | (${a} << ${32 - imm})`);
      // JavaScript takes shift counts mod 32, which is what a 32-bit rotate wants
      case Op.Rorw:
        return `{ const s = ${b} & 31; ${this.setW(rd, `(${a} >>> s) | (${a} << (32 - s))`)} }`;
      case Op.Rolw:
        return `{ const s = ${b} & 31; ${this.setW(rd, `(${a} << s) | (${a} >>> (32 - s))`)} }`;
      case Op.OrcB:
        return this.set(rd, `orcb32(${a})`, `orcb32(${ah})`);
      case Op.Rev8:
        return this.set(rd, `bswap32(${ah})`, `bswap32(${a})`);
      case Op.Bclri:
      case Op.Binvi:
      case Op.Bseti: {
        const m = (1 << (imm & 31)) | 0,
          high = imm >= 32;
        const f = (v: string): string => (op === Op.Bclri ? `${v} & ${~m}` : op === Op.Binvi ? `${v} ^ ${m}` : `${v} | ${m}`);
        return high ? this.set(rd, a, f(ah)) : this.set(rd, f(a), ah);
      }
      case Op.Bclr:
      case Op.Binv:
      case Op.Bset: {
        const f = (v: string, m: string): string => (op === Op.Bclr ? `${v} & ~${m}` : op === Op.Binv ? `${v} ^ ${m}` : `${v} | ${m}`);
        // 1 << s takes s mod 32: the bit within its half
        return `{ const s = ${b} & 63, ml = s < 32 ? 1 << s : 0, mh = s < 32 ? 0 : 1 << s; ${this.set(rd, f(a, 'ml'), f(ah, 'mh'))} }`;
      }
      case Op.Bexti:
        return this.set(rd, imm < 32 ? `(${a} >>> ${imm}) & 1` : `(${ah} >>> ${imm - 32}) & 1`, '0');
      case Op.Bext:
        return `{ const s = ${b} & 63; ${this.set(rd, `((s < 32 ? ${a} : ${ah}) >>> s) & 1`, '0')} }`;
      case Op.CzeroEqz:
      case Op.CzeroNez: {
        const [x, xh, y, yh] = op === Op.CzeroEqz ? ['0', '0', a, ah] : [a, ah, '0', '0'];
        return `{ const z = (${b} | ${bh}) === 0; ${this.set(rd, `z ? ${x} : ${y}`, `z ? ${xh} : ${yh}`)} }`;
      }
      default:
        throw new Error(`jit: op ${op} is not a B or Zicond operation`);
    }
  }
}
