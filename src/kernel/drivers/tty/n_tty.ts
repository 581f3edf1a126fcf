// N_TTY, the default line discipline: input processing (signal characters,
// CR/NL mapping, flow control), canonical line editing with its echo, and
// output post-processing (OPOST). Linux's drivers/tty/n_tty.c in behaviour.
import type { TtyStruct } from './tty_struct.js';
import {
  VINTR,
  VQUIT,
  VERASE,
  VKILL,
  VEOF,
  VTIME,
  VMIN,
  VSTART,
  VSTOP,
  VSUSP,
  VEOL,
  VREPRINT,
  VWERASE,
  VLNEXT,
  VEOL2,
  ISTRIP,
  INLCR,
  IGNCR,
  ICRNL,
  IXON,
  IXANY,
  OPOST,
  OLCUC,
  ONLCR,
  OCRNL,
  ONOCR,
  ONLRET,
  TABDLY,
  XTABS,
  ISIG,
  ICANON,
  ECHO,
  ECHOE,
  ECHOK,
  ECHONL,
  NOFLSH,
  ECHOCTL,
  ECHOKE,
  IEXTEN,
  type Termios,
} from './termbits.js';
import { SIGINT, SIGQUIT, SIGTSTP } from '../../signal/signals.js';

/** The read buffer's size: a canonical line holds at most 4095 characters and its end. */
export const N_TTY_BUF_SIZE = 4096;

const iscntrl = (c: number) => c < 0x20 || c === 0x7f;
const isalnum = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

interface Line {
  data: number[];
  eof: boolean;
}

export class NTty {
  /** Finished lines (canonical mode); a line ended by VEOF keeps no terminator. */
  private lines: Line[] = [];
  /** The line being edited (canonical mode). */
  private edit: number[] = [];
  /** Input in noncanonical mode. */
  private raw: number[] = [];
  private lnext = false;
  /** Output column (tab expansion, erasing) and where the edited line began. */
  column = 0;
  private canonColumn = 0;
  private echoes: number[] = [];
  private icanon: boolean;
  /** Virtual time of the last input, for VTIME's inter-byte timer. */
  lastInput = 0;

  constructor(private tty: TtyStruct) {
    this.icanon = (tty.termios.lflag & ICANON) !== 0;
  }

  private get t(): Termios {
    return this.tty.termios;
  }
  private cc(i: number): number {
    return this.t.cc[i];
  }
  /** A c_cc entry of 0 is disabled (_POSIX_VDISABLE). */
  private is(c: number, i: number): boolean {
    const v = this.t.cc[i];
    return v !== 0 && v === c;
  }

  /** Bytes held in the read buffer. */
  private get count(): number {
    if (!this.icanon) return this.raw.length;
    let n = this.edit.length;
    for (const l of this.lines) n += l.data.length + (l.eof ? 1 : 0);
    return n;
  }

  /** Bytes a read could return now (FIONREAD): whole lines in canonical mode, EOF marks not counted. */
  get readable(): number {
    if (!this.icanon) return this.raw.length;
    let n = 0;
    for (const l of this.lines) n += l.data.length;
    return n;
  }

  /** input_available_p: a line (or EOF) in canonical mode, else at least `amt` bytes. */
  available(amt: number): boolean {
    return this.icanon ? this.lines.length > 0 : this.raw.length >= amt;
  }

  /** Characters taken from the driver; stops when the buffer is full (the driver keeps the rest). */
  receiveBuf(data: number[]): number {
    let n = 0;
    for (; n < data.length; n++) {
      const room = N_TTY_BUF_SIZE - this.count - 1;
      if (room <= 0) {
        // A canonical line longer than the buffer: its last character is overwritten so the newline still fits.
        const overflow = this.icanon && this.lines.length === 0;
        if (!overflow) break;
        if (room < 0) this.edit.pop();
      }
      this.receiveChar(data[n]);
    }
    this.commitEchoes();
    if (n) {
      this.lastInput = this.tty.k.clock.monotonic();
      this.tty.readWait.wakeAll();
    }
    return n;
  }

  private put(c: number): void {
    if (this.icanon) this.edit.push(c);
    else this.raw.push(c);
  }

  private receiveChar(c: number): void {
    const T = this.t;
    if (T.iflag & ISTRIP) c &= 0x7f;
    if (this.lnext) {
      this.lnext = false;
      this.normalChar(c);
      return;
    }
    if (T.iflag & IXON) {
      if (this.is(c, VSTART)) {
        this.startOutput();
        return;
      }
      if (this.is(c, VSTOP)) {
        this.stopOutput();
        return;
      }
    }
    if (T.lflag & ISIG) {
      const sig = this.is(c, VINTR) ? SIGINT : this.is(c, VQUIT) ? SIGQUIT : this.is(c, VSUSP) ? SIGTSTP : 0;
      if (sig) {
        this.signalChar(sig, c);
        return;
      }
    }
    if (this.tty.stopped && T.iflag & IXON && T.iflag & IXANY) this.startOutput();
    if (c === 13) {
      if (T.iflag & IGNCR) return;
      if (T.iflag & ICRNL) c = 10;
    } else if (c === 10 && T.iflag & INLCR) c = 13;
    if (this.icanon) {
      const iexten = (T.lflag & IEXTEN) !== 0;
      if (this.is(c, VERASE) || this.is(c, VKILL) || (iexten && this.is(c, VWERASE))) {
        this.eraser(c);
        this.commitEchoes();
        return;
      }
      if (iexten && this.is(c, VLNEXT)) {
        this.lnext = true;
        if (T.lflag & ECHO && T.lflag & ECHOCTL) {
          this.echoRaw(0x5e);
          this.echoRaw(8);
        }
        return;
      }
      if (iexten && T.lflag & ECHO && this.is(c, VREPRINT)) {
        this.reprint(c);
        return;
      }
      if (c === 10) {
        if (T.lflag & (ECHO | ECHONL)) this.echoRaw(10);
        this.endLine(c, false);
        return;
      }
      if (this.is(c, VEOF)) {
        this.endLine(0, true);
        return;
      }
      if (this.is(c, VEOL) || this.is(c, VEOL2)) {
        if (T.lflag & ECHO) {
          this.markCanonStart();
          this.echoChar(c);
        }
        this.endLine(c, false);
        return;
      }
    }
    this.normalChar(c);
  }

  private normalChar(c: number): void {
    if (this.t.lflag & ECHO) {
      this.markCanonStart();
      this.echoChar(c);
    }
    this.put(c);
  }

  private markCanonStart(): void {
    if (this.icanon && this.edit.length === 0) this.canonColumn = this.column;
  }

  private endLine(c: number, eof: boolean): void {
    const data = this.edit;
    if (!eof) data.push(c);
    this.lines.push({ data, eof });
    this.edit = [];
  }

  /** VINTR, VQUIT, VSUSP: the signal to the foreground group, the queues flushed unless NOFLSH, then the echo. */
  private signalChar(sig: number, c: number): void {
    this.tty.isig(sig);
    if (!(this.t.lflag & NOFLSH)) {
      this.echoes = [];
      this.flushInput();
      // tty_driver_flush_buffer: output not yet taken by the other end is dropped too.
      this.tty.link?.flushFlip();
    }
    if (this.t.iflag & IXON) this.startOutput();
    if (this.t.lflag & ECHO) this.echoChar(c);
  }

  private stopOutput(): void {
    this.tty.stopOutput();
  }
  private startOutput(): void {
    this.tty.startOutput();
  }

  /** VERASE, VWERASE, VKILL with their echo (n_tty's eraser). */
  private eraser(c: number): void {
    const T = this.t;
    if (!this.edit.length) return;
    const echo = (T.lflag & ECHO) !== 0;
    let kind: 'erase' | 'werase' | 'kill';
    if (this.is(c, VERASE)) kind = 'erase';
    else if (this.is(c, VWERASE)) kind = 'werase';
    else {
      kind = 'kill';
      if (!echo) {
        this.edit = [];
        return;
      }
      if (!(T.lflag & ECHOK) || !(T.lflag & ECHOKE) || !(T.lflag & ECHOE)) {
        this.edit = [];
        this.echoChar(c);
        if (T.lflag & ECHOK) this.echoRaw(10);
        return;
      }
    }
    let seenAlnums = 0;
    while (this.edit.length) {
      const ch = this.edit[this.edit.length - 1];
      if (kind === 'werase') {
        if (isalnum(ch) || ch === 0x5f) seenAlnums++;
        else if (seenAlnums) break;
      }
      this.edit.pop();
      if (echo) {
        if (kind === 'erase' && !(T.lflag & ECHOE)) this.echoChar(this.cc(VERASE));
        else if (ch === 9) {
          // Back to the column the tab started from.
          const col = this.renderedColumn();
          for (let i = this.column - col; i > 0; i--) this.echoRaw(8);
        } else {
          const ctl = (T.lflag & ECHOCTL) !== 0;
          if (iscntrl(ch) && ctl) this.echoBs();
          if (!iscntrl(ch) || ctl) this.echoBs();
        }
      }
      if (kind === 'erase') break;
    }
  }

  private echoBs(): void {
    for (const b of [8, 32, 8]) this.echoRaw(b);
  }

  /** The output column at the end of the edited line, as its echo left it. */
  private renderedColumn(): number {
    let col = this.canonColumn;
    const ctl = (this.t.lflag & ECHOCTL) !== 0;
    for (const ch of this.edit) {
      if (ch === 9) col = (col | 7) + 1;
      else if (iscntrl(ch)) {
        if (ctl) col += 2;
      } else col++;
    }
    return col;
  }

  private reprint(c: number): void {
    this.echoChar(c);
    this.echoRaw(10);
    this.canonColumn = this.column;
    for (const ch of this.edit) this.echoChar(ch);
  }

  /** echo_char: a control character shows as ^X with ECHOCTL (not tab). */
  private echoChar(c: number): void {
    if (this.t.lflag & ECHOCTL && iscntrl(c) && c !== 9) {
      this.echoes.push(0x5e, c ^ 0x40);
      this.column += 2;
      return;
    }
    this.echoRaw(c);
  }

  private echoRaw(c: number): void {
    this.outputChar(c, this.echoes);
  }

  /** do_output_char: one character through OPOST, appended to out; the column follows. */
  outputChar(c: number, out: number[]): void {
    const T = this.t;
    if (!(T.oflag & OPOST)) {
      out.push(c);
      return;
    }
    switch (c) {
      case 10:
        if (T.oflag & ONLRET) this.column = 0;
        if (T.oflag & ONLCR) {
          this.column = 0;
          out.push(13, 10);
          return;
        }
        this.canonColumn = this.column;
        break;
      case 13:
        if (T.oflag & ONOCR && this.column === 0) return;
        if (T.oflag & OCRNL) {
          c = 10;
          if (T.oflag & ONLRET) this.canonColumn = this.column = 0;
          break;
        }
        this.canonColumn = this.column = 0;
        break;
      case 9: {
        const spaces = 8 - (this.column & 7);
        if ((T.oflag & TABDLY) === XTABS) {
          for (let i = 0; i < spaces; i++) out.push(32);
          this.column += spaces;
          return;
        }
        this.column += spaces;
        break;
      }
      case 8:
        if (this.column > 0) this.column--;
        break;
      default:
        if (!iscntrl(c)) {
          if (T.oflag & OLCUC && c >= 0x61 && c <= 0x7a) c -= 32;
          // UTF-8 continuation bytes take no column.
          if ((c & 0xc0) !== 0x80) this.column++;
        }
    }
    out.push(c);
  }

  /** Echoes go to the driver as far as it has room; the rest is dropped. */
  private commitEchoes(): void {
    if (!this.echoes.length) return;
    const e = new Uint8Array(this.echoes);
    this.echoes = [];
    this.tty.driverWrite(e);
  }

  /** Take input for a read: at most one line in canonical mode; -1 when there is none. */
  read(buf: Uint8Array, max: number): number {
    if (this.icanon) {
      const l = this.lines[0];
      if (!l) return -1;
      const n = Math.min(max, l.data.length);
      for (let i = 0; i < n; i++) buf[i] = l.data[i];
      l.data.splice(0, n);
      if (!l.data.length) this.lines.shift();
      this.afterRead();
      return n;
    }
    if (!this.raw.length) return -1;
    const n = Math.min(max, this.raw.length);
    for (let i = 0; i < n; i++) buf[i] = this.raw[i];
    this.raw.splice(0, n);
    this.afterRead();
    return n;
  }

  /** Room was made: the driver's waiting input comes in. */
  private afterRead(): void {
    this.tty.flushToLdisc();
  }

  get vmin(): number {
    return this.cc(VMIN);
  }
  get vtime(): number {
    return this.cc(VTIME);
  }
  get canonical(): boolean {
    return this.icanon;
  }
  get pending(): number {
    return this.raw.length;
  }

  flushInput(): void {
    this.lines = [];
    this.edit = [];
    this.raw = [];
    this.lnext = false;
    this.tty.link?.writeWait.wakeAll();
  }

  /** Output written by a process: through OPOST, as much as the driver has room for; the count of input bytes taken. */
  write(data: Uint8Array): number {
    const room = this.tty.driver.writeRoom(this.tty);
    if (!(this.t.oflag & OPOST)) {
      const n = Math.min(room, data.length);
      return n ? this.tty.driverWrite(data.subarray(0, n)) : 0;
    }
    const out: number[] = [];
    let i = 0;
    for (; i < data.length; i++) {
      const col = this.column,
        canon = this.canonColumn,
        len = out.length;
      this.outputChar(data[i], out);
      if (out.length > room) {
        out.length = len;
        this.column = col;
        this.canonColumn = canon;
        break;
      }
    }
    if (out.length) this.tty.driverWrite(new Uint8Array(out));
    return i;
  }

  /** n_tty_set_termios: switching ICANON makes the queued input readable as it stands. */
  setTermios(): void {
    const icanon = (this.t.lflag & ICANON) !== 0;
    if (icanon === this.icanon) return;
    if (icanon) {
      if (this.raw.length) this.lines.push({ data: this.raw, eof: false });
      this.raw = [];
    } else {
      for (const l of this.lines) this.raw.push(...l.data);
      this.raw.push(...this.edit);
      this.lines = [];
      this.edit = [];
    }
    this.icanon = icanon;
    this.lnext = false;
    this.tty.readWait.wakeAll();
  }
}
