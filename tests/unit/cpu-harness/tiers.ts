// The execution tiers every CPU test runs in: the interpreter alone, the
// JavaScript block compiler, WebAssembly at small thresholds (its quick tier,
// then the optimised one once loops turn), and WebAssembly compiling every
// block on its first run and optimising at the first backward jump. A test that passes in
// one tier and fails in another found a compiler bug.
import { test } from 'node:test';
import type { Hart, JitBackend } from '../../../src/cpu/hart.js';

/** `optAfter`: backward jumps before a page's quick WebAssembly goes to the optimised tier. */
export interface Tier { name: string; backend: JitBackend; threshold: number; optAfter?: number }

export const TIERS: readonly Tier[] = [
  { name: 'interpreter', backend: 'js', threshold: Infinity },
  { name: 'js', backend: 'js', threshold: 40 },
  { name: 'wasm', backend: 'wasm', threshold: 40, optAfter: 60 },
  { name: 'wasm eager', backend: 'wasm', threshold: 1, optAfter: 1 },
];

export function setTier(h: Hart, t: Tier): void {
  if (t.backend === 'wasm' && !h.mem.wasmJit) throw new Error('this host has no WebAssembly');
  h.jitBackend = t.backend;
  h.jitThreshold = t.threshold;
  if (t.optAfter !== undefined) h.mem.wasmJit!.optBackEdges = t.optAfter;
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
      try { body(t); } finally { current.tier = null; }
    });
  }
}
