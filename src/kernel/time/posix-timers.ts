// POSIX per-process timers (kernel/time/posix-timers.c): timer_create,
// timer_settime, timer_gettime, timer_getoverrun and timer_delete.
//
// A timer is owned by a process and numbered within it from 0. It measures
// one clock: a wall clock (REALTIME, MONOTONIC, BOOTTIME, TAI and the two
// alarm clocks), which runs on the kernel's timer queue, or a CPU-time clock
// (a process's or a thread's, posix-cpu-timers.ts), which is checked at each
// tick of the task that consumes it. At expiry it queues its signal (or does
// nothing, for SIGEV_NONE). As in Linux, a periodic timer is not re-armed when
// it fires but when its signal is taken (posixtimer_rearm from
// dequeue_signal): the periods that passed meanwhile are its overrun, which
// the siginfo and timer_getoverrun report. A signal that is ignored is never
// queued, and then the timer re-arms at once.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { ThreadGroup } from '../sched/threadgroup.js';
import type { SyscallArgs } from '../syscalls/args.js';
import type { SyscallResult } from '../syscalls/result.js';
import { EAGAIN, EFAULT, EINVAL, EOPNOTSUPP, EPERM } from '../errno.js';
import { sendSignal } from '../signal/deliver.js';
import type { SigInfo } from '../signal/signals.js';
import { CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_REALTIME_ALARM, CLOCK_TAI } from './clock.js';
import { clockNs } from '../syscalls/time.js';
import { readItimerspec, writeItimerspec } from './timerfd.js';
import { cpuClockOf, type CpuClock } from './posix-cpu-timers.js';
import type { Timer } from './timers.js';
import { CAP_WAKE_ALARM, capable } from '../security/commoncap.js';
import type { RealtimeTimer } from './timekeeping.js';

export const SIGEV_SIGNAL = 0,
  SIGEV_NONE = 1,
  SIGEV_THREAD = 2,
  SIGEV_THREAD_ID = 4;
export const SI_TIMER = -2;
const TIMER_ABSTIME = 1;
const SIGALRM = 14;
/** DELAYTIMER_MAX: the overrun count saturates at INT_MAX. */
const DELAYTIMER_MAX = 0x7fffffff;
/** Linux's per-process limit is RLIMIT_SIGPENDING through the preallocated sigqueue; this bounds the table. */
const MAX_TIMERS_PER_PROCESS = 1 << 16;

/** The wall clocks a timer may measure; MONOTONIC_RAW and the coarse clocks have no timers (EOPNOTSUPP). */
const WALL_CLOCKS = new Set([CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI, CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM]);
/** The clocks that read wall time: a clock set moves them. */
const REALTIME_CLOCKS = new Set([CLOCK_REALTIME, CLOCK_TAI, CLOCK_REALTIME_ALARM]);
const TIMERLESS_CLOCKS = new Set([4 /* MONOTONIC_RAW */, 5 /* REALTIME_COARSE */, 6 /* MONOTONIC_COARSE */]);

/** The timer's preallocated siginfo: taking it from the queue re-arms the timer. */
export interface TimerSigInfo extends SigInfo {
  timerId: number;
  overrun: number;
  rearm: () => void;
}

export class PosixTimer {
  /** Next expiry in the clock's own ns; Infinity when disarmed. */
  expires = Infinity;
  interval = 0;
  /** Periods missed since the signal was last taken (it_overrun)... */
  overrun = 0;
  /** ...and as reported for the last signal taken (it_overrun_last). */
  lastOverrun = 0;
  /** The kernel timer of a wall-clock timer... */
  hr: Timer | null = null;
  /** ...or, armed with an absolute time on CLOCK_REALTIME, TAI or REALTIME_ALARM, its timer on the realtime base. */
  rt: RealtimeTimer | null = null;
  /** Armed with an absolute wall time: a clock set moves its expiry (clock_was_set). */
  absWall = false;
  /** Its signal, while queued and not yet taken. */
  queued: TimerSigInfo | null = null;
  deleted = false;

  constructor(
    readonly k: Kernel,
    readonly id: number,
    readonly clockid: number,
    /** The process the timer belongs to (and signals, unless `thread` is set). */
    readonly owner: ThreadGroup,
    readonly notify: number,
    readonly signo: number,
    readonly value: bigint,
    readonly thread: Task | null,
    /** For a CPU-time clock: whose time it measures. */
    readonly cpu: CpuClock | null,
  ) {}

  /** The clock's value now, in ns. */
  now(): number {
    if (this.cpu) return this.cpu.now();
    // A relative timer on a wall clock runs on the monotonic clock (hrtimer_init), unmoved by clock sets.
    if (!this.absWall && REALTIME_CLOCKS.has(this.clockid)) return this.k.clock.monotonic();
    return clockNs(this.k, this.owner.leader, this.clockid) ?? this.k.clock.monotonic();
  }

  /** Start the expiry wait from the current `expires` (hrtimer_start / arming a CPU timer). */
  arm(): void {
    this.disarmHr();
    if (this.expires === Infinity || this.deleted) return;
    if (this.cpu) {
      this.cpu.owner().cpuTimers.add(this);
      return;
    }
    if (this.absWall) {
      // TAI is realtime plus TAI's offset: its expiry on the realtime base is that much earlier.
      const tai = this.clockid === CLOCK_TAI ? this.k.timekeeping.taiOffset * 1e9 : 0;
      this.rt = this.k.timekeeping.addRealtimeTimer(this.expires - tai, () => {
        this.rt = null;
        this.expire();
      });
      return;
    }
    const mono = this.k.clock.monotonic();
    const at = mono + Math.max(0, this.expires - this.now());
    this.hr = this.k.timers.add(at, () => {
      this.hr = null;
      this.expire();
    });
  }

  private disarmHr(): void {
    if (this.hr) {
      this.k.timers.cancel(this.hr);
      this.hr = null;
    }
    if (this.rt) {
      this.k.timekeeping.cancelRealtimeTimer(this.rt);
      this.rt = null;
    }
  }

  /** The expiry was reached (posix_timer_fn / cpu_timer_fire). */
  expire(): void {
    if (this.deleted || this.owner.zombie) return;
    if (this.cpu) this.cpu.owner().cpuTimers.delete(this);
    if (this.notify === SIGEV_NONE) return; // nothing to deliver; timer_gettime forwards it
    const info: TimerSigInfo = {
      signo: this.signo,
      code: SI_TIMER,
      timerId: this.id,
      overrun: 0,
      value: this.value,
      rearm: () => this.rearm(info),
    };
    sendSignal(this.k, this.owner, info, this.thread);
    const list = this.thread ? this.thread.pendingInfo : this.owner.pendingInfo;
    if (list.includes(info)) {
      this.queued = info;
      return;
    }
    // Not queued (ignored, or the group is gone): a periodic timer goes on by itself.
    if (this.interval > 0) {
      this.forward();
      this.arm();
    } else this.expires = Infinity;
  }

  /** Move `expires` past now by whole periods; returns how many (hrtimer_forward). */
  private forward(): number {
    const now = this.now();
    if (now < this.expires) return 0;
    const n = Math.floor((now - this.expires) / this.interval) + 1;
    this.expires += n * this.interval;
    return n;
  }

  /** Its signal was taken: report the overrun, and start the next period. */
  private rearm(info: TimerSigInfo): void {
    // A signal of an earlier setting (timer_settime since) re-arms nothing.
    if (this.queued !== info) return;
    this.queued = null;
    if (this.deleted || this.interval === 0 || this.expires === Infinity) {
      if (this.interval === 0) this.expires = Infinity;
      info.overrun = this.lastOverrun = Math.min(this.overrun, DELAYTIMER_MAX);
      this.overrun = 0;
      return;
    }
    this.overrun += this.forward() - 1;
    info.overrun = this.lastOverrun = Math.min(Math.max(0, this.overrun), DELAYTIMER_MAX);
    this.overrun = 0;
    this.arm();
  }

  /** Remaining time and interval, as timer_gettime reports them (common_timer_get). */
  get(): [number, number] {
    if (this.expires === Infinity) return [0, this.interval];
    let rem = this.expires - this.now();
    if (rem <= 0) {
      if (this.interval === 0) return [0, 0];
      // Expired with its signal still queued (or SIGEV_NONE): the time to the next period.
      rem = this.interval - (-rem % this.interval);
    }
    return [rem, this.interval];
  }

  set(value: number, interval: number, abs: boolean): void {
    this.disarmHr();
    if (this.cpu) this.cpu.owner().cpuTimers.delete(this);
    this.interval = value === 0 ? 0 : interval;
    this.overrun = 0;
    this.absWall = abs && !this.cpu && REALTIME_CLOCKS.has(this.clockid);
    this.expires = value === 0 ? Infinity : abs ? value : this.now() + value;
    // A queued signal of the old setting is no longer the timer's to re-arm from.
    this.queued = null;
    this.arm();
  }

  delete(): void {
    this.deleted = true;
    this.disarmHr();
    if (this.cpu) this.cpu.owner().cpuTimers.delete(this);
    this.expires = Infinity;
  }
}

/** struct sigevent: sigev_value at 0, sigev_signo at 8, sigev_notify at 12, sigev_notify_thread_id at 16. */
function readSigevent(k: Kernel, t: Task, addr: number): { notify: number; signo: number; value: bigint | null; thread: Task | null } | number {
  if (!addr) return { notify: SIGEV_SIGNAL, signo: SIGALRM, value: null, thread: null };
  const b = t.mm.read(addr, 20);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const value = dv.getBigUint64(0, true),
    signo = dv.getInt32(8, true),
    notify = dv.getInt32(12, true);
  const tid = dv.getInt32(16, true);
  // good_sigevent: exactly these four; SIGEV_THREAD (which glibc turns into a
  // helper thread's SIGEV_THREAD_ID) is a plain signal to the process here.
  let thread: Task | null = null;
  switch (notify) {
    case SIGEV_NONE:
      return { notify: SIGEV_NONE, signo: 0, value, thread: null };
    case SIGEV_SIGNAL:
    case SIGEV_THREAD:
      break;
    case SIGEV_SIGNAL | SIGEV_THREAD_ID:
      thread = k.pids.findTask(tid) ?? null;
      if (!thread || thread.tg !== t.tg || thread.state === 'Z' || thread.state === 'X') return -EINVAL;
      break;
    default:
      return -EINVAL;
  }
  if (signo <= 0 || signo > 64) return -EINVAL;
  return { notify: SIGEV_SIGNAL, signo, value, thread };
}

function timersOf(tg: ThreadGroup): Map<number, PosixTimer> {
  return (tg.posixTimers ??= new Map());
}

export function sys_timer_create(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const clockid = a.int(0),
    idAddr = a.ulong(2);
  let cpu: CpuClock | null = null;
  if (clockid < 0 || clockid === 2 || clockid === 3) {
    const c = cpuClockOf(k, t, clockid);
    if (typeof c === 'number') return c;
    cpu = c;
  } else if (TIMERLESS_CLOCKS.has(clockid)) return -EOPNOTSUPP;
  else if (!WALL_CLOCKS.has(clockid)) return -EINVAL;
  // alarmtimer: the alarm clocks need CAP_WAKE_ALARM.
  if ((clockid === CLOCK_REALTIME_ALARM || clockid === CLOCK_BOOTTIME_ALARM) && !capable(t.cred, CAP_WAKE_ALARM)) return -EPERM;
  const ev = readSigevent(k, t, a.ulong(1));
  if (typeof ev === 'number') return ev;
  const timers = timersOf(t.tg);
  if (timers.size >= MAX_TIMERS_PER_PROCESS) return -EAGAIN;
  // posix_timer_add: the next free id of this process, from 0.
  let id = t.tg.nextTimerId;
  while (timers.has(id)) id = (id + 1) & 0x7fffffff;
  t.tg.nextTimerId = (id + 1) & 0x7fffffff;
  const timer = new PosixTimer(k, id, clockid, t.tg, ev.notify, ev.signo, ev.value ?? BigInt(id), ev.thread, cpu);
  const idBuf = new Uint8Array(4);
  new DataView(idBuf.buffer).setInt32(0, id, true);
  if (!t.mm.write(idAddr, idBuf)) return -EFAULT;
  timers.set(id, timer);
  return 0;
}

function timerOf(t: Task, id: number): PosixTimer | null {
  return t.tg.posixTimers?.get(id) ?? null;
}

export function sys_timer_settime(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(1),
    newAddr = a.ulong(2),
    oldAddr = a.ulong(3);
  if (!newAddr) return -EINVAL;
  const spec = readItimerspec(t, newAddr);
  if (typeof spec === 'number') return spec;
  const timer = timerOf(t, a.int(0));
  if (!timer) return -EINVAL;
  const old = timer.get();
  timer.set(spec[0], spec[1], (flags & TIMER_ABSTIME) !== 0);
  if (oldAddr && !writeItimerspec(t, oldAddr, old)) return -EFAULT;
  return 0;
}

export function sys_timer_gettime(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const timer = timerOf(t, a.int(0));
  if (!timer) return -EINVAL;
  return writeItimerspec(t, a.ulong(1), timer.get()) ? 0 : -EFAULT;
}

export function sys_timer_getoverrun(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const timer = timerOf(t, a.int(0));
  return timer ? timer.lastOverrun : -EINVAL;
}

export function sys_timer_delete(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const id = a.int(0);
  const timer = timerOf(t, id);
  if (!timer) return -EINVAL;
  timer.delete();
  t.tg.posixTimers!.delete(id);
  return 0;
}

/** exit_itimers: at exec and at the process's exit, its POSIX timers go. */
export function exitItimers(tg: ThreadGroup): void {
  if (!tg.posixTimers) return;
  for (const timer of tg.posixTimers.values()) timer.delete();
  tg.posixTimers = null;
  tg.nextTimerId = 0;
}
