// anon_inodes: files with no name in any directory (signalfd, pidfd). Each
// gets its own inode on a private superblock; /proc/PID/fd shows the link
// as "anon_inode:[kind]".
import { File, type FileOps } from './file.js';
import { Inode } from './inode.js';
import { SuperBlock } from './superblock.js';
import { Dentry } from './dentry.js';
import type { Mount } from './mount.js';

const ANON_INODE_FS_MAGIC = 0x09041934;
const anonSb = new SuperBlock('anon_inodefs', ANON_INODE_FS_MAGIC);

class AnonInode extends Inode {
  constructor(readonly ops: FileOps) { super(anonSb, 0o600); }
  override open(_f: File): FileOps { return this.ops; }
}

export function anonInodeFile(mnt: Mount, kind: string, flags: number, ops: FileOps): File {
  const inode = new AnonInode(ops);
  const dentry = new Dentry(`anon_inode:[${kind}]`, null, inode);
  return new File({ mnt, dentry }, inode, flags, ops);
}
