// struct tty_struct: one terminal device as the tty core keeps it, with its
// termios, window size, controlling session and foreground process group,
// its line discipline, and for a pty the other end (link).
import type { Kernel } from '../../kernel.js';
import type { File } from '../../fs/file.js';
import { WaitQueue } from '../../sched/waitqueue.js';
import { makedev } from '../../fs/special.js';
import type { Termios } from './termbits.js';
import { NTty } from './n_tty.js';
import { killPgrp } from './tty_jobctrl.js';

export interface WinSize {
  row: number;
  col: number;
  xpixel: number;
  ypixel: number;
}

/** struct tty_driver + tty_operations, reduced to what the core calls. */
export interface TtyDriver {
  /** Device name prefix ("ttyS", "pts", "ptm") as /proc/tty/drivers shows it. */
  readonly name: string;
  readonly major: number;
  readonly minorStart: number;
  readonly kind: 'serial' | 'pty_master' | 'pty_slave';
  initTermios(): Termios;
  /** Bytes the hardware (or the other pty end) takes now: a count, maybe short. */
  write(tty: TtyStruct, data: Uint8Array): number;
  /** How many more bytes write would take. */
  writeRoom(tty: TtyStruct): number;
  /** Bytes written but not yet sent (TIOCOUTQ). */
  charsInBuffer?(tty: TtyStruct): number;
  /** The last file on this tty closed. */
  close?(tty: TtyStruct): void;
}

export const TIOCPKT_DATA = 0,
  TIOCPKT_FLUSHREAD = 1,
  TIOCPKT_FLUSHWRITE = 2,
  TIOCPKT_STOP = 4,
  TIOCPKT_START = 8;

/** Input waiting between the driver and the line discipline (the flip buffers). */
const FLIP_LIMIT = 65536;

export class TtyStruct {
  termios: Termios;
  winsize: WinSize = { row: 0, col: 0, xpixel: 0, ypixel: 0 };
  /** Foreground process group and session (0 = none), as pid numbers. */
  fgPgrp = 0;
  session = 0;
  readonly ldisc: NTty;
  /** The other end of a pty pair. */
  link: TtyStruct | null = null;
  /** Open files on this tty; a hang-up turns each of them dead. */
  readonly files = new Set<File>();
  /** TTY_OTHER_CLOSED: the other end of the pty went away. */
  otherClosed = false;
  /** TTY_PTY_LOCK: the slave may not be opened yet (unlockpt clears it). */
  ptyLocked = false;
  /** Output stopped by ^S (IXON) or TCOOFF. */
  stopped = false;
  /** TIOCPKT mode on a pty master and the status byte it reports. */
  packet = false;
  ctrlStatus = 0;
  /** The host's input ended (console): reads with nothing queued return 0. */
  inputEof = false;
  /** TIOCEXCL. */
  exclusive = false;
  readonly readWait = new WaitQueue();
  readonly writeWait = new WaitQueue();
  /** Received but not yet through the line discipline (it was full). */
  private flip: number[] = [];

  constructor(
    readonly k: Kernel,
    readonly driver: TtyDriver,
    readonly index: number,
  ) {
    this.termios = driver.initTermios();
    this.ldisc = new NTty(this);
  }

  get rdev(): number {
    return makedev(this.driver.major, this.driver.minorStart + this.index);
  }
  /** tpgid as /proc/PID/stat shows it: -1 without a foreground group. */
  get pgrp(): number {
    return this.fgPgrp || -1;
  }
  get name(): string {
    return this.driver.kind === 'pty_slave' ? `pts/${this.index}` : `${this.driver.name}${this.index}`;
  }

  /** Bytes from the device (tty_insert_flip_string + flush_to_ldisc); false when the flip buffer is full. */
  receive(data: Uint8Array): number {
    const room = FLIP_LIMIT - this.flip.length;
    const n = Math.min(room, data.length);
    for (let i = 0; i < n; i++) this.flip.push(data[i]);
    this.flushToLdisc();
    return n;
  }

  get flipRoom(): number {
    return FLIP_LIMIT - this.flip.length;
  }

  /** Hand waiting input to the line discipline as far as it takes it (also after a reader made room). */
  flushToLdisc(): void {
    if (!this.flip.length) return;
    const took = this.ldisc.receiveBuf(this.flip);
    if (took) {
      this.flip.splice(0, took);
      // A writer on the other end of a pty waits for room here.
      this.link?.writeWait.wakeAll();
    }
  }

  flushFlip(): void {
    this.flip = [];
  }

  /** Output to the driver, as much as it takes now. */
  driverWrite(data: Uint8Array): number {
    return this.driver.write(this, data);
  }

  /** The foreground process group hears a signal character (ISIG) or a resize. */
  isig(sig: number): void {
    if (this.fgPgrp) killPgrp(this.k, this.fgPgrp, sig);
  }

  /** stop_tty / start_tty: ^S and ^Q (IXON), TCOOFF and TCOON; a packet-mode master hears of it. */
  stopOutput(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.packetStatus(TIOCPKT_STOP, TIOCPKT_START);
  }
  startOutput(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.packetStatus(TIOCPKT_START, TIOCPKT_STOP);
    this.writeWait.wakeAll();
  }

  /** Status for a TIOCPKT reader on the master end of this pty slave. */
  packetStatus(set: number, clear = 0): void {
    const m = this.driver.kind === 'pty_slave' ? this.link : null;
    if (!m || !m.packet) return;
    m.ctrlStatus = (m.ctrlStatus & ~clear) | set;
    m.readWait.wakeAll();
  }

  wakeAll(): void {
    this.readWait.wakeAll();
    this.writeWait.wakeAll();
  }
}
