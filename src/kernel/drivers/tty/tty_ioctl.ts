// The termios ioctls (tty_mode_ioctl and n_tty_ioctl_helper): get and set
// termios/termios2/termio, flushing, flow control, window size, queue counts.
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import type { IoctlIo } from '../../fs/file.js';
import { EFAULT, EINVAL } from '../../errno.js';
import { BLOCKED, type Blocked } from '../../syscalls/result.js';
import { SIGTTOU, SIGWINCH } from '../../signal/signals.js';
import { Termios, TERMIOS_SIZE, TERMIOS2_SIZE, VSTART, VSTOP } from './termbits.js';
import { TIOCPKT_FLUSHREAD, TIOCPKT_FLUSHWRITE, type TtyStruct, type WinSize } from './tty_struct.js';
import { killPgrp, ttyCheckChange } from './tty_jobctrl.js';

export const TCGETS = 0x5401,
  TCSETS = 0x5402,
  TCSETSW = 0x5403,
  TCSETSF = 0x5404,
  TCGETA = 0x5405,
  TCSETA = 0x5406,
  TCSETAW = 0x5407,
  TCSETAF = 0x5408,
  TCSBRK = 0x5409,
  TCXONC = 0x540a,
  TCFLSH = 0x540b,
  TIOCOUTQ = 0x5411,
  TIOCGWINSZ = 0x5413,
  TIOCSWINSZ = 0x5414,
  FIONREAD = 0x541b,
  TCSBRKP = 0x5425,
  TCGETS2 = 0x802c542a,
  TCSETS2 = 0x402c542b,
  TCSETSW2 = 0x402c542c,
  TCSETSF2 = 0x402c542d;
const TCOOFF = 0,
  TCOON = 1,
  TCIOFF = 2,
  TCION = 3;
const TCIFLUSH = 0,
  TCOFLUSH = 1,
  TCIOFLUSH = 2;

const u32 = (v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
};

export function encodeWinsize(w: WinSize): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, w.row, true);
  dv.setUint16(2, w.col, true);
  dv.setUint16(4, w.xpixel, true);
  dv.setUint16(6, w.ypixel, true);
  return b;
}

/** tty_do_resize (pty_resize for a pair): a real change sends SIGWINCH to the foreground group(s). */
export function ttyResize(k: Kernel, tty: TtyStruct, ws: WinSize): void {
  const w = tty.winsize;
  if (w.row === ws.row && w.col === ws.col && w.xpixel === ws.xpixel && w.ypixel === ws.ypixel) return;
  const groups = new Set<number>();
  if (tty.fgPgrp) groups.add(tty.fgPgrp);
  if (tty.link?.fgPgrp) groups.add(tty.link.fgPgrp);
  for (const g of groups) killPgrp(k, g, SIGWINCH);
  tty.winsize = { ...ws };
  if (tty.link) tty.link.winsize = { ...ws };
}

/** struct termio: the old System V layout with 16-bit flags and 8 control characters. */
function encodeTermio(t: Termios): Uint8Array {
  const b = new Uint8Array(18);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, t.iflag & 0xffff, true);
  dv.setUint16(2, t.oflag & 0xffff, true);
  dv.setUint16(4, t.cflag & 0xffff, true);
  dv.setUint16(6, t.lflag & 0xffff, true);
  b[8] = t.line;
  b.set(t.cc.subarray(0, 8), 9);
  return b;
}
function decodeTermio(b: Uint8Array, old: Termios): Uint8Array {
  const dv = new DataView(b.buffer, b.byteOffset);
  const t = old.clone();
  t.iflag = (t.iflag & ~0xffff) | dv.getUint16(0, true);
  t.oflag = (t.oflag & ~0xffff) | dv.getUint16(2, true);
  t.cflag = (t.cflag & ~0xffff) | dv.getUint16(4, true);
  t.lflag = (t.lflag & ~0xffff) | dv.getUint16(6, true);
  t.line = b[8];
  t.cc.set(b.subarray(9, 17));
  return t.encode(false);
}

/** tty_set_termios: the new settings, then the line discipline adapts. */
export function setTermios(tty: TtyStruct, t: Termios): void {
  tty.termios = t;
  tty.ldisc.setTermios();
  tty.writeWait.wakeAll();
}

/** Flush input (and tell a packet-mode master). */
function flushInput(tty: TtyStruct): void {
  tty.ldisc.flushInput();
  tty.flushFlip();
  tty.packetStatus(TIOCPKT_FLUSHREAD);
}
function flushOutput(tty: TtyStruct): void {
  // A pty's output sits in the other end's flip buffer.
  tty.link?.flushFlip();
  tty.packetStatus(TIOCPKT_FLUSHWRITE);
}

/**
 * The termios and n_tty commands on `real` (the slave when asked on a pty
 * master: tcgetattr on a master reads the slave's termios). null: not one of them.
 */
export function modeIoctl(k: Kernel, t: Task, tty: TtyStruct, real: TtyStruct, cmd: number, arg: number, io: IoctlIo): number | Blocked | null {
  switch (cmd) {
    case TCGETS:
      return io.write(arg, real.termios.encode(false)) ? 0 : -EFAULT;
    case TCGETS2:
      return io.write(arg, real.termios.encode(true)) ? 0 : -EFAULT;
    case TCGETA:
      return io.write(arg, encodeTermio(real.termios)) ? 0 : -EFAULT;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TCSETS2:
    case TCSETSW2:
    case TCSETSF2:
    case TCSETA:
    case TCSETAW:
    case TCSETAF: {
      const r = ttyCheckChange(k, t, real, SIGTTOU);
      if (r) return r;
      const two = cmd === TCSETS2 || cmd === TCSETSW2 || cmd === TCSETSF2;
      const old = cmd === TCSETA || cmd === TCSETAW || cmd === TCSETAF;
      let b = io.read(arg, old ? 18 : two ? TERMIOS2_SIZE : TERMIOS_SIZE);
      if (!b) return -EFAULT;
      if (old) b = decodeTermio(b, real.termios);
      const nt = Termios.decode(b, real.termios);
      if (cmd === TCSETSF || cmd === TCSETSF2 || cmd === TCSETAF) flushInput(real);
      setTermios(real, nt);
      return 0;
    }
    case TIOCGWINSZ:
      return io.write(arg, encodeWinsize(real.winsize)) ? 0 : -EFAULT;
    case TIOCSWINSZ: {
      const b = io.read(arg, 8);
      if (!b) return -EFAULT;
      const dv = new DataView(b.buffer, b.byteOffset);
      ttyResize(k, real, { row: dv.getUint16(0, true), col: dv.getUint16(2, true), xpixel: dv.getUint16(4, true), ypixel: dv.getUint16(6, true) });
      return 0;
    }
    case FIONREAD:
      return io.write(arg, u32(tty.ldisc.readable)) ? 0 : -EFAULT;
    case TIOCOUTQ:
      return io.write(arg, u32(tty.driver.charsInBuffer?.(tty) ?? 0)) ? 0 : -EFAULT;
    case TCSBRK:
    case TCSBRKP: {
      const r = ttyCheckChange(k, t, tty, SIGTTOU);
      return r === BLOCKED || r < 0 ? r : 0;
    }
    case TCXONC: {
      const r = ttyCheckChange(k, t, tty, SIGTTOU);
      if (r) return r;
      switch (arg) {
        case TCOOFF:
          tty.stopOutput();
          return 0;
        case TCOON:
          tty.startOutput();
          return 0;
        case TCIOFF:
        case TCION: {
          const c = tty.termios.cc[arg === TCIOFF ? VSTOP : VSTART];
          if (c) tty.driverWrite(new Uint8Array([c]));
          return 0;
        }
        default:
          return -EINVAL;
      }
    }
    case TCFLSH: {
      const r = ttyCheckChange(k, t, tty, SIGTTOU);
      if (r) return r;
      switch (arg) {
        case TCIFLUSH:
          flushInput(tty);
          return 0;
        case TCOFLUSH:
          flushOutput(tty);
          return 0;
        case TCIOFLUSH:
          flushInput(tty);
          flushOutput(tty);
          return 0;
        default:
          return -EINVAL;
      }
    }
  }
  return null;
}
