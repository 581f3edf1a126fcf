// Helpers for handlers: strings and arrays from user memory, results back.
import type { Task } from '../sched/task.js';
import { PATH_MAX } from '../fs/namei.js';
import { EFAULT, ENAMETOOLONG, E2BIG } from '../errno.js';

/** A path argument: bytes, or -EFAULT / -ENAMETOOLONG. */
export function userPath(t: Task, addr: number): Uint8Array | number {
  if (addr === 0) return -EFAULT;
  const s = t.mm.readCString(addr, PATH_MAX);
  if (s) return s;
  return t.mm.readCString(addr, PATH_MAX * 64) ? -ENAMETOOLONG : -EFAULT;
}

/** A NULL-terminated array of string pointers (argv, envp). */
export function userStringArray(t: Task, addr: number, maxBytes: number): Uint8Array[] | number {
  const out: Uint8Array[] = [];
  if (addr === 0) return out;
  let total = 0;
  for (let i = 0; ; i++) {
    const p = t.mm.readPtr(addr + i * 8);
    if (p === null) return -EFAULT;
    if (p === 0) break;
    const s = t.mm.readCString(p, 131072);
    if (!s) return t.mm.read(p, 1) ? -E2BIG : -EFAULT;
    total += s.length + 1 + 8;
    if (total > maxBytes || out.length > 0x7fffffff) return -E2BIG;
    out.push(s);
  }
  return out;
}

export function putBytes(t: Task, addr: number, data: Uint8Array): number {
  return t.mm.write(addr, data) ? 0 : -EFAULT;
}

/** A little-endian struct builder. */
export class StructWriter {
  readonly buf: Uint8Array;
  readonly dv: DataView;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.dv = new DataView(this.buf.buffer);
  }
  u32(off: number, v: number): this {
    this.dv.setUint32(off, v >>> 0, true);
    return this;
  }
  i32(off: number, v: number): this {
    this.dv.setInt32(off, v | 0, true);
    return this;
  }
  u64(off: number, v: number | bigint): this {
    this.dv.setBigUint64(off, BigInt.asUintN(64, BigInt(typeof v === 'number' ? Math.trunc(v) : v)), true);
    return this;
  }
  i64(off: number, v: number | bigint): this {
    this.dv.setBigInt64(off, BigInt.asIntN(64, BigInt(typeof v === 'number' ? Math.trunc(v) : v)), true);
    return this;
  }
  str(off: number, s: string, max: number): this {
    for (let i = 0; i < Math.min(s.length, max - 1); i++) this.buf[off + i] = s.charCodeAt(i) & 0xff;
    return this;
  }
}
