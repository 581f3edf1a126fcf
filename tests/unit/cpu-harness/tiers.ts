// The hart's execution tiers, as one list every CPU test iterates over: the
// interpreter alone, the JavaScript block compiler (eager and taking turns
// with the interpreter), WebAssembly at small thresholds (its quick tier,
// then the optimised one once loops turn), WebAssembly compiling each page
// on its first run and optimising at the first backward jump, and the
// hart's own default (what the kernel runs with). A new back end is tested
// everywhere by adding one entry; a test that passes in one tier and fails
// in another found a compiler bug.
import { test } from 'node:test';
import { Hart, type JitBackend } from '../../../src/cpu/hart.js';
import { PhysMem } from '../../../src/cpu/physmem.js';
import { OPT_BACK_EDGES } from '../../../src/cpu/wasm/runtime.js';

/** `optAfter`: backward jumps before a page's quick WebAssembly goes to the optimised tier. */
export interface Tier {
  readonly name: string;
  readonly backend: JitBackend;
  readonly threshold: number;
  readonly optAfter?: number;
}

/** What a hart made with nobody saying otherwise runs with (WebAssembly where the host has it). */
const probe = new Hart(new PhysMem(1 << 16), -1);

export const TIERS: readonly Tier[] = [
  // the interpreter alone: nothing is ever compiled
  { name: 'interpreter', backend: 'js', threshold: Infinity },
  // the JavaScript block compiler at every block's first entry
  { name: 'js eager', backend: 'js', threshold: 0 },
  // interpreted and JavaScript-compiled code taking turns
  { name: 'js', backend: 'js', threshold: 40 },
  // WebAssembly's quick tier after a few entries, the optimised one for loops
  { name: 'wasm', backend: 'wasm', threshold: 40, optAfter: 60 },
  // forced WebAssembly: a page compiles on its first run, optimises at its first backward jump
  { name: 'wasm eager', backend: 'wasm', threshold: 1, optAfter: 1 },
  // as the kernel runs it: interpreted until hot, then compiled
  { name: 'default', backend: probe.jitBackend, threshold: probe.jitThreshold },
];

/** Put a freshly made hart into a tier (before it runs anything). */
export function setTier(h: Hart, t: Tier): void {
  if (t.backend === 'wasm' && !h.mem.wasmJit) throw new Error('this host has no WebAssembly');
  h.jitBackend = t.backend;
  h.jitThreshold = t.threshold;
  if (h.mem.wasmJit) h.mem.wasmJit.optBackEdges = t.optAfter ?? OPT_BACK_EDGES;
}

/**
 * The tier machines made by TestMachine get (null: the hart's default). Set
 * only while a `tiered` test body runs; tests are synchronous.
 */
export const current: { tier: Tier | null } = { tier: null };

/** One test per tier; TestMachine applies the tier to the machines the body creates. */
export function tiered(name: string, body: (t: Tier) => void): void {
  for (const t of TIERS) {
    test(`${name} [${t.name}]`, () => {
      current.tier = t;
      try {
        body(t);
      } finally {
        current.tier = null;
      }
    });
  }
}
