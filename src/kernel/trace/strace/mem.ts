// Typed reads of the traced task's memory. Any failure yields null, which the
// printers turn into the bare address, as strace does for unreadable memory.
import type { UserMemory } from './types.js';

/** Guest addresses arrive as 64-bit values; only those a JS number holds exactly are readable. */
export function addrOf(a: bigint): number | null {
  const u = BigInt.asUintN(64, a);
  return u === 0n || u > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(u);
}

export function readBytes(mem: UserMemory, addr: bigint, len: number): Uint8Array | null {
  const a = addrOf(addr);
  if (a === null || len < 0) return null;
  if (len === 0) return new Uint8Array(0);
  const b = mem.read(a, len);
  return b && b.length >= len ? b : null;
}

/** A little-endian view over a struct copied out of guest memory. */
export class StructView {
  private readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(o: number): number {
    return this.dv.getUint8(o);
  }
  u16(o: number): number {
    return this.dv.getUint16(o, true);
  }
  i32(o: number): number {
    return this.dv.getInt32(o, true);
  }
  u32(o: number): number {
    return this.dv.getUint32(o, true);
  }
  i64(o: number): bigint {
    return this.dv.getBigInt64(o, true);
  }
  u64(o: number): bigint {
    return this.dv.getBigUint64(o, true);
  }
}

export function readStruct(mem: UserMemory, addr: bigint, size: number): StructView | null {
  const b = readBytes(mem, addr, size);
  return b ? new StructView(b) : null;
}
