// The two ELF symbol hash functions: SysV's (DT_HASH, and the vd_hash of
// version definitions) and GNU's (DT_GNU_HASH). Both work on the name's bytes.

const bytesOf = (name: string) => new TextEncoder().encode(name);

/** The System V ABI's elf_hash. */
export function elfHash(name: string): number {
  let h = 0;
  for (const c of bytesOf(name)) {
    h = ((h << 4) + c) >>> 0;
    const g = h & 0xf0000000;
    if (g) h ^= g >>> 24;
    h = (h & ~g) >>> 0;
  }
  return h;
}

/** GNU's hash: h = h * 33 + c, starting at 5381, modulo 2^32. */
export function gnuHash(name: string): number {
  let h = 5381;
  for (const c of bytesOf(name)) h = (Math.imul(h, 33) + c) >>> 0;
  return h;
}
