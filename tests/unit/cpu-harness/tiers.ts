// The hart's execution tiers, as one list the CPU tests iterate over: a test
// that runs guest code "in every tier" loops over HART_TIERS, so a new back
// end (a WebAssembly compiler, say) is tested everywhere by adding one entry.
import type { Hart } from '../../../src/cpu/hart.js';

export interface HartTier {
  /** Short name, shown in test titles. */
  readonly name: string;
  /** Put a freshly made hart into this tier (before it runs anything). */
  setup(h: Hart): void;
}

export const HART_TIERS: readonly HartTier[] = [
  // the interpreter alone: nothing is ever compiled
  { name: 'interpreter', setup: (h) => { h.jitThreshold = Infinity; } },
  // the JavaScript block compiler at every block's first entry
  { name: 'js compiler', setup: (h) => { h.jitThreshold = 0; } },
  // as the kernel runs it: interpreted until hot, then compiled
  { name: 'default', setup: () => {} },
];
