// File timestamps come from the kernel's realtime clock, installed at boot.
// Like Linux 6.12's current_time(), they are coarse: the time of the last
// timer tick, so files touched within one jiffy share a timestamp.
import { HZ } from '../time/clock.js';

export interface Timespec { sec: number; nsec: number }

const TICK_NS = 1_000_000_000 / HZ;

let source: () => Timespec = () => ({ sec: 0, nsec: 0 });

export function setFsClock(fn: () => Timespec): void { source = fn; }

export function now(): Timespec {
  const t = source();
  return { sec: t.sec, nsec: t.nsec - (t.nsec % TICK_NS) };
}
