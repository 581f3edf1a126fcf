// Decoders for address-space calls. Addresses come back in hex.
import type { Call, DecoderTable } from './call.js';
import { flags, xval } from './xlat.js';
import { MADV, MAP_FLAGS, MAP_HUGE_MASK, MAP_HUGE_SHIFT, MAP_TYPES, MAP_TYPE_MASK, MLOCKALL_FLAGS, MREMAP_FLAGS, MSYNC_FLAGS, PROT } from './tables-mm.js';

const prot = (c: Call, i: number) => c.push(flags(PROT, c.uint(i), 'PROT_???'));
const hexRet = (c: Call) => {
  c.retStyle = 'hex';
};
const addrLen = (c: Call) => {
  c.pushPtr(0);
  c.pushUlong(1);
};

/** "MAP_PRIVATE|MAP_ANONYMOUS|21<<MAP_HUGE_SHIFT": sharing type, flags, huge page size. */
function mapFlags(v: number): string {
  const type = v & MAP_TYPE_MASK;
  const huge = (v >>> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
  const rest = (v & ~MAP_TYPE_MASK & ~(MAP_HUGE_MASK << MAP_HUGE_SHIFT)) >>> 0;
  let s = xval(MAP_TYPES, type, 'MAP_???');
  if (rest) s += '|' + flags(MAP_FLAGS, rest);
  if (huge) s += `|${huge}<<MAP_HUGE_SHIFT`;
  return s;
}

export const mmDecoders: DecoderTable = {
  brk: { enter: (c) => c.pushPtr(0), exit: hexRet },
  mmap: {
    enter(c) {
      addrLen(c);
      prot(c, 2);
      c.push(mapFlags(c.uint(3)));
      c.pushFd(4);
      c.pushHex(5);
    },
    exit: hexRet,
  },
  munmap: { enter: addrLen },
  mprotect: {
    enter(c) {
      addrLen(c);
      prot(c, 2);
    },
  },
  pkey_mprotect: {
    enter(c) {
      addrLen(c);
      prot(c, 2);
      c.pushInt(3);
    },
  },
  madvise: {
    enter(c) {
      addrLen(c);
      c.push(xval(MADV, c.uint(2), 'MADV_???'));
    },
  },
  mremap: {
    enter(c) {
      addrLen(c);
      c.pushUlong(2);
      c.push(flags(MREMAP_FLAGS, c.uint(3), 'MREMAP_???'));
      if (c.uint(3) & 2) c.pushPtr(4);
    },
    exit: hexRet,
  },
  msync: {
    enter(c) {
      addrLen(c);
      c.push(flags(MSYNC_FLAGS, c.uint(2), 'MS_???'));
    },
  },
  mlock: { enter: addrLen },
  munlock: { enter: addrLen },
  mlock2: {
    enter(c) {
      addrLen(c);
      c.push(flags([[1, 'MLOCK_ONFAULT']], c.uint(2), 'MLOCK_???'));
    },
  },
  mlockall: { enter: (c) => c.push(flags(MLOCKALL_FLAGS, c.uint(0), 'MCL_???')) },
  mincore: { enter: addrLen, exit: (c) => c.pushPtr(2) },
  shmat: {
    enter(c) {
      c.pushInt(0);
      c.pushPtr(1);
      c.pushHex(2);
    },
    exit: hexRet,
  },
};
