// The hart's execution tiers, as one list the CPU tests iterate over: a test
// that runs guest code "in every tier" loops over TIERS, so a new back end (a
// WebAssembly compiler, say) is tested everywhere by adding one entry. A
// test that passes in one tier and fails in another found a compiler bug.
import { Hart } from '../../../src/cpu/hart.js';
import { PhysMem } from '../../../src/cpu/physmem.js';

export interface Tier { readonly name: string; readonly threshold: number }

/** Block entries before code is compiled when nobody says otherwise (what the kernel runs with). */
const DEFAULT_THRESHOLD = new Hart(new PhysMem(1 << 16), -1).jitThreshold;

export const TIERS: readonly Tier[] = [
  // the interpreter alone: nothing is ever compiled
  { name: 'interpreter', threshold: Infinity },
  // the JavaScript block compiler at every block's first entry
  { name: 'js eager', threshold: 0 },
  // interpreted and compiled code taking turns
  { name: 'js', threshold: 40 },
  // as the kernel runs it: interpreted until hot, then compiled
  { name: 'default', threshold: DEFAULT_THRESHOLD },
];

/** Put a freshly made hart into a tier (before it runs anything). */
export function setTier(h: Hart, t: Tier): void {
  h.jitThreshold = t.threshold;
}
