// memfd_create(2) (mm/memfd.c).
import { EFAULT, EINVAL } from '../errno.js';
import { createMemfd } from '../fs/memfd.js';
import { installFile } from './fs-io.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';

const MFD_CLOEXEC = 1,
  MFD_ALLOW_SEALING = 2,
  MFD_HUGETLB = 4,
  MFD_NOEXEC_SEAL = 8,
  MFD_EXEC = 0x10;
const MFD_ALL_FLAGS = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC;
/** NAME_MAX minus "memfd:". */
const MFD_NAME_MAX_LEN = 249;

export function sys_memfd_create(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(1) >>> 0;
  if (flags & ~MFD_ALL_FLAGS) return -EINVAL;
  // No hugetlbfs here: huge-page memfds are refused as an unknown flag would be.
  if (flags & MFD_HUGETLB) return -EINVAL;
  if (flags & MFD_EXEC && flags & MFD_NOEXEC_SEAL) return -EINVAL;
  const name = t.mm.readCString(a.ulong(0), MFD_NAME_MAX_LEN);
  if (!name) return t.mm.read(a.ulong(0), 1) ? -EINVAL : -EFAULT;
  const f = createMemfd(
    k.vfs.memfdMount,
    String.fromCharCode(...name),
    { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, groups: t.cred.groups, capEff: t.cred.capEff },
    (flags & MFD_ALLOW_SEALING) !== 0,
    (flags & MFD_NOEXEC_SEAL) !== 0,
  );
  return installFile(t, f, (flags & MFD_CLOEXEC) !== 0);
}
