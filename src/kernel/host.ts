// What the kernel needs from its host (Node or a browser), kept small so the
// core never imports a host module.
import type { ImageSource } from './fs/image.js';

export interface HostStream {
  write(data: Uint8Array): void;
  readonly isTty: boolean;
}

export interface HostConsole {
  stdout: HostStream;
  stderr: HostStream;
  /** The kernel wants input: call `deliver` with bytes (or null at EOF), once per request. */
  requestInput(deliver: (data: Uint8Array | null) => void): void;
  readonly stdinIsTty: boolean;
  winsize(): { rows: number; cols: number } | null;
  /** Call `cb` whenever the host terminal changes size (the console tty then sends SIGWINCH). */
  onResize?(cb: () => void): void;
}

export interface HostServices {
  console: HostConsole;
  /** Wall-clock time in ms since the epoch (the realtime clock's starting point). */
  wallClockMs(): number;
  /** Wall time since an arbitrary origin, ms, for pacing. */
  monotonicMs(): number;
  /** Resolve after ms of wall time, or earlier when `wake` is called. */
  sleep(ms: number): Promise<void>;
  /** Let the host event loop run (I/O callbacks) and come back soon. */
  yield(): Promise<void>;
  /** Fill with random bytes (the entropy source). */
  random(buf: Uint8Array): void;
  /** The host's own gzip decompressor, when it has a faster one than the kernel's (throws on bad data). */
  gunzip?(data: Uint8Array): Uint8Array;
  /** Root file system image, read lazily. */
  image: ImageSource | null;
  /**
   * Words a host watchdog reads from another thread (src/host/watchdog.ts):
   * [0] the PID on the CPU, [1] the syscall being handled or -1. The kernel
   * keeps them current so that a slice that never returns can be named.
   */
  watch?: Int32Array;
}
