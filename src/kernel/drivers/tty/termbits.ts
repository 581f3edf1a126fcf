// struct termios and its flag bits as riscv64 uses them (asm-generic
// termbits.h): four flag words, c_line, c_cc[19]; termios2 adds the speeds.
export const NCCS = 19;
export const TERMIOS_SIZE = 36,
  TERMIOS2_SIZE = 44;

// c_cc indices.
export const VINTR = 0,
  VQUIT = 1,
  VERASE = 2,
  VKILL = 3,
  VEOF = 4,
  VTIME = 5,
  VMIN = 6,
  VSWTC = 7,
  VSTART = 8,
  VSTOP = 9,
  VSUSP = 10,
  VEOL = 11,
  VREPRINT = 12,
  VDISCARD = 13,
  VWERASE = 14,
  VLNEXT = 15,
  VEOL2 = 16;

// c_iflag
export const IGNBRK = 0x1,
  BRKINT = 0x2,
  IGNPAR = 0x4,
  PARMRK = 0x8,
  INPCK = 0x10,
  ISTRIP = 0x20,
  INLCR = 0x40,
  IGNCR = 0x80,
  ICRNL = 0x100,
  IUCLC = 0x200,
  IXON = 0x400,
  IXANY = 0x800,
  IXOFF = 0x1000,
  IMAXBEL = 0x2000,
  IUTF8 = 0x4000;
// c_oflag
export const OPOST = 0x1,
  OLCUC = 0x2,
  ONLCR = 0x4,
  OCRNL = 0x8,
  ONOCR = 0x10,
  ONLRET = 0x20,
  TABDLY = 0x1800,
  XTABS = 0x1800;
// c_cflag
export const CBAUD = 0x100f,
  CSIZE = 0x30,
  CS8 = 0x30,
  CREAD = 0x80,
  HUPCL = 0x400,
  CLOCAL = 0x800,
  BOTHER = 0x1000,
  CBAUDEX = 0x1000,
  CIBAUD = 0x100f0000,
  IBSHIFT = 16;
export const B0 = 0,
  B9600 = 0xd,
  B38400 = 0xf,
  B115200 = 0x1002;
// c_lflag
export const ISIG = 0x1,
  ICANON = 0x2,
  ECHO = 0x8,
  ECHOE = 0x10,
  ECHOK = 0x20,
  ECHONL = 0x40,
  NOFLSH = 0x80,
  TOSTOP = 0x100,
  ECHOCTL = 0x200,
  ECHOPRT = 0x400,
  ECHOKE = 0x800,
  FLUSHO = 0x1000,
  PENDIN = 0x4000,
  IEXTEN = 0x8000,
  EXTPROC = 0x10000;

/** The speeds behind the Bnnn codes (tty_baudrate.c's baud_table). */
const BAUD_TABLE = [
  0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000,
  1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
];

export function baudOf(code: number): number {
  const i = code & CBAUDEX ? 15 + (code & 0xf) : code & 0xf;
  return BAUD_TABLE[i] ?? 0;
}
/** The Bnnn code for an exact speed, or BOTHER. */
export function codeOf(speed: number): number {
  const i = BAUD_TABLE.indexOf(speed);
  if (i < 0) return BOTHER;
  return i < 16 ? i : CBAUDEX | (i - 15);
}

export class Termios {
  iflag = 0;
  oflag = 0;
  cflag = 0;
  lflag = 0;
  line = 0;
  cc = new Uint8Array(NCCS);
  ispeed = 0;
  ospeed = 0;

  clone(): Termios {
    const t = new Termios();
    t.iflag = this.iflag;
    t.oflag = this.oflag;
    t.cflag = this.cflag;
    t.lflag = this.lflag;
    t.line = this.line;
    t.cc.set(this.cc);
    t.ispeed = this.ispeed;
    t.ospeed = this.ospeed;
    return t;
  }

  /** struct termios (36 bytes) or termios2 (44, with c_ispeed and c_ospeed). */
  encode(two: boolean): Uint8Array {
    const b = new Uint8Array(two ? TERMIOS2_SIZE : TERMIOS_SIZE);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, this.iflag, true);
    dv.setUint32(4, this.oflag, true);
    dv.setUint32(8, this.cflag, true);
    dv.setUint32(12, this.lflag, true);
    b[16] = this.line;
    b.set(this.cc, 17);
    if (two) {
      dv.setUint32(36, this.ispeed, true);
      dv.setUint32(40, this.ospeed, true);
    }
    return b;
  }

  /**
   * Take user bytes (set_termios): with plain termios the speeds follow the
   * Bnnn codes in c_cflag; with termios2 BOTHER means c_ispeed/c_ospeed hold them.
   */
  static decode(b: Uint8Array, old: Termios): Termios {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const t = new Termios();
    t.iflag = dv.getUint32(0, true);
    t.oflag = dv.getUint32(4, true);
    t.cflag = dv.getUint32(8, true);
    t.lflag = dv.getUint32(12, true);
    t.line = b[16];
    t.cc.set(b.subarray(17, 17 + NCCS));
    const two = b.length >= TERMIOS2_SIZE;
    const ocode = t.cflag & CBAUD;
    const icode = (t.cflag & CIBAUD) >>> IBSHIFT;
    t.ospeed = ocode === BOTHER && two ? dv.getUint32(40, true) : ocode === BOTHER ? old.ospeed : baudOf(ocode);
    // An input speed of B0 means "the same as the output speed" (tty_termios_input_baud_rate).
    t.ispeed = icode === B0 ? t.ospeed : icode === BOTHER && two ? dv.getUint32(36, true) : icode === BOTHER ? old.ispeed : baudOf(icode);
    return t;
  }

  /** tty_termios_encode_baud_rate: the codes a driver reports back for the speeds it runs at. */
  encodeBaud(): void {
    const ibinput = (this.cflag & CIBAUD) >>> IBSHIFT !== B0;
    this.cflag &= ~CBAUD;
    this.cflag |= codeOf(this.ospeed);
    this.cflag &= ~CIBAUD;
    if (ibinput) this.cflag |= codeOf(this.ispeed) << IBSHIFT;
  }
}

const INIT_C_CC = [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0];

/** tty_std_termios: cooked mode, 38400 baud, 8 bits. */
export function stdTermios(): Termios {
  const t = new Termios();
  t.iflag = ICRNL | IXON;
  t.oflag = OPOST | ONLCR;
  t.cflag = B38400 | CS8 | CREAD | HUPCL;
  t.lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
  t.cc.set(INIT_C_CC);
  t.ispeed = t.ospeed = 38400;
  return t;
}
