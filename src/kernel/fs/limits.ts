// How large a file may grow: RLIMIT_FSIZE and the file system's largest size
// (inode_newsize_ok in fs/attr.c, generic_write_check_limits in mm/filemap.c).
// Past RLIMIT_FSIZE the writer gets SIGXFSZ as well as EFBIG; a write that
// straddles the limit is cut short at it.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EFBIG } from '../errno.js';
import { RLIMIT_FSIZE, RLIM_INFINITY } from '../sched/threadgroup.js';
import { sendSignal } from '../signal/deliver.js';
import { SI_USER } from '../signal/signals.js';

/** MAX_LFS_FILESIZE: the s_maxbytes of tmpfs and ext4 with huge_file. */
export const MAX_LFS_FILESIZE = 0x7fffffffffffffffn;
const SIGXFSZ = 25;

function fsizeLimit(t: Task): bigint {
  return t.tg.rlimits[RLIMIT_FSIZE]![0];
}

function xfsz(k: Kernel, t: Task): number {
  sendSignal(k, t.tg, { signo: SIGXFSZ, code: SI_USER, pid: 0, uid: 0 }, t);
  return -EFBIG;
}

/** inode_newsize_ok, for a size that grows the file: 0, or -EFBIG (with SIGXFSZ past the rlimit). */
export function newsizeOk(k: Kernel, t: Task, size: number | bigint): number {
  const s = BigInt(size);
  const lim = fsizeLimit(t);
  if (lim !== RLIM_INFINITY && s > lim) return xfsz(k, t);
  return s > MAX_LFS_FILESIZE ? -EFBIG : 0;
}

/** generic_write_check_limits: how many of `len` bytes at `pos` may be written, or -EFBIG. */
export function writeLimit(k: Kernel, t: Task, pos: number, len: number): number {
  const lim = fsizeLimit(t);
  if (lim === RLIM_INFINITY) return len;
  const p = BigInt(pos);
  if (p >= lim) return xfsz(k, t);
  return Number(BigInt(len) < lim - p ? BigInt(len) : lim - p);
}
