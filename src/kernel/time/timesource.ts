// Where the guest's time comes from: QEMU's two modes, chosen in one place.
//
// Virtual time (`--seed`, QEMU's -icount): the clock is the retired
// instructions (1 instruction = 1 ns, see clock.ts) plus modelled kernel work
// and idle jumps. Nothing depends on the host, so a run is reproducible.
//
// Wall time (the default, QEMU without -icount): the clock may never read
// less than the host's elapsed time since boot. Between two steps it runs on
// by instructions as in virtual time; after each step the kernel moves it up
// to the host's time (keepUp in kernel.ts). So CLOCK_MONOTONIC, REALTIME,
// BOOTTIME, timers, sleeps, jiffies and /proc/uptime follow the wall clock
// however fast the emulation runs, and time-slice budgets are converted to
// instructions at the measured emulation speed so that a tick or a timer
// falls due when the host's clock says it should. docs/time.md has the whole
// model, with how CPU time is accounted.

export type TimeMode = 'wall' | 'virtual';

export interface TimeSource {
  readonly mode: TimeMode;
  /**
   * The least the clock (ns since boot) may read now, from the host's time
   * read at this call: the host's elapsed time in wall mode, 0 in virtual
   * mode (only instructions and the kernel's model move the clock).
   */
  floorNs(): number;
  /** The host time (ms) read by the last floorNs(); cheap, for pacing decisions. */
  readonly lastHostMs: number;
  /** How many instructions the hart may retire to cover ns of guest time. */
  insnsFor(ns: number): number;
  /**
   * After a step: it retired `insns` instructions up to the host time of the
   * last floorNs(). Wall mode learns the emulation speed from this.
   */
  observe(insns: number): void;
  /** The host did something else (idle, an event-loop turn): the next step starts a new speed sample. */
  pause(): void;
}

/** Reproducible time: instructions are nanoseconds. */
export function virtualTime(): TimeSource {
  return {
    mode: 'virtual',
    floorNs: () => 0,
    lastHostMs: 0,
    insnsFor: (ns) => ns,
    observe: () => {},
    pause: () => {},
  };
}

/** The emulation speed assumed before any is measured (instructions per ns: 50 MIPS). */
const INITIAL_RATE = 0.05;
/** Bounds of the estimate: 1 MIPS (a tick still runs thousands of instructions) to 1 GIPS (the virtual rate). */
const MIN_RATE = 0.001,
  MAX_RATE = 1;
/** Host time gathered before the estimate is updated (ms). */
const SAMPLE_MS = 10;

class WallTime implements TimeSource {
  readonly mode = 'wall' as const;
  lastHostMs: number;
  /** Instructions per ns of host time, while the hart runs steps back to back. */
  private rate = INITIAL_RATE;
  private sampleFrom = -1;
  private sampleInsns = 0;

  constructor(
    private readonly hostMs: () => number,
    private readonly bootHostMs: number,
  ) {
    this.lastHostMs = bootHostMs;
  }

  floorNs(): number {
    const ms = this.hostMs();
    this.lastHostMs = ms;
    return Math.floor((ms - this.bootHostMs) * 1e6);
  }

  insnsFor(ns: number): number {
    return Math.max(1, Math.floor(ns * this.rate));
  }

  observe(insns: number): void {
    const now = this.lastHostMs;
    if (this.sampleFrom < 0) {
      this.sampleFrom = now;
      this.sampleInsns = 0;
      return;
    }
    this.sampleInsns += insns;
    const ms = now - this.sampleFrom;
    if (ms < SAMPLE_MS) return;
    const measured = this.sampleInsns / (ms * 1e6);
    // Half old, half new: one slow sample (a GC pause) does not halve the budgets.
    this.rate = Math.min(MAX_RATE, Math.max(MIN_RATE, (this.rate + measured) / 2));
    this.sampleFrom = now;
    this.sampleInsns = 0;
  }

  pause(): void {
    this.sampleFrom = -1;
  }
}

/** Time that follows the host's clock; `bootHostMs` is the host's time at boot (the guest's 0). */
export function wallTime(hostMs: () => number, bootHostMs = hostMs()): TimeSource {
  return new WallTime(hostMs, bootHostMs);
}
