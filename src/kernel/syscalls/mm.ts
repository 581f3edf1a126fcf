// Memory system calls: brk, mmap, munmap, mprotect, mremap, madvise, msync.
import { define } from './table.js';
import { NR } from './nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EACCES, EBADF, EBUSY, EINVAL, ENODEV, ENOMEM } from '../errno.js';
import { PAGE_SIZE, TASK_SIZE, pageUp, FAULT_OK } from '../mm/mm.js';
import { PROT_READ, PROT_WRITE, PROT_EXEC, MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE, MAP_FIXED, MAP_ANONYMOUS,
  MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_GROWSDOWN, MAP_STACK, MAP_NORESERVE, MAP_DENYWRITE, MAP_EXECUTABLE, MAP_LOCKED, MAP_NONBLOCK, MAP_HUGETLB, type MapSource, type Vma } from '../mm/vma.js';
import { isReg } from '../fs/inode.js';
import { dPath } from '../fs/namei.js';
import { shmemZeroSetup } from '../mm/shmem.js';

define(NR.brk, (k, t) => t.mm.setBrk(k.arg(0)));

export function doMmap(k: Kernel, t: Task, addr: number, len: number, prot: number, flags: number, fd: number, off: number): number {
  if (len === 0) return -EINVAL;
  if (off % PAGE_SIZE) return -EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 | 0x02000000)) return -EINVAL;
  const type = flags & MAP_SHARED_VALIDATE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
  const known = MAP_SHARED_VALIDATE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED |
    MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_FIXED_NOREPLACE | 0x80000 /* MAP_SYNC */;
  if (type === MAP_SHARED_VALIDATE && (flags & ~known)) return -95; // EOPNOTSUPP
  if (pageUp(len) > TASK_SIZE || len > TASK_SIZE) return -ENOMEM;
  const shared = type !== MAP_PRIVATE;
  let file: MapSource | null = null;
  let mayWrite = true;
  if (!(flags & MAP_ANONYMOUS)) {
    const f = t.files.get(fd);
    if (!f) return -EBADF;
    if (!f.readable) return -EACCES;
    if (shared && (prot & PROT_WRITE) && !f.writable) return -EACCES;
    const inode = f.inode;
    if (!isReg(inode.mode)) {
      if ((inode.mode & 0o170000) === 0o020000) return -ENODEV;
      return -ENODEV;
    }
    file = { mapping: inode.mapping, readAt: (o, dst) => inode.readAt(o, dst), size: () => inode.size, dev: inode.sb.dev, ino: inode.ino, path: dPath(f.path, k.vfs.root) };
    // VM_MAYWRITE: a shared mapping of a read-only file can never become writable.
    if (shared && !f.writable) mayWrite = false;
  } else if (shared) {
    // Linux ignores the offset of a shared anonymous mapping.
    off = 0;
  }
  const mode = flags & MAP_FIXED_NOREPLACE ? 'noreplace' : flags & MAP_FIXED ? 'fixed' : 'hint';
  if (mode !== 'hint' && addr % PAGE_SIZE) return -EINVAL;
  if (!file && shared) file = shmemZeroSetup(k.pageCache, pageUp(len));
  const r = t.mm.map(addr, len, {
    prot, shared, file, offset: off, growsDown: (flags & MAP_GROWSDOWN) !== 0, mayWrite,
    noReserve: (flags & MAP_NORESERVE) !== 0, locked: (flags & MAP_LOCKED) !== 0,
  } as never, mode);
  if (r < 0) return r;
  if (flags & MAP_POPULATE) {
    for (let a = r; a < r + pageUp(len); a += PAGE_SIZE) if (t.mm.fault(a, prot & PROT_WRITE ? 'w' : 'r') !== FAULT_OK) break;
  }
  return r;
}

define(NR.mmap, (k, t) => doMmap(k, t, k.arg(0), k.arg(1), k.argInt(2), k.argInt(3), k.argInt(4), k.arg(5)));

define(NR.munmap, (k, t) => {
  const addr = k.arg(0), len = k.arg(1);
  if (addr % PAGE_SIZE || len === 0 || addr + len > TASK_SIZE) return -EINVAL;
  return t.mm.unmap(addr, len);
});

define(NR.mprotect, (k, t) => {
  const addr = k.arg(0), len = k.arg(1), prot = k.argInt(2);
  if (addr % PAGE_SIZE) return -EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 | 0x02000000)) return -EINVAL;
  if (len === 0) return 0;
  return t.mm.protect(addr, len, prot & 7);
});

define(NR.madvise, (k, t) => {
  const addr = k.arg(0), len = k.arg(1), advice = k.argInt(2);
  if (addr % PAGE_SIZE) return -EINVAL;
  const MADV_DONTNEED = 4, MADV_FREE = 8;
  if (advice === MADV_DONTNEED || advice === MADV_FREE) {
    // Dropping private anonymous pages: they read back as zero (Linux semantics).
    const end = pageUp(addr + len);
    for (let a = addr; a < end;) {
      const v = t.mm.find(a);
      if (!v) return -ENOMEM;
      a = v.end;
    }
    t.mm.discard(addr, end);
    return 0;
  }
  if (advice < 0 || (advice > 25 && advice !== 100 && advice !== 101)) return -EINVAL;
  return 0;
});

/**
 * msync walks the VMAs of the range as Linux's does: MS_SYNC writes a shared
 * file mapping's dirty pages back to the file's store; holes in the range
 * give ENOMEM at the end (at once for a plain MS_ASYNC).
 */
define(NR.msync, (k, t) => {
  const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
  let start = k.arg(0);
  const len = k.arg(1), flags = k.argInt(2);
  if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || start % PAGE_SIZE) return -EINVAL;
  if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -EINVAL;
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
    if ((flags & MS_INVALIDATE) && v.locked) return -EBUSY;
    const from = v.pgoff(start), to = v.pgoff(Math.min(end, v.end));
    start = v.end;
    if ((flags & MS_SYNC) && v.shared) v.mapping?.writeback(from, to);
    if (start >= end) return unmappedError;
    v = firstVmaEndingAfter(t.mm.vmas, start);
  }
});

/** find_vma: the first VMA that ends above addr. */
function firstVmaEndingAfter(vmas: readonly Vma[], addr: number): Vma | null {
  for (const v of vmas) if (v.end > addr) return v;
  return null;
}

define(NR.mremap, (k, t) => {
  const old = k.arg(0), oldLen = pageUp(k.arg(1)), newLen = pageUp(k.arg(2)), flags = k.argInt(3);
  const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
  if (old % PAGE_SIZE || newLen === 0 || (flags & ~7)) return -EINVAL;
  if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
  return t.mm.remap(old, oldLen, newLen, (flags & MREMAP_MAYMOVE) !== 0, flags & MREMAP_FIXED ? k.arg(4) : -1);
});

for (const nr of [NR.mlock, NR.munlock, NR.mlockall, NR.munlockall, NR.mlock2]) define(nr, () => 0);

