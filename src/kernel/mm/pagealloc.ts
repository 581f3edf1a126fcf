// The physical page allocator: every page of simulated RAM, with a reference
// count so that copy-on-write and shared mappings know when a page is free,
// and the struct page fields the page cache keeps (owner mapping, index, flags).
//
// Sparse RAM: the machine may have more RAM (`total`) than the host backs
// (PhysMem, at most MAX_BACKED_BYTES). The pages past the backing are free
// pages nobody can get: they count in MemTotal and MemFree, but alloc() finds
// RAM exhausted once the backed ones are in use. The host commits a backed
// page only when it is first written (the buffer is lazily zero-filled), and
// the free list is a stack handing out low pages first, so the host holds
// about the peak of what the guest used.
import type { PhysMem } from '../../cpu/physmem.js';

/** What a page-cache page belongs to (Linux's page->mapping): filemap.ts's AddressSpace. */
export interface PageOwner {
  /** tmpfs and shared anonymous memory (swap-backed; counted as Shmem). */
  readonly shmem: boolean;
  /** A PTE that maps the page was dirty when it went away (set_page_dirty from zap). */
  setDirty(page: number): void;
}

/** Page flags (struct page's flags). */
export const PG_dirty = 1;

export class PageAllocator {
  readonly total: number;
  private freeList: Int32Array;
  private freeTop = 0;
  /** Mappings (or other holders) per page; 0 = free. */
  readonly refs: Uint16Array;
  /** page->mapping: the page cache owning the page, null for anonymous pages. */
  readonly mapping: (PageOwner | null)[];
  /** page->index: the page's offset in its file, in pages. */
  readonly index: Int32Array;
  readonly flags: Uint8Array;
  /** Called when RAM runs out: frees up to n reclaimable pages (the page cache's shrinker). */
  shrinker: ((n: number) => void) | null = null;

  /** Pages of RAM past the host's backing (see above): free in the counts, never handed out. */
  readonly unbacked: number;

  /** `totalPages`: the machine's RAM in pages, at least the backed ones (mem.pages). */
  constructor(
    readonly mem: PhysMem,
    reserved = 0,
    totalPages = mem.pages,
  ) {
    const backed = mem.pages;
    this.total = Math.max(totalPages, backed);
    this.unbacked = this.total - backed;
    this.refs = new Uint16Array(backed);
    this.mapping = new Array<PageOwner | null>(backed).fill(null);
    this.index = new Int32Array(backed);
    this.flags = new Uint8Array(backed);
    this.freeList = new Int32Array(backed);
    // Low pages handed out first: push in reverse.
    for (let p = backed - 1; p >= reserved; p--) this.freeList[this.freeTop++] = p;
  }

  get free(): number {
    return this.freeTop + this.unbacked;
  }
  /** Pages handed out and given back since boot (vmstat's pgalloc, pgfree). */
  allocated = 0;
  freed = 0;

  /** A zeroed page, or -1 when RAM is exhausted. */
  alloc(): number {
    if (this.freeTop === 0) {
      this.shrinker?.(32);
      if (this.freeTop === 0) return -1;
    }
    const p = this.freeList[--this.freeTop];
    this.refs[p] = 1;
    this.allocated++;
    this.mem.zeroPage(p);
    return p;
  }

  get(page: number): void {
    this.refs[page]++;
  }

  /** Drop one reference; the page returns to the free list at zero. */
  put(page: number): void {
    const r = this.refs[page];
    if (r === 0) throw new Error(`page ${page} freed twice`);
    this.refs[page] = r - 1;
    if (r === 1) {
      this.mapping[page] = null;
      this.flags[page] = 0;
      this.mem.invalidateCode(page);
      this.freeList[this.freeTop++] = page;
      this.freed++;
    }
  }
}
