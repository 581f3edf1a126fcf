// Regular-file operations (Linux's fs/ext4/file.c, reading): read(2) goes
// through the inode's block map; a damaged map answers -EIO or
// -EFSCORRUPTED for the read that meets it. Writes are not implemented yet:
// mounts are read-only, and the VFS answers EROFS before reaching here.
import type { FileOps } from '../file.js';
import type { Ext4Inode } from './inode.js';

export const fileOps: FileOps = {
  read(f, buf, pos) {
    const ino = f.inode as Ext4Inode;
    if (pos >= ino.size) return 0;
    const n = Math.min(buf.length, ino.size - pos);
    const r = ino.readData(pos, buf.subarray(0, n));
    return r < 0 ? r : n;
  },
};
