// Decoders for process lifetime: clone, execve, exit, wait, and the calls a
// C library makes at start-up (set_tid_address, set_robust_list, rseq, rlimits).
import type { Call, DecoderTable } from './call.js';
import { hex, oct, ptr } from './fmt.js';
import { readBytes, readStruct } from './mem.js';
import { MAX_STRLEN, printCString } from './quote.js';
import { flags, xval } from './xlat.js';
import { signal } from './signals.js';
import { printRlimit, printSysinfo, printUtsname, waitStatus } from './struct-proc.js';
import { printRusage } from './struct-time.js';
import { printSiginfoAt } from './siginfo.js';
import { AT_FLAGS } from './tables-fs.js';
import { CLONE, CLONE_FLAGS, IDTYPES, RLIMITS, RSEQ_FLAGS, RUSAGE_WHO, WAIT_OPTIONS } from './tables-proc.js';

/** A pointer-array element: 8 bytes little-endian; null if unreadable. */
function pointerAt(c: Call, addr: bigint, i: number): bigint | null {
  const b = readStruct(c.mem, addr + BigInt(i * 8), 8);
  return b ? b.u64(0) : null;
}

/** execve's argv: up to 32 strings, then "...". */
function printArgv(c: Call, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const items: string[] = [];
  for (let i = 0; ; i++) {
    const p = pointerAt(c, addr, i);
    if (p === null) return i === 0 ? ptr(addr) : `[${items.join(', ')}]`;
    if (p === 0n) break;
    if (i >= MAX_STRLEN) {
      items.push('...');
      break;
    }
    items.push(printCString(c.mem, p));
  }
  return `[${items.join(', ')}]`;
}

/** execve's envp, abbreviated to its address and a comment counting the strings. */
function printEnvCount(c: Call, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  let n = 0;
  for (; n < 1 << 20; n++) {
    const p = pointerAt(c, addr, n);
    if (p === null) {
      if (n === 0) return ptr(addr);
      break;
    }
    if (p === 0n) break;
  }
  return `${ptr(addr)} /* ${n} var${n === 1 ? '' : 's'} */`;
}

/** A pid or fd the kernel stored at addr: "[1234]". */
function intAt(c: Call, addr: bigint): string {
  const v = readStruct(c.mem, addr, 4);
  return v ? `[${v.i32(0)}]` : ptr(addr);
}

function cloneFlags(v: bigint): string {
  const rest = v & ~CLONE.CSIGNAL,
    sig = Number(v & CLONE.CSIGNAL);
  let s = rest
    ? flags(
        CLONE_FLAGS.filter(([b]) => BigInt(b) > 0xffn),
        rest,
      )
    : '';
  if (sig) s += (s ? '|' : '') + signal(sig);
  return s || '0';
}

/** clone3's struct clone_args (flags @0, pidfd @8, child_tid @16, parent_tid @24, exit_signal @32, stack @40, size @48, tls @56, set_tid @64, set_tid_size @72, cgroup @80). */
function printCloneArgs(c: Call): string {
  const addr = c.a(0),
    size = Number(c.a(1) < 88n ? c.a(1) : 88n);
  if (addr === 0n) return 'NULL';
  const b = readBytes(c.mem, addr, size);
  if (!b || size < 64) return ptr(addr);
  const full = new Uint8Array(88);
  full.set(b);
  const v = new DataView(full.buffer);
  const q = (o: number) => v.getBigUint64(o, true);
  const f = q(0);
  const out = [`flags=${flags(CLONE_FLAGS, f, 'CLONE_???')}`];
  if (f & CLONE.PIDFD) out.push(`pidfd=${ptr(q(8))}`);
  if (f & (CLONE.CHILD_SETTID | CLONE.CHILD_CLEARTID)) out.push(`child_tid=${ptr(q(16))}`);
  if (f & CLONE.PARENT_SETTID) out.push(`parent_tid=${ptr(q(24))}`);
  out.push(`exit_signal=${signal(Number(BigInt.asIntN(32, q(32))))}`, `stack=${ptr(q(40))}`, `stack_size=${hex(q(48))}`);
  if (f & CLONE.SETTLS) out.push(`tls=${ptr(q(56))}`);
  if (q(64) || q(72)) out.push(`set_tid=${ptr(q(64))}`, `set_tid_size=${q(72)}`);
  if (f & CLONE.INTO_CGROUP) out.push(`cgroup=${q(80)}`);
  c.saved = { flags: f, pidfd: q(8), parentTid: q(24) };
  return `{${out.join(', ')}}`;
}

const resource = (c: Call, i: number) => c.push(xval(RLIMITS, c.uint(i), 'RLIMIT_???'));
const idPtrs = (c: Call) => {
  for (let i = 0; i < 3; i++) c.push(c.failed ? ptr(c.a(i)) : intAt(c, c.a(i)));
};

/** A gid_t array of n entries: "[1, 2]". */
function gidList(c: Call, addr: bigint, n: number): string {
  if (addr === 0n) return 'NULL';
  const shown = Math.min(n, MAX_STRLEN);
  const v = readStruct(c.mem, addr, shown * 4);
  if (!v) return ptr(addr);
  const items = Array.from({ length: shown }, (_, i) => String(v.u32(i * 4)));
  if (n > shown) items.push('...');
  return `[${items.join(', ')}]`;
}

export const procDecoders: DecoderTable = {
  exit: { enter: (c) => c.pushInt(0) },
  exit_group: { enter: (c) => c.pushInt(0) },
  clone: {
    enter(c) {
      c.push(`child_stack=${ptr(c.a(1))}`, `flags=${cloneFlags(c.a(0))}`);
    },
    exit(c) {
      const f = c.a(0);
      if (f & (CLONE.PARENT_SETTID | CLONE.PIDFD)) c.push(`parent_tid=${c.failed ? ptr(c.a(2)) : intAt(c, c.a(2))}`);
      if (f & CLONE.SETTLS) c.push(`tls=${ptr(c.a(3))}`);
      if (f & (CLONE.CHILD_SETTID | CLONE.CHILD_CLEARTID)) c.push(`child_tidptr=${ptr(c.a(4))}`);
    },
  },
  clone3: {
    enter: (c) => c.push(printCloneArgs(c)),
    exit(c) {
      const s = c.saved as { flags: bigint; pidfd: bigint; parentTid: bigint } | undefined;
      if (s && !c.failed && c.ret > 0n && s.flags & (CLONE.PIDFD | CLONE.PARENT_SETTID)) {
        const out: string[] = [];
        if (s.flags & CLONE.PIDFD) out.push(`pidfd=${intAt(c, s.pidfd)}`);
        if (s.flags & CLONE.PARENT_SETTID) out.push(`parent_tid=${intAt(c, s.parentTid)}`);
        c.parts[0] += ` => {${out.join(', ')}}`;
      }
      c.pushUlong(1);
    },
  },
  execve: {
    enter(c) {
      c.pushPath(0);
      c.push(printArgv(c, c.a(1)), printEnvCount(c, c.a(2)));
    },
  },
  execveat: {
    enter(c) {
      c.pushDirfd(0);
      c.pushPath(1);
      c.push(printArgv(c, c.a(2)), printEnvCount(c, c.a(3)), flags(AT_FLAGS, c.uint(4), 'AT_???'));
    },
  },
  wait4: {
    enter: (c) => c.pushInt(0),
    exit(c) {
      const st = c.a(1);
      if (st === 0n) c.push('NULL');
      else if (c.failed || c.ret === 0n) c.push(ptr(st));
      else {
        const v = readStruct(c.mem, st, 4);
        c.push(v ? waitStatus(v.u32(0)) : ptr(st));
      }
      c.push(flags(WAIT_OPTIONS, c.uint(2), 'W???'));
      c.push(c.failed ? ptr(c.a(3)) : printRusage(c.mem, c.a(3)));
    },
  },
  waitid: {
    enter(c) {
      c.push(xval(IDTYPES, c.uint(0), 'P_???'));
      c.pushInt(1);
    },
    exit(c) {
      c.push(c.failed ? ptr(c.a(2)) : printSiginfoAt(c.mem, c.a(2)));
      c.push(flags(WAIT_OPTIONS, c.uint(3), 'W???'));
      c.push(c.failed ? ptr(c.a(4)) : printRusage(c.mem, c.a(4)));
    },
  },
  set_tid_address: { enter: (c) => c.pushPtr(0) },
  set_robust_list: {
    enter(c) {
      c.pushPtr(0);
      c.pushUlong(1);
    },
  },
  get_robust_list: {
    enter: (c) => c.pushInt(0),
    exit(c) {
      const h = c.failed ? null : readStruct(c.mem, c.a(1), 8),
        l = c.failed ? null : readStruct(c.mem, c.a(2), 8);
      c.push(h ? `[${ptr(h.u64(0))}]` : ptr(c.a(1)), l ? `[${l.u64(0)}]` : ptr(c.a(2)));
    },
  },
  rseq: {
    enter(c) {
      c.pushPtr(0);
      c.push(hex(c.uint(1)), flags(RSEQ_FLAGS, c.uint(2), 'RSEQ_FLAG_???'), hex(c.uint(3)));
    },
  },
  prlimit64: {
    enter(c) {
      c.pushInt(0);
      resource(c, 1);
      c.push(printRlimit(c.mem, c.a(2)));
    },
    exit: (c) => c.push(c.failed ? ptr(c.a(3)) : printRlimit(c.mem, c.a(3))),
  },
  getrlimit: { enter: (c) => resource(c, 0), exit: (c) => c.push(c.failed ? ptr(c.a(1)) : printRlimit(c.mem, c.a(1))) },
  setrlimit: {
    enter(c) {
      resource(c, 0);
      c.push(printRlimit(c.mem, c.a(1)));
    },
  },
  getrusage: {
    enter: (c) => c.push(xval(RUSAGE_WHO, c.int(0), 'RUSAGE_???')),
    exit: (c) => c.push(c.failed ? ptr(c.a(1)) : printRusage(c.mem, c.a(1))),
  },
  uname: { exit: (c) => c.push(c.failed ? ptr(c.a(0)) : printUtsname(c.mem, c.a(0))) },
  sysinfo: { exit: (c) => c.push(c.failed ? ptr(c.a(0)) : printSysinfo(c.mem, c.a(0))) },
  umask: {
    enter: (c) => c.push(oct(c.uint(0))),
    exit: (c) => {
      c.retStyle = 'oct';
    },
  },
  getresuid: { exit: idPtrs },
  getresgid: { exit: idPtrs },
  getgroups: {
    enter: (c) => c.pushInt(0),
    exit: (c) => c.push(c.failed || c.int(0) === 0 ? ptr(c.a(1)) : gidList(c, c.a(1), Number(c.ret))),
  },
  setgroups: {
    enter(c) {
      c.pushInt(0);
      c.push(gidList(c, c.a(1), Math.max(0, c.int(0))));
    },
  },
  kill: {
    enter(c) {
      c.pushInt(0);
      c.push(signal(c.int(1)));
    },
  },
  tkill: {
    enter(c) {
      c.pushInt(0);
      c.push(signal(c.int(1)));
    },
  },
  tgkill: {
    enter(c) {
      c.pushInt(0);
      c.pushInt(1);
      c.push(signal(c.int(2)));
    },
  },
  restart_syscall: { enter: (c) => c.push('<... resuming interrupted call ...>') },
};
