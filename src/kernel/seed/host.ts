// Seed mode (`--seed N`): the host services as a reproducible machine sees
// them. The realtime clock starts at a fixed epoch and runs on virtual time,
// entropy comes from a generator seeded with N (prng.ts), and console input
// arrives on a schedule of virtual time (input.ts). Pacing (monotonicMs,
// sleep, yield) stays the host's: the kernel uses it only to share the host,
// never for anything the guest sees.
import type { HostServices } from '../host.js';
import { Xoshiro128 } from './prng.js';
import { SeededConsole, type SeedMachine } from './input.js';

/** Realtime at boot in seed mode unless the host gives one: 2025-01-01T00:00:00Z. */
export const SEED_EPOCH_MS = 1_735_689_600_000;

export function seededHost(host: HostServices, seed: number, epochMs: number, m: SeedMachine): HostServices {
  const rng = new Xoshiro128(seed);
  return {
    console: new SeededConsole(host.console, m),
    image: host.image,
    wallClockMs: () => epochMs + m.now() / 1e6,
    monotonicMs: () => host.monotonicMs(),
    sleep: (ms) => host.sleep(ms),
    yield: () => host.yield(),
    random: (buf) => rng.fill(buf),
    gunzip: host.gunzip?.bind(host),
  };
}
