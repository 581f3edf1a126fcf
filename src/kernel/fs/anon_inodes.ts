// anon_inodes: files with no name in any directory (signalfd, pidfd). Each
// gets its own inode on a private superblock; /proc/PID/fd shows the link
// as "anon_inode:[kind]".
import { File, type FileOps } from './file.js';
import { Inode } from './inode.js';
import type { SuperBlock } from './superblock.js';
import { Dentry } from './dentry.js';
import type { Mount } from './mount.js';

class AnonInode extends Inode {
  constructor(
    sb: SuperBlock,
    readonly ops: FileOps,
  ) {
    super(sb, 0o600);
  }
  override open(_f: File): FileOps {
    return this.ops;
  }
}

export function anonInodeFile(mnt: Mount, kind: string, flags: number, ops: FileOps): File {
  const inode = new AnonInode(mnt.sb.fs.anonSb, ops);
  const dentry = new Dentry(`anon_inode:[${kind}]`, null, inode);
  return new File({ mnt, dentry }, inode, flags, ops);
}
