// Registered file system types (Linux's register_filesystem): what mount(2)
// can create by name. Each type makes a superblock and root dentry from the
// mount's option string, or fails with -errno.
import type { Dentry } from './dentry.js';
import type { SuperBlock } from './superblock.js';
import type { BlockDevice } from '../block/bdev.js';

export interface FsInstance {
  sb: SuperBlock;
  root: Dentry;
  /** Options /proc/mounts shows after the flags. */ options?: string[];
  /** The file system made the mount read-only whatever was asked (sb_rdonly after fill_super): /proc/mounts says ro. */
  readOnly?: boolean;
}

/**
 * What a disk file system needs from mount(2) besides its option string:
 * the flags (MS_RDONLY and the rest) and the source, resolved on demand to
 * the block device it names (lookup_bdev: -ENOTBLK, -ENXIO, or a path
 * error). Types without a device (tmpfs, proc) ignore it.
 */
export interface MountContext {
  flags: number;
  source: string;
  bdev(): BlockDevice | number;
}

export type FsType = (data: string, ctx: MountContext) => FsInstance | number;

export class FsRegistry {
  private readonly types = new Map<string, FsType>();
  register(name: string, make: FsType): void {
    this.types.set(name, make);
  }
  get(name: string): FsType | undefined {
    return this.types.get(name);
  }
}
