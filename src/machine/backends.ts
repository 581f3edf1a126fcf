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

/**
 * How a block backend answers: the request was done, the medium failed (a
 * host read or write error, a truncated image), or the host ran out of space.
 * The disk models turn these into their own status codes (virtio-blk's
 * VIRTIO_BLK_S_IOERR, a SCSI medium error), the kernel into EIO or ENOSPC.
 */
export type BlockStatus = 'ok' | 'io-error' | 'no-space';

/**
 * What a disk stores its bytes in: a host file (src/host/disk-image.ts), a
 * buffer in memory (machine/disk-backends.ts, for the browser and tests), or
 * a copy-on-write overlay over either. Offsets and lengths are in bytes and
 * need not be aligned; the disk model issues whole sectors.
 */
export interface BlockBackend {
  /** Capacity in bytes, a multiple of 512. */
  readonly size: number;
  /** Writes are refused (a `readonly` disk). */
  readonly readOnly: boolean;
  /** Fills buf from offset. */
  read(offset: number, buf: Uint8Array): BlockStatus;
  write(offset: number, data: Uint8Array): BlockStatus;
  /** Makes what was written durable on the host (fdatasync for a file). */
  flush(): BlockStatus;
  /** Releases the host resources (the file, its lock). */
  close(): void;
}
