// File handles (fs/fhandle.c): name_to_handle_at(2) and open_by_handle_at(2).
// tmpfs is the filesystem with export operations (shmem_encode_fh and
// shmem_fh_to_dentry); any other gives only AT_HANDLE_FID handles, the
// generic 64-bit inode number and generation, which nothing decodes.
import { EBADF, EFAULT, EINVAL, EOPNOTSUPP, EOVERFLOW, EPERM, ESTALE } from '../errno.js';
import { installFile } from './fs-io.js';
import { userPath } from './uaccess.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_FOLLOW } from '../fs/vfs.js';
import { TMPFS_MAGIC } from '../fs/tmpfs.js';
import { O_CLOEXEC, O_DIRECTORY } from '../fs/file.js';
import type { Dentry } from '../fs/dentry.js';
import type { Inode } from '../fs/inode.js';
import type { Path } from '../fs/mount.js';
import type { SuperBlock } from '../fs/superblock.js';
import { capable, CAP_DAC_READ_SEARCH, CAP_SYS_ADMIN } from '../security/commoncap.js';
import { NR } from './nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';

const AT_HANDLE_CONNECTABLE = 0x002,
  AT_HANDLE_FID = 0x200,
  MAX_HANDLE_SZ = 128,
  FILEID_INVALID = 255,
  FILEID_INO32_GEN = 1,
  FILEID_INO64_GEN = 0x81,
  /** Flags in the handle type's upper half (FILEID_USER_FLAGS_MASK): the handle was made connectable, of a directory. */
  FILEID_IS_CONNECTABLE = 0x10000,
  FILEID_IS_DIR = 0x20000,
  FILEID_USER_FLAGS_MASK = 0xffff0000;

/** Whether the superblock has export operations (can decode what it encodes). */
function exportable(sb: SuperBlock): boolean {
  return sb.magic === TMPFS_MAGIC;
}

/**
 * shmem_encode_fh (generation, inode low and high words; type 1), or for a
 * FID on a filesystem without export operations exportfs_encode_ino64_fid
 * (the 64-bit inode number, then the generation; type 0x81). Both take 3 words.
 */
export function encodeFid(i: Inode): { type: number; words: number[] } {
  const lo = i.ino >>> 0,
    hi = Math.floor(i.ino / 2 ** 32) >>> 0;
  if (exportable(i.sb)) return { type: FILEID_INO32_GEN, words: [i.generation, lo, hi] };
  return { type: FILEID_INO64_GEN, words: [lo, hi, i.generation] };
}

export function sys_name_to_handle_at(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(4);
  // AT_HANDLE_MNT_ID_UNIQUE (0x001) is refused: mounts here have no 64-bit unique id.
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH | AT_HANDLE_FID | AT_HANDLE_CONNECTABLE)) return -EINVAL;
  // A FID is never decoded and a connectable handle is; an empty path may name a disconnected file.
  if (flags & AT_HANDLE_CONNECTABLE && flags & (AT_HANDLE_FID | AT_EMPTY_PATH)) return -EINVAL;
  const pb = userPath(t, a.ulong(1));
  if (typeof pb === 'number' && (pb === -EFAULT || !(flags & AT_EMPTY_PATH))) return pb;
  const p = k.vfs.resolve(t, a.int(0), typeof pb === 'number' ? '' : pb, (flags & AT_SYMLINK_FOLLOW) !== 0, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof p === 'number') return p;
  // exportfs_can_encode_fh: any filesystem gives a FID; a decodable handle needs export operations.
  if (!(flags & AT_HANDLE_FID) && !exportable(p.dentry.inode.sb)) return -EOPNOTSUPP;
  const fh = a.ulong(2);
  const hdr = t.mm.read(fh, 8);
  if (!hdr) return -EFAULT;
  const want = new DataView(hdr.buffer).getUint32(0, true);
  if (want > MAX_HANDLE_SZ) return -EINVAL;
  const { type, words } = encodeFid(p.dentry.inode);
  const need = words.length * 4;
  const fits = want >= need;
  const out = new Uint8Array(8 + (fits ? need : 0));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, need, true);
  let ret = 0;
  if (!fits) {
    dv.setInt32(4, FILEID_INVALID, true);
    ret = -EOVERFLOW;
  } else {
    // A connectable handle says so in its type, so that decoding knows to check the path.
    dv.setInt32(4, type | (flags & AT_HANDLE_CONNECTABLE ? FILEID_IS_CONNECTABLE : 0), true);
    words.forEach((w, n) => dv.setUint32(8 + 4 * n, w, true));
  }
  if (!t.mm.writeU32(a.ulong(3), p.mnt.id) || !t.mm.write(fh, out)) return -EFAULT;
  return ret;
}

/** get_path_anchor: the mount a handle is decoded in, from an open file or the cwd. */
function anchor(t: Task, fd: number): Path | number {
  if (fd === AT_FDCWD) return t.fs.cwd;
  if (fd < 0) return -EBADF;
  const f = t.files.get(fd);
  return f ? f.path : -EBADF;
}

/**
 * shmem_fh_to_dentry: the inode with that number and generation, by one of
 * its names. Only named inodes are found here (Linux also finds an unlinked
 * one still open); a miss is ESTALE.
 */
function decode(root: Path, words: Uint32Array): Dentry | null {
  if (!exportable(root.mnt.sb) || words.length < 3) return null;
  const ino = words[1]! + words[2]! * 2 ** 32;
  let top = root.mnt.root;
  while (!top.isRoot) top = top.parent;
  const queue: Dentry[] = [top];
  for (let n = 0; n < queue.length; n++) {
    const d = queue[n]!;
    if (d.inode.ino === ino && d.inode.generation === words[0]) return d;
    for (const c of d.children.values()) if (c.inode.sb === root.mnt.sb) queue.push(c);
  }
  return null;
}

export function sys_open_by_handle_at(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(2);
  const root = anchor(t, a.int(0));
  if (typeof root === 'number') return root;
  // may_decode_fh: CAP_DAC_READ_SEARCH, or a directory for one with CAP_SYS_ADMIN over the mount.
  if (!capable(t.cred, CAP_DAC_READ_SEARCH) && (!(flags & O_DIRECTORY) || !capable(t.cred, CAP_SYS_ADMIN))) return -EPERM;
  const fh = a.ulong(1);
  const hdr = t.mm.read(fh, 8);
  if (!hdr) return -EFAULT;
  const hv = new DataView(hdr.buffer);
  const bytes = hv.getUint32(0, true),
    type = hv.getInt32(4, true);
  if (bytes > MAX_HANDLE_SZ || bytes === 0) return -EINVAL;
  if (type < 0 || (type & FILEID_USER_FLAGS_MASK & ~(FILEID_IS_CONNECTABLE | FILEID_IS_DIR)) !== 0) return -EINVAL;
  const body = t.mm.read(fh + 8, bytes);
  if (!body) return -EFAULT;
  const words = new Uint32Array(bytes >> 2);
  const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let n = 0; n < words.length; n++) words[n] = bv.getUint32(4 * n, true);
  const d = decode(root, words);
  if (!d) return -ESTALE;
  t.sys ??= { kind: 'fifo_open', nr: NR.open_by_handle_at, restart: 'sys', wait: null };
  const f = k.vfs.openPath(t, { mnt: root.mnt, dentry: d }, flags);
  if (typeof f !== 'object') return f;
  return installFile(t, f, (flags & O_CLOEXEC) !== 0);
}
