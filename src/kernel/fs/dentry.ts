// The dentry: a name in a directory bound to an inode. Lookups are cached here;
// tmpfs keeps its whole tree in these (as Linux's ramfs/tmpfs do).
import type { Inode } from './inode.js';
import type { Mount } from './mount.js';

export class Dentry {
  readonly children = new Map<string, Dentry>();
  /** The mount whose root covers this dentry, if it is a mount point. */
  mounted: Mount | null = null;
  parent: Dentry;

  constructor(
    public name: string,
    parent: Dentry | null,
    public inode: Inode,
  ) {
    this.parent = parent ?? this;
  }

  get isRoot(): boolean {
    return this.parent === this;
  }

  addChild(d: Dentry): void {
    d.parent = this;
    this.children.set(d.name, d);
  }
}
