// Shared anonymous memory (Linux's shmem_zero_setup): a MAP_SHARED|MAP_ANONYMOUS
// mapping is backed by an unlinked file of an internal tmpfs, so it lives in
// the page cache and parent and child of a fork see the same pages.
import { TmpfsFile, TmpfsSuper } from '../fs/tmpfs.js';
import type { PageCache } from './filemap.js';
import type { FsState } from '../fs/fs_state.js';
import type { MapSource } from './vma.js';

/** Linux's shm_mnt is the first anonymous device: "00:01" in /proc/PID/maps. */
export const SHM_DEV = 1;

/** The superblock of a machine's shared anonymous memory (the Vfs keeps it: Vfs.shmSuper). */
export function makeShmSuper(fs: FsState, cache: PageCache): TmpfsSuper {
  const sb = new TmpfsSuper(fs, 'tmpfs', SHM_DEV);
  sb.pageCache = cache;
  return sb;
}

/** The backing of a new shared anonymous mapping of `size` bytes, on the machine's shm superblock. */
export function shmemZeroSetup(shm: TmpfsSuper, size: number): MapSource {
  const inode = new TmpfsFile(shm, 0o600);
  inode.nlink = 0;
  inode.setSize(size);
  return {
    mapping: inode.mapping,
    readAt: (off, dst) => inode.readAt(off, dst),
    size: () => inode.size,
    dev: SHM_DEV,
    ino: inode.ino,
    path: '/dev/zero (deleted)',
  };
}

/**
 * shmem_kernel_file_setup: an internal tmpfs file of `size` bytes that lives
 * as long as its owner keeps a link on it (System V shared memory segments).
 */
export function shmemKernelFile(shm: TmpfsSuper, size: number, mode: number): TmpfsFile {
  const inode = new TmpfsFile(shm, mode);
  inode.setSize(size);
  return inode;
}
