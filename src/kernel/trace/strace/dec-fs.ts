// Decoders for path-based and metadata calls: open, stat, links, modes, cwd.
import type { Call, DecoderTable } from './call.js';
import { oct, ptr } from './fmt.js';
import { printBuffer, printPath } from './quote.js';
import { flags } from './xlat.js';
import { openModes } from './openflags.js';
import { makedev, printStat, printStatx, symbolicMode } from './struct-stat.js';
import { printUtimens } from './struct-time.js';
import {
  ACCESS_MODES,
  AT_FLAGS,
  AT_STATX_SYNC_TYPE,
  FACCESSAT_FLAGS,
  FLOCK_OPS,
  O_CREAT,
  O_TMPFILE_BIT,
  RENAME_FLAGS,
  STATX_MASK,
  STATX_SYNC,
  S_IFMT,
} from './tables-fs.js';

const atFlags = (c: Call, i: number) => c.push(flags(AT_FLAGS, c.uint(i), 'AT_???'));
const dirPath = (c: Call, i: number) => {
  c.pushDirfd(i);
  c.pushPath(i + 1);
};

function statxFlags(v: number): string {
  const sync = flags(STATX_SYNC, v & AT_STATX_SYNC_TYPE);
  const rest = (v & ~AT_STATX_SYNC_TYPE) >>> 0;
  return rest ? `${sync}|${flags(AT_FLAGS, rest)}` : sync;
}

export const fsDecoders: DecoderTable = {
  openat: {
    enter(c) {
      dirPath(c, 0);
      c.push(openModes(c.a(2)));
      if (c.uint(2) & (O_CREAT | O_TMPFILE_BIT)) c.push(oct(c.uint(3)));
    },
  },
  newfstatat: {
    enter: (c) => dirPath(c, 0),
    exit: (c) => {
      c.push(c.failed ? ptr(c.a(2)) : c.a(2) === 0n ? 'NULL' : printStat(c.mem, c.a(2)));
      atFlags(c, 3);
    },
  },
  fstat: {
    enter: (c) => c.pushFd(0),
    exit: (c) => c.push(c.failed ? ptr(c.a(1)) : printStat(c.mem, c.a(1))),
  },
  statx: {
    enter(c) {
      dirPath(c, 0);
      c.push(statxFlags(c.uint(2)), flags(STATX_MASK, c.uint(3), 'STATX_???'));
    },
    exit: (c) => c.push(c.failed || c.a(4) === 0n ? ptr(c.a(4)) : printStatx(c.mem, c.a(4))),
  },
  readlinkat: {
    enter: (c) => dirPath(c, 0),
    exit: (c) => c.push(c.failed ? ptr(c.a(2)) : printBuffer(c.mem, c.a(2), c.ret), String(c.a(3))),
  },
  faccessat: {
    enter(c) {
      dirPath(c, 0);
      c.push(flags(ACCESS_MODES, c.uint(2), '?_OK'));
    },
  },
  faccessat2: {
    enter(c) {
      dirPath(c, 0);
      c.push(flags(ACCESS_MODES, c.uint(2), '?_OK'), flags(FACCESSAT_FLAGS, c.uint(3), 'AT_???'));
    },
  },
  mkdirat: {
    enter(c) {
      dirPath(c, 0);
      c.push(oct(c.uint(2)));
    },
  },
  mknodat: {
    enter(c) {
      dirPath(c, 0);
      const mode = c.uint(2);
      c.push(symbolicMode(mode));
      const type = mode & S_IFMT;
      if (type === 0o20000 || type === 0o60000) c.push(makedev(c.a(3)));
    },
  },
  unlinkat: {
    enter(c) {
      dirPath(c, 0);
      atFlags(c, 2);
    },
  },
  renameat: {
    enter(c) {
      dirPath(c, 0);
      dirPath(c, 2);
    },
  },
  renameat2: {
    enter(c) {
      dirPath(c, 0);
      dirPath(c, 2);
      c.push(flags(RENAME_FLAGS, c.uint(4), 'RENAME_???'));
    },
  },
  linkat: {
    enter(c) {
      dirPath(c, 0);
      dirPath(c, 2);
      atFlags(c, 4);
    },
  },
  symlinkat: {
    enter(c) {
      c.pushPath(0);
      dirPath(c, 1);
    },
  },
  fchmodat: {
    enter(c) {
      dirPath(c, 0);
      c.push(oct(c.uint(2)));
    },
  },
  fchmodat2: {
    enter(c) {
      dirPath(c, 0);
      c.push(oct(c.uint(2)));
      atFlags(c, 3);
    },
  },
  fchmod: {
    enter(c) {
      c.pushFd(0);
      c.push(oct(c.uint(1)));
    },
  },
  fchownat: {
    enter(c) {
      dirPath(c, 0);
      c.pushId(2);
      c.pushId(3);
      atFlags(c, 4);
    },
  },
  fchown: {
    enter(c) {
      c.pushFd(0);
      c.pushId(1);
      c.pushId(2);
    },
  },
  utimensat: {
    enter(c) {
      dirPath(c, 0);
      c.push(printUtimens(c.mem, c.a(2)));
      atFlags(c, 3);
    },
  },
  chdir: { enter: (c) => c.pushPath(0) },
  chroot: { enter: (c) => c.pushPath(0) },
  fchdir: { enter: (c) => c.pushFd(0) },
  getcwd: {
    exit: (c) => c.push(c.failed ? ptr(c.a(0)) : printPath(c.mem, c.a(0)), String(c.a(1))),
  },
  truncate: {
    enter(c) {
      c.pushPath(0);
      c.pushLong(1);
    },
  },
  ftruncate: {
    enter(c) {
      c.pushFd(0);
      c.pushLong(1);
    },
  },
  flock: {
    enter(c) {
      c.pushFd(0);
      c.push(flags(FLOCK_OPS, c.uint(1), 'LOCK_???'));
    },
  },
};
