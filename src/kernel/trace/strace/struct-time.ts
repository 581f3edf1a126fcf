// Time structures: timespec, timeval, the utimensat pair, itimerval, rusage.
import type { UserMemory } from './types.js';
import { readStruct, type StructView } from './mem.js';
import { ptr } from './fmt.js';
import { UTIME_NOW, UTIME_OMIT } from './tables-fs.js';

const ts = (v: StructView, o: number) => `{tv_sec=${v.i64(o)}, tv_nsec=${v.i64(o + 8)}}`;
const tv = (v: StructView, o: number) => `{tv_sec=${v.i64(o)}, tv_usec=${v.i64(o + 8)}}`;

export function printTimespec(mem: UserMemory, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const v = readStruct(mem, addr, 16);
  return v ? ts(v, 0) : ptr(addr);
}

export function printTimeval(mem: UserMemory, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const v = readStruct(mem, addr, 16);
  return v ? tv(v, 0) : ptr(addr);
}

/** ISO 8601 in UTC, as strace's comment after an absolute time: 2023-11-14T22:13:20+0000. */
export function isoTime(sec: bigint, nsec: bigint): string {
  const d = new Date(Number(sec) * 1000);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const frac = nsec !== 0n ? '.' + String(nsec).padStart(9, '0') : '';
  return (
    `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${frac}+0000`
  );
}

/** utimensat's times[2]: UTIME_NOW/UTIME_OMIT by name, real times with a date comment. */
export function printUtimens(mem: UserMemory, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const v = readStruct(mem, addr, 32);
  if (!v) return ptr(addr);
  const one = (o: number) => {
    const nsec = v.i64(o + 8);
    if (nsec === BigInt(UTIME_NOW)) return 'UTIME_NOW';
    if (nsec === BigInt(UTIME_OMIT)) return 'UTIME_OMIT';
    const when = isoTime(v.i64(o), nsec);
    return ts(v, o) + (when ? ` /* ${when} */` : '');
  };
  return `[${one(0)}, ${one(16)}]`;
}

export function printItimerval(mem: UserMemory, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const v = readStruct(mem, addr, 32);
  return v ? `{it_interval=${tv(v, 0)}, it_value=${tv(v, 16)}}` : ptr(addr);
}

/** struct rusage, abbreviated to the two CPU times. */
export function printRusage(mem: UserMemory, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const v = readStruct(mem, addr, 144);
  return v ? `{ru_utime=${tv(v, 0)}, ru_stime=${tv(v, 16)}, ...}` : ptr(addr);
}
