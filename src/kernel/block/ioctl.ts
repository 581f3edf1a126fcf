// Block device ioctls (Linux's block/ioctl.c): geometry and limits that
// blkid, mkfs and lsblk ask for. A block device driver registers its queue
// limits here by device number; none exists yet, so every other file answers
// ENOTTY, as Linux does for these commands on a regular file.
import type { FsState } from '../fs/fs_state.js';

export interface BlockQueue {
  /** Capacity in bytes. */
  readonly size: number;
  readonly logicalBlockSize: number;
  readonly physicalBlockSize: number;
  readonly ioMin: number;
  readonly ioOpt: number;
  readonly alignmentOffset: number;
  readOnly: boolean;
}

/** A machine's block queues by device number (FsState.blkdevs, as bdev_map). */
export function registerBlockQueue(fs: FsState, rdev: number, q: BlockQueue): void {
  fs.blkdevs.set(rdev, q);
}
export function blockQueue(fs: FsState, rdev: number): BlockQueue | undefined {
  return fs.blkdevs.get(rdev);
}

export const BLKROSET = 0x125d,
  BLKROGET = 0x125e,
  BLKGETSIZE = 0x1260,
  BLKSSZGET = 0x1268,
  BLKBSZGET = 0x80081270,
  BLKGETSIZE64 = 0x80081272,
  BLKIOMIN = 0x1278,
  BLKIOOPT = 0x1279,
  BLKALIGNOFF = 0x127a,
  BLKPBSZGET = 0x127b,
  BLKDISCARDZEROES = 0x127c;

const u32 = (v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
};
const u64 = (v: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
};

/** blkdev_ioctl for the commands above: the value to store, or null for a command it does not know. */
export function blockIoctl(q: BlockQueue, cmd: number): Uint8Array | null {
  switch (cmd) {
    case BLKROGET:
      return u32(q.readOnly ? 1 : 0);
    case BLKGETSIZE:
      return u64(Math.floor(q.size / 512));
    case BLKGETSIZE64:
      return u64(q.size);
    case BLKSSZGET:
      return u32(q.logicalBlockSize);
    case BLKPBSZGET:
      return u32(q.physicalBlockSize);
    case BLKBSZGET:
      return u64(4096);
    case BLKIOMIN:
      return u32(q.ioMin);
    case BLKIOOPT:
      return u32(q.ioOpt);
    case BLKALIGNOFF:
      return u32(q.alignmentOffset);
    case BLKDISCARDZEROES:
      return u32(0);
    default:
      return null;
  }
}
