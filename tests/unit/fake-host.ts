// The host a unit test gives a kernel it builds without a machine around it:
// a fixed wall clock, time that never moves on its own, no input, no guest
// root image, and the console collected into `out` when the test wants it.
import type { HostServices } from '../../src/kernel/host.js';

export interface FakeHostOptions {
  /** Console output, one decoded chunk per write. */
  out?: string[];
  /** Fills entropy requests; constant bytes unless the test wants a pattern. */
  random?: (b: Uint8Array) => void;
}

export function fakeHost(opts: FakeHostOptions = {}): HostServices {
  const dec = new TextDecoder();
  const sink = {
    write(d: Uint8Array) {
      opts.out?.push(dec.decode(d));
    },
    isTty: false,
  };
  return {
    console: { stdout: sink, stderr: sink, requestInput() {}, stdinIsTty: false, winsize: () => null },
    wallClockMs: () => 1_700_000_000_000,
    monotonicMs: () => 0,
    sleep: async () => {},
    yield: async () => {},
    random: opts.random ?? ((b: Uint8Array) => b.fill(7)),
    image: null,
  };
}
