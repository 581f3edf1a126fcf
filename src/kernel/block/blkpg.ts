// BLKPG (block/ioctl.c's blkpg_ioctl, and bdev_add_partition,
// bdev_del_partition and bdev_resize_partition in block/partitions/core.c):
// user space (partx, addpart, delpart, resizepart, parted) adds, removes
// and resizes a whole disk's partitions one at a time without the kernel
// reading the table. Offsets and lengths come in bytes.
import type { Kernel } from '../kernel.js';
import type { IoctlIo } from '../fs/file.js';
import { EACCES, EBUSY, EFAULT, EINVAL, ENXIO } from '../errno.js';
import { addPartition, deletePartition, SECTOR_SIZE, type BlockDev, type Gendisk } from './genhd.js';
import { DISK_MAX_PARTS } from './partitions/check.js';

export const BLKPG_ADD_PARTITION = 1,
  BLKPG_DEL_PARTITION = 2,
  BLKPG_RESIZE_PARTITION = 3;
/** struct blkpg_partition: start and length (long long), pno (int), devname[64], volname[64]; padded to 8. */
const BLKPG_PARTITION_SIZE = 152;

/** partition_overlaps: does [start, start+length) touch a partition other than skip? */
function overlaps(g: Gendisk, start: number, length: number, skip: number): boolean {
  for (const p of g.parts.values()) if (p.partno !== skip && start < p.startSect + p.nrSects && start + length > p.startSect) return true;
  return false;
}

/** blkpg_ioctl on b: 0 or -errno. */
export function blkpgIoctl(k: Kernel, b: BlockDev, arg: number, io: IoctlIo): number {
  // struct blkpg_ioctl_arg: int op, flags, datalen; void *data (at 16 on a 64-bit ABI).
  const hdr = io.read(arg, 24);
  if (!hdr) return -EFAULT;
  const hv = new DataView(hdr.buffer, hdr.byteOffset, 24);
  const op = hv.getInt32(0, true),
    data = Number(hv.getBigUint64(16, true));
  if (k.current && k.current.cred.euid !== 0) return -EACCES;
  const raw = io.read(data, BLKPG_PARTITION_SIZE);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer, raw.byteOffset, BLKPG_PARTITION_SIZE);
  const pstart = dv.getBigInt64(0, true),
    plength = dv.getBigInt64(8, true),
    pno = dv.getInt32(16, true);
  const g = b.disk;
  if (b.partno !== 0) return -EINVAL;
  if (pno <= 0) return -EINVAL;
  if (op === BLKPG_DEL_PARTITION) {
    const p = g.parts.get(pno);
    if (!p) return -ENXIO;
    if (p.openers > 0) return -EBUSY;
    deletePartition(k, g, p);
    return 0;
  }
  if (pstart < 0n || plength <= 0n || 0x7fffffffffffffffn - plength < pstart) return -EINVAL;
  if ((pstart | plength) % BigInt(b.logicalBlockSize) !== 0n) return -EINVAL;
  const start = Number(pstart / BigInt(SECTOR_SIZE)),
    length = Number(plength / BigInt(SECTOR_SIZE));
  if (start >= g.capacity || start + length > g.capacity) return -EINVAL;
  if (op === BLKPG_ADD_PARTITION) {
    // GENHD_FL_NO_PART (a loop device without partscan) takes no partitions.
    if (g.info.noPartScan?.()) return -EINVAL;
    if (overlaps(g, start, length, -1)) return -EBUSY;
    // add_partition: past disk_max_parts, or a number in use.
    if (pno >= Math.min(g.info.minors, DISK_MAX_PARTS + 1)) return -EINVAL;
    if (g.parts.has(pno)) return -EBUSY;
    addPartition(k, g, { partno: pno, start, size: length });
    return 0;
  }
  if (op === BLKPG_RESIZE_PARTITION) {
    const p = g.parts.get(pno);
    if (!p) return -ENXIO;
    if (start !== p.startSect) return -EINVAL;
    if (overlaps(g, start, length, pno)) return -EBUSY;
    p.nrSects = length;
    return 0;
  }
  return -EINVAL;
}
