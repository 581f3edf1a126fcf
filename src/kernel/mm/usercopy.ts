// Copies between the kernel and user memory (Linux's copy_from_user,
// copy_to_user, strncpy_from_user, get_user/put_user): page by page through
// the task's page table, faulting pages in as the hardware would; a page that
// cannot be made present is EFAULT (null or false here).
import { PAGE_SIZE, pageDown } from './layout.js';
import { userPage } from './fault.js';
import type { Mm } from './mm.js';

/** Bytes from user memory, or null on EFAULT. */
export function copyFromUser(mm: Mm, addr: number, len: number): Uint8Array | null {
  const out = new Uint8Array(len);
  return readInto(mm, addr, out) ? out : null;
}

export function readInto(mm: Mm, addr: number, out: Uint8Array): boolean {
  const u8 = mm.alloc.mem.u8;
  let done = 0;
  const len = out.length;
  while (done < len) {
    const a = addr + done;
    const base = userPage(mm, a, false);
    if (base < 0) return false;
    const off = a % PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - off, len - done);
    out.set(u8.subarray(base + off, base + off + n), done);
    done += n;
  }
  return true;
}

export function copyToUser(mm: Mm, addr: number, data: Uint8Array): boolean {
  const mem = mm.alloc.mem;
  let done = 0;
  while (done < data.length) {
    const a = addr + done;
    const base = userPage(mm, a, true);
    if (base < 0) return false;
    const off = a % PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - off, data.length - done);
    mem.write(base + off, data.subarray(done, done + n));
    done += n;
  }
  return true;
}

/** Can the kernel store into [addr, addr+len)? Faults the pages in as a store would. */
export function probeWritable(mm: Mm, addr: number, len: number): boolean {
  if (len <= 0) return true;
  for (let a = pageDown(addr); a < addr + len; a += PAGE_SIZE) if (userPage(mm, Math.max(a, addr), true) < 0) return false;
  return true;
}

/** NUL-terminated string (without the NUL), at most max bytes; null on EFAULT or too long. */
export function strncpyFromUser(mm: Mm, addr: number, max: number): Uint8Array | null {
  const u8 = mm.alloc.mem.u8;
  const parts: Uint8Array[] = [];
  let total = 0;
  let a = addr;
  for (;;) {
    const base = userPage(mm, a, false);
    if (base < 0) return null;
    const off = a % PAGE_SIZE;
    const chunk = u8.subarray(base + off, base + PAGE_SIZE);
    const nul = chunk.indexOf(0);
    const take = nul >= 0 ? nul : chunk.length;
    if (total + take > max) return null;
    parts.push(chunk.subarray(0, take));
    total += take;
    if (nul >= 0) break;
    a += chunk.length;
  }
  if (parts.length === 1) return parts[0].slice();
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function readU64(mm: Mm, addr: number): bigint | null {
  const b = copyFromUser(mm, addr, 8);
  return b ? new DataView(b.buffer).getBigUint64(0, true) : null;
}

/** A pointer-sized value as a JS number (exact below 2^53). */
export function readPtr(mm: Mm, addr: number): number | null {
  const b = copyFromUser(mm, addr, 8);
  if (!b) return null;
  const dv = new DataView(b.buffer);
  return dv.getUint32(4, true) * 4294967296 + dv.getUint32(0, true);
}

export function readU32(mm: Mm, addr: number): number | null {
  const b = copyFromUser(mm, addr, 4);
  return b ? new DataView(b.buffer).getUint32(0, true) : null;
}

export function writeU32(mm: Mm, addr: number, v: number): boolean {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return copyToUser(mm, addr, b);
}

export function writeU64(mm: Mm, addr: number, v: bigint | number): boolean {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
  return copyToUser(mm, addr, b);
}
