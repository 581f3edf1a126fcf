// An address space (Linux's mm_struct): the VMAs, the Sv39 page table that the
// hart walks, the heap break, and the page-fault handler that fills pages lazily.
import { PageTable, PTE_A, PTE_D, PTE_R, PTE_W, PTE_X, PTE_V, PTE_U, ptePage, makePte } from './pagetable.js';
import type { PageAllocator } from './pagealloc.js';
import { Vma, PROT_READ, PROT_WRITE, PROT_EXEC, type VmaOwner } from './vma.js';
import { EACCES, EEXIST, EINVAL, ENOMEM } from '../errno.js';

export const PAGE_SIZE = 4096;
/** sv39 user address space size (Linux TASK_SIZE on riscv64 with sv39). */
export const TASK_SIZE = 0x40_0000_0000;
export const STACK_TOP = TASK_SIZE;
/** Top-down mmap area starts below the stack gap (Linux's MIN_GAP of 128 MiB). */
export const MMAP_BASE = TASK_SIZE - 128 * 1024 * 1024;
export const MMAP_MIN_ADDR = 0x10000;
const STACK_LIMIT = 8 * 1024 * 1024;
/** Pages a file read fault maps around itself (fault_around_bytes / PAGE_SIZE). */
const FAULT_AROUND = 16;

export const pageDown = (a: number) => a - (a % PAGE_SIZE);
export const pageUp = (a: number) => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;

export type FaultResult = 0 | 1 | 2 | 3; // ok, SEGV_MAPERR, SEGV_ACCERR, SIGBUS (file page beyond EOF)
export const FAULT_OK = 0, FAULT_MAPERR = 1, FAULT_ACCERR = 2, FAULT_SIGBUS = 3;

export interface TlbShootdown { flush(mm: Mm): void }

export class Mm implements VmaOwner {
  vmas: Vma[] = [];
  brkStart = 0;
  brk = 0;
  startStack = 0;
  /** /proc/PID/cmdline and environ read these ranges. */
  argStart = 0; argEnd = 0; envStart = 0; envEnd = 0;
  users = 1;
  /** Resident pages, for /proc (VmRSS): all of them, and those of files and of shmem (RssFile, RssShmem). */
  rss = 0;
  rssFile = 0;
  rssShmem = 0;
  totalVm = 0;
  faults = { minor: 0, major: 0 };

  private constructor(readonly alloc: PageAllocator, readonly pt: PageTable, readonly tlb: TlbShootdown) {}

  static create(alloc: PageAllocator, tlb: TlbShootdown): Mm | null {
    const pt = PageTable.create(alloc);
    return pt ? new Mm(alloc, pt, tlb) : null;
  }

  get root(): number { return this.pt.root; }

  find(addr: number): Vma | null {
    // Binary search over the sorted VMAs.
    let lo = 0, hi = this.vmas.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.vmas[mid];
      if (addr < v.start) hi = mid - 1;
      else if (addr >= v.end) lo = mid + 1;
      else return v;
    }
    return null;
  }

  private insert(v: Vma): void {
    let i = 0;
    while (i < this.vmas.length && this.vmas[i].start < v.start) i++;
    this.vmas.splice(i, 0, v);
    this.link(v);
    this.totalVm += (v.end - v.start) / PAGE_SIZE;
  }

  /** v belongs to this mm now; a file VMA joins its file's reverse map (i_mmap). */
  private link(v: Vma): void {
    const fresh = v.owner !== this;
    v.owner = this;
    v.mapping?.vmas.add(v);
    if (fresh) v.file?.open?.();
  }

  private unlink(v: Vma): void {
    const m = v.mapping;
    v.owner = null;
    if (m && m.vmas.delete(v) && m.vmas.size === 0) m.host.unmapped?.();
    v.file?.close?.();
  }

  /** A PTE to `page` comes (+1) or goes (-1): the RSS counters by page kind. */
  private account(page: number, delta: number): void {
    this.rss += delta;
    const owner = this.alloc.mapping[page];
    if (owner) { if (owner.shmem) this.rssShmem += delta; else this.rssFile += delta; }
  }

  /** A PTE is gone: its dirty bit moves to the page (set_page_dirty), its reference is dropped. */
  private dropPte(lo: number, hi: number): void {
    const page = ptePage(lo, hi);
    if (lo & PTE_D) this.alloc.mapping[page]?.setDirty(page);
    this.account(page, -1);
    this.alloc.put(page);
  }

  overlaps(start: number, end: number): boolean {
    for (const v of this.vmas) if (v.start < end && v.end > start) return true;
    return false;
  }

  /** Highest free gap of `len` bytes below `top` (Linux's top-down allocator). */
  unmappedArea(len: number, top = MMAP_BASE): number {
    let end = top;
    for (let i = this.vmas.length - 1; i >= 0; i--) {
      const v = this.vmas[i];
      if (v.start >= end) continue;
      if (v.end <= end - len) break;
      end = v.start;
    }
    const start = end - len;
    if (start < MMAP_MIN_ADDR) return -ENOMEM;
    // Any VMA between start and end? (vmas below `end` that reach above start)
    if (this.overlaps(start, end)) return this.unmappedAreaSlow(len, top);
    return start;
  }

  private unmappedAreaSlow(len: number, top: number): number {
    let end = top;
    for (let i = this.vmas.length - 1; i >= -1; i--) {
      const v = i >= 0 ? this.vmas[i] : null;
      const gapStart = v ? v.end : MMAP_MIN_ADDR;
      if (gapStart >= end) { if (v) end = Math.min(end, v.start); continue; }
      if (end - gapStart >= len) return end - len;
      if (v) end = v.start;
    }
    return -ENOMEM;
  }

  /**
   * Map a range; returns the address or -errno. `fixed` replaces what's there,
   * `noReplace` fails with EEXIST instead.
   */
  map(addr: number, len: number, v: Omit<Vma, 'start' | 'end'> & Partial<Vma>, mode: 'hint' | 'fixed' | 'noreplace'): number {
    len = pageUp(len);
    if (len === 0 || len > TASK_SIZE) return -ENOMEM;
    let start: number;
    if (mode !== 'hint') {
      if (addr % PAGE_SIZE) return -EINVAL;
      if (addr + len > TASK_SIZE || addr < 0) return -ENOMEM;
      if (this.overlaps(addr, addr + len)) {
        if (mode === 'noreplace') return -EEXIST;
        this.unmap(addr, len);
      }
      start = addr;
    } else {
      addr = pageDown(addr);
      if (addr >= MMAP_MIN_ADDR && addr + len <= TASK_SIZE && !this.overlaps(addr, addr + len)) start = addr;
      else {
        start = this.unmappedArea(len);
        if (start < 0) return start;
      }
    }
    const vma = new Vma(start, start + len, v.prot, v.shared, v.file ?? null, v.offset ?? 0, v.name ?? '');
    if (v.zeroFrom !== undefined) vma.zeroFrom = v.zeroFrom;
    if (v.growsDown) vma.growsDown = true;
    if (v.mayWrite === false) vma.mayWrite = false;
    if (v.noReserve) vma.noReserve = true;
    if (v.locked) vma.locked = true;
    vma.accounted = !vma.shared && (vma.prot & PROT_WRITE) !== 0 && !vma.noReserve;
    if (this.lockFuture) { vma.locked = true; vma.lockOnFault = this.lockOnFault; }
    this.insert(vma);
    return start;
  }

  /**
   * mlock/munlock over [start, end): -ENOMEM if part of it is unmapped
   * (nothing changes then). Locked pages are faulted in unless lock-on-fault.
   */
  setLocked(start: number, end: number, locked: boolean, onFault: boolean): number {
    for (let a = start; a < end;) {
      const v = this.find(a);
      if (!v) return -ENOMEM;
      a = v.end;
    }
    this.splitAt(start);
    this.splitAt(end);
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) continue;
      v.locked = locked;
      v.lockOnFault = locked && onFault;
      if (locked && !onFault && (v.prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) {
        for (let a = v.start; a < v.end; a += PAGE_SIZE) this.fault(a, (v.prot & PROT_WRITE) && !v.shared ? 'w' : 'r');
      }
    }
    this.mergeAdjacent();
    return 0;
  }

  /** Is the page at addr present in the page table (mincore)? */
  resident(addr: number): boolean {
    const e = this.pt.pteIndex(Math.floor(addr / PAGE_SIZE), false);
    return e >= 0 && (this.alloc.mem.i32[e] & PTE_V) !== 0;
  }

  /** Split VMAs so that addr is a boundary. */
  private splitAt(addr: number): void {
    const v = this.find(addr);
    if (v && v.start !== addr) {
      const tail = v.splitAt(addr);
      this.vmas.splice(this.vmas.indexOf(v) + 1, 0, tail);
      this.link(tail);
    }
  }

  unmap(start: number, len: number): number {
    if (start % PAGE_SIZE || len === 0) return -EINVAL;
    const end = pageUp(start + len);
    if (end > TASK_SIZE) return -EINVAL;
    this.splitAt(start); this.splitAt(end);
    const keep: Vma[] = [], gone: Vma[] = [];
    for (const v of this.vmas) {
      if (v.start >= start && v.end <= end) { this.totalVm -= (v.end - v.start) / PAGE_SIZE; gone.push(v); }
      else keep.push(v);
    }
    this.vmas = keep;
    this.zap(start, end);
    // After the PTEs: the last unmap of an unlinked file frees its pages.
    for (const v of gone) this.unlink(v);
    return 0;
  }

  /** Drop the pages of [start, end) from the page table. */
  private zap(start: number, end: number): void {
    const i32 = this.alloc.mem.i32;
    let any = false;
    this.pt.forEach(start / PAGE_SIZE, end / PAGE_SIZE, (e) => {
      this.dropPte(i32[e], i32[e + 1]);
      i32[e] = 0; i32[e + 1] = 0;
      any = true;
    });
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

  protect(start: number, len: number, prot: number): number {
    if (start % PAGE_SIZE) return -EINVAL;
    const end = pageUp(start + len);
    if (end <= start) return len === 0 ? 0 : -EINVAL;
    // Every page of the range must be mapped, and may take the new protection (VM_MAY*).
    for (let a = start; a < end;) {
      const v = this.find(a);
      if (!v) return -ENOMEM;
      if ((prot & PROT_WRITE) && !v.mayWrite) return -EACCES;
      a = v.end;
    }
    this.splitAt(start); this.splitAt(end);
    for (const v of this.vmas) {
      if (v.start < start || v.end > end) continue;
      v.prot = prot;
      if ((prot & PROT_WRITE) && !v.shared) v.accounted = true;
    }
    const i32 = this.alloc.mem.i32;
    this.pt.forEach(start / PAGE_SIZE, end / PAGE_SIZE, (e, vpn) => {
      const v = this.find(vpn * PAGE_SIZE)!;
      const page = ptePage(i32[e], i32[e + 1]);
      let lo = i32[e] & ~(PTE_R | PTE_W | PTE_X);
      lo |= this.pteProt(v, page, (lo & PTE_D) !== 0);
      i32[e] = lo;
    });
    this.mergeAdjacent();
    this.tlb.flush(this);
    return 0;
  }

  /** R/W/X bits for a present page: private pages shared with another mm stay read-only (COW). */
  private pteProt(v: Vma, page: number, dirty: boolean): number {
    let f = 0;
    if (v.prot & (PROT_READ | PROT_WRITE)) f |= PTE_R;
    if (v.prot & PROT_EXEC) f |= PTE_X;
    if ((v.prot & PROT_WRITE) && (v.shared || (this.alloc.refs[page] === 1 && !this.alloc.mapping[page])) && dirty) f |= PTE_W;
    return f;
  }

  /** Merge neighbouring anonymous VMAs with identical attributes (as vma_merge does). */
  mergeAdjacent(): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      const p = out[out.length - 1];
      if (p && p.end === v.start && p.prot === v.prot && p.shared === v.shared && !p.file && !v.file &&
          p.name === v.name && p.growsDown === v.growsDown && p.mayWrite === v.mayWrite &&
          p.noReserve === v.noReserve && p.locked === v.locked && p.lockOnFault === v.lockOnFault && p.accounted === v.accounted) { p.end = v.end; this.unlink(v); }
      else out.push(v);
    }
    this.vmas = out;
  }

  setBrk(newBrk: number): number {
    if (newBrk < this.brkStart) return this.brk;
    const oldEnd = pageUp(this.brk), newEnd = pageUp(newBrk);
    if (newEnd > oldEnd) {
      if (this.overlaps(oldEnd, newEnd + PAGE_SIZE)) return this.brk;
      const heap = this.vmas.find((v) => v.name === '[heap]');
      if (heap && heap.end === oldEnd) { heap.end = newEnd; this.totalVm += (newEnd - oldEnd) / PAGE_SIZE; }
      else this.map(oldEnd, newEnd - oldEnd, { prot: PROT_READ | PROT_WRITE, shared: false, name: '[heap]' } as Vma, 'fixed');
    } else if (newEnd < oldEnd) {
      this.unmap(newEnd, oldEnd - newEnd);
    }
    this.brk = newBrk;
    this.mergeAdjacent();
    return newBrk;
  }

  /**
   * The page-fault handler: make `addr` accessible for `access` ('r', 'w', 'x')
   * or say why not. Pages are allocated on first touch; private pages shared
   * after fork are copied on the first write.
   */
  fault(addr: number, access: 'r' | 'w' | 'x'): FaultResult {
    if (addr < 0 || addr >= TASK_SIZE) return FAULT_MAPERR;
    let v = this.find(addr);
    if (!v) {
      v = this.growStack(addr);
      if (!v) return FAULT_MAPERR;
    }
    if (access === 'r' && !(v.prot & (PROT_READ | PROT_WRITE))) return FAULT_ACCERR;
    if (access === 'w' && !(v.prot & PROT_WRITE)) return FAULT_ACCERR;
    if (access === 'x' && !(v.prot & PROT_EXEC)) return FAULT_ACCERR;
    const vpn = Math.floor(addr / PAGE_SIZE);
    const e = this.pt.pteIndex(vpn, true);
    if (e < 0) return FAULT_MAPERR; // out of memory for tables: the OOM path comes later
    const i32 = this.alloc.mem.i32;
    const lo = i32[e];
    if (lo & PTE_V) {
      let page = ptePage(lo, i32[e + 1]);
      if (access === 'w' && !(lo & PTE_W)) {
        if (v.shared) this.alloc.mapping[page]?.setDirty(page);
        else if (this.alloc.refs[page] > 1 || this.alloc.mapping[page]) {
          // Copy-on-write: of a page shared since fork, or of the file's own page.
          const copy = this.alloc.alloc();
          if (copy < 0) return FAULT_MAPERR;
          this.alloc.mem.copyPage(copy, page);
          this.account(page, -1);
          this.alloc.put(page);
          page = copy;
          this.account(page, 1);
        }
        this.pt.map(vpn, page, this.pteProt(v, page, true) | PTE_W | PTE_A | PTE_D);
      } else {
        i32[e] = lo | PTE_A | (access === 'w' ? PTE_D : 0);
      }
      this.faults.minor++;
      this.tlb.flush(this);
      return FAULT_OK;
    }
    const pageVa = vpn * PAGE_SIZE;
    if (v.file && pageVa < v.zeroFrom && v.file.size && v.offset + (pageVa - v.start) >= pageUp(v.file.size())) return FAULT_SIGBUS;
    const mapping = v.mapping;
    if (mapping && pageVa + PAGE_SIZE <= v.zeroFrom) return this.fileFault(v, vpn, e, access === 'w');
    const page = this.alloc.alloc();
    if (page < 0) return FAULT_MAPERR;
    if (v.file && pageVa < v.zeroFrom) {
      const mem = this.alloc.mem;
      const n = Math.min(PAGE_SIZE, v.zeroFrom - pageVa);
      const dst = mem.u8.subarray(page * PAGE_SIZE, page * PAGE_SIZE + n);
      v.file.readAt(v.offset + (pageVa - v.start), dst);
      mem.invalidateCode(page);
      this.faults.major++;
    } else this.faults.minor++;
    const dirty = access === 'w';
    this.pt.map(vpn, page, this.pteProt(v, page, dirty) | PTE_A | (dirty ? PTE_D | PTE_W : 0));
    this.rss++;
    return FAULT_OK; // a new PTE: the TLB holds nothing for it
  }

  /**
   * A file page not yet mapped (filemap_fault): a shared mapping maps the
   * page-cache page itself, writable only once written (so the page is
   * known dirty); a private one maps it read-only, or a copy for a write.
   */
  private fileFault(v: Vma, vpn: number, e: number, write: boolean): FaultResult {
    const got = v.mapping!.get(v.pgoff(vpn * PAGE_SIZE));
    if (!got) return FAULT_MAPERR;
    if (got.major) this.faults.major++; else this.faults.minor++;
    let page = got.page;
    this.alloc.get(page); // the PTE's reference, before anything else may reclaim
    if (write && !v.shared) {
      const copy = this.alloc.alloc();
      if (copy < 0) { this.alloc.put(page); return FAULT_MAPERR; }
      this.alloc.mem.copyPage(copy, page);
      this.alloc.put(page);
      page = copy;
    } else if (write) v.mapping!.setDirty(page);
    const lo = this.pteProt(v, page, write) | PTE_A | (write ? PTE_D | PTE_W : 0);
    const [plo, phi] = makePte(page, lo | PTE_V | PTE_U);
    const i32 = this.alloc.mem.i32;
    i32[e] = plo; i32[e + 1] = phi;
    this.account(page, 1);
    if (!write) this.faultAround(v, vpn);
    // the PTE was invalid, and the TLB caches no invalid entry: nothing to flush
    return FAULT_OK;
  }

  /**
   * A read fault on a file maps the file's other pages in the same aligned
   * FAULT_AROUND window too (Linux's do_fault_around with fault_around_bytes
   * 64 KiB), reading them into the page cache as mmap's read-around would:
   * a program then takes one fault per 64 KiB of library it runs, not one
   * per page. Only pages inside the VMA, below EOF and the zero-filled tail,
   * and not mapped yet; they are mapped read-only (a write still faults).
   */
  private faultAround(v: Vma, vpn: number): void {
    const mapping = v.mapping!, file = v.file!, i32 = this.alloc.mem.i32;
    const window = vpn - (vpn % FAULT_AROUND);
    const eof = file.size ? v.start + pageUp(file.size()) - v.offset : Infinity;
    const first = Math.max(window, v.start / PAGE_SIZE);
    const end = Math.min(window + FAULT_AROUND, v.end / PAGE_SIZE, Math.floor(v.zeroFrom / PAGE_SIZE), Math.ceil(eof / PAGE_SIZE));
    for (let n = first; n < end; n++) {
      if (n === vpn) continue;
      const e = this.pt.pteIndex(n, false);
      if (e < 0 || i32[e] & PTE_V) continue;
      const got = mapping.get(v.pgoff(n * PAGE_SIZE));
      if (!got) return;
      this.alloc.get(got.page);
      const [plo, phi] = makePte(got.page, this.pteProt(v, got.page, false) | PTE_A | PTE_V | PTE_U);
      i32[e] = plo; i32[e + 1] = phi;
      this.account(got.page, 1);
    }
  }

  private growStack(addr: number): Vma | null {
    const above = this.vmas.find((v) => v.growsDown && v.start > addr);
    if (!above) return null;
    if (above.end - pageDown(addr) > STACK_LIMIT) return null;
    const newStart = pageDown(addr);
    const prev = this.vmas[this.vmas.indexOf(above) - 1];
    if (prev && prev.end > newStart - PAGE_SIZE) return null; // stack guard gap
    this.totalVm += (above.start - newStart) / PAGE_SIZE;
    above.start = newStart;
    return above;
  }

  /**
   * RAM byte offset of the page holding `addr`, faulting it in as the
   * hardware would (Linux's uaccess fixup path); -1 means EFAULT.
   */
  userPage(addr: number, write: boolean): number {
    if (!(addr >= 0 && addr < TASK_SIZE)) return -1;
    const vpn = Math.floor(addr / PAGE_SIZE);
    const i32 = this.alloc.mem.i32;
    for (let attempt = 0; attempt < 2; attempt++) {
      const e = this.pt.pteIndex(vpn, false);
      if (e >= 0) {
        const lo = i32[e];
        const ok = (lo & PTE_V) && (lo & PTE_A) && (write ? (lo & PTE_W) && (lo & PTE_D) : (lo & PTE_R));
        if (ok) return ptePage(lo, i32[e + 1]) * PAGE_SIZE;
      }
      if (attempt === 0 && this.fault(addr, write ? 'w' : 'r') !== FAULT_OK) return -1;
    }
    return -1;
  }


  /** MADV_DONTNEED: drop the pages; they come back zero (or from the file). */
  discard(start: number, end: number): void { this.zap(start, end); }

  /** mremap: shrink, grow in place, or move the pages to a new range. */
  remap(old: number, oldLen: number, newLen: number, mayMove: boolean, fixed: number): number {
    const v = this.find(old);
    if (!v || v.end < old + oldLen) return -14; // EFAULT
    if (fixed < 0 && newLen <= oldLen) {
      if (newLen < oldLen) this.unmap(old + newLen, oldLen - newLen);
      return old;
    }
    if (fixed < 0 && v.end === old + oldLen && !this.overlaps(old + oldLen, old + newLen) && old + newLen <= TASK_SIZE) {
      v.end = old + newLen;
      this.totalVm += (newLen - oldLen) / PAGE_SIZE;
      return old;
    }
    if (!mayMove) return -ENOMEM;
    let dst: number;
    if (fixed >= 0) {
      if (fixed % PAGE_SIZE) return -EINVAL;
      if (fixed < old + oldLen && fixed + newLen > old) return -EINVAL;
      this.unmap(fixed, newLen);
      dst = fixed;
    } else {
      dst = this.unmappedArea(newLen);
      if (dst < 0) return dst;
    }
    this.splitAt(old); this.splitAt(old + oldLen);
    const moved = this.vmas.filter((x) => x.start >= old && x.end <= old + oldLen);
    this.vmas = this.vmas.filter((x) => !moved.includes(x));
    const i32 = this.alloc.mem.i32;
    const delta = dst - old;
    for (const m of moved) { m.start += delta; m.end += delta; }
    const last = moved[moved.length - 1];
    if (last) last.end = dst + newLen;
    for (const m of moved) this.insert(m);
    this.totalVm -= oldLen / PAGE_SIZE;
    const entries: [number, number, number][] = [];
    this.pt.forEach(old / PAGE_SIZE, (old + oldLen) / PAGE_SIZE, (e, vpn) => {
      entries.push([vpn, i32[e], i32[e + 1]]);
      i32[e] = 0; i32[e + 1] = 0;
    });
    for (const [vpn, lo, hi] of entries) {
      const ne = this.pt.pteIndex(vpn + delta / PAGE_SIZE, true);
      if (ne < 0) return -ENOMEM;
      i32[ne] = lo; i32[ne + 1] = hi;
    }
    this.tlb.flush(this);
    return dst;
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
    const child = Mm.create(this.alloc, this.tlb);
    if (!child) return null;
    // Memory locks are not inherited; the dumpable and THP flags are (MMF_INIT_MASK).
    child.vmas = this.vmas.map((v) => { const c = v.clone(); c.locked = false; c.lockOnFault = false; return c; });
    for (const v of child.vmas) child.link(v);
    child.dumpable = this.dumpable;
    child.thpDisable = this.thpDisable;
    for (const k of ['brkStart', 'brk', 'startStack', 'argStart', 'argEnd', 'envStart', 'envEnd', 'totalVm', 'rss', 'rssFile', 'rssShmem', 'vdso'] as const) child[k] = this[k];
    const i32 = this.alloc.mem.i32;
    let ok = true;
    for (const v of this.vmas) {
      this.pt.forEach(v.start / PAGE_SIZE, v.end / PAGE_SIZE, (e, vpn) => {
        if (!ok) return;
        const page = ptePage(i32[e], i32[e + 1]);
        if (!v.shared) i32[e] &= ~PTE_W;
        const ce = child.pt.pteIndex(vpn, true);
        if (ce < 0) { ok = false; return; }
        i32[ce] = i32[e]; i32[ce + 1] = i32[e + 1];
        this.alloc.get(page);
      });
    }
    this.tlb.flush(this);
    if (!ok) { child.release(); return null; }
    return child;
  }

  /** Drop every mapping and the page table (exit or exec). */
  release(): void {
    const i32 = this.alloc.mem.i32;
    this.pt.forEach(0, TASK_SIZE / PAGE_SIZE, (e) => this.dropPte(i32[e], i32[e + 1]));
    this.pt.destroy();
    for (const v of this.vmas) this.unlink(v);
    this.vmas = [];
    this.rss = 0; this.rssFile = 0; this.rssShmem = 0;
  }

  // ---- user memory access (copy_from_user / copy_to_user) ----

  /** Bytes from user memory, or null on EFAULT. */
  read(addr: number, len: number): Uint8Array | null {
    const out = new Uint8Array(len);
    return this.readInto(addr, out) ? out : null;
  }

  readInto(addr: number, out: Uint8Array): boolean {
    const u8 = this.alloc.mem.u8;
    let done = 0;
    const len = out.length;
    while (done < len) {
      const a = addr + done;
      const base = this.userPage(a, false);
      if (base < 0) return false;
      const off = a % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - off, len - done);
      out.set(u8.subarray(base + off, base + off + n), done);
      done += n;
    }
    return true;
  }

  write(addr: number, data: Uint8Array): boolean {
    const mem = this.alloc.mem;
    let done = 0;
    while (done < data.length) {
      const a = addr + done;
      const base = this.userPage(a, true);
      if (base < 0) return false;
      const off = a % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - off, data.length - done);
      mem.write(base + off, data.subarray(done, done + n));
      done += n;
    }
    return true;
  }

  /** Can the kernel store into [addr, addr+len)? Faults the pages in as a store would. */
  probeWritable(addr: number, len: number): boolean {
    if (len <= 0) return true;
    for (let a = pageDown(addr); a < addr + len; a += PAGE_SIZE) if (this.userPage(Math.max(a, addr), true) < 0) return false;
    return true;
  }

  /** NUL-terminated string (without the NUL), at most max bytes; null on EFAULT or too long. */
  readCString(addr: number, max: number): Uint8Array | null {
    const u8 = this.alloc.mem.u8;
    const parts: Uint8Array[] = [];
    let total = 0;
    let a = addr;
    for (;;) {
      const base = this.userPage(a, false);
      if (base < 0) return null;
      const off = a % PAGE_SIZE;
      const chunk = u8.subarray(base + off, base + PAGE_SIZE);
      const nul = chunk.indexOf(0);
      const take = nul >= 0 ? nul : chunk.length;
      if (total + take > max) return null;
      parts.push(chunk.subarray(0, take));
      total += take;
      if (nul >= 0) break;
      a += chunk.length;
    }
    if (parts.length === 1) return parts[0].slice();
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  readU64(addr: number): bigint | null {
    const b = this.read(addr, 8);
    return b ? new DataView(b.buffer).getBigUint64(0, true) : null;
  }

  /** A pointer-sized value as a JS number (exact below 2^53). */
  readPtr(addr: number): number | null {
    const b = this.read(addr, 8);
    if (!b) return null;
    const dv = new DataView(b.buffer);
    return dv.getUint32(4, true) * 4294967296 + dv.getUint32(0, true);
  }

  readU32(addr: number): number | null {
    const b = this.read(addr, 4);
    return b ? new DataView(b.buffer).getUint32(0, true) : null;
  }

  writeU32(addr: number, v: number): boolean {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return this.write(addr, b);
  }

  writeU64(addr: number, v: bigint | number): boolean {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
    return this.write(addr, b);
  }
}
