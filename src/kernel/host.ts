// What the kernel needs from its host (Node or a browser), kept small so the
// core never imports a host module. The board's backends (machine/backends.ts)
// are the parts the devices use: the console line, the clock, entropy.
import type { ImageSource } from './fs/image.js';
import type { ClockBackend, ConsoleSink, ConsoleSource, EntropyBackend } from '../machine/backends.js';

export type HostStream = ConsoleSink;

export interface HostConsole extends ConsoleSource {
  stdout: HostStream;
  stderr: HostStream;
  readonly stdinIsTty: boolean;
  winsize(): { rows: number; cols: number } | null;
  /** Call `cb` whenever the host terminal changes size (the console tty then sends SIGWINCH). */
  onResize?(cb: () => void): void;
}

export interface HostServices extends ClockBackend, EntropyBackend {
  console: HostConsole;
  /** The host's own gzip decompressor, when it has a faster one than the kernel's (throws on bad data). */
  gunzip?(data: Uint8Array): Uint8Array;
  /** The same off the host's event loop (a thread pool), so that the host stays responsive meanwhile. */
  gunzipAsync?(data: Uint8Array): Promise<Uint8Array>;
  /** Root file system image, read lazily. */
  image: ImageSource | null;
  /**
   * Words a host watchdog reads from another thread (src/host/watchdog.ts):
   * [0] the PID on the CPU, [1] the syscall being handled or -1. The kernel
   * keeps them current so that a slice that never returns can be named.
   */
  watch?: Int32Array;
}
