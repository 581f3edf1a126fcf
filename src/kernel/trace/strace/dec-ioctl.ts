// ioctl(2): the request by name (or strace's _IOC(...) spelling of its bits),
// then the argument the way that request uses it.
import type { Call, DecoderTable } from './call.js';
import { hex, ptr } from './fmt.js';
import { readStruct } from './mem.js';
import { printBuffer } from './quote.js';
import { flags, xlat, xval } from './xlat.js';
import { openFlagsOnly } from './openflags.js';
import { printTermios, printWinsize } from './struct-tty.js';
import { IOCTL_NAMES, TCFLSH_ARGS, TCXONC_ARGS, TIOC } from './tables-tty.js';

const IOC_DIRS = xlat({ _IOC_NONE: 0, _IOC_READ: 2, _IOC_WRITE: 1 });

/** "_IOC(_IOC_READ|_IOC_WRITE, 0x56, 0x78, 0x10)": direction, type, number, size. */
export function ioctlRequest(req: number): string {
  const name = IOCTL_NAMES.get(req);
  if (name) return name;
  return `_IOC(${flags(IOC_DIRS, (req >>> 30) & 3, '_IOC_???')}, ${hex((req >>> 8) & 0xff)}, ${hex(req & 0xff)}, ${hex((req >>> 16) & 0x3fff)})`;
}

const T = TIOC;
/** Requests whose argument is an int the kernel writes (shown at exit as [n]). */
const INT_OUT = new Set<number>([T.TIOCGPGRP, T.FIONREAD, T.TIOCOUTQ, T.TIOCGSID, T.TIOCGPTN, T.TIOCGETD, T.TIOCGEXCL, T.TIOCGPKT, T.TIOCGPTLCK, T.TIOCMGET]);
/** Requests whose argument is an int the caller passes by pointer (shown at entry as [n]). */
const INT_IN = new Set<number>([T.TIOCSPGRP, T.FIONBIO, T.FIOASYNC, T.TIOCSPTLCK, T.TIOCPKT, T.TIOCSETD, T.TIOCMBIS, T.TIOCMBIC, T.TIOCMSET]);
/** Requests taking a plain integer argument. */
const INT_VAL = new Set<number>([T.TIOCSCTTY, T.TCSBRK, T.TCSBRKP, T.TIOCSIG]);
/** Requests with no argument at all. */
const NO_ARG = new Set<number>([T.FIOCLEX, T.FIONCLEX, T.TIOCNOTTY, T.TIOCEXCL, T.TIOCNXCL, T.TIOCCONS, T.TIOCSBRK, T.TIOCCBRK, T.TIOCVHANGUP]);
const TERMIOS_IN = new Set<number>([T.TCSETS, T.TCSETSW, T.TCSETSF, T.TCSETS2, T.TCSETSW2, T.TCSETSF2]);
const TERMIOS_OUT = new Set<number>([T.TCGETS, T.TCGETS2]);

/** An int the argument points at: "[1234]". */
function intAt(mem: Call['mem'], addr: bigint): string {
  const v = readStruct(mem, addr, 4);
  return v ? `[${v.i32(0)}]` : ptr(addr);
}

export const ioctlDecoders: DecoderTable = {
  ioctl: {
    enter(c) {
      c.pushFd(0);
      const req = c.uint(1),
        arg = c.a(2);
      c.push(ioctlRequest(req));
      if (NO_ARG.has(req)) return;
      if (TERMIOS_IN.has(req)) c.push(printTermios(c.mem, arg));
      else if (req === T.TIOCSWINSZ) c.push(printWinsize(c.mem, arg));
      else if (INT_IN.has(req)) c.push(intAt(c.mem, arg));
      else if (INT_VAL.has(req)) c.pushInt(2);
      else if (req === T.TCXONC) c.push(xval(TCXONC_ARGS, c.uint(2), 'TC???'));
      else if (req === T.TCFLSH) c.push(xval(TCFLSH_ARGS, c.uint(2), 'TC???'));
      else if (req === T.TIOCSTI) c.push(printBuffer(c.mem, arg, 1));
      else if (req === T.TIOCGPTPEER) c.push(openFlagsOnly(arg));
      else if (!TERMIOS_OUT.has(req) && req !== T.TIOCGWINSZ && !INT_OUT.has(req)) c.push(hex(arg));
    },
    exit(c) {
      const req = c.uint(1),
        arg = c.a(2);
      const out = TERMIOS_OUT.has(req) ? printTermios : req === T.TIOCGWINSZ ? printWinsize : INT_OUT.has(req) ? intAt : null;
      if (out) c.push(c.failed ? ptr(arg) : out(c.mem, arg));
    },
  },
};
