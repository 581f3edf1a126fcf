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
//
// When no page is left above the reserve, the slow path (Linux's
// __alloc_pages_slowpath) first drops clean page-cache pages (the page
// cache's shrinker), then writes anonymous pages out to swap (vmscan.ts)
// when a swap area is active, and only then asks the OOM killer
// (oom_kill.ts), which kills a process and frees its memory at once, and
// tries again.
import type { PhysMem } from '../../cpu/physmem.js';
import { GFP_KERNEL } from './gfp.js';
import type { CommitAccounting } from './overcommit.js';
import { Ratelimit } from '../lib/ratelimit.js';
import type { SwapState } from './swapfile.js';

/** What a page-cache page belongs to (Linux's page->mapping): filemap.ts's AddressSpace. */
export interface PageOwner {
  /** tmpfs and shared anonymous memory (swap-backed; counted as Shmem). */
  readonly shmem: boolean;
  /** A PTE that maps the page was dirty when it went away (set_page_dirty from zap). */
  setDirty(page: number): void;
}

/**
 * What out_of_memory did: killed a process whose memory is freed now (try
 * again), made the allocating task itself the victim (it may use the
 * reserve on its way out), or could do nothing (the allocation fails).
 */
export type OomOutcome = 'killed' | 'victim' | 'failed';

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
  /** Called next: writes up to n anonymous pages to swap and frees them (vmscan.ts); the pages freed. */
  reclaimAnon: ((n: number) => number) | null = null;
  /** The swap areas (swapfile.ts): where swapped-out pages are, for the fault and unmap paths. */
  swap: SwapState | null = null;

  /**
   * Pages kept back from ordinary allocations (the min watermark): only an
   * OOM victim dips into them, so a dying task can still fault on its way out.
   */
  reserve = 0;
  /** The OOM killer (oom_kill.ts), called when reclaim found nothing; null: the allocation just fails. */
  outOfMemory: ((gfp: number) => OomOutcome) | null = null;
  /** Overcommit accounting (overcommit.ts): the address spaces ask it before a VM_ACCOUNT mapping is made or grows; null: always yes. */
  commit: CommitAccounting | null = null;
  /** Processes the OOM killer killed (vmstat's oom_kill). */
  oomKills = 0;
  /** The allocation serves a user page fault (the report's stack says so), not a kernel copy. */
  userFault = false;
  /** oom_kill_process's report and __vm_enough_memory's warning are rate-limited (10 per 5 s). */
  readonly oomRatelimit = new Ratelimit('oom_kill_process');
  readonly commitRatelimit = new Ratelimit('__vm_enough_memory');
  /** pagefault_out_of_memory's warning is printed once. */
  oomLeakWarned = false;

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

  /** A zeroed page, or -1 when RAM is exhausted; gfp says what the page is for (gfp.ts). */
  alloc(gfp = GFP_KERNEL): number {
    if (this.freeTop <= this.reserve && !this.slowpath(gfp)) return -1;
    const p = this.freeList[--this.freeTop];
    this.refs[p] = 1;
    this.allocated++;
    this.mem.zeroPage(p);
    return p;
  }

  /** Reclaim, then OOM-kill, until a page is free for this allocation; false if none can be had. */
  private slowpath(gfp: number): boolean {
    // Each kill frees a victim's memory and marks it skipped, so the rounds end.
    for (let round = 0; round < 64; round++) {
      this.shrinker?.(32);
      if (this.freeTop > this.reserve) return true;
      // Swap out while it frees something (a page may be pinned at the moment: the next ones are tried).
      while (this.reclaimAnon && this.reclaimAnon(32) > 0) if (this.freeTop > this.reserve) return true;
      const outcome = this.outOfMemory?.(gfp) ?? 'failed';
      if (outcome === 'victim') return this.freeTop > 0;
      if (outcome === 'failed') return this.freeTop > this.reserve || (this.outOfMemory === null && this.freeTop > 0);
      if (this.freeTop > this.reserve) return true;
    }
    return false;
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
