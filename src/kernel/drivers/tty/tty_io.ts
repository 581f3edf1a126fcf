// The tty core's file operations (drivers/tty/tty_io.c): read and write
// through the line discipline with job control, poll, the ioctl dispatch,
// open (taking a controlling tty) and close, and hang-up.
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import type { TtyReadState } from '../../syscalls/restart.js';
import {
  O_NOCTTY,
  O_NONBLOCK,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLOUT,
  POLLPRI,
  POLLRDNORM,
  POLLWRNORM,
  type File,
  type FileOps,
  type IoctlIo,
  type IoWaiter,
} from '../../fs/file.js';
import { EAGAIN, EBUSY, EFAULT, EINVAL, EIO, ENOTTY, EPERM } from '../../errno.js';
import { BLOCKED, type Blocked } from '../../syscalls/result.js';
import { SIGTTIN, SIGTTOU } from '../../signal/signals.js';
import { TOSTOP } from './termbits.js';
import type { TtyStruct } from './tty_struct.js';
import { jobctrlIoctl, openSetTty, signalSessionLeader, ttyCheckChange, TIOCSPGRP } from './tty_jobctrl.js';
import { modeIoctl } from './tty_ioctl.js';
import { CAP_SYS_ADMIN, capable } from '../../security/commoncap.js';

const TIOCEXCL = 0x540c,
  TIOCNXCL = 0x540d,
  TIOCSTI = 0x5412,
  TIOCSETD = 0x5423,
  TIOCGETD = 0x5424,
  TIOCVHANGUP = 0x5437,
  TIOCGDEV = 0x80045432,
  TIOCGEXCL = 0x80045440;

/** Files hung up (their f_op became hung_up_tty_fops) and files opened as /dev/console (never hung up, no job control). */
const hungUp = new WeakSet<File>();
const redirected = new WeakSet<File>();

/** Ioctls only one kind of driver answers (the pty master's TIOCGPTN, ...); null when not its command. */
export type DriverIoctl = (k: Kernel, t: Task, f: File, cmd: number, arg: number, io: IoctlIo) => number | Blocked | null;

const u32 = (v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
};

export function ttyFileOps(k: Kernel, tty: TtyStruct, driverIoctl?: DriverIoctl): FileOps {
  const isMaster = tty.driver.kind === 'pty_master';
  const real = isMaster ? tty.link! : tty;
  return {
    stream: true,
    read(f, buf, _pos, w) {
      return ttyRead(k, tty, f, buf, w as Task);
    },
    write(f, data, _pos, w) {
      return ttyWrite(k, tty, f, data, w);
    },
    poll(f, wait) {
      if (hungUp.has(f)) return POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLWRNORM;
      wait?.(tty.readWait);
      wait?.(tty.writeWait);
      const ld = tty.ldisc;
      let mask = 0;
      const amt = !ld.canonical && ld.vtime === 0 && ld.vmin ? ld.vmin : 1;
      if (ld.available(amt)) mask |= POLLIN | POLLRDNORM;
      if (tty.packet && tty.ctrlStatus) mask |= POLLPRI | POLLIN | POLLRDNORM;
      if (tty.otherClosed) mask |= POLLHUP;
      if (!tty.stopped && tty.driver.writeRoom(tty) > 0) mask |= POLLOUT | POLLWRNORM;
      return mask;
    },
    ioctl(f, cmd, arg, io) {
      // hung_up_tty_ioctl
      if (hungUp.has(f)) return cmd === TIOCSPGRP ? -ENOTTY : -EIO;
      const t = k.current!;
      switch (cmd) {
        case TIOCSTI: {
          if (t.tg.tty !== tty && !capable(t.cred, CAP_SYS_ADMIN)) return -EPERM;
          const b = io.read(arg, 1);
          if (!b) return -EFAULT;
          tty.ldisc.receiveBuf([b[0]]);
          return 0;
        }
        case TIOCEXCL:
          tty.exclusive = true;
          return 0;
        case TIOCNXCL:
          tty.exclusive = false;
          return 0;
        case TIOCGEXCL:
          return io.write(arg, u32(tty.exclusive ? 1 : 0)) ? 0 : -EFAULT;
        case TIOCGETD:
          return io.write(arg, u32(0)) ? 0 : -EFAULT; // N_TTY
        case TIOCSETD: {
          const b = io.read(arg, 4);
          if (!b) return -EFAULT;
          return new DataView(b.buffer, b.byteOffset).getInt32(0, true) === 0 ? 0 : -EINVAL;
        }
        case TIOCVHANGUP:
          if (!capable(t.cred, CAP_SYS_ADMIN)) return -EPERM;
          ttyHangup(k, tty);
          return 0;
        case TIOCGDEV:
          return io.write(arg, u32(real.rdev)) ? 0 : -EFAULT;
      }
      const j = jobctrlIoctl(k, t, tty, real, f, cmd, arg, io);
      if (j !== null) return j;
      const d = driverIoctl?.(k, t, f, cmd, arg, io);
      if (d !== undefined && d !== null) return d;
      const m = modeIoctl(k, t, tty, real, cmd, arg, io);
      return m ?? -ENOTTY;
    },
    release(f) {
      ttyRelease(tty, f);
    },
  };
}

function ttyRead(k: Kernel, tty: TtyStruct, f: File, buf: Uint8Array, t: Task): number | Blocked {
  if (hungUp.has(f)) return 0;
  // job_control: a background reader of its controlling tty gets SIGTTIN.
  if (tty.driver.kind !== 'pty_master' && !redirected.has(f)) {
    const r = ttyCheckChange(k, t, tty, SIGTTIN);
    if (r) return r;
  }
  if (tty.packet && tty.ctrlStatus) {
    buf[0] = tty.ctrlStatus;
    tty.ctrlStatus = 0;
    return 1;
  }
  const off = tty.packet ? 1 : 0;
  const room = buf.length - off;
  const ld = tty.ldisc;
  const take = (): number => {
    const n = room > 0 ? ld.read(buf.subarray(off), room) : 0;
    if (n < 0) return -1;
    if (off) buf[0] = 0; // TIOCPKT_DATA
    return n + off;
  };
  const now = k.clock.monotonic();
  let deadline = Infinity;
  let st: TtyReadState | null = null;
  if (ld.canonical) {
    const n = take();
    if (n >= 0) return n;
  } else {
    const min = ld.vmin,
      time = ld.vtime * 1e8,
      avail = ld.pending;
    // The state of this read across its sleeps: VTIME's deadline.
    if (t.sys?.kind === 'tty_read') st = t.sys;
    else t.sys = st = { kind: 'tty_read', nr: k.sysArgs.nr, restart: 'sys', deadline: Infinity, seen: 0, timer: Infinity };
    if (min === 0) {
      if (avail > 0) return take();
      if (time === 0) return noInput(tty, f) ?? 0;
      if (st.deadline === Infinity) st.deadline = now + time;
      if (now >= st.deadline) return noInput(tty, f) ?? 0;
    } else {
      if (avail >= Math.min(min, room)) return take();
      if (time > 0 && avail > 0) {
        // The inter-byte timer runs from the last byte that came in.
        if (avail !== st.seen) {
          st.seen = avail;
          st.deadline = now + time;
        }
        if (now >= st.deadline) return take();
      }
    }
    deadline = st.deadline;
    if (avail > 0 && (tty.otherClosed || f.flags & O_NONBLOCK)) return take();
  }
  const r = noInput(tty, f);
  if (r !== null) return r;
  if (f.flags & O_NONBLOCK) return -EAGAIN;
  t.sleepOn(tty.readWait);
  // A hang-up wakes the reader before its SIGHUP is handled: the read ends with EIO (or EOF), not EINTR.
  k.onInterrupt.set(t, () => (tty.otherClosed ? -EIO : hungUp.has(f) ? 0 : undefined));
  if (st && deadline !== Infinity && st.timer !== deadline) {
    st.timer = deadline;
    const sys = t.sys;
    k.timers.add(deadline, () => {
      if (t.sys === sys) t.wake();
    });
  }
  return BLOCKED;
}

/** Nothing to read: EIO once the other pty end is gone, EOF when the host input ended; null otherwise. */
function noInput(tty: TtyStruct, _f: File): number | null {
  if (tty.otherClosed) return -EIO;
  if (tty.inputEof) return 0;
  return null;
}

function ttyWrite(k: Kernel, tty: TtyStruct, f: File, data: Uint8Array, w: IoWaiter): number | Blocked {
  if (hungUp.has(f)) return -EIO;
  const t = k.current!;
  if (tty.driver.kind !== 'pty_master' && !redirected.has(f) && tty.termios.lflag & TOSTOP) {
    const r = ttyCheckChange(k, t, tty, SIGTTOU);
    if (r) return r;
  }
  if (tty.driver.kind === 'pty_slave' && tty.otherClosed) return -EIO;
  const n = tty.stopped ? 0 : tty.ldisc.write(data);
  if (n > 0) return n;
  if (f.flags & O_NONBLOCK) return -EAGAIN;
  w.sleepOn(tty.writeWait);
  return BLOCKED;
}

/**
 * tty_open's common part: TIOCEXCL keeps others out; a session leader may
 * take the tty as its controlling terminal.
 */
export function ttyOpen(
  k: Kernel,
  tty: TtyStruct,
  f: File,
  opener: Task | undefined,
  opts: { noctty?: boolean; console?: boolean; driverIoctl?: DriverIoctl } = {},
): FileOps | number {
  if (tty.exclusive && tty.files.size && (opener?.cred.euid ?? 0) !== 0) return -EBUSY;
  tty.files.add(f);
  if (opts.console) redirected.add(f);
  if (opener) openSetTty(k, opener, tty, f, opts.noctty === true || (f.flags & O_NOCTTY) !== 0 || tty.driver.kind === 'pty_master');
  return ttyFileOps(k, tty, opts.driverIoctl);
}

function ttyRelease(tty: TtyStruct, f: File): void {
  tty.files.delete(f);
  hungUp.delete(f);
  if (!tty.files.size) tty.driver.close?.(tty);
}

/** __tty_hang-up: open files go dead (reads 0, writes EIO), the session loses the terminal. */
export function ttyHangup(k: Kernel, tty: TtyStruct): void {
  for (const f of tty.files) if (!redirected.has(f)) hungUp.add(f);
  signalSessionLeader(k, tty);
  tty.ldisc.flushInput();
  tty.flushFlip();
  tty.stopped = false;
  tty.ctrlStatus = 0;
  tty.wakeAll();
}

/** Whether f was hung up (for the pty code). */
export const isHungUp = (f: File) => hungUp.has(f);
