// Block special files (Linux's block/fops.c and the rest of block/ioctl.c):
// /dev/sda and /dev/sda1 read and written at any offset through the disk's
// page cache, seekable to their end, written back on fsync and on the last
// close, and the ioctls that sfdisk, mkfs, blkid and dd use beyond the size
// and limit queries fs/ioctl.ts answers for every block device.
import { blkpgIoctl } from './blkpg.js';
import type { Kernel } from '../kernel.js';
import type { File, FileOps, IoctlIo } from '../fs/file.js';
import { CAP_SYS_ADMIN, capable } from '../security/commoncap.js';
import type { Inode } from '../fs/inode.js';
import { SEEK_CUR, SEEK_END, SEEK_SET } from '../fs/file.js';
import { EACCES, EBUSY, EFAULT, EINVAL, ENOTTY, ENXIO, EOPNOTSUPP, ENOSPC, EIO, EPERM } from '../errno.js';
import { BlockDev, scanPartitions, SECTOR_SIZE } from './genhd.js';
import { major, minor } from '../fs/special.js';
import type { BlockStatus } from '../../machine/backends.js';

export const BLKRRPART = 0x125f,
  BLKFLSBUF = 0x1261,
  BLKRASET = 0x1262,
  BLKRAGET = 0x1263,
  BLKFRASET = 0x1264,
  BLKFRAGET = 0x1265,
  BLKSECTGET = 0x1267,
  BLKPG = 0x1269,
  BLKDISCARD = 0x1277,
  BLKSECDISCARD = 0x127d,
  BLKZEROOUT = 0x127f,
  BLKGETDISKSEQ = 0x80081280,
  BLKGETZONESZ = 0x80041284,
  BLKGETNRZONES = 0x80041285,
  HDIO_GETGEO = 0x0301;

const statusErrno = (st: BlockStatus) => (st === 'ok' ? 0 : st === 'no-space' ? -ENOSPC : -EIO);

function le(n: number, bytes: 2 | 4 | 8): Uint8Array {
  const b = new Uint8Array(bytes),
    dv = new DataView(b.buffer);
  if (bytes === 2) dv.setUint16(0, n, true);
  else if (bytes === 4) dv.setUint32(0, n >>> 0, true);
  else dv.setBigUint64(0, BigInt(n), true);
  return b;
}

/** A [start, length] pair of u64s (BLKDISCARD, BLKZEROOUT), or null on a fault. */
function readRange(io: IoctlIo, arg: number): [number, number] | null {
  const b = io.read(arg, 16);
  if (!b) return null;
  const dv = new DataView(b.buffer, b.byteOffset, 16);
  return [Number(dv.getBigUint64(0, true)), Number(dv.getBigUint64(8, true))];
}

/** sd's and virtblk's HDIO_GETGEO: the BIOS-style geometry fdisk shows (scsicam_bios_param's choice of 64/32 or 255/63). */
function geometry(b: BlockDev): Uint8Array {
  const cap = b.disk.capacity;
  let heads = 64,
    sectors = 32;
  if (Math.floor(cap / (heads * sectors)) > 1024) {
    heads = 255;
    sectors = 63;
  }
  const cyl = Math.floor(cap / (heads * sectors)) & 0xffff;
  const out = new Uint8Array(16),
    dv = new DataView(out.buffer);
  out[0] = heads;
  out[1] = sectors;
  dv.setUint16(2, cyl, true);
  dv.setBigUint64(8, BigInt(b.startSect), true);
  return out;
}

function blkIoctl(k: Kernel, b: BlockDev, cmd: number, arg: number, io: IoctlIo): number {
  // blkdev_ioctl's privileged commands ask for CAP_SYS_ADMIN (capable()), not uid 0.
  const admin = capable(io.cred, CAP_SYS_ADMIN);
  const put = (data: Uint8Array) => (io.write(arg, data) ? 0 : -EFAULT);
  const g = b.disk;
  switch (cmd) {
    case BLKRRPART:
      // blkdev_reread_part: CAP_SYS_ADMIN only, on the whole disk, and not while a partition is open.
      if (!admin) return -EACCES;
      if (b.partno !== 0) return -EINVAL;
      if ([...g.parts.values()].some((p) => p.openers > 0)) return -EBUSY;
      scanPartitions(k, g, true);
      return 0;
    case BLKFLSBUF: {
      if (!admin) return -EACCES;
      return statusErrno(g.cache.invalidate());
    }
    case BLKRAGET:
    case BLKFRAGET:
      return put(le(g.queue.readAheadKb * 2, 8));
    case BLKRASET:
    case BLKFRASET:
      if (!admin) return -EACCES;
      g.queue.readAheadKb = Math.floor(arg / 2);
      return 0;
    case BLKSECTGET:
      return put(le(Math.min(0xffff, g.queue.maxSectorsKb * 2), 2));
    case BLKDISCARD:
    case BLKZEROOUT: {
      const r = readRange(io, arg);
      if (!r) return -EFAULT;
      const [start, len] = r;
      if (start % SECTOR_SIZE || len % SECTOR_SIZE) return -EINVAL;
      if (start + len > b.size || start + len < start) return -EINVAL;
      if (len === 0) return 0;
      if (cmd === BLKDISCARD) return b.discard(start, len);
      // BLKZEROOUT writes zeros through the cache.
      return b.write(start, new Uint8Array(len));
    }
    case BLKPG:
      return blkpgIoctl(k, b, arg, io);
    case BLKSECDISCARD:
      return -EOPNOTSUPP;
    case BLKGETDISKSEQ:
      return put(le(k.block.disks.indexOf(g) + 1, 8));
    case BLKGETZONESZ:
    case BLKGETNRZONES:
      return put(le(0, 4));
    case HDIO_GETGEO:
      return put(geometry(b));
  }
  return g.info.ioctl?.(b, cmd, arg, io) ?? -ENOTTY;
}

/** blkdev_open: the file operations of a block special file, or -ENXIO when no device has its number. */
export function blkdevOpen(k: Kernel, inode: Inode): FileOps | number {
  const bdevs = inode.sb.fs.bdevs;
  if (!bdevs.has(inode.rdev)) k.block.probes.get(major(inode.rdev))?.(minor(inode.rdev));
  const b = bdevs.get(inode.rdev);
  if (!(b instanceof BlockDev)) return -ENXIO;
  b.openers++;
  return {
    read: (_f, buf, pos) => {
      if (pos >= b.size) return 0;
      const n = Math.min(buf.length, b.size - pos);
      const r = b.read(pos, n);
      if (typeof r === 'number') return r;
      buf.set(r);
      return n;
    },
    write: (_f, data, pos) => {
      // blkdev_write_iter: a read-only device is EPERM; writing at or past the end is ENOSPC.
      if (b.readOnly) return -EPERM;
      if (pos >= b.size) return data.length ? -ENOSPC : 0;
      const n = Math.min(data.length, b.size - pos);
      const r = b.write(pos, data.subarray(0, n));
      return r < 0 ? r : n;
    },
    copiesWrite: true,
    llseek: (f: File, offset: number, whence: number) => {
      const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? f.pos : whence === SEEK_END ? b.size : NaN;
      if (Number.isNaN(base)) return -EINVAL;
      const np = base + offset;
      if (np < 0 || !Number.isSafeInteger(np)) return -EINVAL;
      f.pos = np;
      return np;
    },
    fsync: () => b.flush(),
    ioctl: (_f, cmd, arg, io) => blkIoctl(k, b, cmd, arg, io),
    // blkdev_release: the last close writes the cache back (sync_blockdev).
    release: () => {
      if (--b.openers > 0) return;
      b.disk.cache.writeback();
      if ([b.disk.part0, ...b.disk.parts.values()].every((p) => p.openers === 0)) b.disk.info.release?.();
    },
  };
}

/** sync(2): every disk's cache written back and its volatile cache flushed. */
export function syncBlockDevices(k: Kernel): void {
  for (const g of k.block.disks) g.part0.flush();
}
