// Opening device nodes and FIFOs: the inode names a driver by (major, minor).
import { ENXIO } from '../errno.js';
import type { File, FileOps } from './file.js';
import type { Task } from '../sched/task.js';
import type { Blocked } from '../syscalls/result.js';
import type { FsState } from './fs_state.js';
import { fifoOpen } from './fifo.js';
import { S_IFBLK, S_IFCHR, S_IFIFO, S_IFMT, type Inode } from './inode.js';

/** A driver's open: its file operations, -errno, or BLOCKED when the opener sleeps (a FIFO waiting for its partner). */
export type DeviceOpen = (inode: Inode, f: File, opener?: Task) => FileOps | number | Blocked;

export const makedev = (major: number, minor: number) => ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12);
export const major = (dev: number) => (dev >>> 8) & 0xfff;
export const minor = (dev: number) => (dev & 0xff) | ((dev >>> 12) & ~0xff);

/** register_chrdev on one machine: its device nodes of (maj, min) open through `open`. */
export function registerChrdev(fs: FsState, maj: number, min: number, open: DeviceOpen): void {
  fs.chrdevs.set(makedev(maj, min), open);
}

export function openSpecial(inode: Inode, f: File, opener?: Task): FileOps | number | Blocked {
  const type = inode.mode & S_IFMT;
  if (type === S_IFCHR) {
    const open = inode.sb.fs.chrdevs.get(inode.rdev);
    return open ? open(inode, f, opener) : -ENXIO;
  }
  if (type === S_IFIFO) return fifoOpen(inode, f, opener);
  if (type === S_IFBLK) return inode.sb.fs.blockOpen?.(inode) ?? -ENXIO;
  return -ENXIO;
}
