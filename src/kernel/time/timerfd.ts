// timerfd (fs/timerfd.c): a timer whose expirations are read as a u64 count.
// Like Linux, an expired periodic timer is not re-armed until it is read or
// queried: the missed periods are then counted in one step (hrtimer_forward).
// Timers run on the kernel's timer queue; an absolute CLOCK_REALTIME one on
// the realtime base, which follows clock sets (time/timekeeping.ts).
import { installFile } from '../syscalls/fs-io.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EAGAIN, EBADF, ECANCELED, EFAULT, EINVAL, EPERM } from '../errno.js';
import { BLOCKED, type SyscallResult } from '../syscalls/result.js';
import { O_CLOEXEC, O_NONBLOCK, O_RDWR, POLLIN, type FileOps } from '../fs/file.js';
import { anonInodeFile } from '../fs/anon_inodes.js';
import { WaitQueue } from '../sched/waitqueue.js';
import { CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_REALTIME_ALARM } from './clock.js';
import type { Timer } from './timers.js';
import type { RealtimeTimer } from './timekeeping.js';
import type { SyscallArgs } from '../syscalls/args.js';
import { CAP_WAKE_ALARM, capable } from '../security/commoncap.js';

export const TFD_TIMER_ABSTIME = 1,
  TFD_TIMER_CANCEL_ON_SET = 2,
  TFD_NONBLOCK = O_NONBLOCK,
  TFD_CLOEXEC = O_CLOEXEC;
/** Beyond this (about 292 years of ns) a timer never fires. */
const NEVER = 2 ** 63;

class TimerFd {
  ticks = 0n;
  expired = false;
  /** Next expiry in the base clock's ns (see `wall`); Infinity when disarmed. */
  expires = Infinity;
  interval = 0;
  /**
   * Armed with an absolute CLOCK_REALTIME time: `expires` is a moment of wall
   * time on the realtime base, which a clock set moves. Otherwise it is monotonic.
   */
  wall = false;
  timer: Timer | null = null;
  rt: RealtimeTimer | null = null;
  /** TFD_TIMER_CANCEL_ON_SET: the wall clock was set since the timer was armed (timerfd_canceled). */
  canceled = false;
  private onClockSet: (() => void) | null = null;
  readonly wait = new WaitQueue();
  constructor(
    readonly k: Kernel,
    readonly clockid: number,
  ) {}

  private now(): number {
    return this.wall ? this.k.clock.realtime() : this.k.clock.monotonic();
  }

  private disarm(): void {
    if (this.timer) this.k.timers.cancel(this.timer);
    if (this.rt) this.k.timekeeping.cancelRealtimeTimer(this.rt);
    this.timer = this.rt = null;
  }

  private arm(): void {
    this.disarm();
    if (this.expires >= NEVER) return;
    // Already due (an absolute time in the past): it expires at once.
    if (this.expires <= this.now()) {
      this.fire();
      return;
    }
    if (this.wall)
      this.rt = this.k.timekeeping.addRealtimeTimer(this.expires, () => {
        this.rt = null;
        this.fire();
      });
    else
      this.timer = this.k.timers.add(this.expires, () => {
        this.timer = null;
        this.fire();
      });
  }

  private fire(): void {
    this.ticks++;
    this.expired = true;
    this.wait.wakeAll();
  }

  /** hrtimer_forward_now + restart: count the periods that passed, minus the one already counted. */
  private forward(): void {
    if (!this.expired || !this.interval) return;
    const now = this.now();
    const n = now < this.expires ? 0 : Math.floor((now - this.expires) / this.interval) + 1;
    this.expires += n * this.interval;
    if (n) this.ticks += BigInt(n - 1);
    this.expired = false;
    this.arm();
  }

  /** Remaining time and interval (timerfd_gettime). */
  get(): [number, number] {
    this.forward();
    const rem = this.expires === Infinity ? 0 : Math.max(0, this.expires - this.now());
    return [rem, this.interval];
  }

  /** timerfd_setup_cancel: only an absolute wall-clock timer may be canceled by a clock set. */
  private setupCancel(flags: number): void {
    const might = (this.clockid === CLOCK_REALTIME || this.clockid === CLOCK_REALTIME_ALARM) && flags & TFD_TIMER_ABSTIME && flags & TFD_TIMER_CANCEL_ON_SET;
    if (might && !this.onClockSet) {
      // timerfd_clock_was_set: the reader learns of it as an expiry that reads ECANCELED.
      this.onClockSet = () => {
        if (this.canceled) return;
        this.canceled = true;
        this.ticks++;
        this.wait.wakeAll();
      };
      this.k.timekeeping.cancelOnSet.add(this.onClockSet);
    } else if (!might) this.removeCancel();
  }

  private removeCancel(): void {
    if (this.onClockSet) this.k.timekeeping.cancelOnSet.delete(this.onClockSet);
    this.onClockSet = null;
    this.canceled = false;
  }

  set(value: number, interval: number, flags: number): void {
    this.setupCancel(flags);
    this.forward();
    this.disarm();
    this.ticks = 0n;
    this.expired = false;
    this.canceled = false;
    this.interval = interval;
    const abs = (flags & TFD_TIMER_ABSTIME) !== 0;
    this.wall = abs && (this.clockid === CLOCK_REALTIME || this.clockid === CLOCK_REALTIME_ALARM);
    if (value === 0) this.expires = Infinity;
    else this.expires = abs ? value : this.now() + value;
    this.arm();
  }

  /** The expirations to report: a count, 0 for none yet, or -ECANCELED after a clock set. */
  read(): bigint | number {
    if (this.canceled) {
      // The clock moved: the ticks mean nothing and the timer is not re-armed; user space must look again.
      this.canceled = false;
      this.ticks = 0n;
      this.expired = false;
      return -ECANCELED;
    }
    const t = this.ticks;
    if (t) {
      if (this.expired && this.interval) this.forward();
      const all = this.ticks;
      this.ticks = 0n;
      this.expired = false;
      return all;
    }
    return 0n;
  }

  release(): void {
    this.disarm();
    this.removeCancel();
  }
}

function timerfdOps(ctx: TimerFd): FileOps {
  return {
    stream: true,
    read(f, buf, _pos, w) {
      if (buf.length < 8) return -EINVAL;
      const n = ctx.read();
      if (typeof n === 'number') return n;
      if (n === 0n) {
        if (f.flags & O_NONBLOCK) return -EAGAIN;
        w.sleepOn(ctx.wait);
        return BLOCKED;
      }
      new DataView(buf.buffer, buf.byteOffset).setBigUint64(0, n, true);
      return 8;
    },
    poll(_f, wait) {
      wait?.(ctx.wait);
      return ctx.ticks > 0n ? POLLIN : 0;
    },
    release() {
      ctx.release();
    },
  };
}

export function sys_timerfd_create(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const clockid = a.int(0),
    flags = a.int(1);
  if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK)) return -EINVAL;
  if (![CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM].includes(clockid)) return -EINVAL;
  // Alarm clocks need CAP_WAKE_ALARM.
  if ((clockid === CLOCK_REALTIME_ALARM || clockid === CLOCK_BOOTTIME_ALARM) && !capable(t.cred, CAP_WAKE_ALARM)) return -EPERM;
  const ctx = new TimerFd(k, clockid);
  const f = anonInodeFile(k.vfs.rootMnt, 'timerfd', O_RDWR | (flags & O_NONBLOCK), timerfdOps(ctx));
  f.privateData = ctx;
  return installFile(t, f, (flags & TFD_CLOEXEC) !== 0);
}

function timerOf(t: Task, fd: number): TimerFd | number {
  const f = t.files.get(fd);
  if (!f) return -EBADF;
  return f.privateData instanceof TimerFd ? f.privateData : -EINVAL;
}

/** struct itimerspec: interval then value, each a timespec; -EINVAL for a bad one. */
export function readItimerspec(t: Task, addr: number): [number, number] | number {
  const b = t.mm.read(addr, 32);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const ts = (off: number) => {
    const sec = dv.getBigInt64(off, true),
      nsec = dv.getBigInt64(off + 8, true);
    if (sec < 0n || nsec < 0n || nsec > 999999999n) return -1;
    return Math.min(Number(sec) * 1e9 + Number(nsec), NEVER);
  };
  const interval = ts(0),
    value = ts(16);
  if (interval < 0 || value < 0) return -EINVAL;
  return [value, interval];
}

export function writeItimerspec(t: Task, addr: number, [value, interval]: [number, number]): boolean {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  const put = (off: number, ns: number) => {
    dv.setBigInt64(off, BigInt(Math.floor(ns / 1e9)), true);
    dv.setBigInt64(off + 8, BigInt(Math.floor(ns % 1e9)), true);
  };
  put(0, interval);
  put(16, value);
  return t.mm.write(addr, b);
}

export function sys_timerfd_settime(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(1),
    newAddr = a.ulong(2),
    oldAddr = a.ulong(3);
  if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) return -EINVAL;
  const spec = readItimerspec(t, newAddr);
  if (typeof spec === 'number') return spec;
  const ctx = timerOf(t, a.int(0));
  if (typeof ctx === 'number') return ctx;
  const old = ctx.get();
  ctx.set(spec[0], spec[1], flags);
  if (oldAddr && !writeItimerspec(t, oldAddr, old)) return -EFAULT;
  return 0;
}

export function sys_timerfd_gettime(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const ctx = timerOf(t, a.int(0));
  if (typeof ctx === 'number') return ctx;
  return writeItimerspec(t, a.ulong(1), ctx.get()) ? 0 : -EFAULT;
}
