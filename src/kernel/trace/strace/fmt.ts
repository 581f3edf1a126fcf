// Number formats strace uses for arguments and return values.

/** "%#lx": hex with 0x, but a bare "0" for zero (C's alternate form). */
export function hex(v: bigint | number): string {
  const b = BigInt(v);
  return b === 0n ? '0' : '0x' + b.toString(16);
}

/** A user pointer: NULL or hex. */
export function ptr(v: bigint | number): string {
  return BigInt(v) === 0n ? 'NULL' : '0x' + BigInt(v).toString(16);
}

/** "%#03o": octal with a leading 0, at least three digits (modes, umask). */
export function oct(v: bigint | number): string {
  const b = BigInt(v);
  const s = b === 0n ? '0' : '0' + b.toString(8);
  return s.padStart(3, '0');
}

export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
export const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export const s32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
export const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));
