// The ioctls every file answers before its own driver sees the command
// (Linux's do_vfs_ioctl): close-on-exec, non-blocking mode, FIONREAD on
// regular files, the inode flags of chattr/lsattr, and the block device
// commands for block special files.
import type { Task } from '../sched/task.js';
import type { File } from './file.js';
import { O_APPEND, O_NONBLOCK, O_ASYNC } from './file.js';
import { fasyncSet } from './fasync.js';
import type { Kernel } from '../kernel.js';
import { EACCES, EBADF, EFAULT, EINVAL, EISDIR, ENOTTY, EOPNOTSUPP, EPERM, EROFS, EXDEV } from '../errno.js';
import { isDir, isReg, S_IFBLK, S_IFMT } from './inode.js';
import { TMPFS_MAGIC } from './tmpfs.js';
import { blockIoctl, blockQueue, BLKROSET } from '../block/ioctl.js';
import { CAP_FOWNER, CAP_LINUX_IMMUTABLE, CAP_SYS_ADMIN, capable } from '../security/commoncap.js';

const FIONREAD = 0x541b,
  FIONBIO = 0x5421,
  FIOASYNC = 0x5452,
  FIOCLEX = 0x5451,
  FIONCLEX = 0x5450;
/** Reflink requests (FICLONE takes the source fd, FICLONERANGE a struct file_clone_range). */
const FICLONE = 0x40049409,
  FICLONERANGE = 0x4020940d,
  FILE_CLONE_RANGE_BYTES = 32;
export const FS_IOC_GETFLAGS = 0x80086601,
  FS_IOC_SETFLAGS = 0x40086602;
/** What tmpfs shows and lets chattr change (SHMEM_FL_USER_VISIBLE / _MODIFIABLE). */
const FS_FL_USER_VISIBLE = 0x0003dfff;
const FS_IMMUTABLE_FL = 0x10,
  FS_APPEND_FL = 0x20,
  FS_NODUMP_FL = 0x40,
  FS_NOATIME_FL = 0x80;
const SHMEM_FL_USER_MODIFIABLE = FS_IMMUTABLE_FL | FS_APPEND_FL | FS_NODUMP_FL | FS_NOATIME_FL;

/** A result, or null when the file's own ioctl should handle the command. */
export function vfsIoctl(k: Kernel, t: Task, fd: number, f: File, cmd: number, arg: number): number | null {
  const i = f.inode;
  switch (cmd) {
    case FIOCLEX:
      t.files.cloexec[fd] = true;
      return 0;
    case FIONCLEX:
      t.files.cloexec[fd] = false;
      return 0;
    case FIONBIO:
    case FIOASYNC: {
      const v = t.mm.readU32(arg);
      if (v === null) return -EFAULT;
      const bit = cmd === FIONBIO ? O_NONBLOCK : O_ASYNC;
      f.flags = v ? f.flags | bit : f.flags & ~bit;
      if (bit === O_ASYNC) fasyncSet(k, f, fd, v !== 0);
      return 0;
    }
    case FIONREAD:
      if (!isReg(i.mode)) return null;
      return t.mm.writeU32(arg, Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, i.size - f.pos))) ? 0 : -EFAULT;
    case FICLONE:
    case FICLONERANGE:
      return fileClone(t, f, cmd, arg);
    case FS_IOC_GETFLAGS:
    case FS_IOC_SETFLAGS: {
      // tmpfs files and directories have inode flags (shmem_fileattr_get/set); nothing else does.
      if (i.sb.magic !== TMPFS_MAGIC || !(isReg(i.mode) || isDir(i.mode))) return -ENOTTY;
      if (cmd === FS_IOC_GETFLAGS) return t.mm.writeU32(arg, i.iflags & FS_FL_USER_VISIBLE) ? 0 : -EFAULT;
      const v = t.mm.readU32(arg);
      if (v === null) return -EFAULT;
      if (f.path.mnt.flags.includes('ro')) return -EROFS;
      // inode_owner_or_capable.
      if (!capable(t.cred, CAP_FOWNER) && t.cred.fsuid !== i.uid) return -EPERM;
      // Changing immutable or append-only needs CAP_LINUX_IMMUTABLE.
      if ((v ^ i.iflags) & (FS_IMMUTABLE_FL | FS_APPEND_FL) && !capable(t.cred, CAP_LINUX_IMMUTABLE)) return -EPERM;
      if (v & ~SHMEM_FL_USER_MODIFIABLE) return -EOPNOTSUPP;
      i.iflags = v;
      i.touchC();
      return 0;
    }
  }
  if ((i.mode & S_IFMT) === S_IFBLK) {
    const q = blockQueue(i.sb.fs, i.rdev);
    if (!q) return null;
    if (cmd === BLKROSET) {
      // blkdev_roset.
      if (!capable(t.cred, CAP_SYS_ADMIN)) return -EACCES;
      const v = t.mm.readU32(arg);
      if (v === null) return -EFAULT;
      q.readOnly = v !== 0;
      return 0;
    }
    const out = blockIoctl(q, cmd);
    if (out) return t.mm.write(arg, out) ? 0 : -EFAULT;
  }
  return null;
}

/**
 * ioctl_file_clone(_range) and vfs_clone_file_range: the checks Linux makes
 * before it asks the file system to share blocks. No file system here has
 * remap_file_range (reflinks), so a request that passes them is EOPNOTSUPP.
 */
function fileClone(t: Task, dst: File, cmd: number, arg: number): number {
  let srcfd: number;
  if (cmd === FICLONE)
    srcfd = arg | 0; // the argument is the (int) descriptor
  else {
    const range = t.mm.read(arg, FILE_CLONE_RANGE_BYTES);
    if (!range) return -EFAULT;
    srcfd = new DataView(range.buffer, range.byteOffset).getInt32(0, true); // __s64 src_fd, passed on as int
  }
  const src = t.files.getUsable(srcfd);
  if (!src) return -EBADF;
  if (src.path.mnt !== dst.path.mnt) return -EXDEV;
  // generic_file_rw_checks.
  if (isDir(src.inode.mode) || isDir(dst.inode.mode)) return -EISDIR;
  if (!isReg(src.inode.mode) || !isReg(dst.inode.mode)) return -EINVAL;
  if (!src.readable || !dst.writable || dst.flags & O_APPEND) return -EBADF;
  return -EOPNOTSUPP;
}
