// Virtual time: the hart's retired instructions advance the clock at the
// simulated frequency; idle periods jump ahead to the next timer.
export const CPU_HZ = 1_000_000_000; // 1 instruction = 1 ns of virtual time
export const TIMEBASE_HZ = 10_000_000; // the `time` CSR, as on QEMU virt
export const HZ = 250;
export const USER_HZ = 100;

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
  CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
  CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;

export class VirtualClock {
  /** ns added while idle (time that passed with no instruction retired). */
  idleNs = 0;
  /** ns of kernel work charged to tasks (sched/cputime.ts): the clock runs on through it. */
  sysNs = 0;
  /** Realtime at boot, ns since the epoch. */
  constructor(public bootRealtimeNs: number, private instret: () => number) {}

  /** ns since boot. */
  monotonic(): number { return this.instret() + this.idleNs + this.sysNs; }
  realtime(): number { return this.bootRealtimeNs + this.monotonic(); }
  advanceTo(ns: number): void {
    const now = this.monotonic();
    if (ns > now) this.idleNs += ns - now;
  }
}
