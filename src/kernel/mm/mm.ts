// An address space (Linux's mm_struct): the VMAs, the Sv39 page table that the
// hart walks, the heap break and the resident-page counters, with fork's copy
// and the release at exit or exec. What changes the mappings (mmap, munmap,
// mprotect, mlock, brk, mremap) is in mmap.ts, the page-fault handler in
// fault.ts: callers use those directly (mmapRegion(mm, ...), handleFault(mm,
// ...)). Copies to and from user memory are in usercopy.ts; the read/write
// methods below are their entry points, as copy_from_user is a task's.
import { PageTable, PTE_D, PTE_V, PTE_W, ptePage } from './pagetable.js';
import { isSwapPte, pteToSwpEntry } from './swapops.js';
import type { PageAllocator } from './pagealloc.js';
import type { Vma, VmaOwner } from './vma.js';
import { PAGE_SIZE, TASK_SIZE } from './layout.js';
import { accountedPages } from './overcommit.js';
import { copyFromUser, copyToUser, probeWritable, readInto, readPtr, readU32, readU64, strncpyFromUser, writeU32, writeU64 } from './usercopy.js';

export { PAGE_SIZE, TASK_SIZE, STACK_TOP, MMAP_BASE, MMAP_MIN_ADDR, pageDown, pageUp } from './layout.js';
export { FAULT_OK, FAULT_MAPERR, FAULT_ACCERR, FAULT_SIGBUS, FAULT_OOM, type FaultResult } from './fault.js';
export type { MapMode, MapRequest } from './mmap.js';

export interface TlbShootdown {
  flush(mm: Mm): void;
}

export class Mm implements VmaOwner {
  vmas: Vma[] = [];
  brkStart = 0;
  brk = 0;
  startStack = 0;
  /** /proc/PID/cmdline and environ read these ranges. */
  argStart = 0;
  argEnd = 0;
  /** mm->saved_auxv: the auxiliary vector execve gave the program (a core's NT_AUXV), AT_NULL included. */
  savedAuxv: Uint8Array = new Uint8Array(16);
  envStart = 0;
  envEnd = 0;
  users = 1;
  /** Resident pages, for /proc (VmRSS): all of them, and those of files and of shmem (RssFile, RssShmem). */
  rss = 0;
  rssFile = 0;
  rssShmem = 0;
  totalVm = 0;
  /** Swap entries in the page table (MM_SWAPENTS). */
  swapEnts = 0;
  /** Where reclaim's clock stopped in this address space (a vpn: vmscan.ts). */
  reclaimHand = 0;
  /** MMF_OOM_VICTIM: the OOM killer chose this mm; MMF_OOM_SKIP: its memory was reaped, never choose it again. */
  oomVictim = false;
  oomSkip = false;
  faults = { minor: 0, major: 0 };

  private constructor(
    readonly alloc: PageAllocator,
    readonly pt: PageTable,
    readonly tlb: TlbShootdown,
  ) {}

  static create(alloc: PageAllocator, tlb: TlbShootdown): Mm | null {
    const pt = PageTable.create(alloc);
    return pt ? new Mm(alloc, pt, tlb) : null;
  }

  get root(): number {
    return this.pt.root;
  }

  find(addr: number): Vma | null {
    // Binary search over the sorted VMAs.
    let lo = 0,
      hi = this.vmas.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.vmas[mid];
      if (addr < v.start) hi = mid - 1;
      else if (addr >= v.end) lo = mid + 1;
      else return v;
    }
    return null;
  }

  /** Link a new VMA into the sorted list (vma_link). */
  insert(v: Vma): void {
    // Binary search for the slot: a process may have vm.max_map_count (65530) VMAs.
    let i = 0,
      hi = this.vmas.length;
    while (i < hi) {
      const mid = (i + hi) >> 1;
      if (this.vmas[mid].start < v.start) i = mid + 1;
      else hi = mid;
    }
    this.vmas.splice(i, 0, v);
    this.link(v);
    this.totalVm += (v.end - v.start) / PAGE_SIZE;
  }

  /** v belongs to this mm now; a file VMA joins its file's reverse map (i_mmap). */
  link(v: Vma): void {
    const fresh = v.owner !== this;
    v.owner = this;
    v.mapping?.vmas.add(v);
    if (fresh) v.file?.open?.();
  }

  /** v leaves this mm: it leaves its file's reverse map, and the file loses a user. */
  unlink(v: Vma): void {
    const m = v.mapping;
    v.owner = null;
    if (m && m.vmas.delete(v) && m.vmas.size === 0) m.host.unmapped?.();
    v.file?.close?.();
  }

  /** A PTE to `page` comes (+1) or goes (-1): the RSS counters by page kind. */
  account(page: number, delta: number): void {
    this.rss += delta;
    const owner = this.alloc.mapping[page];
    if (owner) {
      if (owner.shmem) this.rssShmem += delta;
      else this.rssFile += delta;
    }
  }

  /** A PTE is gone: its dirty bit moves to the page (set_page_dirty), its reference is dropped; a swap entry's slot loses a reference. */
  dropPte(lo: number, hi: number): void {
    if (isSwapPte(lo, hi)) {
      this.alloc.swap?.put(pteToSwpEntry(lo, hi));
      this.swapEnts--;
      return;
    }
    const page = ptePage(lo, hi);
    if (lo & PTE_D) this.alloc.mapping[page]?.setDirty(page);
    this.account(page, -1);
    this.alloc.put(page);
  }

  overlaps(start: number, end: number): boolean {
    // The VMAs are sorted and disjoint: only the first one ending above start can reach below end.
    let lo = 0,
      hi = this.vmas.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.vmas[mid].end > start) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.vmas.length && this.vmas[lo].start < end;
  }

  /** Is the page at addr present in the page table (mincore)? */
  resident(addr: number): boolean {
    const e = this.pt.pteIndex(Math.floor(addr / PAGE_SIZE), false);
    return e >= 0 && (this.alloc.mem.i32[e] & PTE_V) !== 0;
  }

  /** Split VMAs so that addr is a boundary. */
  splitAt(addr: number): void {
    const v = this.find(addr);
    if (v && v.start !== addr) {
      const tail = v.splitAt(addr);
      this.vmas.splice(this.vmas.indexOf(v) + 1, 0, tail);
      this.link(tail);
    }
  }

  /** Drop the pages of [start, end) from the page table, and the swap entries (zap_pte_range). */
  zap(start: number, end: number): void {
    const i32 = this.alloc.mem.i32;
    let any = false;
    this.pt.forEach(
      start / PAGE_SIZE,
      end / PAGE_SIZE,
      (e) => {
        any ||= (i32[e] & PTE_V) !== 0;
        this.dropPte(i32[e], i32[e + 1]);
        i32[e] = 0;
        i32[e + 1] = 0;
      },
      'all',
    );
    if (any) this.tlb.flush(this);
  }

  /** The part of v that maps file pages [from, to), as addresses (empty if none). */
  private fileRange(v: Vma, from: number, to: number): [number, number] {
    const base = v.start - v.offset;
    return [Math.max(v.start, base + from * PAGE_SIZE), Math.min(v.end, base + Math.min(to, 2 ** 40) * PAGE_SIZE)];
  }

  zapFilePages(v: Vma, from: number, to: number): void {
    const [s, e] = this.fileRange(v, from, to);
    if (s < e) this.zap(s, e);
  }

  mkclean(v: Vma, index: number): void {
    const [s, e] = this.fileRange(v, index, index + 1);
    if (s >= e) return;
    const pe = this.pt.pteIndex(s / PAGE_SIZE, false);
    const i32 = this.alloc.mem.i32;
    if (pe < 0 || !(i32[pe] & PTE_V) || !(i32[pe] & (PTE_W | PTE_D))) return;
    i32[pe] &= ~(PTE_W | PTE_D);
    this.tlb.flush(this);
  }

  vdso = 0;
  /** mm->flags that prctl sets: dumpable (PR_SET_DUMPABLE), THP disabled (PR_SET_THP_DISABLE). */
  dumpable = 1;
  thpDisable = false;
  /** mlockall(MCL_FUTURE): new mappings are locked (mm->def_flags VM_LOCKED). */
  lockFuture = false;
  lockOnFault = false;
  /** membarrier registrations of this address space (MEMBARRIER_CMD_REGISTER_* bits). */
  membarrier = 0;
  /** Pages in locked VMAs (VmLck). */
  get lockedVm(): number {
    let n = 0;
    for (const v of this.vmas) if (v.locked) n += (v.end - v.start) / PAGE_SIZE;
    return n;
  }

  /** Copy of this address space for fork: private pages become copy-on-write. */
  fork(): Mm | null {
    // dup_mmap charges the child's copies of the accounted mappings.
    if (this.alloc.commit && !this.alloc.commit.enough(this, accountedPages(this))) return null;
    const child = Mm.create(this.alloc, this.tlb);
    if (!child) return null;
    // Memory locks are not inherited; the dumpable and THP flags are (MMF_INIT_MASK).
    child.vmas = this.vmas.map((v) => {
      const c = v.clone();
      c.locked = false;
      c.lockOnFault = false;
      return c;
    });
    for (const v of child.vmas) child.link(v);
    child.dumpable = this.dumpable;
    child.savedAuxv = this.savedAuxv;
    child.thpDisable = this.thpDisable;
    for (const k of ['brkStart', 'brk', 'startStack', 'argStart', 'argEnd', 'envStart', 'envEnd', 'totalVm', 'rss', 'rssFile', 'rssShmem', 'vdso'] as const)
      child[k] = this[k];
    const i32 = this.alloc.mem.i32;
    let ok = true;
    for (const v of this.vmas) {
      this.pt.forEach(
        v.start / PAGE_SIZE,
        v.end / PAGE_SIZE,
        (e, vpn) => {
          // The child's table first: allocating it may reclaim, and swap out the very page this PTE maps.
          const ce = child.pt.pteIndex(vpn, true);
          if (ce < 0) {
            ok = false;
            return true;
          }
          const lo = i32[e],
            hi = i32[e + 1];
          if (!(lo & PTE_V)) {
            // copy_nonpresent_pte: the child's entry is one more reference on the slot.
            if (!this.alloc.swap?.dup(pteToSwpEntry(lo, hi))) {
              ok = false;
              return true;
            }
            child.swapEnts++;
          } else {
            const page = ptePage(lo, hi);
            if (!v.shared) i32[e] &= ~PTE_W;
            this.alloc.get(page);
          }
          i32[ce] = i32[e];
          i32[ce + 1] = hi;
        },
        'all',
      );
      if (!ok) break;
    }
    this.tlb.flush(this);
    if (!ok) {
      child.release();
      return null;
    }
    return child;
  }

  /** Drop every mapping, swap entry and the page table (exit or exec). */
  release(): void {
    const i32 = this.alloc.mem.i32;
    this.pt.forEach(0, TASK_SIZE / PAGE_SIZE, (e) => this.dropPte(i32[e], i32[e + 1]), 'all');
    this.pt.destroy();
    for (const v of this.vmas) this.unlink(v);
    this.vmas = [];
    this.rss = 0;
    this.rssFile = 0;
    this.rssShmem = 0;
    this.swapEnts = 0;
  }

  // ---- user memory access (copy_from_user / copy_to_user): usercopy.ts ----

  /** Bytes from user memory, or null on EFAULT. */
  read(addr: number, len: number): Uint8Array | null {
    return copyFromUser(this, addr, len);
  }

  readInto(addr: number, out: Uint8Array): boolean {
    return readInto(this, addr, out);
  }

  write(addr: number, data: Uint8Array): boolean {
    return copyToUser(this, addr, data);
  }

  /** Can the kernel store into [addr, addr+len)? Faults the pages in as a store would. */
  probeWritable(addr: number, len: number): boolean {
    return probeWritable(this, addr, len);
  }

  /** NUL-terminated string (without the NUL), at most max bytes; null on EFAULT or too long. */
  readCString(addr: number, max: number): Uint8Array | null {
    return strncpyFromUser(this, addr, max);
  }

  readU64(addr: number): bigint | null {
    return readU64(this, addr);
  }

  /** A pointer-sized value as a JS number (exact below 2^53). */
  readPtr(addr: number): number | null {
    return readPtr(this, addr);
  }

  readU32(addr: number): number | null {
    return readU32(this, addr);
  }

  writeU32(addr: number, v: number): boolean {
    return writeU32(this, addr, v);
  }

  writeU64(addr: number, v: bigint | number): boolean {
    return writeU64(this, addr, v);
  }
}
