// devpts (fs/devpts): the file system at /dev/pts where each pty slave
// appears as pts/N while its master is open, plus the ptmx node.
import type { FsState } from '../../fs/fs_state.js';
import type { Task } from '../../sched/task.js';
import type { File, FileOps } from '../../fs/file.js';
import { Dentry } from '../../fs/dentry.js';
import { S_IFCHR } from '../../fs/inode.js';
import type { Mount } from '../../fs/mount.js';
import { SuperBlock } from '../../fs/superblock.js';
import { TmpfsDir, TmpfsSpecial } from '../../fs/tmpfs.js';
import { makedev } from '../../fs/special.js';

export const DEVPTS_SUPER_MAGIC = 0x1cd1;
export const UNIX98_PTY_SLAVE_MAJOR = 136;

class DevptsSuper extends SuperBlock {
  constructor(fs: FsState) {
    super(fs, 'devpts', DEVPTS_SUPER_MAGIC);
  }
}

type Opener = (f: File, opener?: Task) => FileOps | number;

/** A device node whose open goes straight to its pty (the inode's driver data). */
class PtsInode extends TmpfsSpecial {
  constructor(
    sb: SuperBlock,
    mode: number,
    rdev: number,
    private opener: Opener,
  ) {
    super(sb, mode, rdev);
  }
  override open(f: File, opener?: Task): FileOps | number {
    return this.opener(f, opener);
  }
}

export class Devpts {
  readonly sb: DevptsSuper;
  readonly root: Dentry;
  /** The mount options Debian's systemd uses: group tty, mode 620, ptmx node closed. */
  gid: number | null = 5;
  mode = 0o620;
  ptmxmode = 0o000;
  mnt: Mount | null = null;
  private used = new Set<number>();

  constructor(fs: FsState, ptmxOpen: Opener) {
    this.sb = new DevptsSuper(fs);
    this.root = new Dentry('/', null, new TmpfsDir(this.sb, 0o755));
    this.root.inode.size = 0; // devpts is not tmpfs: its directory has no size
    const ptmx = new PtsInode(this.sb, S_IFCHR | this.ptmxmode, makedev(5, 2), ptmxOpen);
    this.root.addChild(new Dentry('ptmx', this.root, ptmx));
  }

  get options(): string[] {
    return [...(this.gid !== null ? [`gid=${this.gid}`] : []), `mode=${this.mode.toString(8)}`, `ptmxmode=${this.ptmxmode.toString(8).padStart(3, '0')}`];
  }

  /** devpts_new_index: the lowest free number. */
  allocIndex(): number {
    let i = 0;
    while (this.used.has(i)) i++;
    this.used.add(i);
    return i;
  }
  freeIndex(i: number): void {
    this.used.delete(i);
  }

  /** devpts_pty_new: pts/N owned by the opener, in the mount's group. */
  addNode(index: number, owner: Task | undefined, open: Opener): Dentry {
    const inode = new PtsInode(this.sb, S_IFCHR | this.mode, makedev(UNIX98_PTY_SLAVE_MAJOR, index), open);
    inode.uid = owner?.cred.euid ?? 0;
    inode.gid = this.gid ?? owner?.cred.egid ?? 0;
    const d = new Dentry(String(index), this.root, inode);
    this.root.addChild(d);
    return d;
  }

  /** devpts_pty_kill: the node goes when the master closes. */
  removeNode(index: number): void {
    const d = this.root.children.get(String(index));
    if (!d) return;
    this.root.children.delete(String(index));
    d.inode.nlink = 0;
  }

  lookup(index: number): Dentry | null {
    return this.root.children.get(String(index)) ?? null;
  }
}
