// CRC-16 as lib/crc16.c computes it (polynomial x^16 + x^15 + x^2 + 1,
// reflected 0xa001, no inversion): ext4's group descriptor checksum before
// metadata_csum (the gdt_csum/uninit_bg feature).

const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xa001 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export function crc16(seed: number, data: Uint8Array): number {
  let c = seed & 0xffff;
  for (let i = 0; i < data.length; i++) c = (c >>> 8) ^ TABLE[(c ^ data[i]!) & 0xff]!;
  return c;
}
