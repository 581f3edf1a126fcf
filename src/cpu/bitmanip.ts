// 32-bit building blocks of the B extension (Zbb) that JavaScript lacks
// (it has Math.clz32 only). The hart applies them to each half of a 64-bit
// register; they are small enough for V8 to inline into the interpreter and
// into compiled regions.

/** Count of trailing zero bits of a 32-bit value; 32 for 0. */
export function ctz32(v: number): number {
  return v === 0 ? 32 : 31 - Math.clz32(v & -v);
}

/** Count of set bits of a 32-bit value. */
export function cpop32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** orc.b on 32 bits: each nonzero byte becomes 0xff, each zero byte stays 0. */
export function orcb32(v: number): number {
  // bit 7 of each byte of z is set exactly when that byte of v is zero
  // (the add cannot carry across bytes: each byte sum is below 0x100)
  const z = ~(((v & 0x7f7f7f7f) + 0x7f7f7f7f) | v | 0x7f7f7f7f);
  return ~Math.imul((z >>> 7) & 0x01010101, 0xff);
}

/** Byte swap of a 32-bit value (half of rev8). */
export function bswap32(v: number): number {
  return (v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24);
}
