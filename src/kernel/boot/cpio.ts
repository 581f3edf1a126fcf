// The cpio "newc" format (SVR4 with no CRC) that Linux's initramfs reads
// (Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte
// ASCII header of 13 eight-digit hex fields after the magic "070701", the
// NUL-terminated name, then the data; header+name and data are each padded
// to a multiple of 4. Entries of a hard-linked file share c_ino, and only one
// of them carries the data. "TRAILER!!!" ends an archive.
// Shared by the host's packer and the kernel's unpacker; no host imports.

export const NEWC_MAGIC = '070701';
export const NEWC_CRC_MAGIC = '070702';
export const NEWC_HEADER_SIZE = 110;
export const TRAILER = 'TRAILER!!!';

export interface CpioEntry {
  name: string;
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  filesize: number;
  devMajor: number;
  devMinor: number;
  rdevMajor: number;
  rdevMinor: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export const pad4 = (n: number) => (n + 3) & ~3;

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** The header and padded name of an entry (its data and the data's padding follow). */
export function newcHeader(e: CpioEntry): Uint8Array {
  const name = enc.encode(e.name);
  const fields = [e.ino, e.mode, e.uid, e.gid, e.nlink, e.mtime, e.filesize, e.devMajor, e.devMinor, e.rdevMajor, e.rdevMinor, name.length + 1, 0];
  const head = enc.encode(NEWC_MAGIC + fields.map(hex8).join(''));
  const out = new Uint8Array(pad4(NEWC_HEADER_SIZE + name.length + 1));
  out.set(head);
  out.set(name, NEWC_HEADER_SIZE);
  return out;
}

/** Bytes that end an archive: the trailer entry. */
export function newcTrailer(): Uint8Array {
  return newcHeader({ name: TRAILER, ino: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, filesize: 0, devMajor: 0, devMinor: 0, rdevMajor: 0, rdevMinor: 0 });
}

export interface ParsedEntry extends CpioEntry {
  /** Offset of the entry's data in the archive, and of the next header. */
  dataOffset: number;
  next: number;
}

/** Linux's words for what is wrong with an archive (init/initramfs.c). */
export class CpioError extends Error {}

/** The entry whose header starts at off. */
export function parseNewc(buf: Uint8Array, off: number): ParsedEntry {
  if (off + NEWC_HEADER_SIZE > buf.length) throw new CpioError('junk at the end of compressed archive');
  const magic = dec.decode(buf.subarray(off, off + 6));
  if (magic === '070707') throw new CpioError('incorrect cpio method used: use -H newc option');
  if (magic !== NEWC_MAGIC && magic !== NEWC_CRC_MAGIC) throw new CpioError('no cpio magic');
  const f: number[] = [];
  for (let i = 0; i < 13; i++) {
    let v = 0;
    for (let j = 0; j < 8; j++) {
      const c = buf[off + 6 + i * 8 + j];
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
      if (d < 0) throw new CpioError('no cpio magic');
      v = v * 16 + d;
    }
    f.push(v);
  }
  const [ino, mode, uid, gid, nlink, mtime, filesize, devMajor, devMinor, rdevMajor, rdevMinor, namesize] = f;
  const nameStart = off + NEWC_HEADER_SIZE;
  if (namesize === 0 || nameStart + namesize > buf.length) throw new CpioError('junk at the end of compressed archive');
  const name = dec.decode(buf.subarray(nameStart, nameStart + namesize - 1));
  const dataOffset = off + pad4(NEWC_HEADER_SIZE + namesize);
  if (dataOffset + filesize > buf.length) throw new CpioError('junk at the end of compressed archive');
  return { name, ino, mode, uid, gid, nlink, mtime, filesize, devMajor, devMinor, rdevMajor, rdevMinor, dataOffset, next: pad4(dataOffset + filesize) };
}
