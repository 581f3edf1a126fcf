// Process structures: rlimit, utsname, sysinfo, sigaction and wait statuses.
import type { UserMemory } from './types.js';
import { readBytes, readStruct } from './mem.js';
import { hex, ptr } from './fmt.js';
import { flags } from './xlat.js';
import { printCharArray } from './quote.js';
import { signal, sigset } from './signals.js';
import { SA_FLAGS } from './tables-signal.js';

const RLIM64_INFINITY = 0xffffffffffffffffn;

/** strace's rlimit value: RLIM64_INFINITY, "8192*1024" for whole KiB above 1024, else decimal. */
export function rlimValue(v: bigint): string {
  if (v === RLIM64_INFINITY) return 'RLIM64_INFINITY';
  if (v > 1024n && v % 1024n === 0n) return `${v / 1024n}*1024`;
  return String(v);
}

export function printRlimit(mem: UserMemory, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const v = readStruct(mem, addr, 16);
  return v ? `{rlim_cur=${rlimValue(v.u64(0))}, rlim_max=${rlimValue(v.u64(8))}}` : ptr(addr);
}

/** struct utsname: six 65-byte fields; strace shows the first two. */
export function printUtsname(mem: UserMemory, addr: bigint): string {
  const b = readBytes(mem, addr, 65 * 6);
  if (!b) return ptr(addr);
  return `{sysname=${printCharArray(b.subarray(0, 65))}, nodename=${printCharArray(b.subarray(65, 130))}, ...}`;
}

/** riscv64 struct sysinfo (112 bytes), printed whole. */
export function printSysinfo(mem: UserMemory, addr: bigint): string {
  const v = readStruct(mem, addr, 112);
  if (!v) return ptr(addr);
  return (
    `{uptime=${v.i64(0)}, loads=[${v.u64(8)}, ${v.u64(16)}, ${v.u64(24)}], totalram=${v.u64(32)}, ` +
    `freeram=${v.u64(40)}, sharedram=${v.u64(48)}, bufferram=${v.u64(56)}, totalswap=${v.u64(64)}, ` +
    `freeswap=${v.u64(72)}, procs=${v.u16(80)}, totalhigh=${v.u64(88)}, freehigh=${v.u64(96)}, mem_unit=${v.u32(104)}}`
  );
}

function handler(h: bigint): string {
  if (h === 0n) return 'SIG_DFL';
  if (h === 1n) return 'SIG_IGN';
  if (h === 0xffffffffffffffffn) return 'SIG_ERR';
  return hex(h);
}

/** riscv64 struct sigaction: handler @0, flags @8, mask @16 (no sa_restorer on this arch). */
export function printSigaction(mem: UserMemory, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const v = readStruct(mem, addr, 24);
  if (!v) return ptr(addr);
  return `{sa_handler=${handler(v.u64(0))}, sa_mask=${sigset(v.u64(16))}, sa_flags=${flags(SA_FLAGS, v.u64(8), 'SA_???')}}`;
}

/** A wait status as the W* macros that decode it: "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]". */
export function waitStatus(status: number): string {
  let s: string;
  let rest = status >>> 0;
  const low = rest & 0x7f;
  if ((rest & 0xff) === 0x7f) {
    const sig = (rest >> 8) & 0xff;
    s = `[{WIFSTOPPED(s) && WSTOPSIG(s) == ${signal(sig)}}`;
    rest &= ~0xff7f;
  } else if (rest === 0xffff) {
    s = '[{WIFCONTINUED(s)}';
    rest = 0;
  } else if (low !== 0) {
    const core = (rest & 0x80) !== 0;
    s = `[{WIFSIGNALED(s) && WTERMSIG(s) == ${signal(low)}${core ? ' && WCOREDUMP(s)' : ''}}`;
    rest &= ~0xff;
  } else {
    s = `[{WIFEXITED(s) && WEXITSTATUS(s) == ${(rest >> 8) & 0xff}}`;
    rest &= ~0xff00;
  }
  if (rest >>> 16) {
    s += ` | ${rest >>> 16}<<16`;
    rest &= 0xffff;
  }
  if (rest) s += ` | ${hex(rest)}`;
  return s + ']';
}
