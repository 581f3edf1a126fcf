// adjtimex(2) and clock_adjtime(2) (kernel/time/time.c, timekeeping.c's
// do_adjtimex and its validation): struct __kernel_timex in and out, the
// CAP_SYS_TIME and EINVAL rules, ADJ_SETOFFSET's step, and the NTP state of
// time/ntp.ts.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import { EFAULT, EINVAL, EOPNOTSUPP, EPERM } from '../errno.js';
import { capable, CAP_SYS_TIME } from '../security/commoncap.js';
import { ADJ_ADJTIME, ADJ_FREQUENCY, ADJ_NANO, ADJ_OFFSET_READONLY, ADJ_OFFSET_SINGLESHOT, ADJ_SETOFFSET, ADJ_TICK, type Timex } from '../time/ntp.js';
import { CLOCK_REALTIME } from '../time/clock.js';
import { clockNs } from './time.js';

/** sizeof(struct __kernel_timex): 20 fields, 8-byte aligned, and 11 reserved ints. */
const TIMEX_SIZE = 208;
/** USER_HZ: adjtimex's tick is in microseconds per USER_HZ tick. */
const USER_HZ = 100;
/** MAX_CLOCKS: clock ids at or past it name no clock. */
const MAX_CLOCKS = 16;
/** LLONG_MAX / PPM_SCALE: a frequency past it would overflow the kernel's scaled arithmetic. */
const FREQ_LIMIT = 9223372036854775807n / 65536000n;

/** Field offsets in struct __kernel_timex (riscv64). */
const OFF = {
  modes: 0,
  offset: 8,
  freq: 16,
  maxerror: 24,
  esterror: 32,
  status: 40,
  constant: 48,
  precision: 56,
  tolerance: 64,
  timeSec: 72,
  timeUsec: 80,
  tick: 88,
  tai: 160,
} as const;

interface RawTimex {
  buf: Uint8Array;
  dv: DataView;
  tx: Timex;
  /** freq as given, for the overflow check before it is clamped. */
  rawFreq: bigint;
}

function decode(buf: Uint8Array): RawTimex {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const l = (off: number) => Number(dv.getBigInt64(off, true));
  const tx: Timex = {
    modes: dv.getUint32(OFF.modes, true),
    offset: l(OFF.offset),
    freq: l(OFF.freq),
    maxerror: l(OFF.maxerror),
    esterror: l(OFF.esterror),
    status: dv.getInt32(OFF.status, true),
    constant: l(OFF.constant),
    precision: l(OFF.precision),
    tolerance: l(OFF.tolerance),
    timeSec: l(OFF.timeSec),
    timeUsec: l(OFF.timeUsec),
    tick: l(OFF.tick),
    tai: dv.getInt32(OFF.tai, true),
  };
  return { buf, dv, tx, rawFreq: dv.getBigInt64(OFF.freq, true) };
}

/** Write the state back over the caller's struct: the PPS fields and the padding keep what it held. */
function encode(r: RawTimex): Uint8Array {
  const { dv, tx } = r;
  const l = (off: number, v: number) => dv.setBigInt64(off, BigInt(Math.trunc(v)), true);
  dv.setUint32(OFF.modes, tx.modes, true);
  l(OFF.offset, tx.offset);
  l(OFF.freq, tx.freq);
  l(OFF.maxerror, tx.maxerror);
  l(OFF.esterror, tx.esterror);
  dv.setInt32(OFF.status, tx.status, true);
  l(OFF.constant, tx.constant);
  l(OFF.precision, tx.precision);
  l(OFF.tolerance, tx.tolerance);
  l(OFF.timeSec, tx.timeSec);
  l(OFF.timeUsec, tx.timeUsec);
  l(OFF.tick, tx.tick);
  dv.setInt32(OFF.tai, tx.tai, true);
  return r.buf;
}

/** timekeeping_validate_timex. */
function validate(t: Task, r: RawTimex): number {
  const { tx } = r;
  if (tx.modes & ADJ_ADJTIME) {
    // adjtime()'s singleshot offset goes with no other mode bit.
    if (!(tx.modes & ADJ_OFFSET_SINGLESHOT)) return -EINVAL;
    if (!(tx.modes & ADJ_OFFSET_READONLY) && !capable(t.cred, CAP_SYS_TIME)) return -EPERM;
  } else {
    if (tx.modes && !capable(t.cred, CAP_SYS_TIME)) return -EPERM;
    // A tick more than 10% off its nominal length is refused.
    if (tx.modes & ADJ_TICK && (tx.tick < Math.floor(900000 / USER_HZ) || tx.tick > Math.floor(1100000 / USER_HZ))) return -EINVAL;
  }
  if (tx.modes & ADJ_SETOFFSET) {
    if (!capable(t.cred, CAP_SYS_TIME)) return -EPERM;
    // The offset may be negative in its seconds only: the fraction is within [0, 1 s).
    if (tx.timeUsec < 0) return -EINVAL;
    if (tx.timeUsec >= (tx.modes & ADJ_NANO ? 1e9 : 1e6)) return -EINVAL;
  }
  if (tx.modes & ADJ_FREQUENCY && (r.rawFreq > FREQ_LIMIT || r.rawFreq < -FREQ_LIMIT)) return -EINVAL;
  return 0;
}

/** do_adjtimex: validate, step the clock for ADJ_SETOFFSET, then apply and report the NTP state. */
function doAdjtimex(k: Kernel, t: Task, r: RawTimex): number {
  const err = validate(t, r);
  if (err) return err;
  const { tx } = r;
  if (tx.modes & ADJ_SETOFFSET) {
    const ns = tx.timeSec * 1e9 + (tx.modes & ADJ_NANO ? tx.timeUsec : tx.timeUsec * 1000);
    k.timekeeping.injectOffset(ns);
  }
  return k.timekeeping.ntp.adjtimex(tx, k.clock.realtime());
}

export function sys_adjtimex(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const addr = a.ulong(0);
  const buf = t.mm.read(addr, TIMEX_SIZE);
  if (!buf) return -EFAULT;
  const r = decode(buf);
  const ret = doAdjtimex(k, t, r);
  // adjtimex copies the struct back even when it fails.
  return t.mm.write(addr, encode(r)) ? ret : -EFAULT;
}

export function sys_clock_adjtime(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const id = a.int(0),
    addr = a.ulong(1);
  const buf = t.mm.read(addr, TIMEX_SIZE);
  if (!buf) return -EFAULT;
  // clockid_to_kclock: an id that names no clock is EINVAL; of those that do, only CLOCK_REALTIME adjusts.
  if (id >= MAX_CLOCKS || clockNs(k, t, id) === null) return -EINVAL;
  if (id !== CLOCK_REALTIME) return -EOPNOTSUPP;
  const r = decode(buf);
  const ret = doAdjtimex(k, t, r);
  if (ret < 0) return ret;
  return t.mm.write(addr, encode(r)) ? ret : -EFAULT;
}
