// The page cache (Linux's mm/filemap.c): a file's data pages kept in RAM,
// owned by the file's address_space and shared by read(), write() and every
// mapping of the file. A cached page is the file's truth; the inode's own
// store (the tmpfs buffer, the host image) only holds pages not in the cache
// and gets dirty pages back on writeback, as a disk would.
import { PG_dirty, type PageAllocator, type PageOwner } from './pagealloc.js';
import { GFP_PAGECACHE } from './gfp.js';
import type { Vma } from './vma.js';

const PAGE = 4096;

/** What an inode gives its page cache: the store behind it. */
export interface PageBacking {
  /** Fill dst (one zeroed page) with the file's bytes of page `index`; nothing past EOF. */
  readPage(index: number, dst: Uint8Array): void;
  /** Store page `index` back (writeback); bytes past EOF are not file data. */
  writePage(index: number, src: Uint8Array): void;
  /** The last VMA mapping the file went away. */
  unmapped?(): void;
  /** A fault (not fault-around) took page `index`: shmem allocates it then, hole or not. */
  faulted?(index: number): void;
}

/** Every cached page of the machine: the counters /proc/meminfo shows and the reclaim order. */
export class PageCache {
  /** Cached pages, least recently used first: the order reclaim scans. */
  private readonly lru = new Set<number>();
  private nrdirty = 0;
  private nrshmem = 0;

  constructor(readonly alloc: PageAllocator) {
    alloc.shrinker = (n) => this.shrink(n);
  }

  /** Pages in the cache (meminfo's Cached, which includes Shmem). */
  get pages(): number {
    return this.lru.size;
  }
  get dirty(): number {
    return this.nrdirty;
  }
  get shmem(): number {
    return this.nrshmem;
  }
  /** Cached pages some page table maps (meminfo's Mapped). */
  get mapped(): number {
    let n = 0;
    for (const p of this.lru) if (this.alloc.refs[p] > 1) n++;
    return n;
  }

  /** Called by AddressSpace: page joins or leaves the cache, or is used again. */
  added(page: number, shmem: boolean): void {
    this.lru.add(page);
    if (shmem) this.nrshmem++;
  }
  removed(page: number, shmem: boolean): void {
    this.lru.delete(page);
    if (shmem) this.nrshmem--;
    if (this.alloc.flags[page] & PG_dirty) this.nrdirty--;
  }
  touched(page: number): void {
    this.lru.delete(page);
    this.lru.add(page);
  }
  dirtied(): void {
    this.nrdirty++;
  }
  cleaned(): void {
    this.nrdirty--;
  }

  /**
   * Free up to n pages nobody maps (reference held only by the cache), the
   * least recently used first; dirty ones are written back before they go.
   */
  shrink(n: number): number {
    const refs = this.alloc.refs;
    const victims: number[] = [];
    for (const p of this.lru) {
      if (refs[p] === 1) victims.push(p);
      if (victims.length >= n) break;
    }
    for (const p of victims) {
      const owner = this.alloc.mapping[p] as AddressSpace | null;
      owner?.evict(this.alloc.index[p]);
    }
    return victims.length;
  }
}

/** One file's cached pages (Linux's struct address_space) and the VMAs mapping it (i_mmap). */
export class AddressSpace implements PageOwner {
  /** File page index -> RAM page. */
  readonly pages = new Map<number, number>();
  /** Every VMA that maps this file, for unmap_mapping_range and page_mkclean. */
  readonly vmas = new Set<Vma>();

  constructor(
    readonly cache: PageCache,
    readonly host: PageBacking,
    readonly shmem: boolean,
  ) {}

  private get alloc(): PageAllocator {
    return this.cache.alloc;
  }

  get nrpages(): number {
    return this.pages.size;
  }

  /** The cached page at index, or -1. */
  find(index: number): number {
    const p = this.pages.get(index);
    return p === undefined ? -1 : p;
  }

  /**
   * The page at index, read in from the backing store if not cached
   * (unless the caller overwrites all of it); -1 when RAM is exhausted.
   * `major` reports whether it had to be read.
   */
  get(index: number, fill = true): { page: number; major: boolean } | null {
    const hit = this.pages.get(index);
    if (hit !== undefined) {
      this.cache.touched(hit);
      return { page: hit, major: false };
    }
    const page = this.alloc.alloc(GFP_PAGECACHE);
    if (page < 0) return null;
    const mem = this.alloc.mem;
    if (fill) {
      this.host.readPage(index, mem.u8.subarray(page * PAGE, page * PAGE + PAGE));
      mem.invalidateCode(page);
    }
    this.pages.set(index, page);
    this.alloc.mapping[page] = this;
    this.alloc.index[page] = index;
    this.cache.added(page, this.shmem);
    return { page, major: true };
  }

  setDirty(page: number): void {
    const f = this.alloc.flags;
    if (f[page] & PG_dirty || this.alloc.mapping[page] !== this) return;
    f[page] |= PG_dirty;
    this.cache.dirtied();
  }

  isDirty(page: number): boolean {
    return (this.alloc.flags[page] & PG_dirty) !== 0;
  }

  /** Copy file bytes [pos, pos+dst.length) into dst through the cache (the caller clamps to EOF). */
  read(pos: number, dst: Uint8Array): void {
    const u8 = this.alloc.mem.u8;
    for (let done = 0; done < dst.length;) {
      const index = Math.floor((pos + done) / PAGE),
        off = (pos + done) % PAGE;
      const n = Math.min(PAGE - off, dst.length - done);
      const got = this.get(index);
      if (got) dst.set(u8.subarray(got.page * PAGE + off, got.page * PAGE + off + n), done);
      else {
        // No RAM for the cache: the backing store is current for an uncached page.
        const tmp = new Uint8Array(PAGE);
        this.host.readPage(index, tmp);
        dst.set(tmp.subarray(off, off + n), done);
      }
      done += n;
    }
  }

  /** Store src at pos through the cache; the pages become dirty. */
  write(pos: number, src: Uint8Array): void {
    const mem = this.alloc.mem;
    for (let done = 0; done < src.length;) {
      const index = Math.floor((pos + done) / PAGE),
        off = (pos + done) % PAGE;
      const n = Math.min(PAGE - off, src.length - done);
      const got = this.get(index, n !== PAGE);
      const chunk = src.subarray(done, done + n);
      if (got) {
        mem.write(got.page * PAGE + off, chunk);
        this.setDirty(got.page);
      } else {
        const tmp = new Uint8Array(PAGE);
        if (n !== PAGE) this.host.readPage(index, tmp);
        tmp.set(chunk, off);
        this.host.writePage(index, tmp);
      }
      done += n;
    }
  }

  /** The file shrank or grew to `size`: pages wholly past EOF leave every mapping and the cache. */
  truncate(size: number): void {
    const first = Math.ceil(size / PAGE);
    let last = -1;
    for (const i of this.pages.keys()) if (i >= first && i > last) last = i;
    if (last >= first) {
      this.unmapRange(first, last + 1);
      for (const [i] of [...this.pages]) if (i >= first) this.evict(i, false);
    }
    // The partial page keeps zeros past EOF, as truncate_inode_partial_folio leaves it.
    const tail = size % PAGE;
    const p = tail ? this.find(Math.floor(size / PAGE)) : -1;
    if (p >= 0) this.alloc.mem.fill(p * PAGE + tail, PAGE - tail, 0);
  }

  /** unmap_mapping_range: drop every PTE (shared, or private and not yet copied) of pages [from, to). */
  unmapRange(from: number, to: number): void {
    for (const v of this.vmas) v.owner?.zapFilePages(v, from, to);
  }

  /**
   * Write dirty pages in [from, to) back to the store. Shared writable PTEs
   * are write-protected first (page_mkclean), so the next store through them
   * faults and dirties the page again.
   */
  writeback(from = 0, to = Infinity): number {
    const u8 = this.alloc.mem.u8;
    let n = 0;
    for (const [i, p] of this.pages) {
      if (i < from || i >= to || !this.isDirty(p)) continue;
      for (const v of this.vmas) if (v.shared) v.owner?.mkclean(v, i);
      this.host.writePage(i, u8.subarray(p * PAGE, p * PAGE + PAGE));
      this.alloc.flags[p] &= ~PG_dirty;
      this.cache.cleaned();
      n++;
    }
    return n;
  }

  /** Drop page `index` from the cache (written back first unless `keep` is false). */
  evict(index: number, keep = true): void {
    const p = this.pages.get(index);
    if (p === undefined) return;
    if (keep && this.isDirty(p)) {
      const u8 = this.alloc.mem.u8;
      this.host.writePage(index, u8.subarray(p * PAGE, p * PAGE + PAGE));
    }
    this.cache.removed(p, this.shmem);
    this.pages.delete(index);
    // Anyone still holding the page holds plain memory now.
    this.alloc.mapping[p] = null;
    this.alloc.flags[p] = 0;
    this.alloc.put(p);
  }

  /** Drop every page (the inode is gone). */
  clear(): void {
    for (const [i] of [...this.pages]) this.evict(i, false);
  }
}
