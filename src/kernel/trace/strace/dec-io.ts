// Decoders for data transfer and descriptor calls: read/write and friends,
// vectors, seeking, directory reads, pipes, dup and fcntl.
import type { Call, Decoder, DecoderTable } from './call.js';
import { ptr } from './fmt.js';
import { readBytes, readStruct } from './mem.js';
import { MAX_STRLEN, printBuffer } from './quote.js';
import { flags, xval, xname } from './xlat.js';
import { signal } from './signals.js';
import { openFlagsOnly, openModes } from './openflags.js';
import { FCNTL_CMDS, FD_FLAGS, LEASES, LOCK_TYPES, NOTIFY, SEALS, SEEK_WHENCE } from './tables-fs.js';

/** An iovec array; with `limit`, only that many bytes in total are shown (readv's result). */
function printIovecs(c: Call, addr: bigint, count: bigint, limit: bigint | null): string {
  if (addr === 0n) return 'NULL';
  if (count > 1024n) return ptr(addr);
  const n = Number(count);
  const shown = Math.min(n, MAX_STRLEN);
  const raw = readBytes(c.mem, addr, shown * 16);
  if (!raw) return ptr(addr);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let left = limit;
  const items: string[] = [];
  for (let i = 0; i < shown; i++) {
    const base = dv.getBigUint64(i * 16, true),
      len = dv.getBigUint64(i * 16 + 8, true);
    let data = len;
    if (left !== null) {
      data = len < left ? len : left;
      left -= data;
    }
    items.push(`{iov_base=${printBuffer(c.mem, base, data)}, iov_len=${len}}`);
  }
  if (n > shown) items.push('...');
  return `[${items.join(', ')}]`;
}

const readLike: Decoder = {
  enter: (c) => c.pushFd(0),
  exit: (c) => c.push(c.failed ? ptr(c.a(1)) : printBuffer(c.mem, c.a(1), c.ret), String(c.a(2))),
};

const readvLike: Decoder = {
  enter: (c) => c.pushFd(0),
  exit: (c) => {
    c.push(c.failed ? ptr(c.a(1)) : printIovecs(c, c.a(1), c.a(2), c.ret));
    c.pushInt(2);
  },
};

const writevLike: Decoder = {
  enter: (c) => {
    c.pushFd(0);
    c.push(printIovecs(c, c.a(1), c.a(2), null));
    c.pushInt(2);
  },
};

/** struct flock on riscv64: l_type i16, l_whence i16, l_start @8, l_len @16, l_pid @24. */
function printFlock(c: Call, addr: bigint, withPid: boolean): string {
  const v = readStruct(c.mem, addr, 32);
  if (!v) return ptr(addr);
  const t = (v.u16(0) << 16) >> 16,
    w = (v.u16(2) << 16) >> 16;
  return (
    `{l_type=${xval(LOCK_TYPES, t, 'F_???')}, l_whence=${xval(SEEK_WHENCE, w, 'SEEK_???')}, ` +
    `l_start=${v.i64(8)}, l_len=${v.i64(16)}${withPid ? `, l_pid=${v.i32(24)}` : ''}}`
  );
}

const F = {
  GETFD: 1,
  SETFD: 2,
  GETFL: 3,
  SETFL: 4,
  GETLK: 5,
  SETLK: 6,
  SETLKW: 7,
  SETOWN: 8,
  GETOWN: 9,
  SETSIG: 10,
  GETSIG: 11,
  OFD_GETLK: 36,
  OFD_SETLK: 37,
  OFD_SETLKW: 38,
  SETLEASE: 1024,
  GETLEASE: 1025,
  NOTIFY: 1026,
  DUPFD: 0,
  DUPFD_CLOEXEC: 1030,
  SETPIPE_SZ: 1031,
  GETPIPE_SZ: 1032,
  ADD_SEALS: 1033,
  GET_SEALS: 1034,
};

const fcntl: Decoder = {
  enter(c) {
    c.pushFd(0);
    const cmd = c.int(1);
    const name = xname(FCNTL_CMDS, cmd);
    c.push(name ?? xval(FCNTL_CMDS, c.uint(1), 'F_???'));
    switch (cmd) {
      case F.DUPFD:
      case F.DUPFD_CLOEXEC:
      case F.SETOWN:
      case F.SETPIPE_SZ:
        c.pushInt(2);
        break;
      case F.SETFD:
        c.push(flags(FD_FLAGS, c.uint(2), 'FD_???'));
        break;
      case F.SETFL:
        c.push(openModes(c.a(2)));
        break;
      case F.SETLK:
      case F.SETLKW:
      case F.OFD_SETLK:
      case F.OFD_SETLKW:
        c.push(printFlock(c, c.a(2), false));
        break;
      case F.SETSIG:
        c.push(signal(c.int(2)));
        break;
      case F.SETLEASE:
        c.push(xval(LEASES, c.uint(2), 'F_???'));
        break;
      case F.NOTIFY:
        c.push(flags(NOTIFY, c.uint(2), 'DN_???'));
        break;
      case F.ADD_SEALS:
        c.push(flags(SEALS, c.uint(2), 'F_SEAL_???'));
        break;
      case F.GETFD:
      case F.GETFL:
      case F.GETOWN:
      case F.GETSIG:
      case F.GETLEASE:
      case F.GETPIPE_SZ:
      case F.GET_SEALS:
      case F.GETLK:
      case F.OFD_GETLK:
        break;
      default:
        c.pushHex(2);
    }
  },
  exit(c) {
    const cmd = c.int(1);
    if (cmd === F.GETLK || cmd === F.OFD_GETLK) c.push(c.failed ? ptr(c.a(2)) : printFlock(c, c.a(2), true));
    if (c.failed) return;
    if (cmd === F.GETFD && c.ret !== 0n) {
      c.retStyle = 'hex';
      c.retNote = ` (flags ${flags(FD_FLAGS, c.ret)})`;
    }
    if (cmd === F.GETFL) {
      c.retStyle = 'hex';
      c.retNote = ` (flags ${openModes(c.ret)})`;
    }
    if (cmd === F.GETLEASE) c.retNote = ` (${xval(LEASES, c.ret, 'F_???')})`;
    if (cmd === F.GET_SEALS && c.ret !== 0n) {
      c.retStyle = 'hex';
      c.retNote = ` (seals ${flags(SEALS, c.ret)})`;
    }
    if (cmd === F.GETSIG && c.ret !== 0n) c.retNote = ` (${signal(Number(c.ret))})`;
  },
};

/** getdents64 is shown abbreviated: the buffer address and how many entries came back. */
const getdents64: Decoder = {
  enter: (c) => c.pushFd(0),
  exit(c) {
    const addr = c.a(1);
    if (c.failed) {
      c.push(ptr(addr));
      c.pushUint(2);
      return;
    }
    const buf = readBytes(c.mem, addr, Number(c.ret));
    let n = 0;
    if (buf) {
      const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      for (let off = 0; off + 19 <= buf.length; n++) {
        const reclen = dv.getUint16(off + 16, true);
        if (reclen === 0) {
          n++;
          break;
        }
        off += reclen;
      }
    }
    c.push(buf ? `${ptr(addr)} /* ${n} entries */` : ptr(addr));
    c.pushUint(2);
  },
};

export const ioDecoders: DecoderTable = {
  read: readLike,
  pread64: {
    enter: readLike.enter,
    exit: (c) => {
      readLike.exit!(c);
      c.pushLong(3);
    },
  },
  write: {
    enter: (c) => {
      c.pushFd(0);
      c.push(printBuffer(c.mem, c.a(1), c.a(2)));
      c.pushUlong(2);
    },
  },
  pwrite64: {
    enter: (c) => {
      c.pushFd(0);
      c.push(printBuffer(c.mem, c.a(1), c.a(2)));
      c.pushUlong(2);
      c.pushLong(3);
    },
  },
  readv: readvLike,
  writev: writevLike,
  preadv: {
    enter: readvLike.enter,
    exit: (c) => {
      readvLike.exit!(c);
      c.pushLong(3);
    },
  },
  pwritev: {
    enter: (c) => {
      writevLike.enter!(c);
      c.pushLong(3);
    },
  },
  lseek: {
    enter: (c) => {
      c.pushFd(0);
      c.pushLong(1);
      c.push(xval(SEEK_WHENCE, c.uint(2), 'SEEK_???'));
    },
  },
  close: { enter: (c) => c.pushFd(0) },
  dup: { enter: (c) => c.pushFd(0) },
  dup3: {
    enter: (c) => {
      c.pushFd(0);
      c.pushFd(1);
      c.push(openFlagsOnly(c.a(2)));
    },
  },
  pipe2: {
    exit(c) {
      const v = c.failed ? null : readStruct(c.mem, c.a(0), 8);
      c.push(v ? `[${v.i32(0)}, ${v.i32(4)}]` : ptr(c.a(0)));
      c.push(openFlagsOnly(c.a(1)));
    },
  },
  fcntl,
  getdents64,
};
