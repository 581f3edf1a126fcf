// A gzip member (RFC 1952) around deflate's stored blocks (RFC 1951 §3.2.4):
// what /proc/config.gz needs. Linux compresses its copy at build time; the
// kernel here builds the text at run time from what it implements, and
// stored blocks are a valid deflate stream that every gunzip reads, so no
// compressor is carried in the core for one small file.
import { crc32 } from './crc32.js';

const STORED_MAX = 0xffff; // LEN is 16 bits
const OS_UNIX = 3;

export function gzipStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / STORED_MAX));
  const out = new Uint8Array(10 + blocks * 5 + data.length + 8);
  // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, OS_UNIX]);
  let o = 10;
  for (let b = 0; b < blocks; b++) {
    const start = b * STORED_MAX;
    const len = Math.min(STORED_MAX, data.length - start);
    out[o++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE=00 (stored), padded to the byte
    out[o++] = len & 0xff;
    out[o++] = len >>> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >>> 8) & 0xff;
    out.set(data.subarray(start, start + len), o);
    o += len;
  }
  const dv = new DataView(out.buffer);
  dv.setUint32(o, crc32(data), true);
  dv.setUint32(o + 4, data.length >>> 0, true); // ISIZE: length mod 2^32
  return out;
}
