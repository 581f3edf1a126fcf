// Regular-file operations (Linux's fs/ext4/file.c): read(2) goes through
// the inode's block map; a damaged map answers -EIO or -EFSCORRUPTED for
// the read that meets it. write(2) allocates and writes through
// buffered_write.ts; fsync writes the file system's metadata back and
// flushes the disk (there is no journal to commit yet).
import type { FileOps } from '../file.js';
import type { Ext4Inode } from './inode.js';
import { writeData } from './buffered_write.js';

export const fileOps: FileOps = {
  read(f, buf, pos) {
    const ino = f.inode as Ext4Inode;
    if (pos >= ino.size) return 0;
    const n = Math.min(buf.length, ino.size - pos);
    const r = ino.readData(pos, buf.subarray(0, n));
    return r < 0 ? r : n;
  },
  write(f, data, pos) {
    return writeData(f.inode as Ext4Inode, pos, data);
  },
  copiesWrite: true,
  fsync(f) {
    const ino = f.inode as Ext4Inode;
    const w = ino.writeInode();
    if (w < 0) return w;
    return ino.sb.syncFs();
  },
};
