// mount(2), umount2(2) and pivot_root(2).
import { capable, CAP_SYS_ADMIN } from '../security/commoncap.js';
import type { Task } from '../sched/task.js';
import { EFAULT, EINVAL, ENOENT, EPERM } from '../errno.js';
import { isMagic } from '../fs/namei.js';
import { userPath } from './uaccess.js';
import { pathMount, pathUmount, MNT_FORCE, MNT_DETACH, MNT_EXPIRE, UMOUNT_NOFOLLOW } from '../fs/namespace.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import type { Kernel } from '../kernel.js';

/** copy_mount_string: NULL stays null. */
function mountString(t: Task, addr: number): string | null | number {
  if (!addr) return null;
  const s = t.mm.readCString(addr, 4095);
  return s ? new TextDecoder().decode(s) : -EFAULT;
}

export function sys_mount(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const type = mountString(t, a.ulong(2));
  if (typeof type === 'number') return type;
  const source = mountString(t, a.ulong(0));
  if (typeof source === 'number') return source;
  const data = mountString(t, a.ulong(4));
  if (typeof data === 'number') return data;
  const dir = userPath(t, a.ulong(1));
  if (typeof dir === 'number') return dir;
  const target = k.vfs.resolve(t, -100, dir, true);
  if (typeof target === 'number') return target;
  const flags = a.ulong(3) >>> 0;
  const admin = capable(t.cred, CAP_SYS_ADMIN);
  // A walk ends on a /proc magic link itself only through an O_PATH|O_NOFOLLOW
  // descriptor of it; procfs marks those dentries dont_mount, so lock_mount
  // (after may_mount's EPERM) finds no mount point: ENOENT.
  if (admin && isMagic(target.dentry.inode)) return -ENOENT;
  return touched(
    k,
    pathMount(k, admin, target, { source: source ?? 'none', type, flags, data: data ?? '' }, () =>
      source === null ? -EFAULT : k.vfs.resolve(t, -100, source, true),
    ),
  );
}

/** touch_mnt_namespace: a mount or umount that succeeded changed the table; /proc/PID/mounts pollers hear of it. */
function touched(k: Kernel, r: number): number {
  if (r === 0) {
    k.vfs.mntEvent++;
    k.vfs.mntPoll.wakeAll();
  }
  return r;
}

export function sys_umount2(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(1);
  if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) return -EINVAL;
  const dir = userPath(t, a.ulong(0));
  if (typeof dir === 'number') return dir;
  const target = k.vfs.resolve(t, -100, dir, !(flags & UMOUNT_NOFOLLOW));
  if (typeof target === 'number') return target;
  return touched(k, pathUmount(k, capable(t.cred, CAP_SYS_ADMIN), target, flags, t.fs.root));
}

// Not supported yet: a root switch answers as for a new root that is not a mount point.
export function sys_pivot_root(_k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  return capable(t.cred, CAP_SYS_ADMIN) ? -EINVAL : -EPERM;
}
