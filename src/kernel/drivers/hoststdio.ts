// The console of `tuxglass run`: the host's stdin, stdout and stderr shown to
// the guest as its first three descriptors (and as /dev/console and /dev/tty).
// When the host stream is a terminal, the termios ioctls answer as a tty does.
import { EAGAIN, ENOTTY, EFAULT, EINVAL } from '../errno.js';
import { BLOCKED, type Blocked } from '../syscalls/result.js';
import type { HostConsole } from '../host.js';
import { O_NONBLOCK, POLLIN, POLLOUT, type FileOps, type IoctlIo } from '../fs/file.js';
import { WaitQueue } from '../sched/waitqueue.js';
import type { Kernel } from '../kernel.js';
import { sendSignal } from '../signal/deliver.js';
import { SIGCONT, SIGHUP, SI_KERNEL } from '../signal/signals.js';

const TCGETS = 0x5401,
  TCSETS = 0x5402,
  TCSETSW = 0x5403,
  TCSETSF = 0x5404,
  TIOCGPGRP = 0x540f,
  TIOCSPGRP = 0x5410,
  TIOCGWINSZ = 0x5413,
  TIOCSWINSZ = 0x5414,
  TIOCSCTTY = 0x540e,
  TIOCNOTTY = 0x5422,
  FIONREAD = 0x541b,
  TIOCGSID = 0x5429,
  TCFLSH = 0x540b,
  TCXONC = 0x540a,
  TCSBRK = 0x5409;

/** Input arriving from the host, waiting for a reader. */
export class HostInput {
  private chunks: Uint8Array[] = [];
  private eof = false;
  private requested = false;
  readonly wait = new WaitQueue();
  /** `defer` runs the hand-over of arrived input later, in kernel-thread context (or at once without it). */
  constructor(
    private con: HostConsole,
    private defer: (deliver: () => void, bytes: number) => void = (d) => d(),
  ) {}

  /**
   * The host terminal hung up: as hung_up_tty_read, every read from now on
   * returns 0 (end of file) at once, and the readers asleep wake to see it.
   */
  hangup(): void {
    this.eof = true;
    this.chunks = [];
    this.wait.wakeAll();
  }

  get available(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }

  /** Readable now (data or end of file)? Asks the host for input if not. */
  poll(wait?: (q: WaitQueue) => void): boolean {
    if (this.chunks.length === 0 && !this.eof) this.request();
    if (this.chunks.length || this.eof) return true;
    wait?.(this.wait);
    return false;
  }

  read(buf: Uint8Array, nonblock: boolean, sleep: (q: WaitQueue) => void): number | Blocked {
    if (this.chunks.length === 0 && !this.eof) this.request(); // may deliver at once
    if (this.chunks.length === 0) {
      if (this.eof) return 0;
      if (nonblock) return -EAGAIN;
      sleep(this.wait);
      return BLOCKED;
    }
    let n = 0;
    while (n < buf.length && this.chunks.length) {
      const c = this.chunks[0];
      const take = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, take), n);
      n += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
      // A terminal hands over one line at a time (canonical mode).
      if (this.con.stdinIsTty && buf[n - 1] === 10) break;
    }
    return n;
  }

  private request(): void {
    if (this.requested) return;
    this.requested = true;
    this.con.requestInput((data) =>
      this.defer(() => {
        this.requested = false;
        if (data === null || data.length === 0) this.eof = true;
        else if (!this.eof) this.chunks.push(data);
        this.wait.wakeAll();
      }, data?.length ?? 0),
    );
  }
}

/** termios as a terminal in cooked mode reports it (riscv64 struct termios: 4 flag words, c_line, c_cc[19] = 36 bytes). */
function defaultTermios(): Uint8Array {
  const b = new Uint8Array(36);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x6502, true); // c_iflag: BRKINT ICRNL IXON IMAXBEL IUTF8
  dv.setUint32(4, 0x5, true); // c_oflag: OPOST ONLCR
  dv.setUint32(8, 0xbf, true); // c_cflag: B38400 CS8 CREAD
  dv.setUint32(12, 0x8a3b, true); // c_lflag: ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
  b[16] = 0; // c_line
  const cc = [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22];
  b.set(cc, 17);
  return b;
}

export function hostStdioOps(con: HostConsole, input: HostInput, which: 0 | 1 | 2, pgrp: () => number, setPgrp: (p: number) => void): FileOps {
  const isTty = which === 0 ? con.stdinIsTty : which === 1 ? con.stdout.isTty : con.stderr.isTty;
  let termios = defaultTermios();
  return {
    stream: true,
    read(f, buf, _pos, w) {
      return input.read(buf, (f.flags & O_NONBLOCK) !== 0, (q) => w.sleepOn(q));
    },
    write(_f, data) {
      (which === 2 ? con.stderr : con.stdout).write(data.slice());
      return data.length;
    },
    poll(_f, wait) {
      return (which === 0 && input.poll(wait) ? POLLIN : 0) | (which === 0 ? 0 : POLLOUT);
    },
    ioctl(_f, cmd, arg, io: IoctlIo) {
      if (!isTty) return -ENOTTY;
      switch (cmd) {
        case TCGETS:
          return io.write(arg, termios) ? 0 : -EFAULT;
        case TCSETS:
        case TCSETSW:
        case TCSETSF: {
          const b = io.read(arg, 36);
          if (!b) return -EFAULT;
          termios = b;
          return 0;
        }
        case TIOCGWINSZ: {
          const ws = con.winsize() ?? { rows: 24, cols: 80 };
          const b = new Uint8Array(8);
          const dv = new DataView(b.buffer);
          dv.setUint16(0, ws.rows, true);
          dv.setUint16(2, ws.cols, true);
          return io.write(arg, b) ? 0 : -EFAULT;
        }
        case TIOCSWINSZ:
          return io.read(arg, 8) ? 0 : -EFAULT;
        case TIOCGPGRP: {
          const b = new Uint8Array(4);
          new DataView(b.buffer).setInt32(0, pgrp(), true);
          return io.write(arg, b) ? 0 : -EFAULT;
        }
        case TIOCSPGRP: {
          const b = io.read(arg, 4);
          if (!b) return -EFAULT;
          const p = new DataView(b.buffer).getInt32(0, true);
          if (p < 0) return -EINVAL;
          setPgrp(p);
          return 0;
        }
        case TIOCGSID: {
          const b = new Uint8Array(4);
          new DataView(b.buffer).setInt32(0, io.sid, true);
          return io.write(arg, b) ? 0 : -EFAULT;
        }
        case FIONREAD: {
          const b = new Uint8Array(4);
          new DataView(b.buffer).setInt32(0, input.available, true);
          return io.write(arg, b) ? 0 : -EFAULT;
        }
        case TIOCSCTTY:
        case TIOCNOTTY:
        case TCFLSH:
        case TCXONC:
        case TCSBRK:
          return 0;
        default:
          return -ENOTTY;
      }
    },
  };
}

/**
 * The host terminal behind the console hung up (__tty_hangup): readers see
 * end of file, and the leader of the session the console belongs to hears
 * SIGHUP then SIGCONT (tty_signal_session_leader; a plain hang-up signals
 * no one else: the leader, a shell, passes it on to its jobs). As init, a
 * leader that is PID 1 ignores a SIGHUP it has no handler for.
 */
export function hostConsoleHangup(k: Kernel, input: HostInput, sid: number): void {
  input.hangup();
  for (const g of k.pids.session(sid)) {
    if (g.zombie || g.tgid !== sid) continue;
    sendSignal(k, g, { signo: SIGHUP, code: SI_KERNEL });
    sendSignal(k, g, { signo: SIGCONT, code: SI_KERNEL });
  }
}
