// The NTP clock model's state (kernel/time/ntp.c) as adjtimex(2) reads and
// sets it: offset, frequency, error bounds, status bits, time constant, tick,
// the singleshot adjtime() offset, and the leap-second state machine.
//
// What is kept: every value adjtimex reports, with Linux's clamps and units,
// the error growth of maxerror, and leap seconds: with STA_INS (STA_DEL) set,
// at the next midnight UTC the clock repeats (skips) a second, as
// second_overflow does, with TIME_INS -> TIME_OOP -> TIME_WAIT -> TIME_OK.
// What is not: the clock is not slewed. The PLL/FLL offset, the frequency,
// the tick length and adjtime()'s singleshot offset are stored and reported
// but do not change the rate of the guest's clock (the machine's clock is
// the only time base, time/clock.ts); a step (settimeofday, ADJ_SETOFFSET)
// moves it at once.
import type { VirtualClock } from './clock.js';
import type { RealtimeTimer, Timekeeping } from './timekeeping.js';

export const ADJ_OFFSET = 0x0001,
  ADJ_FREQUENCY = 0x0002,
  ADJ_MAXERROR = 0x0004,
  ADJ_ESTERROR = 0x0008,
  ADJ_STATUS = 0x0010,
  ADJ_TIMECONST = 0x0020,
  ADJ_TAI = 0x0080,
  ADJ_SETOFFSET = 0x0100,
  ADJ_MICRO = 0x1000,
  ADJ_NANO = 0x2000,
  ADJ_TICK = 0x4000,
  /** The kernel's own spelling: userspace's ADJ_OFFSET_SINGLESHOT is ADJ_ADJTIME | this (0x8001). */
  ADJ_OFFSET_SINGLESHOT = 0x0001,
  ADJ_OFFSET_READONLY = 0x2000,
  ADJ_ADJTIME = 0x8000;

export const STA_PLL = 0x0001,
  STA_PPSFREQ = 0x0002,
  STA_PPSTIME = 0x0004,
  STA_FLL = 0x0008,
  STA_INS = 0x0010,
  STA_DEL = 0x0020,
  STA_UNSYNC = 0x0040,
  STA_FREQHOLD = 0x0080,
  STA_PPSSIGNAL = 0x0100,
  STA_PPSJITTER = 0x0200,
  STA_PPSWANDER = 0x0400,
  STA_PPSERROR = 0x0800,
  STA_CLOCKERR = 0x1000,
  STA_NANO = 0x2000,
  STA_MODE = 0x4000,
  STA_CLK = 0x8000;
/** Status bits adjtimex cannot set. */
const STA_RONLY = STA_PPSSIGNAL | STA_PPSJITTER | STA_PPSWANDER | STA_PPSERROR | STA_CLOCKERR | STA_NANO | STA_MODE | STA_CLK;

/** The clock's state, adjtimex's return value. */
export enum TimeState {
  TIME_OK = 0,
  TIME_INS = 1,
  TIME_DEL = 2,
  TIME_OOP = 3,
  TIME_WAIT = 4,
  TIME_ERROR = 5,
}

/** NTP_PHASE_LIMIT: the bound of maxerror and esterror (us). */
const NTP_PHASE_LIMIT = 16_000_000;
/** MAXPHASE: the largest offset the PLL takes (ns). */
const MAXPHASE = 500_000_000;
/** MAXTC: the largest time constant. */
const MAXTC = 10;
/** MAXFREQ (500 ppm) in adjtimex's freq unit (ppm with a 16-bit fraction): also the tolerance reported. */
const MAXFREQ_SCALED = 500 * 65536;
/** maxerror grows by MAXFREQ each second: 500 us. */
const MAXERROR_GROWTH_US = 500;
/** MAX_TAI_OFFSET: the largest TAI offset ADJ_TAI takes. */
const MAX_TAI_OFFSET = 100000;
/** USER_TICK_USEC: the tick length at USER_HZ=100, in us. */
export const USER_TICK_USEC = 10000;
const SECS_PER_DAY = 86400;

/** struct __kernel_timex, the fields adjtimex reads and writes (time is the timeval/timespec pair). */
export interface Timex {
  modes: number;
  offset: number;
  freq: number;
  maxerror: number;
  esterror: number;
  status: number;
  constant: number;
  precision: number;
  tolerance: number;
  timeSec: number;
  timeUsec: number;
  tick: number;
  tai: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export class NtpState {
  status = STA_UNSYNC;
  state = TimeState.TIME_OK;
  /** time_offset: the PLL's remaining phase offset (ns). */
  offsetNs = 0;
  /** time_freq, in adjtimex's unit (scaled ppm). */
  freq = 0;
  /** time_maxerror at maxerrorAt (monotonic ns); it grows by 500 us a second from there. */
  private maxerrorBase = NTP_PHASE_LIMIT;
  private maxerrorAt = 0;
  esterror = NTP_PHASE_LIMIT;
  constant = 2;
  tick = USER_TICK_USEC;
  /** time_adjust: adjtime()'s singleshot offset (us). */
  adjust = 0;
  /** ntp_next_leap_sec: the second (realtime) at which the pending leap happens. */
  nextLeapSec = Infinity;
  /** The per-second timer that runs second_overflow while a leap is pending or settling. */
  private secondTimer: RealtimeTimer | null = null;
  /** Kernel messages (printk at KERN_NOTICE). */
  notice: (text: string) => void = () => {};

  constructor(
    private readonly tk: Timekeeping,
    private readonly clock: VirtualClock,
  ) {}

  get maxerror(): number {
    const grown = this.maxerrorBase + Math.floor((this.clock.monotonic() - this.maxerrorAt) / 1e9) * MAXERROR_GROWTH_US;
    if (grown >= NTP_PHASE_LIMIT) {
      // second_overflow: an error bound past the limit means the clock is no longer synchronized.
      if (this.maxerrorBase < NTP_PHASE_LIMIT) this.status |= STA_UNSYNC;
      this.maxerrorBase = NTP_PHASE_LIMIT;
      return NTP_PHASE_LIMIT;
    }
    return grown;
  }

  private setMaxerror(us: number): void {
    this.maxerrorBase = us;
    this.maxerrorAt = this.clock.monotonic();
  }

  /** ntp_clear: what a clock step resets. */
  clear(): void {
    this.adjust = 0;
    this.status |= STA_UNSYNC;
    this.setMaxerror(NTP_PHASE_LIMIT);
    this.esterror = NTP_PHASE_LIMIT;
    this.offsetNs = 0;
    this.nextLeapSec = Infinity;
  }

  /** is_error_status: the clock's state is TIME_ERROR whatever the leap state. */
  private isError(): boolean {
    const s = this.status;
    return (
      (s & (STA_UNSYNC | STA_CLOCKERR)) !== 0 ||
      ((s & (STA_PPSFREQ | STA_PPSTIME)) !== 0 && !(s & STA_PPSSIGNAL)) ||
      (s & (STA_PPSTIME | STA_PPSJITTER)) === (STA_PPSTIME | STA_PPSJITTER) ||
      ((s & STA_PPSFREQ) !== 0 && (s & (STA_PPSWANDER | STA_PPSERROR)) !== 0)
    );
  }

  /**
   * __do_adjtimex: apply the modes of a validated request and fill it with
   * the state; returns the clock state. `nowNs` is the realtime read before.
   */
  adjtimex(tx: Timex, nowNs: number): number {
    if (tx.modes & ADJ_ADJTIME) {
      const save = this.adjust;
      if (!(tx.modes & ADJ_OFFSET_READONLY)) this.adjust = tx.offset;
      tx.offset = save;
    } else {
      if (tx.modes) this.applyModes(tx);
      tx.offset = this.status & STA_NANO ? this.offsetNs : Math.trunc(this.offsetNs / 1000);
    }
    let result: number = this.isError() ? TimeState.TIME_ERROR : this.state;
    tx.freq = this.freq;
    tx.maxerror = this.maxerror;
    tx.esterror = this.esterror;
    tx.status = this.status;
    tx.constant = this.constant;
    tx.precision = 1;
    tx.tolerance = MAXFREQ_SCALED;
    tx.tick = this.tick;
    tx.tai = this.tk.taiOffset;
    const sec = Math.floor(nowNs / 1e9),
      nsec = nowNs - sec * 1e9;
    tx.timeSec = sec;
    tx.timeUsec = this.status & STA_NANO ? nsec : Math.floor(nsec / 1000);
    // The leap is made by the second timer a moment after midnight: report it as made already.
    if (sec >= this.nextLeapSec) {
      if (this.state === TimeState.TIME_INS && this.status & STA_INS) {
        result = TimeState.TIME_OOP;
        tx.tai++;
        tx.timeSec--;
      }
      if (this.state === TimeState.TIME_DEL && this.status & STA_DEL) {
        result = TimeState.TIME_WAIT;
        tx.tai--;
        tx.timeSec++;
      }
      if (this.state === TimeState.TIME_OOP && sec === this.nextLeapSec) result = TimeState.TIME_WAIT;
    }
    this.watchSeconds();
    return result;
  }

  /** process_adjtimex_modes. */
  private applyModes(tx: Timex): void {
    if (tx.modes & ADJ_STATUS) {
      if (this.status & STA_PLL && !(tx.status & STA_PLL)) {
        // Leaving PLL mode resets the clock's synchronization state.
        this.state = TimeState.TIME_OK;
        this.status = STA_UNSYNC;
        this.nextLeapSec = Infinity;
      }
      this.status = (this.status & STA_RONLY) | (tx.status & ~STA_RONLY);
    }
    if (tx.modes & ADJ_NANO) this.status |= STA_NANO;
    if (tx.modes & ADJ_MICRO) this.status &= ~STA_NANO;
    if (tx.modes & ADJ_FREQUENCY) this.freq = clamp(tx.freq, -MAXFREQ_SCALED, MAXFREQ_SCALED);
    if (tx.modes & ADJ_MAXERROR) this.setMaxerror(clamp(tx.maxerror, 0, NTP_PHASE_LIMIT));
    if (tx.modes & ADJ_ESTERROR) this.esterror = clamp(tx.esterror, 0, NTP_PHASE_LIMIT);
    if (tx.modes & ADJ_TIMECONST) {
      // The constant is kept in the nanosecond kernel's scale: a microsecond client's is 4 less.
      let c = clamp(tx.constant, 0, MAXTC);
      if (!(this.status & STA_NANO)) c += 4;
      this.constant = clamp(c, 0, MAXTC);
    }
    if (tx.modes & ADJ_TAI && tx.constant >= 0 && tx.constant <= MAX_TAI_OFFSET) this.tk.taiOffset = tx.constant;
    if (tx.modes & ADJ_OFFSET && this.status & STA_PLL) {
      // ntp_update_offset: only the PLL takes an offset, clamped to MAXPHASE.
      const ns = this.status & STA_NANO ? tx.offset : clamp(tx.offset, -1e6, 1e6) * 1000;
      this.offsetNs = clamp(ns, -MAXPHASE, MAXPHASE);
    }
    if (tx.modes & ADJ_TICK) this.tick = tx.tick;
  }

  /** Run second_overflow at each second boundary while a leap is pending or settling. */
  private watchSeconds(): void {
    const needed = this.status & (STA_INS | STA_DEL) || this.state !== TimeState.TIME_OK;
    if (!needed || this.secondTimer) return;
    const next = (Math.floor(this.clock.realtime() / 1e9) + 1) * 1e9;
    this.secondTimer = this.tk.addRealtimeTimer(next, () => {
      this.secondTimer = null;
      this.secondOverflow(Math.round(next / 1e9));
      this.watchSeconds();
    });
  }

  /** second_overflow: the wall clock reached `secs`; a leap second steps it back (inserted) or on (deleted). */
  private secondOverflow(secs: number): void {
    let leap = 0;
    switch (this.state) {
      case TimeState.TIME_OK:
        if (this.status & STA_INS) {
          this.state = TimeState.TIME_INS;
          this.nextLeapSec = secs + SECS_PER_DAY - (((secs % SECS_PER_DAY) + SECS_PER_DAY) % SECS_PER_DAY);
        } else if (this.status & STA_DEL) {
          this.state = TimeState.TIME_DEL;
          this.nextLeapSec = secs + SECS_PER_DAY - ((((secs + 1) % SECS_PER_DAY) + SECS_PER_DAY) % SECS_PER_DAY);
        }
        break;
      case TimeState.TIME_INS:
        if (!(this.status & STA_INS)) {
          this.nextLeapSec = Infinity;
          this.state = TimeState.TIME_OK;
        } else if (secs === this.nextLeapSec) {
          leap = -1;
          this.state = TimeState.TIME_OOP;
          this.notice('Clock: inserting leap second 23:59:60 UTC');
        }
        break;
      case TimeState.TIME_DEL:
        if (!(this.status & STA_DEL)) {
          this.nextLeapSec = Infinity;
          this.state = TimeState.TIME_OK;
        } else if (secs === this.nextLeapSec) {
          leap = 1;
          this.nextLeapSec = Infinity;
          this.state = TimeState.TIME_WAIT;
          this.notice('Clock: deleting leap second 23:59:59 UTC');
        }
        break;
      case TimeState.TIME_OOP:
        this.nextLeapSec = Infinity;
        this.state = TimeState.TIME_WAIT;
        break;
      case TimeState.TIME_WAIT:
        if (!(this.status & (STA_INS | STA_DEL))) this.state = TimeState.TIME_OK;
        break;
    }
    if (leap) {
      // The wall clock repeats or skips a second; TAI goes on, so its offset moves the other way.
      this.tk.taiOffset -= leap;
      this.tk.leapStep(leap * 1e9);
    }
  }
}
