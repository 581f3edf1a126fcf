// Directory-index hashes (Linux's fs/ext4/hash.c): the legacy hash, the
// half-MD4 default and TEA, each in a signed-char and an unsigned-char
// flavour (the superblock says which one mke2fs used), seeded by
// s_hash_seed. An htree directory is ordered by these values, so lookups
// and readdir's order depend on computing them exactly.

export const DX_HASH_LEGACY = 0,
  DX_HASH_HALF_MD4 = 1,
  DX_HASH_TEA = 2,
  DX_HASH_LEGACY_UNSIGNED = 3,
  DX_HASH_HALF_MD4_UNSIGNED = 4,
  DX_HASH_TEA_UNSIGNED = 5,
  DX_HASH_SIPHASH = 6;

/** EXT4_HTREE_EOF_32BIT: a hash value that means "end of directory" to readdir, never a name's. */
const HTREE_EOF_32 = 0x7fffffff;

const rol = (x: number, s: number) => ((x << s) | (x >>> (32 - s))) >>> 0;

function halfMd4(buf: Uint32Array, inp: Uint32Array): void {
  let a = buf[0]!,
    b = buf[1]!,
    c = buf[2]!,
    d = buf[3]!;
  const F = (x: number, y: number, z: number) => z ^ (x & (y ^ z));
  const G = (x: number, y: number, z: number) => ((x & y) + ((x ^ y) & z)) >>> 0;
  const H = (x: number, y: number, z: number) => x ^ y ^ z;
  const K2 = 0x5a827999,
    K3 = 0x6ed9eba1;
  type Fn = (x: number, y: number, z: number) => number;
  // Each step: a = rol(a + f(b, c, d) + x, s), with the four words rotating roles.
  const steps: [Fn, number, number, number][] = [
    [F, 0, 0, 3],
    [F, 1, 0, 7],
    [F, 2, 0, 11],
    [F, 3, 0, 19],
    [F, 4, 0, 3],
    [F, 5, 0, 7],
    [F, 6, 0, 11],
    [F, 7, 0, 19],
    [G, 1, K2, 3],
    [G, 3, K2, 5],
    [G, 5, K2, 9],
    [G, 7, K2, 13],
    [G, 0, K2, 3],
    [G, 2, K2, 5],
    [G, 4, K2, 9],
    [G, 6, K2, 13],
    [H, 3, K3, 3],
    [H, 7, K3, 9],
    [H, 2, K3, 11],
    [H, 6, K3, 15],
    [H, 1, K3, 3],
    [H, 5, K3, 9],
    [H, 0, K3, 11],
    [H, 4, K3, 15],
  ];
  for (const [f, i, k, s] of steps) {
    const n = rol((a + f(b, c, d) + inp[i]! + k) >>> 0, s);
    a = d;
    d = c;
    c = b;
    b = n;
  }
  // After 24 steps (a multiple of 4) the roles are back where they started.
  buf[0] = (buf[0]! + a) >>> 0;
  buf[1] = (buf[1]! + b) >>> 0;
  buf[2] = (buf[2]! + c) >>> 0;
  buf[3] = (buf[3]! + d) >>> 0;
}

function tea(buf: Uint32Array, inp: Uint32Array): void {
  let sum = 0,
    b0 = buf[0]!,
    b1 = buf[1]!;
  const [a, b, c, d] = [inp[0]!, inp[1]!, inp[2]!, inp[3]!];
  for (let n = 0; n < 16; n++) {
    sum = (sum + 0x9e3779b9) >>> 0;
    b0 = (b0 + ((((b1 << 4) + a) ^ (b1 + sum) ^ ((b1 >>> 5) + b)) >>> 0)) >>> 0;
    b1 = (b1 + ((((b0 << 4) + c) ^ (b0 + sum) ^ ((b0 >>> 5) + d)) >>> 0)) >>> 0;
  }
  buf[0] = (buf[0]! + b0) >>> 0;
  buf[1] = (buf[1]! + b1) >>> 0;
}

function legacy(name: Uint8Array, signed: boolean): number {
  let h0 = 0x12a3fe2d,
    h1 = 0x37abe8f9;
  for (const byte of name) {
    const c = signed && byte > 127 ? byte - 256 : byte;
    let h = (h1 + (h0 ^ Math.imul(c, 7152373))) >>> 0;
    if (h & 0x80000000) h = (h - 0x7fffffff) >>> 0;
    h1 = h0;
    h0 = h;
  }
  return (h0 << 1) >>> 0;
}

/** str2hashbuf: up to num words of the name, padded with a word made of its length. */
function str2hashbuf(msg: Uint8Array, num: number, signed: boolean): Uint32Array {
  const out = new Uint32Array(num);
  let pad = (msg.length | (msg.length << 8)) >>> 0;
  pad = (pad | (pad << 16)) >>> 0;
  let val = pad,
    w = 0;
  const len = Math.min(msg.length, num * 4);
  for (let i = 0; i < len; i++) {
    const c = signed && msg[i]! > 127 ? msg[i]! - 256 : msg[i]!;
    val = (c + ((val << 8) >>> 0)) >>> 0;
    if (i % 4 === 3) {
      out[w++] = val;
      val = pad;
    }
  }
  if (w < num) out[w++] = val;
  while (w < num) out[w++] = pad;
  return out;
}

export interface DxHash {
  hash: number;
  minor: number;
}

/** ext4fs_dirhash: the major and minor hash of a name, or null for a hash version this kernel lacks. */
export function dirhash(name: Uint8Array, version: number, seed: Uint32Array | null): DxHash | null {
  const buf = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  if (seed && seed.some((x) => x !== 0)) buf.set(seed);
  let hash: number,
    minor = 0;
  const signed = version < DX_HASH_LEGACY_UNSIGNED;
  switch (version) {
    case DX_HASH_LEGACY:
    case DX_HASH_LEGACY_UNSIGNED:
      hash = legacy(name, signed);
      break;
    case DX_HASH_HALF_MD4:
    case DX_HASH_HALF_MD4_UNSIGNED:
      for (let p = 0; p === 0 || p < name.length; p += 32) halfMd4(buf, str2hashbuf(name.subarray(p), 8, signed));
      hash = buf[1]!;
      minor = buf[2]!;
      break;
    case DX_HASH_TEA:
    case DX_HASH_TEA_UNSIGNED:
      for (let p = 0; p === 0 || p < name.length; p += 16) tea(buf, str2hashbuf(name.subarray(p), 4, signed));
      hash = buf[0]!;
      minor = buf[1]!;
      break;
    default:
      return null;
  }
  hash = (hash & ~1) >>> 0;
  if (hash === HTREE_EOF_32 * 2) hash = (HTREE_EOF_32 - 1) * 2;
  return { hash, minor };
}
