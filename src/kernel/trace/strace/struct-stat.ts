// struct stat and struct statx (riscv64 layouts) in strace's abbreviated form.
import type { UserMemory } from './types.js';
import { readStruct } from './mem.js';
import { hex, oct, ptr } from './fmt.js';
import { flags, xname } from './xlat.js';
import { FILE_TYPES, S_IFMT, STATX_ATTRS, STATX_MASK } from './tables-fs.js';

const S_IFCHR = 0o20000,
  S_IFBLK = 0o60000;

/** "S_IFDIR|S_ISVTX|0777"; a mode without a known file type is plain octal. */
export function symbolicMode(mode: number): string {
  const type = xname(FILE_TYPES, mode & S_IFMT);
  if (!type) return oct(mode);
  const special = (mode & 0o4000 ? 'S_ISUID|' : '') + (mode & 0o2000 ? 'S_ISGID|' : '') + (mode & 0o1000 ? 'S_ISVTX|' : '');
  return `${type}|${special}${oct(mode & 0o777)}`;
}

/** "makedev(0x1, 0x3)", splitting dev_t the way glibc's major()/minor() do. */
export function makedev(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `makedev(${hex(BigInt.asUintN(32, major))}, ${hex(BigInt.asUintN(32, minor))})`;
}

/** riscv64 struct stat: st_mode u32 @16, st_rdev u64 @32, st_size i64 @48; 128 bytes. */
export function printStat(mem: UserMemory, addr: bigint): string {
  const v = readStruct(mem, addr, 128);
  if (!v) return ptr(addr);
  const mode = v.u32(16);
  const type = mode & S_IFMT;
  const second = type === S_IFCHR || type === S_IFBLK ? `st_rdev=${makedev(v.u64(32))}` : `st_size=${v.i64(48)}`;
  return `{st_mode=${symbolicMode(mode)}, ${second}, ...}`;
}

/** struct statx: stx_mask u32 @0, stx_attributes u64 @8, stx_mode u16 @28, stx_size u64 @40; 256 bytes. */
export function printStatx(mem: UserMemory, addr: bigint): string {
  const v = readStruct(mem, addr, 256);
  if (!v) return ptr(addr);
  return (
    `{stx_mask=${flags(STATX_MASK, v.u32(0), 'STATX_???')}, stx_attributes=${flags(STATX_ATTRS, v.u64(8), 'STATX_ATTR_???')}, ` +
    `stx_mode=${symbolicMode(v.u16(28))}, stx_size=${v.u64(40)}, ...}`
  );
}
