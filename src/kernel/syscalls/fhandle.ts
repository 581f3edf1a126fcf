// File handles (fs/fhandle.c): name_to_handle_at(2). open_by_handle_at is
// not implemented yet.
import { EFAULT, EINVAL, EOPNOTSUPP, EOVERFLOW } from '../errno.js';
import { userPath } from './uaccess.js';
import { AT_EMPTY_PATH, AT_SYMLINK_FOLLOW } from '../fs/vfs.js';
import { TMPFS_MAGIC } from '../fs/tmpfs.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';

const AT_HANDLE_FID = 0x200,
  MAX_HANDLE_SZ = 128,
  FILEID_INVALID = 255,
  FILEID_INO32_GEN = 1;

/**
 * tmpfs encodes a handle as generation, inode low and high words (12 bytes,
 * type 1); procfs has no export operations.
 */
export function sys_name_to_handle_at(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(4);
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH | AT_HANDLE_FID)) return -EINVAL;
  const pb = userPath(t, a.ulong(1));
  if (typeof pb === 'number' && (pb === -EFAULT || !(flags & AT_EMPTY_PATH))) return pb;
  const p = k.vfs.resolve(t, a.int(0), typeof pb === 'number' ? '' : pb, (flags & AT_SYMLINK_FOLLOW) !== 0, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof p === 'number') return p;
  const inode = p.dentry.inode;
  if (inode.sb.magic !== TMPFS_MAGIC) return -EOPNOTSUPP;
  const fh = a.ulong(2);
  const hdr = t.mm.read(fh, 8);
  if (!hdr) return -EFAULT;
  const want = new DataView(hdr.buffer).getUint32(0, true);
  if (want > MAX_HANDLE_SZ) return -EINVAL;
  const need = 12;
  const out = new Uint8Array(8 + (want >= need ? need : 0));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, need, true);
  let ret = 0;
  if (want < need) {
    dv.setInt32(4, FILEID_INVALID, true);
    ret = -EOVERFLOW;
  } else {
    dv.setInt32(4, FILEID_INO32_GEN, true);
    dv.setUint32(8, 0, true); // i_generation
    dv.setUint32(12, inode.ino >>> 0, true);
    dv.setUint32(16, Math.floor(inode.ino / 2 ** 32), true);
  }
  if (!t.mm.writeU32(a.ulong(3), p.mnt.id) || !t.mm.write(fh, out)) return -EFAULT;
  return ret;
}
