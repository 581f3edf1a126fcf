// Seed mode's console input: bytes from the host reach the guest at moments
// fixed in virtual time, so that a run with the same seed and the same input
// gives the same output, whatever the host's speed or load.
//
// The rule. The input is cut into chunks: one line up to and including its
// '\n'; a single control byte (below 0x20, other than '\n' and '\t': ^C, ^D,
// ^Z, ESC, '\r' ...) alone; or a run of other bytes up to the next control
// byte. Chunk k is handed over at the first moment the machine is idle (no
// CPU has a runnable task) at least INPUT_GAP_NS after chunk k-1 was (for
// chunk 0: after boot), or at INPUT_MAX_WAIT_NS after it if the machine never
// idles meanwhile (so a ^C reaches a spinning job). A chunk that is due waits
// for a reader: it goes as soon as the console asks for input. After the last
// chunk, the end of input goes by the same rule; later requests stay unanswered.
//
// The host's bytes are read ahead, as fast as the host gives them. When a
// chunk is due but the host has not yet given all of it (nor its end), the
// whole machine waits for the host: virtual time stands still meanwhile, so
// the moment is still the one the rule fixes. A terminal on stdin is the one
// exception: typed keys go to the guest when they arrive, as far as the rule
// lets them (so they are not reproducible; everything else still is).
import type { HostConsole } from '../host.js';
import type { Timer, TimerQueue } from '../time/timers.js';

/** Least virtual time between two chunks (ns). */
export const INPUT_GAP_NS = 10_000_000;
/** Most virtual time between two chunks when the machine never goes idle (ns). */
export const INPUT_MAX_WAIT_NS = 1_000_000_000;

/** What the input schedule needs from the kernel. */
export interface SeedMachine {
  /** Virtual time, ns since boot. */
  now(): number;
  timers: TimerQueue;
  /** No CPU has anything to run. */
  idle(): boolean;
  /** Call fn whenever the machine is about to idle. */
  onIdle(fn: () => void): void;
  /** Stop virtual time until p resolves (the host owes input). */
  stall(p: Promise<void>): void;
  /** Wake an idle machine waiting for the host. */
  kick(): void;
}

/** Length of the chunk at the start of b; 0 when more input could still make it longer (`final`: no more will come). */
export function chunkLength(b: Uint8Array, final: boolean): number {
  if (b.length === 0) return 0;
  if (isControl(b[0])) return 1;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a) return i + 1;
    if (isControl(b[i])) return i;
  }
  return final ? b.length : 0;
}

function isControl(c: number): boolean {
  return c < 0x20 && c !== 0x0a && c !== 0x09;
}

/** A growable byte queue. */
class Bytes {
  private buf = new Uint8Array(256);
  private start = 0;
  private end = 0;
  get view(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }
  push(d: Uint8Array): void {
    if (this.end + d.length > this.buf.length) {
      // Move the live bytes to the front, into a bigger buffer if they would not fit.
      const live = this.end - this.start;
      if (live + d.length <= this.buf.length) this.buf.copyWithin(0, this.start, this.end);
      else {
        const next = new Uint8Array(Math.max(this.buf.length * 2, live + d.length));
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(d, this.end);
    this.end += d.length;
  }
  take(n: number): Uint8Array {
    const r = this.buf.slice(this.start, this.start + n);
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    return r;
  }
}

/** The host console with its input handed over on the schedule above. */
export class SeededConsole implements HostConsole {
  readonly stdout: HostConsole['stdout'];
  readonly stderr: HostConsole['stderr'];
  readonly stdinIsTty: boolean;
  private readonly size: { rows: number; cols: number } | null;
  private readonly queue = new Bytes();
  private held: ((data: Uint8Array | null) => void) | null = null;
  private hostEof = false;
  private eofSent = false;
  private pulling = false;
  /** The gap since the last chunk has passed. */
  private gapPassed = false;
  /** The next chunk may go now. */
  private due = false;
  private timers: Timer[] = [];
  private resume: (() => void) | null = null;

  constructor(
    private host: HostConsole,
    private m: SeedMachine,
  ) {
    this.stdout = host.stdout;
    this.stderr = host.stderr;
    this.stdinIsTty = host.stdinIsTty;
    // The terminal's size as it is at boot: a later resize would land at a wall-clock moment.
    this.size = host.winsize();
    m.onIdle(() => {
      if (this.gapPassed) this.open();
    });
    this.arm();
    this.pull();
  }

  winsize(): { rows: number; cols: number } | null {
    return this.size;
  }

  requestInput(deliver: (data: Uint8Array | null) => void): void {
    if (this.eofSent) return; // as a host whose input ended: no answer
    this.held = deliver;
    this.tryDeliver();
  }

  /** Start the clocks for the next chunk: it may go after the gap once idle, and must by the deadline. */
  private arm(): void {
    const now = this.m.now();
    for (const t of this.timers) this.m.timers.cancel(t);
    this.gapPassed = this.due = false;
    this.timers = [
      this.m.timers.add(now + INPUT_GAP_NS, () => {
        this.gapPassed = true;
        if (this.m.idle()) this.open();
      }),
      this.m.timers.add(now + INPUT_MAX_WAIT_NS, () => this.open()),
    ];
  }

  private open(): void {
    this.due = true;
    this.tryDeliver();
  }

  private tryDeliver(): void {
    if (!this.due || !this.held || this.eofSent) return;
    const live = this.stdinIsTty;
    const n = chunkLength(this.queue.view, this.hostEof || live);
    let data: Uint8Array | null;
    if (n > 0) data = this.queue.take(n);
    else if (this.hostEof && this.queue.view.length === 0) data = null;
    else {
      // Due, but the host still owes (part of) the chunk: the machine waits for it.
      if (!live && !this.resume)
        this.m.stall(
          new Promise<void>((r) => {
            this.resume = r;
          }),
        );
      return;
    }
    const deliver = this.held;
    this.held = null;
    if (data === null) {
      this.eofSent = true;
      for (const t of this.timers) this.m.timers.cancel(t);
      this.timers = [];
    } else this.arm();
    const r = this.resume;
    this.resume = null;
    r?.();
    deliver(data);
  }

  /** Keep one request open with the host until its input ends. */
  private pull(): void {
    while (!this.pulling && !this.hostEof) {
      this.pulling = true;
      let inCall = true,
        again = false;
      this.host.requestInput((d) => {
        this.pulling = false;
        this.arrive(d);
        if (inCall) again = true;
        else this.pull();
      });
      inCall = false;
      if (!again) return; // the host answers later; its answer pulls on
    }
  }

  private arrive(d: Uint8Array | null): void {
    if (d === null || d.length === 0) this.hostEof = true;
    else this.queue.push(d);
    // Only a stalled machine (or a terminal's typing) takes input at the moment it arrives.
    if (this.resume || this.stdinIsTty) {
      this.tryDeliver();
      this.m.kick();
    }
  }
}
