// Reclaim of anonymous memory to swap (the part of Linux's mm/vmscan.c
// shrink_folio_list that calls add_to_swap and pageout, with rmap's
// try_to_unmap_one): when the page allocator is short, anonymous pages of
// the processes are written to a swap slot, their PTE becomes a swap entry
// (swapops.ts) and the page is freed.
//
// There are no LRU lists yet. The victim choice is a clock over each
// address space's private mappings, largest resident set first: a page
// whose PTE has the accessed bit set gets it cleared and is passed over
// (a second chance; the hart sets it again on the next access, through a
// fault), a page found with the bit clear goes to swap. Each address space
// keeps its hand, so the scan goes on where it stopped. Only pages mapped
// once (reference count 1, no page-cache owner) are taken: without reverse
// maps for anonymous pages, a page shared copy-on-write after fork cannot
// have all its PTEs found. Locked mappings (mlock) are never taken.
import type { Kernel } from '../kernel.js';
import type { Mm } from './mm.js';
import { PAGE_SIZE, TASK_SIZE } from './layout.js';
import { PTE_A, ptePage } from './pagetable.js';
import { swpEntryToPte } from './swapops.js';

const TASK_PAGES = TASK_SIZE / PAGE_SIZE;

/** The address spaces of live user processes, largest resident set first. */
function victimMms(k: Kernel): Mm[] {
  const s = new Set<Mm>();
  for (const t of k.pids.tasks()) if (!t.kthread && t.state !== 'Z' && t.state !== 'X' && t.mm.vmas.length) s.add(t.mm);
  return [...s].sort((a, b) => b.rss - a.rss);
}

/** PTEs one address space's clock looks at before the next address space gets its turn. */
const SCAN_BATCH = 1024;

/**
 * Swap out up to `want` anonymous pages: the pages freed. The clocks of
 * the address spaces advance in turns of SCAN_BATCH entries, so one whose
 * pages cannot be taken (all shared after fork, say) costs a batch, not a
 * whole scan, per call; each clock may go round twice at most (the first
 * turn may only clear accessed bits, the second then finds those pages
 * still unused since).
 */
export function shrinkAnon(k: Kernel, want: number): number {
  return shrinkMms(victimMms(k), want);
}

/** The same over a given list of address spaces (sharing one allocator and its swap). */
export function shrinkMms(mms: readonly Mm[], want: number): number {
  const swap = mms[0]?.alloc.swap;
  if (!swap || swap.freePages === 0) return 0;
  const budget = mms.map((mm) => 2 * mm.rss + SCAN_BATCH);
  let freed = 0;
  for (let progress = true; progress;) {
    progress = false;
    for (let i = 0; i < mms.length; i++) {
      if (budget[i] <= 0) continue;
      const r = scanMm(mms[i], want - freed, Math.min(SCAN_BATCH, budget[i]));
      budget[i] -= r.visited;
      freed += r.freed;
      if (freed >= want || swap.freePages === 0) return freed;
      if (r.visited > 0) progress = true;
    }
  }
  return freed;
}

/** mm's clock from its hand, for `max` present entries at most or one turn: the pages swapped out and the entries looked at. */
function scanMm(mm: Mm, want: number, max: number): { freed: number; visited: number } {
  const alloc = mm.alloc,
    swap = alloc.swap!,
    i32 = alloc.mem.i32,
    u8 = alloc.mem.u8;
  let freed = 0,
    visited = 0,
    touched = false,
    stop = false;
  const start = mm.reclaimHand;
  // The mappings after the hand, then those before it (the wrap).
  const ranges: [number, number][] = [];
  for (const v of mm.vmas) {
    if (v.shared || v.locked) continue;
    const s = v.start / PAGE_SIZE,
      e = v.end / PAGE_SIZE;
    if (e > start) ranges.push([Math.max(s, start), e]);
  }
  for (const v of mm.vmas) {
    if (v.shared || v.locked) continue;
    const s = v.start / PAGE_SIZE,
      e = v.end / PAGE_SIZE;
    if (s < start) ranges.push([s, Math.min(e, start)]);
  }
  let hand = start;
  for (const [s, e] of ranges) {
    mm.pt.forEach(s, e, (pe, vpn) => {
      hand = vpn + 1;
      if (++visited >= max) stop = true;
      const lo = i32[pe];
      if (lo & PTE_A) {
        i32[pe] = lo & ~PTE_A;
        touched = true;
        return stop;
      }
      const page = ptePage(lo, i32[pe + 1]);
      if (alloc.refs[page] !== 1 || alloc.mapping[page]) return stop;
      const entry = swap.allocSlot();
      if (!entry) {
        stop = true;
        return true;
      }
      if (swap.write(entry, u8.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)) !== 0) {
        swap.put(entry); // an I/O error: the page stays (Linux redirties it)
        return stop;
      }
      const [slo, shi] = swpEntryToPte(entry);
      i32[pe] = slo;
      i32[pe + 1] = shi;
      mm.rss--;
      mm.swapEnts++;
      alloc.put(page);
      touched = true;
      if (++freed >= want) stop = true;
      return stop;
    });
    if (stop) break;
  }
  // A whole turn leaves the hand where it was.
  mm.reclaimHand = stop && hand < TASK_PAGES ? hand : start;
  if (touched) mm.tlb.flush(mm);
  return { freed, visited };
}
