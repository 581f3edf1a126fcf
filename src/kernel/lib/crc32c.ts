// CRC-32C (Castagnoli), as lib/crc32c's crc32c() computes it: the reflected
// polynomial 0x82f63b78, with neither preset nor final inversion, so that a
// caller chains calls by passing the last result as the next seed. ext4 and
// jbd2 checksum their metadata with it, starting from ~0.

const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(seed: number, data: Uint8Array): number {
  let c = seed >>> 0;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return c >>> 0;
}

/** crc32c over a little-endian 32-bit number (the inode or group number ext4 mixes in). */
export function crc32cU32(seed: number, v: number): number {
  return crc32c(seed, new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]));
}
