// String quoting exactly as strace does it: C escapes for the usual controls,
// the shortest octal escape otherwise (three digits when an octal digit follows,
// so the escape cannot swallow it), a 32-byte limit and "..." when cut short.
import type { UserMemory } from './types.js';
import { addrOf, readBytes } from './mem.js';
import { ptr } from './fmt.js';

/** strace's default -s: how many bytes of a buffer or string are shown. */
export const MAX_STRLEN = 32;
/** Longest path strace prints in full (PATH_MAX - 1). */
const PATH_MAX_SHOWN = 4095;

const ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v' };

/** Quote the first `size` bytes of b; with `cstring`, stop at a NUL. */
export function quoteBytes(b: Uint8Array, size: number, cstring: boolean, forceHex = false): string {
  let s = '"';
  const n = Math.min(size, b.length);
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (cstring && c === 0) break;
    if (forceHex) {
      s += '\\x' + c.toString(16).padStart(2, '0');
      continue;
    }
    const e = ESCAPES[c];
    if (e) {
      s += e;
      continue;
    }
    if (c >= 0x20 && c < 0x7f) {
      s += String.fromCharCode(c);
      continue;
    }
    const next = i + 1 < n ? b[i + 1]! : -1;
    if (next >= 0x30 && next <= 0x37) s += '\\' + c.toString(8).padStart(3, '0');
    else s += '\\' + c.toString(8);
  }
  return s + '"';
}

/** A buffer of known length (printstrn): at most 32 bytes, "..." if longer. */
export function printBuffer(mem: UserMemory, addr: bigint, len: bigint | number, forceHex = false): string {
  const total = BigInt(len);
  if (addrOf(addr) === null) return ptr(addr);
  if (total <= 0n) return total === 0n ? '""' : ptr(addr);
  const size = total > BigInt(MAX_STRLEN) ? MAX_STRLEN : Number(total);
  const b = readBytes(mem, addr, size);
  if (!b) return ptr(addr);
  const q = quoteBytes(b, size, false, forceHex);
  return total > BigInt(MAX_STRLEN) ? q + '...' : q;
}

const PAGE_SIZE = 4096;

/**
 * Up to `max` bytes of the C string at a, and whether it goes on past them.
 * UserMemory.readCString may refuse (null) a string longer than asked for, so
 * then look at the raw bytes, no further than the end of the page.
 */
function fetchCString(mem: UserMemory, a: number, max: number): { bytes: Uint8Array; long: boolean } | null {
  const s = mem.readCString(a, max + 1);
  if (s) return { bytes: s.subarray(0, Math.min(s.length, max)), long: s.length > max };
  const raw = mem.read(a, max + 1) ?? mem.read(a, Math.min(max + 1, PAGE_SIZE - (a % PAGE_SIZE)));
  if (!raw) return null;
  const nul = raw.indexOf(0);
  if (nul >= 0) return { bytes: raw.subarray(0, Math.min(nul, max)), long: nul > max };
  return raw.length > max ? { bytes: raw.subarray(0, max), long: true } : null;
}

function cstring(mem: UserMemory, addr: bigint, limit: number): string {
  const a = addrOf(addr);
  if (a === null) return ptr(addr);
  const s = fetchCString(mem, a, limit);
  if (!s) return ptr(addr);
  const q = quoteBytes(s.bytes, s.bytes.length, true);
  return s.long ? q + '...' : q;
}

/** A NUL-terminated string argument (printstr): at most 32 bytes. */
export function printCString(mem: UserMemory, addr: bigint, limit = MAX_STRLEN): string {
  return cstring(mem, addr, limit);
}

/** A path: shown whole (strace does not apply -s to paths). */
export function printPath(mem: UserMemory, addr: bigint): string {
  return cstring(mem, addr, PATH_MAX_SHOWN);
}

/** A fixed-size char array inside a struct (utsname fields): up to its NUL. */
export function printCharArray(b: Uint8Array): string {
  return quoteBytes(b, b.length, true);
}
