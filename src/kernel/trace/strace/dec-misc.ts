// Decoders for sockets, random numbers, prctl and scheduler calls.
import type { Call, DecoderTable } from './call.js';
import { hex, ptr } from './fmt.js';
import { readBytes, readStruct } from './mem.js';
import { printBuffer, printCString } from './quote.js';
import { flags, xlat, xname, xval } from './xlat.js';
import { signal } from './signals.js';
import {
  ADDRESS_FAMILIES,
  AF_INET,
  AF_INET6,
  AF_NETLINK,
  GETRANDOM_FLAGS,
  IP_PROTOCOLS,
  NETLINK_PROTOCOLS,
  SHUTDOWN_HOW,
  SOCK_FLAGS,
  SOCK_TYPES,
} from './tables-misc.js';
import { CAPS, DUMPABLE, PERSONALITY, PRCTL_OPTIONS, PRIO_WHICH, SCHED_POLICIES } from './tables-proc.js';
import { PRCTL } from './prctl-ops.js';

function sockType(v: number): string {
  const name = xname(SOCK_TYPES, v & 0xf),
    rest = (v & ~0xf) >>> 0;
  if (!name) return flags(SOCK_FLAGS, v >>> 0, 'SOCK_???');
  return rest ? `${name}|${flags(SOCK_FLAGS, rest, 'SOCK_???')}` : name;
}

function protocol(family: number, p: number): string {
  if (family === AF_INET || family === AF_INET6) return xval(IP_PROTOCOLS, p, 'IPPROTO_???');
  if (family === AF_NETLINK) return xval(NETLINK_PROTOCOLS, p, 'NETLINK_???');
  return String(p);
}

function socketArgs(c: Call): void {
  const fam = c.int(0);
  c.push(xval(ADDRESS_FAMILIES, c.uint(0), 'AF_???'), sockType(c.uint(1)), protocol(fam, c.int(2)));
}

/** A CPU mask: the numbers of the set CPUs, "[0 1]". */
function cpuList(c: Call, addr: bigint, bytes: number): string {
  const b = readBytes(c.mem, addr, Math.min(bytes, 1024));
  if (!b) return ptr(addr);
  const cpus: number[] = [];
  for (let i = 0; i < b.length * 8; i++) if (b[i >> 3]! & (1 << (i & 7))) cpus.push(i);
  return `[${cpus.join(' ')}]`;
}

const intAt = (c: Call, addr: bigint) => {
  const v = readStruct(c.mem, addr, 4);
  return v ? `[${v.i32(0)}]` : ptr(addr);
};
const policy = (c: Call, i: number) => c.push(xval(SCHED_POLICIES, c.uint(i), 'SCHED_???'));
const capName = (n: number) => CAPS[n] ?? `${n}`;
const TASK_COMM_LEN = 16;

/** prctl prints each option's arguments its own way; options it does not know get all four in hex. */
const prctl = {
  enter(c: Call) {
    const op = c.uint(0);
    c.push(xval(PRCTL_OPTIONS, op, 'PR_???'));
    switch (op) {
      case PRCTL.SET_NAME:
        c.push(printCString(c.mem, c.a(1), TASK_COMM_LEN - 1));
        break;
      case PRCTL.SET_PDEATHSIG:
        c.push(signal(c.int(1)));
        break;
      case PRCTL.SET_DUMPABLE:
        c.push(xval(DUMPABLE, c.a(1), 'SUID_DUMP_???'));
        break;
      case PRCTL.CAPBSET_READ:
      case PRCTL.CAPBSET_DROP:
        c.push(capName(c.int(1)));
        break;
      case PRCTL.SET_KEEPCAPS:
      case PRCTL.SET_CHILD_SUBREAPER:
      case PRCTL.SET_TIMERSLACK:
      case PRCTL.SET_THP_DISABLE:
      case PRCTL.SET_TIMING:
      case PRCTL.SET_SECUREBITS:
        c.pushUlong(1);
        break;
      case PRCTL.SET_NO_NEW_PRIVS:
      case PRCTL.GET_NO_NEW_PRIVS:
        for (let i = 1; i <= 4; i++) c.pushUlong(i);
        break;
      case PRCTL.SET_SECCOMP:
        c.push(xval(xlat({ SECCOMP_MODE_DISABLED: 0, SECCOMP_MODE_STRICT: 1, SECCOMP_MODE_FILTER: 2 }), c.a(1), 'SECCOMP_MODE_???'));
        for (let i = 2; i <= 4; i++) c.pushHex(i);
        break;
      case PRCTL.GET_NAME:
      case PRCTL.GET_PDEATHSIG:
      case PRCTL.GET_CHILD_SUBREAPER:
      case PRCTL.GET_TID_ADDRESS:
      case PRCTL.GET_DUMPABLE:
      case PRCTL.GET_KEEPCAPS:
      case PRCTL.GET_TIMERSLACK:
      case PRCTL.GET_SECCOMP:
      case PRCTL.GET_THP_DISABLE:
      case PRCTL.GET_TIMING:
      case PRCTL.GET_SECUREBITS:
        break;
      default:
        for (let i = 1; i <= 4; i++) c.pushHex(i);
    }
  },
  exit(c: Call) {
    const op = c.uint(0);
    if (op === PRCTL.GET_NAME) c.push(c.failed ? ptr(c.a(1)) : printCString(c.mem, c.a(1), TASK_COMM_LEN - 1));
    if (op === PRCTL.GET_PDEATHSIG) {
      const v = c.failed ? null : readStruct(c.mem, c.a(1), 4);
      c.push(v ? `[${signal(v.i32(0))}]` : ptr(c.a(1)));
    }
    if (op === PRCTL.GET_CHILD_SUBREAPER) c.push(c.failed ? ptr(c.a(1)) : intAt(c, c.a(1)));
    if (op === PRCTL.GET_TID_ADDRESS) {
      const v = c.failed ? null : readStruct(c.mem, c.a(1), 8);
      c.push(v ? `[${ptr(v.u64(0))}]` : ptr(c.a(1)));
    }
    if (op === PRCTL.GET_DUMPABLE && !c.failed) c.retNote = ` (${xval(DUMPABLE, c.ret, 'SUID_DUMP_???')})`;
  },
};

export const miscDecoders: DecoderTable = {
  socket: { enter: socketArgs },
  socketpair: {
    enter: socketArgs,
    exit(c) {
      const v = c.failed ? null : readStruct(c.mem, c.a(3), 8);
      c.push(v ? `[${v.i32(0)}, ${v.i32(4)}]` : ptr(c.a(3)));
    },
  },
  shutdown: {
    enter(c) {
      c.pushFd(0);
      c.push(xval(SHUTDOWN_HOW, c.uint(1), 'SHUT_???'));
    },
  },
  listen: {
    enter(c) {
      c.pushFd(0);
      c.pushInt(1);
    },
  },
  // strace shows random bytes in hex: they are never text.
  getrandom: {
    exit(c) {
      c.push(c.failed ? ptr(c.a(0)) : printBuffer(c.mem, c.a(0), c.ret, true));
      c.pushUlong(1);
      c.push(flags(GETRANDOM_FLAGS, c.uint(2), 'GRND_???'));
    },
  },
  prctl,
  personality: {
    enter: (c) => c.push(hex(c.uint(0))),
    exit(c) {
      if (!c.failed) c.retNote = ` (${xval(PERSONALITY, c.ret, 'PER_???')})`;
      c.retStyle = c.failed ? 'dec' : 'hex';
    },
  },
  getpriority: {
    enter(c) {
      c.push(xval(PRIO_WHICH, c.uint(0), 'PRIO_???'));
      c.pushInt(1);
    },
  },
  setpriority: {
    enter(c) {
      c.push(xval(PRIO_WHICH, c.uint(0), 'PRIO_???'));
      c.pushInt(1);
      c.pushInt(2);
    },
  },
  sched_getaffinity: {
    enter(c) {
      c.pushInt(0);
      c.pushUint(1);
    },
    exit: (c) => c.push(c.failed ? ptr(c.a(2)) : cpuList(c, c.a(2), Number(c.ret))),
  },
  sched_setaffinity: {
    enter(c) {
      c.pushInt(0);
      c.pushUint(1);
      c.push(c.a(2) === 0n ? 'NULL' : cpuList(c, c.a(2), c.uint(1)));
    },
  },
  sched_getscheduler: {
    enter: (c) => c.pushInt(0),
    exit(c) {
      if (!c.failed) c.retNote = ` (${xval(SCHED_POLICIES, c.ret, 'SCHED_???')})`;
    },
  },
  sched_setscheduler: {
    enter(c) {
      c.pushInt(0);
      policy(c, 1);
      c.push(c.a(2) === 0n ? 'NULL' : intAt(c, c.a(2)));
    },
  },
  sched_getparam: { enter: (c) => c.pushInt(0), exit: (c) => c.push(c.failed ? ptr(c.a(1)) : intAt(c, c.a(1))) },
  sched_setparam: {
    enter(c) {
      c.pushInt(0);
      c.push(intAt(c, c.a(1)));
    },
  },
  sched_get_priority_max: { enter: (c) => policy(c, 0) },
  sched_get_priority_min: { enter: (c) => policy(c, 0) },
  getcpu: {
    exit(c) {
      for (let i = 0; i < 2; i++) {
        const a = c.a(i),
          v = c.failed || a === 0n ? null : readStruct(c.mem, a, 4);
        c.push(v ? `[${v.u32(0)}]` : ptr(a));
      }
      c.pushPtr(2);
    },
  },
  memfd_create: {
    enter(c) {
      c.push(printCString(c.mem, c.a(0), 255));
      c.push(flags(xlat({ MFD_CLOEXEC: 1, MFD_ALLOW_SEALING: 2, MFD_HUGETLB: 4, MFD_NOEXEC_SEAL: 8, MFD_EXEC: 0x10 }), c.uint(1), 'MFD_???'));
    },
  },
  eventfd2: {
    enter(c) {
      c.pushUint(0);
      c.push(flags(xlat({ EFD_SEMAPHORE: 1, EFD_CLOEXEC: 0o2000000, EFD_NONBLOCK: 0o4000 }), c.uint(1), 'EFD_???'));
    },
  },
  epoll_create1: { enter: (c) => c.push(flags(xlat({ EPOLL_CLOEXEC: 0o2000000 }), c.uint(0), 'EPOLL_???')) },
  close_range: {
    enter(c) {
      c.pushFd(0);
      c.pushUint(1);
      c.push(flags(xlat({ CLOSE_RANGE_UNSHARE: 2, CLOSE_RANGE_CLOEXEC: 4 }), c.uint(2), 'CLOSE_RANGE_???'));
    },
  },
};
