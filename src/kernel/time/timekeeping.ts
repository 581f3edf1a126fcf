// Setting the guest's wall clock (kernel/time/timekeeping.c, clock_was_set in
// kernel/time/hrtimer.c). CLOCK_REALTIME is an offset on top of the machine's
// monotonic clock (time/clock.ts); setting it moves that offset and nothing
// else: the host's clock is never touched, and in --seed mode the run stays
// reproducible.
//
// A clock set (settimeofday, clock_settime, adjtimex's ADJ_SETOFFSET, a leap
// second) must reach what waits for a moment of wall time:
// - absolute CLOCK_REALTIME/TAI timers and sleeps live on the realtime base
//   here, with their expiry in realtime ns; each is re-queued on the kernel's
//   monotonic timer queue when the clock moves, as hrtimer's clock_was_set
//   reprograms the CLOCK_REALTIME base. Relative ones run on the monotonic
//   clock (hrtimer_init turns a relative CLOCK_REALTIME timer into a
//   CLOCK_MONOTONIC one), so a clock set does not touch them;
// - timerfds armed with TFD_TIMER_CANCEL_ON_SET (timerfd_clock_was_set).
import type { VirtualClock } from './clock.js';
import type { Timer, TimerQueue } from './timers.js';
import { NtpState } from './ntp.js';

/** A timer whose expiry is a moment of CLOCK_REALTIME. */
export interface RealtimeTimer {
  /** Realtime ns since the epoch. */
  expires: number;
  fire: () => void;
  hr: Timer | null;
}

/** KTIME_SEC_MAX less TIME_UPTIME_SEC_MAX (30 years of uptime): the latest time settimeofday accepts (timespec64_valid_settod). */
export const TIME_SETTOD_SEC_MAX = 9223372036 - 30 * 365 * 24 * 3600;

export class Timekeeping {
  /** sys_tz: what settimeofday's timezone argument set, as gettimeofday reports it. */
  tzMinuteswest = 0;
  tzDsttime = 0;
  /** CLOCK_TAI - CLOCK_REALTIME, in s (tk->tai_offset; adjtimex ADJ_TAI and leap seconds change it). */
  taiOffset = 37;
  readonly ntp: NtpState;
  private readonly realtimeBase = new Set<RealtimeTimer>();
  /** Called after every clock set (timerfd's cancel list). */
  readonly cancelOnSet = new Set<() => void>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly timers: TimerQueue,
  ) {
    this.ntp = new NtpState(this, clock);
  }

  realtime(): number {
    return this.clock.realtime();
  }

  /** do_settimeofday64: the wall clock reads `ns` now; the NTP state starts over (TK_CLEAR_NTP). */
  setRealtime(ns: number): void {
    this.ntp.clear();
    this.leapStep(ns - this.clock.realtime());
  }

  /** timekeeping_inject_offset (adjtimex ADJ_SETOFFSET): the wall clock moves by `deltaNs`. */
  injectOffset(deltaNs: number): void {
    this.ntp.clear();
    this.leapStep(deltaNs);
  }

  /** The wall clock moves by `deltaNs` (a leap second, or one of the steps above). */
  leapStep(deltaNs: number): void {
    this.clock.bootRealtimeNs += deltaNs;
    this.clockWasSet();
  }

  /** Queue fire() for the moment the wall clock reads `expires`. */
  addRealtimeTimer(expires: number, fire: () => void): RealtimeTimer {
    const rt: RealtimeTimer = { expires, fire, hr: null };
    this.realtimeBase.add(rt);
    this.queue(rt);
    return rt;
  }

  cancelRealtimeTimer(rt: RealtimeTimer): void {
    this.realtimeBase.delete(rt);
    if (rt.hr) this.timers.cancel(rt.hr);
    rt.hr = null;
  }

  private queue(rt: RealtimeTimer): void {
    const mono = this.clock.monotonic();
    rt.hr = this.timers.add(mono + Math.max(0, rt.expires - this.clock.realtime()), () => {
      rt.hr = null;
      this.realtimeBase.delete(rt);
      rt.fire();
    });
  }

  /** clock_was_set: re-queue the realtime base and tell the cancel-on-set timerfds. */
  private clockWasSet(): void {
    for (const rt of [...this.realtimeBase]) {
      if (rt.hr) this.timers.cancel(rt.hr);
      this.queue(rt);
    }
    for (const cancel of [...this.cancelOnSet]) cancel();
  }
}
