// What changes an address space's mappings (Linux's mm/mmap.c, mprotect.c,
// mlock.c, mremap.c): placing and linking new VMAs, unmapping, protection
// changes, locking, the heap break and moving a mapping. Pages are not touched
// here beyond zapping and re-pointing PTEs: fault.ts fills them on first use.
import { ptePage, PTE_D, PTE_R, PTE_W, PTE_X } from './pagetable.js';
import { Vma, PROT_READ, PROT_WRITE, PROT_EXEC, type MapSource } from './vma.js';
import { MMAP_BASE, MMAP_MIN_ADDR, PAGE_SIZE, TASK_SIZE, pageDown, pageUp } from './layout.js';
import { handleFault, pteProt } from './fault.js';
import { EACCES, EEXIST, EFAULT, EINVAL, ENOMEM } from '../errno.js';
import type { Mm } from './mm.js';
import { accountedPages } from './overcommit.js';

/** How mmap treats the address: a hint, MAP_FIXED (replaces what is there) or MAP_FIXED_NOREPLACE (EEXIST). */
export type MapMode = 'hint' | 'fixed' | 'noreplace';

/** What a new mapping is: mmap's prot and flags, and the file behind it, as mmap_region receives them. */
export interface MapRequest {
  prot: number;
  shared: boolean;
  /** The file (or special image: the vDSO, shmem) behind the pages; none for anonymous memory. */
  file?: MapSource | null;
  /** File offset of the mapping's first byte. */
  offset?: number;
  /** The name /proc/PID/maps shows for an anonymous mapping ('[heap]', '[stack]'). */
  name?: string;
  /** Bytes at or above this address read as zero (an ELF segment's bss tail). */
  zeroFrom?: number;
  growsDown?: boolean;
  /** false: mprotect may not add PROT_WRITE (VM_MAYWRITE clear). */
  mayWrite?: boolean;
  noReserve?: boolean;
  locked?: boolean;
}

/** Highest free gap of `len` bytes below `top` (Linux's top-down allocator). */
export function unmappedArea(mm: Mm, len: number, top = MMAP_BASE): number {
  let end = top;
  for (let i = mm.vmas.length - 1; i >= 0; i--) {
    const v = mm.vmas[i];
    if (v.start >= end) continue;
    if (v.end <= end - len) break;
    end = v.start;
  }
  const start = end - len;
  if (start < MMAP_MIN_ADDR) return -ENOMEM;
  // Any VMA between start and end? (vmas below `end` that reach above start)
  if (mm.overlaps(start, end)) return unmappedAreaSlow(mm, len, top);
  return start;
}

export function unmappedAreaSlow(mm: Mm, len: number, top: number): number {
  let end = top;
  for (let i = mm.vmas.length - 1; i >= -1; i--) {
    const v = i >= 0 ? mm.vmas[i] : null;
    const gapStart = v ? v.end : MMAP_MIN_ADDR;
    if (gapStart >= end) {
      if (v) end = Math.min(end, v.start);
      continue;
    }
    if (end - gapStart >= len) return end - len;
    if (v) end = v.start;
  }
  return -ENOMEM;
}

/**
 * Map a range; returns the address or -errno. `fixed` replaces what's there,
 * `noReplace` fails with EEXIST instead.
 */
export function mmapRegion(mm: Mm, addr: number, len: number, v: MapRequest, mode: MapMode): number {
  len = pageUp(len);
  if (len === 0 || len > TASK_SIZE) return -ENOMEM;
  let start: number;
  if (mode !== 'hint') {
    if (addr % PAGE_SIZE) return -EINVAL;
    if (addr + len > TASK_SIZE || addr < 0) return -ENOMEM;
    if (mode === 'noreplace' && mm.overlaps(addr, addr + len)) return -EEXIST;
    start = addr;
  } else {
    addr = pageDown(addr);
    if (addr >= MMAP_MIN_ADDR && addr + len <= TASK_SIZE && !mm.overlaps(addr, addr + len)) start = addr;
    else {
      start = unmappedArea(mm, len);
      if (start < 0) return start;
    }
  }
  // accountable_mapping: private and writable, and MAP_NORESERVE unless overcommit is never (mmap_region's charge).
  const commit = mm.alloc.commit;
  const noReserve = !!v.noReserve && !commit?.never();
  const accounted = !v.shared && (v.prot & PROT_WRITE) !== 0 && !noReserve;
  // MAP_FIXED over accounted pages charges only the difference (they are uncharged as they go).
  const replaces = mode !== 'hint' && mm.overlaps(start, start + len);
  if (accounted && commit && !commit.enough(mm, len / PAGE_SIZE - (replaces ? accountedPages(mm, start, start + len) : 0))) return -ENOMEM;
  if (replaces) munmap(mm, start, len);
  const vma = new Vma(start, start + len, v.prot, v.shared, v.file ?? null, v.offset ?? 0, v.name ?? '');
  if (v.zeroFrom !== undefined) vma.zeroFrom = v.zeroFrom;
  if (v.growsDown) vma.growsDown = true;
  if (v.mayWrite === false) vma.mayWrite = false;
  if (v.noReserve) vma.noReserve = true;
  if (v.locked) vma.locked = true;
  vma.accounted = accounted;
  if (mm.lockFuture) {
    vma.locked = true;
    vma.lockOnFault = mm.lockOnFault;
  }
  mm.insert(vma);
  return start;
}

/**
 * mlock/munlock over [start, end): -ENOMEM if part of it is unmapped
 * (nothing changes then). Locked pages are faulted in unless lock-on-fault.
 */
export function mlock(mm: Mm, start: number, end: number, locked: boolean, onFault: boolean): number {
  for (let a = start; a < end;) {
    const v = mm.find(a);
    if (!v) return -ENOMEM;
    a = v.end;
  }
  mm.splitAt(start);
  mm.splitAt(end);
  for (const v of mm.vmas) {
    if (v.end <= start || v.start >= end) continue;
    v.locked = locked;
    v.lockOnFault = locked && onFault;
    if (locked && !onFault && v.prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) {
      for (let a = v.start; a < v.end; a += PAGE_SIZE) handleFault(mm, a, v.prot & PROT_WRITE && !v.shared ? 'w' : 'r');
    }
  }
  mergeAdjacent(mm);
  return 0;
}

export function munmap(mm: Mm, start: number, len: number): number {
  if (start % PAGE_SIZE || len === 0) return -EINVAL;
  const end = pageUp(start + len);
  if (end > TASK_SIZE) return -EINVAL;
  mm.splitAt(start);
  mm.splitAt(end);
  // After the splits the VMAs inside [start, end) are a contiguous run of the
  // sorted list: find it by binary search (a process may have 65530 VMAs).
  const vmas = mm.vmas;
  let lo = 0,
    hi = vmas.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (vmas[mid].end > start) hi = mid;
    else lo = mid + 1;
  }
  let last = lo;
  while (last < vmas.length && vmas[last].start < end) last++;
  const gone = vmas.splice(lo, last - lo);
  for (const v of gone) mm.totalVm -= (v.end - v.start) / PAGE_SIZE;
  mm.zap(start, end);
  // After the PTEs: the last unmap of an unlinked file frees its pages.
  for (const v of gone) mm.unlink(v);
  return 0;
}

export function mprotect(mm: Mm, start: number, len: number, prot: number): number {
  if (start % PAGE_SIZE) return -EINVAL;
  const end = pageUp(start + len);
  if (end <= start) return len === 0 ? 0 : -EINVAL;
  // Every page of the range must be mapped, and may take the new protection (VM_MAY*).
  for (let a = start; a < end;) {
    const v = mm.find(a);
    if (!v) return -ENOMEM;
    if (prot & PROT_WRITE && !v.mayWrite) return -EACCES;
    a = v.end;
  }
  // mprotect_fixup: a private mapping becoming writable is charged now (unless already charged or MAP_NORESERVE).
  if (prot & PROT_WRITE && mm.alloc.commit) {
    let charge = 0;
    for (const v of mm.vmas)
      if (v.end > start && v.start < end && !v.shared && !v.accounted && !(v.prot & PROT_WRITE) && !v.noReserve)
        charge += (Math.min(v.end, end) - Math.max(v.start, start)) / PAGE_SIZE;
    if (!mm.alloc.commit.enough(mm, charge)) return -ENOMEM;
  }
  mm.splitAt(start);
  mm.splitAt(end);
  for (const v of mm.vmas) {
    if (v.start < start || v.end > end) continue;
    v.prot = prot;
    if (prot & PROT_WRITE && !v.shared) v.accounted = true;
  }
  const i32 = mm.alloc.mem.i32;
  mm.pt.forEach(start / PAGE_SIZE, end / PAGE_SIZE, (e, vpn) => {
    const v = mm.find(vpn * PAGE_SIZE)!;
    const page = ptePage(i32[e], i32[e + 1]);
    let lo = i32[e] & ~(PTE_R | PTE_W | PTE_X);
    lo |= pteProt(mm, v, page, (lo & PTE_D) !== 0);
    i32[e] = lo;
  });
  mergeAdjacent(mm);
  mm.tlb.flush(mm);
  return 0;
}

/** Merge neighbouring anonymous VMAs with identical attributes (as vma_merge does). */
export function mergeAdjacent(mm: Mm): void {
  const out: Vma[] = [];
  for (const v of mm.vmas) {
    const p = out[out.length - 1];
    if (
      p &&
      p.end === v.start &&
      p.prot === v.prot &&
      p.shared === v.shared &&
      !p.file &&
      !v.file &&
      p.name === v.name &&
      p.growsDown === v.growsDown &&
      p.mayWrite === v.mayWrite &&
      p.noReserve === v.noReserve &&
      p.locked === v.locked &&
      p.lockOnFault === v.lockOnFault &&
      p.accounted === v.accounted
    ) {
      p.end = v.end;
      mm.unlink(v);
    } else out.push(v);
  }
  mm.vmas = out;
}

export function brk(mm: Mm, newBrk: number): number {
  if (newBrk < mm.brkStart) return mm.brk;
  const oldEnd = pageUp(mm.brk),
    newEnd = pageUp(newBrk);
  if (newEnd > oldEnd) {
    if (mm.overlaps(oldEnd, newEnd + PAGE_SIZE)) return mm.brk;
    // do_brk_flags: the heap is charged as it grows.
    if (mm.alloc.commit && !mm.alloc.commit.enough(mm, (newEnd - oldEnd) / PAGE_SIZE)) return mm.brk;
    const heap = mm.vmas.find((v) => v.name === '[heap]');
    if (heap && heap.end === oldEnd) {
      heap.end = newEnd;
      mm.totalVm += (newEnd - oldEnd) / PAGE_SIZE;
    } else mmapRegion(mm, oldEnd, newEnd - oldEnd, { prot: PROT_READ | PROT_WRITE, shared: false, name: '[heap]' }, 'fixed');
  } else if (newEnd < oldEnd) {
    munmap(mm, newEnd, oldEnd - newEnd);
  }
  mm.brk = newBrk;
  mergeAdjacent(mm);
  return newBrk;
}

/** mremap: shrink, grow in place, or move the pages to a new range. */
export function mremap(mm: Mm, old: number, oldLen: number, newLen: number, mayMove: boolean, fixed: number): number {
  const v = mm.find(old);
  if (!v || v.end < old + oldLen) return -EFAULT;
  // vma_to_resize: growing an accounted mapping charges the growth.
  if (newLen > oldLen && v.accounted && mm.alloc.commit && !mm.alloc.commit.enough(mm, pageUp(newLen - oldLen) / PAGE_SIZE)) return -ENOMEM;
  if (fixed < 0 && newLen <= oldLen) {
    if (newLen < oldLen) munmap(mm, old + newLen, oldLen - newLen);
    return old;
  }
  if (fixed < 0 && v.end === old + oldLen && !mm.overlaps(old + oldLen, old + newLen) && old + newLen <= TASK_SIZE) {
    v.end = old + newLen;
    mm.totalVm += (newLen - oldLen) / PAGE_SIZE;
    return old;
  }
  if (!mayMove) return -ENOMEM;
  let dst: number;
  if (fixed >= 0) {
    if (fixed % PAGE_SIZE) return -EINVAL;
    if (fixed < old + oldLen && fixed + newLen > old) return -EINVAL;
    munmap(mm, fixed, newLen);
    dst = fixed;
  } else {
    dst = unmappedArea(mm, newLen);
    if (dst < 0) return dst;
  }
  mm.splitAt(old);
  mm.splitAt(old + oldLen);
  const moved = mm.vmas.filter((x) => x.start >= old && x.end <= old + oldLen);
  mm.vmas = mm.vmas.filter((x) => !moved.includes(x));
  const i32 = mm.alloc.mem.i32;
  const delta = dst - old;
  for (const m of moved) {
    m.start += delta;
    m.end += delta;
  }
  const last = moved[moved.length - 1];
  if (last) last.end = dst + newLen;
  for (const m of moved) mm.insert(m);
  mm.totalVm -= oldLen / PAGE_SIZE;
  const entries: [number, number, number][] = [];
  // Swap entries move with the pages (move_ptes moves every entry).
  mm.pt.forEach(
    old / PAGE_SIZE,
    (old + oldLen) / PAGE_SIZE,
    (e, vpn) => {
      entries.push([vpn, i32[e], i32[e + 1]]);
      i32[e] = 0;
      i32[e + 1] = 0;
    },
    'all',
  );
  for (const [vpn, lo, hi] of entries) {
    const ne = mm.pt.pteIndex(vpn + delta / PAGE_SIZE, true);
    if (ne < 0) return -ENOMEM;
    i32[ne] = lo;
    i32[ne + 1] = hi;
  }
  mm.tlb.flush(mm);
  return dst;
}

/**
 * mapping_writably_mapped: whether a shared mapping that may write (VM_SHARED
 * with VM_MAYWRITE, what i_mmap_writable counts) maps this page cache in any
 * of the tasks' address spaces.
 */
export function mappingWritablyMapped(tasks: Iterable<{ mm: Mm }>, mapping: object | null): boolean {
  if (!mapping) return false;
  const seen = new Set<Mm>();
  for (const t of tasks) {
    if (seen.has(t.mm)) continue;
    seen.add(t.mm);
    for (const v of t.mm.vmas) if (v.shared && v.mayWrite && v.mapping === mapping) return true;
  }
  return false;
}
