// The V8 flags tuxglass runs with, set by the CLI before anything compiles.
//
// They live in a module of their own because V8's code cache (see
// bin/tuxglass.js) records the flags in force when it was made and is
// rejected under any others: the launcher sets these same flags before it
// compiles the bundle, so the cache made at the end of one run (after the CLI
// set them) is accepted by the next.
import { setFlagsFromString } from 'node:v8';

export const V8_FLAGS: readonly string[] = [
  // Compiled guest code (src/cpu/wasm) runs as fast under V8's baseline
  // WebAssembly compiler, Liftoff, as after its optimising one (measured on
  // the CPU benchmark and a bash loop: equal or faster), while optimising
  // the large page functions in the background costs more CPU than it ever
  // saves. So guest code stays baseline; our own optimised tier does the rest.
  '--liftoff-only',
];

/** Set V8_FLAGS (setting a flag twice is harmless). */
export function setV8Flags(): void {
  for (const f of V8_FLAGS) setFlagsFromString(f);
}
