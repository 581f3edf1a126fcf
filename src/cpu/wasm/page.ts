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
//     in every tier, and instret is exact, traps included.
//   - It leaves in one of these ways, always with the register file in
//     memory up to date:
//       a tail call to dispatch (another page, or a jump through a register),
//       exit(-1): continue interpreting at Word.ExitPc, Word.ExitN retired,
//       exit(cause >= 0): a trap at Word.ExitPc (not retired), tval set,
//       exit(OPTIMIZE): the quick tier found a hot loop; recompile, then
//       continue at Word.ExitPc.
//   - It holds the blocks the interpreter has entered (their decode-cache
//     counter is nonzero) and, at the optimised tier, every block reachable
//     from them inside the page by static control flow; other targets exit
//     to the interpreter.
//   - It never stores to a page holding decoded code: the write TLB has no
//     such pages (physmem.ts), so those stores take the JS slow path, which
//     drops the page's code and makes the function exit right after.
//   - Nothing in it depends on the page's physical or virtual address: the
//     page's virtual base comes from pc, so one compiled function serves every
//     page with the same contents (fork, exec, shared libraries).
//   - An instruction straddling into the next page (at the last halfword) is
//     compiled with the upper half the next page held at compile time, and
//     runs only while the next page is in the fetch TLB and still holds it;
//     otherwise the function leaves for the interpreter there.
//
// Tiers (see tiers.ts): the quick tier emits each block on its own, with
// registers cached per block and a countdown on backward jumps; the
// optimised tier groups each loop (a strongly connected component of the
// page's control flow) into a region whose registers stay in locals for as
// long as control stays in the loop. V8 compiles both with its baseline
// compiler first and re-optimises the functions that stay hot.
import { ModuleBuilder, T } from './encoder.js';
import { Op, PAGE_SLOTS, SLOT_INTS, SINK, decodeSlot } from '../decode.js';
import { Imp, REGION_SIG, SUPPORT_EXPORTS } from './support.js';
import { FIXED_LOCALS, PageGen, isBranch, type Block, type Insn, type Unit } from './emit.js';

/** Blocks per function: the entry table's value has 12 bits for the block number. */
export const MAX_BLOCKS = 4095;
const MAX_BLOCK_INSNS = 200;
/** Return points a jump through a register compares its target with before going to dispatch. */
const MAX_RETURN_SITES = 16;

/** Instructions compiled code leaves to the interpreter. */
export function interpreterOnly(op: number): boolean {
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

export const JS_HELPERS = ['load', 'store', 'amo', 'fp'] as const;

export interface CompiledPage {
  bytes: Uint8Array<ArrayBuffer>;
  /** byte offsets of the blocks in the function (block number = index) */
  leaders: number[];
  /** leaders that cannot start compiled code (an interpreter-only first instruction) */
  never: number[];
  /** guest instructions compiled */
  insns: number;
  /** loop regions (optimised tier) */
  loops: number;
}

/**
 * Compile the blocks starting at `leaders` (byte offsets) of the decoded
 * page `code` (RAM page `phys`; halfwords in `u16` decode what is not
 * decoded yet). `counter`: byte offset (from COUNTER_OFF) of the function's
 * back-edge countdown for the quick tier, or -1 for the optimised tier.
 * Null if none can be compiled.
 */
export function compilePage(
  code: Int32Array,
  u16: Uint16Array,
  phys: number,
  leaders: number[],
  memPages: number,
  counter: number,
  name = '',
  nextHalf = -1,
): CompiledPage | null {
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
  // An instruction straddling into the next page is compiled when that
  // page's first halfword is known: the code checks it is still the same
  // before every run (straddleGuard in emit.ts), since the next page is not
  // part of what this function is keyed by.
  const straddle = straddleSlot(decoded, u16, phys, nextHalf);
  const only = (off: number): boolean => interpreterOnly(decoded(off) & 255) && !(off === STRADDLE_OFF && straddle);
  const entries = [...new Set(leaders)].filter((o) => o >= 0 && o < 4096 && (o & 1) === 0);
  const never = entries.filter(only);
  // the quick tier compiles what ran; the optimised one all that can run from there
  const runnable = entries.filter((o) => !only(o)).sort((a, b) => a - b);
  const starts = counter >= 0 ? runnable : discover(runnable, decoded, code, straddle);
  const ok = starts.slice(0, MAX_BLOCKS);
  if (ok.length === 0) return null;
  const isLeader = new Set(ok);
  const byOffset: Block[] = [];
  let total = 0;
  for (const start of ok) {
    const insns: Insn[] = [];
    let off = start,
      stop = false;
    for (;;) {
      const w = decoded(off),
        op = w & 255;
      if (insns.length > 0 && (isLeader.has(off) || insns.length >= MAX_BLOCK_INSNS)) break;
      if (op === Op.PageEnd) break; // falls into the next page
      if (off === STRADDLE_OFF && straddle) {
        // the last instruction of the page: the block goes on in the next page
        insns.push({ op: straddle[0] & 255, w: straddle[0], imm: straddle[1], raw: straddle[2], off, len: 4, nextHalf });
        off += 4;
        break;
      }
      if (interpreterOnly(op)) {
        stop = true;
        break;
      }
      const p = (off >> 1) * SLOT_INTS,
        len = (w >>> 26) >> 1;
      insns.push({ op, w, imm: code[p + 1], raw: code[p + 2], off, len });
      off += len;
      if (isBranch(op) || op === Op.Jal || op === Op.Jalr) break;
    }
    total += insns.length;
    byOffset.push({ start, insns, next: off, stop });
  }
  const units = counter >= 0 ? byOffset.map((_, i) => ({ blocks: [i], loop: false })) : loopRegions(byOffset);
  // number blocks in emission order: unit by unit
  const order = units.flatMap((u) => u.blocks);
  const blocks = order.map((i) => byOffset[i]);
  const renum = new Int32Array(byOffset.length);
  order.forEach((old, i) => {
    renum[old] = i;
  });
  const emitted: Unit[] = units.map((u) => ({ blocks: u.blocks.map((i) => renum[i]), loop: u.loop }));
  const index = new Map<number, number>(blocks.map((bl, i) => [bl.start, i]));

  // return points of calls made in this page: where an in-page return lands
  const returns = blocks.flatMap((bl) => {
    const last = bl.insns[bl.insns.length - 1];
    return last && (last.op === Op.Jal || last.op === Op.Jalr) && ((last.w >>> 8) & 63) !== SINK && index.has(bl.next) ? [bl.next] : [];
  });
  const g = new PageGen(blocks, emitted, index, counter, [...new Set(returns)].slice(0, MAX_RETURN_SITES));
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
  const helperTypes = [
    m.type([T.I32, T.I32, T.I32, T.I32], [T.I32]), // load
    m.type([T.I32, T.I32, T.I32, T.I32, T.I32, T.I32], [T.I32]), // store
    m.type([T.I32, T.I32, T.I32], [T.I32]), // amo
    m.type([T.I32, T.I32], [T.I32]), // fp
  ];
  JS_HELPERS.forEach((name, i) => {
    if (m.importFunc('js', name, helperTypes[i]) !== Imp.Load + i) throw new Error('wasm: import order');
  });
  const f = m.func(region, [...FIXED_LOCALS, ...g.extraLocals], body);
  m.export('page', f);
  if (name) m.name(f, name);
  return { bytes: m.bytes(), leaders: blocks.map((bl) => bl.start), never, insns: total, loops: emitted.filter((u) => u.loop).length };
}

/** Byte offset of the one slot an instruction can straddle from: the page's last halfword. */
const STRADDLE_OFF = 4094;

/**
 * The decoded slot of the 32-bit instruction at the page's last halfword
 * whose upper half is `nextHalf` (the next page's first halfword), or null:
 * no such instruction, the upper half unknown (-1), or one compiled code
 * leaves to the interpreter anyway.
 */
function straddleSlot(decoded: (off: number) => number, u16: Uint16Array, phys: number, nextHalf: number): Int32Array | null {
  if (nextHalf < 0 || (decoded(STRADDLE_OFF) & 255) !== Op.Straddle) return null;
  const slot = new Int32Array(SLOT_INTS);
  decodeSlot(slot, 0, u16[phys * 2048 + PAGE_SLOTS - 1], nextHalf);
  return interpreterOnly(slot[0] & 255) ? null : slot;
}

/**
 * Block starts: the entries, and every start reachable from them by static
 * control flow inside the page (branch targets and fall-throughs, jal
 * targets, the return point after a call, the instruction after a stop). So
 * a function's paths not run yet are compiled along with the hot ones and
 * need no recompile when they turn hot. Sorted.
 */
function discover(entries: number[], decoded: (off: number) => number, code: Int32Array, straddle: Int32Array | null): number[] {
  const seen = new Set<number>();
  const work = [...entries];
  const add = (t: number) => {
    if (t >= 0 && t < 4096 && !seen.has(t)) work.push(t);
  };
  while (work.length) {
    const start = work.pop()!;
    if (seen.has(start)) continue;
    const st = (off: number) => (off === STRADDLE_OFF ? straddle : null);
    if (interpreterOnly(decoded(start) & 255) && !st(start)) continue;
    seen.add(start);
    for (let off = start, n = 0; off < 4096 && n < MAX_BLOCK_INSNS; n++) {
      const s = st(off),
        w = s ? s[0] : decoded(off),
        op = w & 255;
      if (interpreterOnly(op)) {
        // the interpreter runs it, then compiled code can go on after it
        if (op !== Op.PageEnd && op !== Op.Straddle && op !== Op.Illegal) add(off + ((w >>> 26) >> 1));
        break;
      }
      const len = (w >>> 26) >> 1,
        imm = s ? s[1] : code[(off >> 1) * SLOT_INTS + 1];
      if (isBranch(op)) {
        add(off + imm);
        add(off + len);
        break;
      }
      if (op === Op.Jal || op === Op.Jalr) {
        if (op === Op.Jal) add(off + imm);
        if (((w >>> 8) & 63) !== SINK) add(off + len); // a call returns there
        break;
      }
      off += len;
    }
  }
  return [...seen].sort((a, b) => a - b);
}

/**
 * The optimised tier's units: each strongly connected component of the
 * blocks' control flow with a cycle (a loop) is one region; every other
 * block is a unit of its own. Units come in the order of their first block,
 * blocks within a region in address order.
 */
function loopRegions(blocks: Block[]): Unit[] {
  const n = blocks.length;
  const at = new Map<number, number>(blocks.map((bl, i) => [bl.start, i]));
  const succ: number[][] = blocks.map((bl) => {
    const out: number[] = [];
    const add = (t: number) => {
      const j = at.get(t);
      if (j !== undefined && !out.includes(j)) out.push(j);
    };
    // a call (a jump that links) is not a loop edge: the callee runs, then the return point
    const last = bl.insns[bl.insns.length - 1];
    if (last && isBranch(last.op)) {
      add(last.off + last.imm);
      add(bl.next);
    } else if (last && last.op === Op.Jal) {
      if (((last.w >>> 8) & 63) === SINK) add(last.off + last.imm);
    } else if (!last || last.op !== Op.Jalr) {
      if (!bl.stop) add(bl.next);
    }
    return out;
  });
  // Tarjan's algorithm, iterative
  const index = new Int32Array(n).fill(-1),
    low = new Int32Array(n),
    onStack = new Uint8Array(n);
  const stack: number[] = [],
    comp = new Int32Array(n).fill(-1);
  let next = 0,
    comps = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = next++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length) {
      const top = work[work.length - 1],
        v = top[0];
      if (top[1] < succ[v].length) {
        const w = succ[v][top[1]++];
        if (index[w] < 0) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length) {
        const u = work[work.length - 1][0];
        low[u] = Math.min(low[u], low[v]);
      }
      if (low[v] === index[v]) {
        for (;;) {
          const w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = comps;
          if (w === v) break;
        }
        comps++;
      }
    }
  }
  const members: number[][] = Array.from({ length: comps }, () => []);
  for (let i = 0; i < n; i++) members[comp[i]].push(i);
  const units: Unit[] = members.map((m) => ({ blocks: m.sort((a, b) => a - b), loop: m.length > 1 || succ[m[0]].includes(m[0]) }));
  // single blocks stay separate units; order by first block
  return units.sort((a, b) => a.blocks[0] - b.blocks[0]);
}
