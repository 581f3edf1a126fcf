// A mount: a file system's root dentry attached at a dentry of another mount.
import type { Dentry } from './dentry.js';
import type { SuperBlock } from './superblock.js';

export class Mount {
  readonly id: number;
  constructor(
    readonly sb: SuperBlock,
    readonly root: Dentry,
    /** Where it is attached (null for the root mount). */
    readonly mountpoint: Dentry | null,
    readonly parent: Mount | null,
    readonly source: string,
    public flags: string[] = ['rw'],
  ) {
    this.id = sb.fs.mountId();
  }
  /** The mount this one was stacked over at the same mount point, if any. */
  covered: Mount | null = null;
  /** mnt_expiry_mark: umount(MNT_EXPIRE) marked it once; a second call, still unused, unmounts it. */
  expiryMark = false;
}

/** A location in the tree: which mount, which dentry (Linux's struct path). */
export interface Path {
  mnt: Mount;
  dentry: Dentry;
}
