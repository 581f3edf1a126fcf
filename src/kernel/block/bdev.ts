// A block device as the file systems above it see one (Linux's struct
// block_device with the bdev_* helpers): a run of bytes addressed by offset,
// with a logical block size, that can be read, written and flushed. The
// block layer (block/, with its queues, schedulers and the disk models)
// implements it for whole disks, partitions and loop devices; ext4 and
// the other disk file systems (fs/ext4) use only this interface, so either
// side can change behind it.
//
// The calls are synchronous: data comes from the backend or the caches
// before the call returns. Where a request costs service time (the disk
// models charge it in virtual time), the block layer accounts it and the
// caller's task waits for it at its own return to user mode; a file system
// never sees a partly done request.
import type { FsState } from '../fs/fs_state.js';
import { ENOTBLK, ENXIO } from '../errno.js';
import { S_IFBLK, S_IFMT } from '../fs/inode.js';

export interface BlockDevice {
  /** The device number (major:minor), as st_rdev of its /dev node. */
  readonly rdev: number;
  /** The kernel's name for it: "sda", "sda1", "vda", "loop0". */
  readonly name: string;
  /** Capacity in bytes (a multiple of logicalBlockSize). */
  readonly size: number;
  readonly logicalBlockSize: number;
  /** Set by BLKROSET, a readonly disk, or a read-only loop device. */
  readOnly: boolean;
  /** Bytes [offset, offset+length): the data, or -errno (-EIO for a failed or detached disk). */
  read(offset: number, length: number): Uint8Array | number;
  /** Writes data at offset: 0, or -errno (-EROFS, -EIO, -ENOSPC from a full host backend). */
  write(offset: number, data: Uint8Array): number;
  /** A cache flush (REQ_PREFLUSH): what was written before it survives a power cut. 0 or -errno. */
  flush(): number;
  /** Discard (BLKDISCARD, fstrim): optional; the range reads back as zeros or old data, as the disk says. */
  discard?(offset: number, length: number): number;
}

/** Registers a block device under its number (the bdev map a /dev node's rdev is looked up in). */
export function addBlockDevice(fs: FsState, bdev: BlockDevice): void {
  fs.bdevs.set(bdev.rdev, bdev);
}

export function removeBlockDevice(fs: FsState, rdev: number): void {
  fs.bdevs.delete(rdev);
}

/**
 * lookup_bdev for mount(2)'s source: the inode's mode and rdev, as
 * resolved from the source path. Not a block special file: -ENOTBLK; no
 * device behind the number: -ENXIO.
 */
export function lookupBdev(fs: FsState, mode: number, rdev: number): BlockDevice | number {
  if ((mode & S_IFMT) !== S_IFBLK) return -ENOTBLK;
  return fs.bdevs.get(rdev) ?? -ENXIO;
}
