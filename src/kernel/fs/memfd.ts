// memfd (Linux's mm/memfd.c): anonymous tmpfs files on the kernel's
// internal shm mount, named "memfd:NAME", and the seals that restrict them.
import { Dentry } from './dentry.js';
import { Mount } from './mount.js';
import { File, O_LARGEFILE, O_RDWR } from './file.js';
import { makeTmpfs, TmpfsFile, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE, F_SEAL_FUTURE_WRITE, F_SEAL_EXEC } from './tmpfs.js';
import type { FsCred } from './inode.js';
import type { PageCache } from '../mm/filemap.js';
import type { FsState } from './fs_state.js';
import { EBUSY, EINVAL, EPERM } from '../errno.js';

const F_ALL_SEALS = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC;

/**
 * The memfd mount, one per kernel (the Vfs keeps it: Vfs.memfdMount): never
 * attached to the tree, so its files' paths read "/memfd:x (deleted)". Its
 * superblock has the page cache, so every shared mapping of a memfd maps the
 * same pages (a JIT's writable and executable views of one file).
 */
export interface MemfdMount {
  mnt: Mount;
  root: Dentry;
}
export function makeMemfdMount(fs: FsState, cache: PageCache): MemfdMount {
  const made = makeTmpfs(fs, 'tmpfs');
  made.sb.pageCache = cache;
  return { mnt: new Mount(made.sb, made.root, null, null, 'tmpfs'), root: made.root };
}

/** A new memfd file; `sealable` lifts the initial F_SEAL_SEAL, `noexec` seals exec and drops x bits. */
export function createMemfd(shm: MemfdMount, name: string, cred: FsCred, sealable: boolean, noexec: boolean): File {
  const { mnt, root } = shm;
  const inode = new TmpfsFile(root.inode.sb, 0o777);
  inode.uid = cred.fsuid;
  inode.gid = cred.fsgid;
  inode.nlink = 0; // never linked into a directory
  if (noexec) {
    inode.mode &= ~0o111;
    inode.seals = (inode.seals & ~F_SEAL_SEAL) | F_SEAL_EXEC;
  } else if (sealable) inode.seals &= ~F_SEAL_SEAL;
  const d = new Dentry(`memfd:${name}`, root, inode); // not linked in: already "deleted"
  const f = new File({ mnt, dentry: d }, inode, O_RDWR | O_LARGEFILE, {});
  f.ops = inode.open(f);
  return f;
}

/** F_GET_SEALS: every tmpfs file has seals; other files have none (EINVAL). */
export function getSeals(f: File): number {
  return f.inode instanceof TmpfsFile ? f.inode.seals : -EINVAL;
}

/**
 * memfd_add_seals. `writablyMapped` says whether any shared mapping that may
 * write maps the file (mapping_deny_writable's i_mmap_writable): then
 * F_SEAL_WRITE is EBUSY, since such a mapping could still change the pages.
 */
export function addSeals(f: File, seals: number, writablyMapped: () => boolean): number {
  if (!f.writable) return -EPERM;
  if (seals & ~F_ALL_SEALS) return -EINVAL;
  if (!(f.inode instanceof TmpfsFile)) return -EINVAL;
  const ino = f.inode;
  if (ino.seals & F_SEAL_SEAL) return -EPERM;
  // Sealing exec on an executable file seals writes too (W^X from the start).
  if (seals & F_SEAL_EXEC && ino.mode & 0o111) seals |= F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;
  if (seals & F_SEAL_WRITE && !(ino.seals & F_SEAL_WRITE) && writablyMapped()) return -EBUSY;
  ino.seals |= seals;
  return 0;
}
