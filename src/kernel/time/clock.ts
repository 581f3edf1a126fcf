// Virtual time: the hart's retired instructions advance the clock at the
// simulated frequency; idle periods jump ahead to the next timer.
export const CPU_HZ = 1_000_000_000; // 1 instruction = 1 ns of virtual time
export const TIMEBASE_HZ = 10_000_000; // the `time` CSR, as on QEMU virt
export const HZ = 250;
export const USER_HZ = 100;

export const CLOCK_REALTIME = 0,
  CLOCK_MONOTONIC = 1,
  CLOCK_PROCESS_CPUTIME_ID = 2,
  CLOCK_THREAD_CPUTIME_ID = 3,
  CLOCK_MONOTONIC_RAW = 4,
  CLOCK_REALTIME_COARSE = 5,
  CLOCK_MONOTONIC_COARSE = 6,
  CLOCK_BOOTTIME = 7,
  CLOCK_REALTIME_ALARM = 8,
  CLOCK_BOOTTIME_ALARM = 9,
  CLOCK_TAI = 11;

export class VirtualClock {
  /** ns added while idle (time that passed with no instruction retired), summed over all CPUs. */
  idleNs = 0;
  /** ns of kernel work charged to tasks (sched/cputime.ts), summed over all CPUs. */
  sysNs = 0;
  /**
   * What the running CPU's time is ahead of the retired-instruction count:
   * its idle periods and kernel work, and (SMP) the instructions the other
   * CPUs retired, which are not its own time.
   */
  private offset = 0;
  /** Realtime at boot, ns since the epoch. */
  constructor(
    public bootRealtimeNs: number,
    private instret: () => number,
  ) {}

  /** ns since boot, as the CPU that runs now sees it. */
  monotonic(): number {
    return this.instret() + this.offset;
  }
  realtime(): number {
    return this.bootRealtimeNs + this.monotonic();
  }
  /** Idle until ns; returns the idle time added. */
  advanceTo(ns: number): number {
    const d = ns - this.monotonic();
    if (d <= 0) return 0;
    this.idleNs += d;
    this.offset += d;
    return d;
  }
  /** Kernel work done: the clock runs on through it. */
  chargeSystem(ns: number): void {
    this.sysNs += ns;
    this.offset += ns;
  }
  /**
   * Wall mode: the clock moves up to the host's time (time/timesource.ts).
   * The caller says whose time it was (a task's or idle).
   */
  keepUp(ns: number): void {
    this.offset += ns;
  }
  /** SMP: continue with another CPU's local time. */
  switchTo(ns: number): void {
    this.offset = ns - this.instret();
  }
}
