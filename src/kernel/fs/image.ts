// A host directory tree shown to the guest as the initial contents of the root
// tmpfs. Directories are listed and files read only when first touched, so a
// large image costs nothing until used; guest changes stay in the tmpfs.
import { Dentry } from './dentry.js';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type Inode } from './inode.js';
import { TmpfsDir, TmpfsFile, TmpfsSpecial, TmpfsSymlink } from './tmpfs.js';
import type { SuperBlock } from './superblock.js';

export interface ImageNode {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  atimeMs: number;
  ctimeMs: number;
  rdev?: number;
  /** Symlink target. */
  target?: Uint8Array;
}

export interface ImageSource {
  /** Entries of a directory (path relative to the image root, "" = root). */
  list(path: string): ImageNode[];
  read(path: string): Uint8Array;
}

const ts = (ms: number) => ({ sec: Math.floor(ms / 1000), nsec: Math.round((ms % 1000) * 1e6) });

function stamp(inode: Inode, n: ImageNode): void {
  inode.uid = n.uid;
  inode.gid = n.gid;
  inode.mode = (inode.mode & S_IFMT) | (n.mode & 0o7777);
  inode.atime = ts(n.atimeMs);
  inode.mtime = ts(n.mtimeMs);
  inode.ctime = ts(n.ctimeMs);
}

/** Make `dir` (a tmpfs directory) fill itself from `path` of the image on first use. */
export function attachImage(sb: SuperBlock, dir: Dentry, src: ImageSource, path: string): void {
  (dir.inode as TmpfsDir).populate = (self) => {
    for (const n of src.list(path)) {
      const childPath = path ? `${path}/${n.name}` : n.name;
      const type = n.mode & S_IFMT;
      let inode: Inode;
      if (type === S_IFDIR) {
        const d = new TmpfsDir(sb, n.mode);
        inode = d;
      } else if (type === S_IFREG) {
        const f = new TmpfsFile(sb, n.mode);
        f.size = n.size;
        f.swapBacked = false;
        f.loader = () => src.read(childPath);
        inode = f;
      } else if (type === S_IFLNK) {
        inode = new TmpfsSymlink(sb, n.target ?? new Uint8Array(0));
      } else {
        inode = new TmpfsSpecial(sb, n.mode, n.rdev ?? 0);
      }
      stamp(inode, n);
      const child = new Dentry(n.name, self, inode);
      self.addChild(child);
      self.inode.size += 20;
      if (type === S_IFDIR) {
        self.inode.nlink++;
        attachImage(sb, child, src, childPath);
      }
    }
  };
}
