// Decoders for clocks, sleeps and timers.
import type { Call, DecoderTable } from './call.js';
import { ptr } from './fmt.js';
import { readStruct } from './mem.js';
import { flags, xval } from './xlat.js';
import { printItimerval, printTimespec, printTimeval } from './struct-time.js';
import { CLOCKS, ITIMERS, TIMER_FLAGS } from './tables-misc.js';

const clock = (c: Call, i: number) => c.push(xval(CLOCKS, c.uint(i), 'CLOCK_???'));
const tsOut = (c: Call, i: number) => c.push(c.failed ? ptr(c.a(i)) : printTimespec(c.mem, c.a(i)));

function printTimezone(c: Call, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const v = readStruct(c.mem, addr, 8);
  return v ? `{tz_minuteswest=${v.i32(0)}, tz_dsttime=${v.i32(4)}}` : ptr(addr);
}

export const timeDecoders: DecoderTable = {
  clock_gettime: { enter: (c) => clock(c, 0), exit: (c) => tsOut(c, 1) },
  clock_getres: { enter: (c) => clock(c, 0), exit: (c) => tsOut(c, 1) },
  clock_settime: {
    enter(c) {
      clock(c, 0);
      c.push(printTimespec(c.mem, c.a(1)));
    },
  },
  // The remaining time is only meaningful when a signal cut the sleep short.
  nanosleep: {
    enter: (c) => c.push(printTimespec(c.mem, c.a(0))),
    exit: (c) => c.push(c.erestart ? printTimespec(c.mem, c.a(1)) : ptr(c.a(1))),
  },
  clock_nanosleep: {
    enter(c) {
      clock(c, 0);
      c.push(flags(TIMER_FLAGS, c.uint(1), 'TIMER_???'), printTimespec(c.mem, c.a(2)));
    },
    exit: (c) => c.push(c.erestart && c.uint(1) === 0 ? printTimespec(c.mem, c.a(3)) : ptr(c.a(3))),
  },
  gettimeofday: {
    exit(c) {
      c.push(c.failed ? ptr(c.a(0)) : printTimeval(c.mem, c.a(0)));
      c.push(c.failed ? ptr(c.a(1)) : printTimezone(c, c.a(1)));
    },
  },
  settimeofday: {
    enter(c) {
      c.push(printTimeval(c.mem, c.a(0)), printTimezone(c, c.a(1)));
    },
  },
  getitimer: {
    enter: (c) => c.push(xval(ITIMERS, c.uint(0), 'ITIMER_???')),
    exit: (c) => c.push(c.failed ? ptr(c.a(1)) : printItimerval(c.mem, c.a(1))),
  },
  setitimer: {
    enter(c) {
      c.push(xval(ITIMERS, c.uint(0), 'ITIMER_???'), printItimerval(c.mem, c.a(1)));
    },
    exit: (c) => c.push(c.failed ? ptr(c.a(2)) : printItimerval(c.mem, c.a(2))),
  },
  times: {
    exit(c) {
      const v = c.failed ? null : readStruct(c.mem, c.a(0), 32);
      c.push(v ? `{tms_utime=${v.i64(0)}, tms_stime=${v.i64(8)}, tms_cutime=${v.i64(16)}, tms_cstime=${v.i64(24)}}` : ptr(c.a(0)));
    },
  },
  sched_rr_get_interval: { enter: (c) => c.pushInt(0), exit: (c) => tsOut(c, 1) },
};
