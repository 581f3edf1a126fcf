// Memory system calls: brk, mmap, munmap, mprotect, mremap, madvise, msync.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EACCES, EBADF, EBUSY, EFAULT, EINVAL, ENODEV, ENOMEM, EPERM } from '../errno.js';
import { RLIMIT_MEMLOCK } from '../sched/threadgroup.js';
import { PAGE_SIZE, TASK_SIZE, pageUp, FAULT_OK } from '../mm/mm.js';
import {
  PROT_READ,
  PROT_WRITE,
  PROT_EXEC,
  MAP_SHARED,
  MAP_PRIVATE,
  MAP_SHARED_VALIDATE,
  MAP_FIXED,
  MAP_ANONYMOUS,
  MAP_FIXED_NOREPLACE,
  MAP_POPULATE,
  MAP_GROWSDOWN,
  MAP_STACK,
  MAP_NORESERVE,
  MAP_DENYWRITE,
  MAP_EXECUTABLE,
  MAP_LOCKED,
  MAP_NONBLOCK,
  MAP_HUGETLB,
  type MapSource,
  type Vma,
} from '../mm/vma.js';
import { isReg } from '../fs/inode.js';
import { dPath } from '../fs/namei.js';
import { shmemZeroSetup } from '../mm/shmem.js';
import { TmpfsFile, F_SEAL_WRITE, F_SEAL_FUTURE_WRITE } from '../fs/tmpfs.js';
import { maxMapCount } from '../sysctl/vm.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import { CAP_IPC_LOCK, capable } from '../security/commoncap.js';
import { brk, mlock, mmapRegion, mprotect, mremap, munmap } from '../mm/mmap.js';
import { handleFault } from '../mm/fault.js';

/**
 * Argument i's offset within its page, from its low 32 bits: a.ulong rounds
 * addresses above 2^53 (2^64 - 1 reads as 2^64, which looks page-aligned).
 */
function inPage(a: SyscallArgs, i: number): number {
  return a.int(i) & (PAGE_SIZE - 1);
}

export function sys_brk(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return brk(t.mm, a.ulong(0));
}

export function doMmap(k: Kernel, t: Task, addr: number, len: number, prot: number, flags: number, fd: number, off: number): number {
  // sys_mmap checks the offset, ksys_mmap_pgoff the descriptor, do_mmap the length.
  if (off % PAGE_SIZE) return -EINVAL;
  if (!(flags & MAP_ANONYMOUS) && !t.files.getUsable(fd)) return -EBADF;
  if (len === 0) return -EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 | 0x02000000)) return -EINVAL;
  const type = flags & MAP_SHARED_VALIDATE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
  const known =
    MAP_SHARED_VALIDATE |
    MAP_FIXED |
    MAP_ANONYMOUS |
    MAP_GROWSDOWN |
    MAP_DENYWRITE |
    MAP_EXECUTABLE |
    MAP_LOCKED |
    MAP_NORESERVE |
    MAP_POPULATE |
    MAP_NONBLOCK |
    MAP_STACK |
    MAP_HUGETLB |
    MAP_FIXED_NOREPLACE |
    0x80000; /* MAP_SYNC */
  if (type === MAP_SHARED_VALIDATE && flags & ~known) return -95; // EOPNOTSUPP
  if (pageUp(len) > TASK_SIZE || len > TASK_SIZE) return -ENOMEM;
  const shared = type !== MAP_PRIVATE;
  let file: MapSource | null = null;
  let mayWrite = true;
  let anon = (flags & MAP_ANONYMOUS) !== 0;
  if (!anon) {
    const f = t.files.getUsable(fd);
    if (f?.ops.mapsZero) {
      // /dev/zero: anonymous memory, but the descriptor's access still bounds a shared mapping.
      if (!f.readable) return -EACCES;
      if (shared && prot & PROT_WRITE && !f.writable) return -EACCES;
      if (shared && !f.writable) mayWrite = false;
      anon = true;
    }
  }
  if (!anon) {
    // fget: an O_PATH descriptor is no file to map.
    const f = t.files.getUsable(fd);
    if (!f) return -EBADF;
    if (!f.readable) return -EACCES;
    if (shared && prot & PROT_WRITE && !f.writable) return -EACCES;
    const inode = f.inode;
    if (!isReg(inode.mode)) {
      if ((inode.mode & 0o170000) === 0o020000) return -ENODEV;
      return -ENODEV;
    }
    file = {
      mapping: inode.mapping,
      readAt: (o, dst) => inode.readAt(o, dst),
      size: () => inode.size,
      dev: inode.sb.dev,
      ino: inode.ino,
      path: dPath(f.path, k.vfs.root),
    };
    // VM_MAYWRITE: a shared mapping of a read-only file can never become writable.
    if (shared && !f.writable) mayWrite = false;
    // memfd_check_seals_mmap: a write-sealed file takes no shared writable mapping,
    // and a shared read-only one may not become writable later.
    if (shared && inode instanceof TmpfsFile && inode.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) {
      if (prot & PROT_WRITE) return -EPERM;
      mayWrite = false;
    }
  } else if (shared) {
    // Linux ignores the offset of a shared anonymous mapping.
    off = 0;
  }
  // do_mmap: too many mappings already (vm.max_map_count).
  if (t.mm.vmas.length > maxMapCount.get(k)) return -ENOMEM;
  const mode = flags & MAP_FIXED_NOREPLACE ? 'noreplace' : flags & MAP_FIXED ? 'fixed' : 'hint';
  if (mode !== 'hint' && addr % PAGE_SIZE) return -EINVAL;
  if (!file && shared) file = shmemZeroSetup(k.vfs.shmSuper, pageUp(len));
  const r = mmapRegion(
    t.mm,
    addr,
    len,
    {
      prot,
      shared,
      file,
      offset: off,
      growsDown: (flags & MAP_GROWSDOWN) !== 0,
      mayWrite,
      noReserve: (flags & MAP_NORESERVE) !== 0,
      locked: (flags & MAP_LOCKED) !== 0,
    },
    mode,
  );
  if (r < 0) return r;
  if (flags & MAP_LOCKED) mlock(t.mm, r, r + pageUp(len), true, false);
  if (flags & MAP_POPULATE) {
    for (let a = r; a < r + pageUp(len); a += PAGE_SIZE) if (handleFault(t.mm, a, prot & PROT_WRITE ? 'w' : 'r') !== FAULT_OK) break;
  }
  return r;
}

export function sys_mmap(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return doMmap(k, t, a.ulong(0), a.ulong(1), a.int(2), a.int(3), a.int(4), a.ulong(5));
}

export function sys_munmap(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const addr = a.ulong(0),
    len = a.ulong(1);
  if (inPage(a, 0) || len === 0 || addr + len > TASK_SIZE) return -EINVAL;
  // do_vmi_align_munmap: a hole in the middle of a VMA makes one more, past vm.max_map_count ENOMEM.
  const v = t.mm.find(addr);
  if (v && v.start < addr && addr + pageUp(len) < v.end && t.mm.vmas.length >= maxMapCount.get(k)) return -ENOMEM;
  return munmap(t.mm, addr, len);
}

export function sys_mprotect(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const addr = a.ulong(0),
    len = a.ulong(1),
    prot = a.int(2);
  if (inPage(a, 0)) return -EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 | 0x02000000)) return -EINVAL;
  if (len === 0) return 0;
  return mprotect(t.mm, addr, len, prot & 7);
}

export function sys_madvise(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const addr = a.ulong(0),
    len = a.ulong(1),
    advice = a.int(2);
  if (inPage(a, 0)) return -EINVAL;
  const MADV_DONTNEED = 4,
    MADV_FREE = 8;
  if (advice === MADV_DONTNEED || advice === MADV_FREE) {
    // Dropping private anonymous pages: they read back as zero (Linux semantics).
    const end = pageUp(addr + len);
    for (let va = addr; va < end;) {
      const v = t.mm.find(va);
      if (!v) return -ENOMEM;
      va = v.end;
    }
    t.mm.zap(addr, end);
    return 0;
  }
  if (advice < 0 || (advice > 25 && advice !== 100 && advice !== 101)) return -EINVAL;
  return 0;
}

/**
 * msync walks the VMAs of the range as Linux's does: MS_SYNC writes a shared
 * file mapping's dirty pages back to the file's store; holes in the range
 * give ENOMEM at the end (at once for a plain MS_ASYNC).
 */
export function sys_msync(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const MS_ASYNC = 1,
    MS_INVALIDATE = 2,
    MS_SYNC = 4;
  let start = a.ulong(0);
  const len = a.ulong(1),
    flags = a.int(2);
  if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || inPage(a, 0)) return -EINVAL;
  if (flags & MS_ASYNC && flags & MS_SYNC) return -EINVAL;
  const end = start + pageUp(len);
  if (end >= 2 ** 64) return -ENOMEM;
  if (end === start) return 0;
  let unmappedError = 0;
  let v = firstVmaEndingAfter(t.mm.vmas, start);
  for (;;) {
    if (!v) return -ENOMEM;
    if (start < v.start) {
      if (flags === MS_ASYNC) return -ENOMEM;
      start = v.start;
      if (start >= end) return -ENOMEM;
      unmappedError = -ENOMEM;
    }
    if (flags & MS_INVALIDATE && v.locked) return -EBUSY;
    const from = v.pgoff(start),
      to = v.pgoff(Math.min(end, v.end));
    start = v.end;
    if (flags & MS_SYNC && v.shared) v.mapping?.writeback(from, to);
    if (start >= end) return unmappedError;
    v = firstVmaEndingAfter(t.mm.vmas, start);
  }
}

/** find_vma: the first VMA that ends above addr. */
function firstVmaEndingAfter(vmas: readonly Vma[], addr: number): Vma | null {
  for (const v of vmas) if (v.end > addr) return v;
  return null;
}

export function sys_mremap(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const old = a.ulong(0),
    oldLen = pageUp(a.ulong(1)),
    newLen = pageUp(a.ulong(2)),
    flags = a.int(3);
  const MREMAP_MAYMOVE = 1,
    MREMAP_FIXED = 2;
  if (inPage(a, 0) || newLen === 0 || flags & ~7) return -EINVAL;
  if (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
  return mremap(t.mm, old, oldLen, newLen, (flags & MREMAP_MAYMOVE) !== 0, flags & MREMAP_FIXED ? a.ulong(4) : -1);
}

// ---- memory locking (mm/mlock.c): VM_LOCKED on VMAs, counted in VmLck ----
const MLOCK_ONFAULT = 1,
  MCL_CURRENT = 1,
  MCL_FUTURE = 2,
  MCL_ONFAULT = 4;

/** CAP_IPC_LOCK (can_do_mlock: it, or a nonzero RLIMIT_MEMLOCK). */
const capIpcLock = (t: Task) => capable(t.cred, CAP_IPC_LOCK);
const memlockPages = (t: Task) => Number(t.tg.rlimits[RLIMIT_MEMLOCK][0] / 4096n);

function doMlock(t: Task, addr: number, len: number, onFault: boolean): number {
  if (!capIpcLock(t) && t.tg.rlimits[RLIMIT_MEMLOCK][0] === 0n) return -EPERM;
  const start = addr - (addr % PAGE_SIZE);
  len = pageUp(len + (addr % PAGE_SIZE));
  if (start + len > 2 ** 53) return -EINVAL;
  if (len === 0) return 0;
  if (!capIpcLock(t)) {
    let locked = len / PAGE_SIZE + t.mm.lockedVm;
    // Pages already locked in the range do not count twice.
    if (locked > memlockPages(t)) {
      for (const v of t.mm.vmas) if (v.locked) locked -= Math.max(0, Math.min(v.end, start + len) - Math.max(v.start, start)) / PAGE_SIZE;
    }
    if (locked > memlockPages(t)) return -ENOMEM;
  }
  return mlock(t.mm, start, start + len, true, onFault);
}

export function sys_mlock(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return doMlock(t, a.ulong(0), a.ulong(1), false);
}
export function sys_mlock2(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(2);
  if (flags & ~MLOCK_ONFAULT) return -EINVAL;
  return doMlock(t, a.ulong(0), a.ulong(1), (flags & MLOCK_ONFAULT) !== 0);
}
export function sys_munlock(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const addr = a.ulong(0),
    start = addr - (addr % PAGE_SIZE),
    len = pageUp(a.ulong(1) + (addr % PAGE_SIZE));
  if (len === 0) return 0;
  return mlock(t.mm, start, start + len, false, false);
}
export function sys_mlockall(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(0);
  if (!flags || flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) || flags === MCL_ONFAULT) return -EINVAL;
  if (!capIpcLock(t) && t.tg.rlimits[RLIMIT_MEMLOCK][0] === 0n) return -EPERM;
  if (flags & MCL_CURRENT && !capIpcLock(t) && t.mm.totalVm > memlockPages(t)) return -ENOMEM;
  const mm = t.mm;
  mm.lockFuture = (flags & MCL_FUTURE) !== 0;
  mm.lockOnFault = mm.lockFuture && (flags & MCL_ONFAULT) !== 0;
  if (flags & MCL_CURRENT) for (const v of [...mm.vmas]) mlock(mm, v.start, v.end, true, (flags & MCL_ONFAULT) !== 0);
  return 0;
}
export function sys_munlockall(_k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  const mm = t.mm;
  mm.lockFuture = false;
  mm.lockOnFault = false;
  for (const v of [...mm.vmas]) mlock(mm, v.start, v.end, false, false);
  return 0;
}

// mincore: one byte per page, 1 if present in memory (tmpfs file pages always are).
export function sys_mincore(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const start = a.ulong(0),
    len = a.ulong(1),
    vec = a.ulong(2);
  if (inPage(a, 0)) return -EINVAL;
  if (start + len > TASK_SIZE) return -ENOMEM;
  const pages = Math.ceil(len / PAGE_SIZE);
  if (vec + pages > TASK_SIZE) return -EFAULT;
  const out = new Uint8Array(pages);
  for (let i = 0; i < pages; i++) {
    const va = start + i * PAGE_SIZE;
    const v = t.mm.find(va);
    if (!v) return -ENOMEM;
    const fileOff = v.file ? v.offset + (va - v.start) : -1;
    out[i] = t.mm.resident(va) || (v.file && fileOff < (v.file.size?.() ?? 0)) ? 1 : 0;
  }
  return pages === 0 || t.mm.write(vec, out) ? 0 : -EFAULT;
}

// membarrier: one hart, so every barrier is already satisfied; registrations are per address space.
const MEMBARRIER_CMD_QUERY = 0,
  MEMBARRIER_CMD_GLOBAL = 1,
  MEMBARRIER_CMD_GLOBAL_EXPEDITED = 2,
  MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED = 4,
  MEMBARRIER_CMD_PRIVATE_EXPEDITED = 8,
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 16,
  MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE = 32,
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 64,
  MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ = 128,
  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ = 256,
  MEMBARRIER_CMD_GET_REGISTRATIONS = 512,
  MEMBARRIER_CMD_FLAG_CPU = 1;
const MEMBARRIER_CMD_BITMASK = 0x3ff;
export function sys_membarrier(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const cmd = a.int(0),
    flags = a.int(1);
  if (cmd === MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ) {
    if (flags && flags !== MEMBARRIER_CMD_FLAG_CPU) return -EINVAL;
  } else if (flags) return -EINVAL;
  const mm = t.mm;
  const needs = (reg: number) => (mm.membarrier & reg ? 0 : -EPERM);
  switch (cmd) {
    case MEMBARRIER_CMD_QUERY:
      return MEMBARRIER_CMD_BITMASK;
    case MEMBARRIER_CMD_GLOBAL:
      return 0;
    case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
      return 0;
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
      return needs(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
      return needs(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE);
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ:
      return needs(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ);
    case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ:
      mm.membarrier |= cmd;
      return 0;
    case MEMBARRIER_CMD_GET_REGISTRATIONS:
      return mm.membarrier;
    default:
      return -EINVAL;
  }
}
