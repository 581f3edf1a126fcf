// What the board needs from the world outside it: the far end of the serial
// line, a clock, an entropy source. src/host (Node) and src/web (a browser)
// implement these; nothing here imports a host module.

/** Where bytes the UART transmits go (a terminal, stdout, a test's buffer). */
export interface ConsoleSink {
  write(data: Uint8Array): void;
  readonly isTty: boolean;
}

/** Where received bytes come from: call `deliver` once per request with bytes, or null at the end of input. */
export interface ConsoleSource {
  requestInput(deliver: (data: Uint8Array | null) => void): void;
  /**
   * Call `cb` once if the far end of the line hangs up: a terminal that went
   * away (its window closed, its ssh connection dropped). The end of a pipe
   * or file is not a hang-up: that is `deliver(null)`.
   */
  onHangup?(cb: () => void): void;
}

/** The host's clocks, and its event loop as far as the machine needs to share it. */
export interface ClockBackend {
  /** Wall-clock time in ms since the epoch (what the RTC counts). */
  wallClockMs(): number;
  /** Wall time since an arbitrary origin, ms, for pacing. */
  monotonicMs(): number;
  /** Resolve after ms of wall time. */
  sleep(ms: number): Promise<void>;
  /** Let the host event loop run and come back soon. */
  yield(): Promise<void>;
}

export interface EntropyBackend {
  /** Fill with random bytes. */
  random(buf: Uint8Array): void;
}
