// Load averages (Linux's kernel/sched/loadavg.c): every LOAD_FREQ the number
// of runnable plus uninterruptible tasks is folded into three exponentially
// decaying averages, in 11-bit fixed point, exactly as calc_global_load does.
// Periods the machine slept through (virtual time jumped) are folded in at
// once with calc_load_n, as a tickless Linux does after idle.
import type { Kernel } from '../kernel.js';

export const FSHIFT = 11;
export const FIXED_1 = 1 << FSHIFT;
/** 1/exp(5sec/1min), 1/exp(5sec/5min), 1/exp(5sec/15min) in fixed point. */
export const EXP_1 = 1884,
  EXP_5 = 2014,
  EXP_15 = 2037;
/** HZ of the kernel the figures imitate (Debian's riscv64: 250). */
export const HZ = 250;
/** 5 s and one tick, in ns: LOAD_FREQ = 5*HZ+1 ticks. */
export const LOAD_FREQ_NS = (5 * HZ + 1) * (1e9 / HZ);

/** a1 = a0 * e + a * (1 - e), rounding up while the load grows. */
export function calcLoad(load: number, exp: number, active: number): number {
  let n = load * exp + active * (FIXED_1 - exp);
  if (active >= load) n += FIXED_1 - 1;
  return Math.floor(n / FIXED_1);
}

/** x^n in fixed point with frac_bits fraction bits (fixed_power_int). */
export function fixedPowerInt(x: number, fracBits: number, n: number): number {
  const one = 2 ** fracBits;
  let result = one;
  if (n) {
    for (;;) {
      if (n & 1) result = Math.floor((result * x + one / 2) / one);
      n = Math.floor(n / 2);
      if (!n) break;
      x = Math.floor((x * x + one / 2) / one);
    }
  }
  return result;
}

/** calc_load_n: n periods with the same number of active tasks. */
export function calcLoadN(load: number, exp: number, active: number, n: number): number {
  return calcLoad(load, fixedPowerInt(exp, FSHIFT, n), active);
}

/** Runnable and uninterruptible tasks: calc_load_fold_active's count. */
export function nrActive(k: Kernel): number {
  let n = 0;
  for (const t of k.pids.tasks()) if (t.state === 'R' || t.state === 'D') n++;
  return n;
}

export class LoadAvg {
  /** avenrun[]: fixed point, FIXED_1 = 1.0. */
  readonly avenrun = [0, 0, 0];
  /** Virtual time of the next sample (calc_load_update). */
  next = LOAD_FREQ_NS;

  sample(k: Kernel, now: number): void {
    if (now < this.next) return;
    const periods = Math.floor((now - this.next) / LOAD_FREQ_NS) + 1;
    const active = nrActive(k) * FIXED_1;
    const a = this.avenrun;
    a[0] = calcLoadN(a[0], EXP_1, active, periods);
    a[1] = calcLoadN(a[1], EXP_5, active, periods);
    a[2] = calcLoadN(a[2], EXP_15, active, periods);
    this.next += periods * LOAD_FREQ_NS;
  }

  /** As fractions (sysinfo scales them to its own fixed point). */
  averages(): [number, number, number] {
    const a = this.avenrun;
    return [a[0] / FIXED_1, a[1] / FIXED_1, a[2] / FIXED_1];
  }
}

/** "%lu.%02lu" of one average, rounded as get_avenrun(..., FIXED_1/200, 0) does. */
export function loadText(fixed: number): string {
  const x = fixed + FIXED_1 / 200;
  const int = Math.floor(x / FIXED_1);
  const frac = Math.floor(((x % FIXED_1) * 100) / FIXED_1);
  return `${int}.${String(frac).padStart(2, '0')}`;
}
