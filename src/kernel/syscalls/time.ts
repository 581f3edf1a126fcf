// Clocks and sleeping, in virtual time.
import { groupUsage } from '../sched/cputime.js';
import { cpuClockOf } from '../time/posix-cpu-timers.js';
import { NR } from './nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EFAULT, EINVAL, EOPNOTSUPP, EPERM } from '../errno.js';
import { BLOCKED, type Blocked, type SyscallResult } from './result.js';
import type { NanosleepState } from './restart.js';
import {
  CLOCK_REALTIME,
  CLOCK_MONOTONIC,
  CLOCK_PROCESS_CPUTIME_ID,
  CLOCK_THREAD_CPUTIME_ID,
  CLOCK_MONOTONIC_RAW,
  CLOCK_REALTIME_COARSE,
  CLOCK_MONOTONIC_COARSE,
  CLOCK_BOOTTIME,
  CLOCK_TAI,
  CLOCK_REALTIME_ALARM,
  CLOCK_BOOTTIME_ALARM,
} from '../time/clock.js';
import { StructWriter } from './uaccess.js';
import { capable, CAP_SYS_TIME } from '../security/commoncap.js';
import { TIME_SETTOD_SEC_MAX } from '../time/timekeeping.js';
import type { SyscallArgs } from './args.js';

export function clockNs(k: Kernel, t: Task, id: number): number | null {
  switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
      return k.clock.realtime();
    case CLOCK_TAI:
      return k.clock.realtime() + k.timekeeping.taiOffset * 1e9;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
      return k.clock.monotonic();
    case CLOCK_PROCESS_CPUTIME_ID: {
      const u = groupUsage(t.tg);
      return u.utime + u.stime;
    }
    case CLOCK_THREAD_CPUTIME_ID:
      return t.utime + t.stime;
    default: {
      // clock_getcpuclockid/pthread_getcpuclockid's encoding of another task's CPU clock.
      if (id >= 0) return null;
      const c = cpuClockOf(k, t, id);
      return typeof c === 'number' ? null : c.now();
    }
  }
}

function timespec(ns: number): Uint8Array {
  return new StructWriter(16).i64(0, Math.floor(ns / 1e9)).i64(8, Math.floor(ns % 1e9)).buf;
}

export function sys_clock_gettime(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const ns = clockNs(k, t, a.int(0));
  if (ns === null) return -EINVAL;
  return t.mm.write(a.ulong(1), timespec(ns)) ? 0 : -EFAULT;
}

export function sys_clock_getres(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const id = a.int(0);
  if (clockNs(k, t, id) === null) return -EINVAL;
  const res = id === CLOCK_REALTIME_COARSE || id === CLOCK_MONOTONIC_COARSE ? 4e6 : 1;
  if (a.ulong(1) === 0) return 0;
  return t.mm.write(a.ulong(1), timespec(res)) ? 0 : -EFAULT;
}

export function sys_gettimeofday(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const tv = a.ulong(0),
    tz = a.ulong(1);
  const ns = k.clock.realtime();
  if (tv && !t.mm.write(tv, new StructWriter(16).i64(0, Math.floor(ns / 1e9)).i64(8, Math.floor((ns % 1e9) / 1000)).buf)) return -EFAULT;
  if (tz && !t.mm.write(tz, new StructWriter(8).i32(0, k.timekeeping.tzMinuteswest).i32(4, k.timekeeping.tzDsttime).buf)) return -EFAULT;
  return 0;
}

/**
 * do_sys_settimeofday64: validate the time, check CAP_SYS_TIME, set the
 * timezone (within +-15 h) and the time (unless only the zone is given).
 */
function doSettimeofday(k: Kernel, t: Task, sec: number, nsec: number, tz: [number, number] | null, hasTime: boolean): number {
  // timespec64_valid_settod: no negative time, no nanoseconds past a second, nothing the uptime could overflow.
  if (hasTime && (sec < 0 || nsec < 0 || nsec >= 1e9 || sec > TIME_SETTOD_SEC_MAX)) return -EINVAL;
  if (!capable(t.cred, CAP_SYS_TIME)) return -EPERM;
  if (tz) {
    if (tz[0] > 15 * 60 || tz[0] < -15 * 60) return -EINVAL;
    [k.timekeeping.tzMinuteswest, k.timekeeping.tzDsttime] = tz;
  }
  if (hasTime) k.timekeeping.setRealtime(sec * 1e9 + nsec);
  return 0;
}

export function sys_settimeofday(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const tvAddr = a.ulong(0),
    tzAddr = a.ulong(1);
  let sec = 0,
    usec = 0,
    tz: [number, number] | null = null;
  if (tvAddr) {
    const b = t.mm.read(tvAddr, 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer, b.byteOffset);
    sec = Number(dv.getBigInt64(0, true));
    usec = Number(dv.getBigInt64(8, true));
    // sys_settimeofday checks the microseconds before scaling them (1000000 itself fails later, as nanoseconds).
    if (usec > 1e6 || usec < 0) return -EINVAL;
  }
  if (tzAddr) {
    const b = t.mm.read(tzAddr, 8);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer, b.byteOffset);
    tz = [dv.getInt32(0, true), dv.getInt32(4, true)];
  }
  return doSettimeofday(k, t, sec, usec * 1000, tz, tvAddr !== 0);
}

export function sys_clock_settime(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const id = a.int(0);
  // Of the clocks, only CLOCK_REALTIME has a clock_set; another process's CPU clock has one that refuses.
  if (id !== CLOCK_REALTIME) {
    if (id < 0 && clockNs(k, t, id) !== null) return -EPERM;
    return -EINVAL;
  }
  const b = t.mm.read(a.ulong(1), 16);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset);
  const sec = Number(dv.getBigInt64(0, true)),
    nsec = Number(dv.getBigInt64(8, true));
  return doSettimeofday(k, t, sec, nsec, null, true);
}

function readTimespec(t: Task, addr: number): number | null | 'inval' {
  const b = t.mm.read(addr, 16);
  if (!b) return null;
  const dv = new DataView(b.buffer);
  const sec = Number(dv.getBigInt64(0, true)),
    nsec = Number(dv.getBigInt64(8, true));
  if (sec < 0 || nsec < 0 || nsec > 999999999) return 'inval';
  return sec * 1e9 + nsec;
}

/**
 * Sleep until the deadline: monotonic ns, or with clockId CLOCK_REALTIME an
 * absolute moment of wall time, which a clock set moves (time/timekeeping.ts).
 * On interruption the remaining time goes to remAddr. The deadline lives in
 * the task's syscall state.
 */
function sleepUntil(k: Kernel, t: Task, nr: number, deadline: number, remAddr: number, clockId: number): number | Blocked {
  const now = clockId === CLOCK_REALTIME ? k.clock.realtime() : k.clock.monotonic();
  const st = t.sys?.kind === 'nanosleep' ? t.sys : null;
  // The timer's firing ends the sleep: a realtime deadline (~1.8e18 ns) is not exact in a double,
  // and re-checking it could find it a few ns short with no timer left to wake the task.
  if (now >= deadline || st?.fired) return 0;
  if (!st) {
    const sys: NanosleepState = { kind: 'nanosleep', nr, restart: 'sys', deadline, fired: false };
    t.sys = sys;
    const fire = () => {
      sys.fired = true;
      t.wake();
    };
    if (clockId === CLOCK_REALTIME) k.timekeeping.addRealtimeTimer(deadline, fire);
    else k.timers.add(k.clock.monotonic() + (deadline - now), fire);
  }
  t.sleep();
  k.onInterrupt.set(t, () => {
    const rem = Math.max(0, deadline - (clockId === CLOCK_REALTIME ? k.clock.realtime() : k.clock.monotonic()));
    // nanosleep_copyout: a remainder that cannot be stored makes the call fail with EFAULT.
    if (remAddr && !t.mm.write(remAddr, timespec(rem))) return -EFAULT;
    return undefined;
  });
  return BLOCKED;
}

export function sys_nanosleep(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (t.sys?.kind === 'nanosleep') return sleepUntil(k, t, NR.nanosleep, t.sys.deadline, a.ulong(1), CLOCK_MONOTONIC);
  const req = readTimespec(t, a.ulong(0));
  if (req === null) return -EFAULT;
  if (req === 'inval') return -EINVAL;
  return sleepUntil(k, t, NR.nanosleep, k.clock.monotonic() + req, a.ulong(1), CLOCK_MONOTONIC);
}

const TIMER_ABSTIME = 1;

export function sys_clock_nanosleep(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const id = a.int(0),
    flags = a.int(1);
  // sys_clock_nanosleep: a clock that does not exist is EINVAL, one that cannot be slept on EOPNOTSUPP
  // (MONOTONIC_RAW, the coarse clocks, THREAD_CPUTIME_ID). A CPU-time sleep (PROCESS_CPUTIME_ID and
  // the encoded CPU clocks) is not implemented: EOPNOTSUPP too, where Linux would sleep.
  if (clockNs(k, t, id) === null) return -EINVAL;
  if (
    id !== CLOCK_REALTIME &&
    id !== CLOCK_MONOTONIC &&
    id !== CLOCK_BOOTTIME &&
    id !== CLOCK_TAI &&
    id !== CLOCK_REALTIME_ALARM &&
    id !== CLOCK_BOOTTIME_ALARM
  )
    return -EOPNOTSUPP;
  // An absolute sleep on a wall clock waits for a moment of wall time, which a clock set moves; every
  // relative sleep runs on the monotonic clock (hrtimer_init makes a relative CLOCK_REALTIME timer a
  // CLOCK_MONOTONIC one), and so does an absolute one on the monotonic and boot clocks.
  const abs = (flags & TIMER_ABSTIME) !== 0;
  const wall = abs && (id === CLOCK_REALTIME || id === CLOCK_TAI || id === CLOCK_REALTIME_ALARM);
  const cid = wall ? CLOCK_REALTIME : CLOCK_MONOTONIC;
  if (t.sys?.kind === 'nanosleep') return sleepUntil(k, t, NR.clock_nanosleep, t.sys.deadline, abs ? 0 : a.ulong(3), cid);
  const req = readTimespec(t, a.ulong(2));
  if (req === null) return -EFAULT;
  if (req === 'inval') return -EINVAL;
  // A TAI deadline is a realtime one TAI's offset later.
  const deadline = !abs ? k.clock.monotonic() + req : id === CLOCK_TAI ? req - k.timekeeping.taiOffset * 1e9 : req;
  return sleepUntil(k, t, NR.clock_nanosleep, deadline, abs ? 0 : a.ulong(3), cid);
}
