// A mounted file system instance: its type, device number and inode numbering.
import type { PageCache } from '../mm/filemap.js';
import type { FsState } from './fs_state.js';
export interface StatFs {
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  namelen: number;
  frsize: number;
  flags: number;
}

export class SuperBlock {
  private ino = 1;
  /** Anonymous devices get major 0, as Linux gives tmpfs/proc/sysfs. */
  readonly dev: number;
  /** fs: the machine's file-system state (clock, device numbers) this superblock belongs to. */
  constructor(
    readonly fs: FsState,
    readonly fsType: string,
    readonly magic: number,
    dev?: number,
  ) {
    this.dev = dev ?? fs.anonDev();
  }
  nextIno(): number {
    return this.ino++;
  }
  /**
   * i_generation for a new inode. tmpfs draws one per inode (Linux a random
   * number) so that a file handle names one inode, not a later one with the
   * same number or another tmpfs's; other filesystems keep 0 here.
   */
  newGeneration(): number {
    return 0;
  }
  /** The machine's page cache, once the superblock belongs to a kernel. */
  pageCache: PageCache | null = null;
  /** Has xattr handlers (user., trusted., security.) and POSIX ACLs, as tmpfs does; procfs has none. */
  xattr = false;
  posixAcl = false;
  /** Whether setting and removing xattrs and ACLs reaches the storage (ext4 reads them but cannot write them yet: EOPNOTSUPP, never a change lost at umount). */
  xattrWrite = true;
  /** sb_rdonly for good: the file system cannot be written (ext4 here reads only), so no remount makes it rw. */
  forceReadOnly = false;
  /** sync_fs: write back what the file system keeps in memory (a disk file system's metadata). 0 or -errno. */
  syncFs(): number {
    return 0;
  }
  /** reconfigure for a remount that changes read-only to read-write or back: 0, or -errno to refuse it. */
  remountFs(_readOnly: boolean): number {
    return 0;
  }
  /** put_super: the last mount is gone; a disk file system writes back and marks itself clean. */
  putSuper(): void {}
  /** Dentries of this fs are not cached (procfs: the set of pids changes). */
  volatile = false;
  /** `ramPages`: the machine's RAM in pages, which tmpfs's default limits are a half of. */
  statfs(_ramPages = 0): StatFs {
    return { type: this.magic, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, frsize: 4096, flags: 0 };
  }
}
