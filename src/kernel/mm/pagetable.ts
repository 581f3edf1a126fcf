// Sv39 page tables in simulated RAM, written exactly as the hardware reads them.
import { GFP_PGTABLE_USER } from './gfp.js';
import { RAM_BASE } from '../../cpu/physmem.js';
import type { PageAllocator } from './pagealloc.js';

export const PTE_V = 1,
  PTE_R = 2,
  PTE_W = 4,
  PTE_X = 8,
  PTE_U = 16,
  PTE_G = 32,
  PTE_A = 64,
  PTE_D = 128;
const RAM_PPN = RAM_BASE / 4096;

/** PPN field of a PTE (bits 53:10) as RAM page index. */
export function ptePage(lo: number, hi: number): number {
  return (lo >>> 10) + (hi & 0x3fffff) * 4194304 - RAM_PPN;
}

export function makePte(page: number, flags: number): [number, number] {
  const ppn = page + RAM_PPN;
  return [((ppn & 0x3fffff) << 10) | flags | 0, Math.floor(ppn / 4194304) | 0];
}

export class PageTable {
  constructor(
    readonly alloc: PageAllocator,
    readonly root: number,
  ) {}

  static create(alloc: PageAllocator): PageTable | null {
    const root = alloc.alloc(GFP_PGTABLE_USER);
    return root < 0 ? null : new PageTable(alloc, root);
  }

  /** Table pages below the root (PMD and PTE tables: what mm_pgtables_bytes counts); freed only with the whole table. */
  pages = 0;

  private get i32(): Int32Array {
    return this.alloc.mem.i32;
  }

  /**
   * Index (in i32 units) of the level-0 PTE for `vpn`, allocating intermediate
   * tables when `create`; -1 if absent (or out of memory when creating).
   */
  pteIndex(vpn: number, create: boolean): number {
    const i32 = this.i32;
    let table = this.root;
    for (let level = 2; level > 0; level--) {
      const idx = (vpn >>> (9 * level)) & 511;
      const e = (table << 10) + idx * 2;
      const lo = i32[e];
      if (!(lo & PTE_V)) {
        if (!create) return -1;
        const page = this.alloc.alloc(GFP_PGTABLE_USER);
        if (page < 0) return -1;
        this.pages++;
        const [nlo, nhi] = makePte(page, PTE_V);
        i32[e] = nlo;
        i32[e + 1] = nhi;
        table = page;
      } else {
        table = ptePage(lo, i32[e + 1]);
      }
    }
    return (table << 10) + (vpn & 511) * 2;
  }

  /** Install a leaf for vpn -> page. */
  map(vpn: number, page: number, flags: number): boolean {
    const e = this.pteIndex(vpn, true);
    if (e < 0) return false;
    const [lo, hi] = makePte(page, flags | PTE_V | PTE_U);
    this.i32[e] = lo;
    this.i32[e + 1] = hi;
    return true;
  }

  /**
   * Visit every present leaf in [startVpn, endVpn), or every swap entry
   * (a non-present, non-zero leaf: swapops.ts), or both. The callback gets
   * the PTE index (i32 units) and its vpn; it may rewrite or clear the entry,
   * and returns true to stop the walk there.
   */
  forEach(startVpn: number, endVpn: number, cb: (e: number, vpn: number) => boolean | void, which: 'present' | 'swap' | 'all' = 'present'): void {
    const i32 = this.i32;
    let vpn = startVpn;
    while (vpn < endVpn) {
      const e2 = (this.root << 10) + ((vpn >>> 18) & 511) * 2;
      if (!(i32[e2] & PTE_V)) {
        vpn = (Math.floor(vpn / 262144) + 1) * 262144;
        continue;
      }
      const t1 = ptePage(i32[e2], i32[e2 + 1]);
      const e1 = (t1 << 10) + ((vpn >>> 9) & 511) * 2;
      if (!(i32[e1] & PTE_V)) {
        vpn = (Math.floor(vpn / 512) + 1) * 512;
        continue;
      }
      const t0 = ptePage(i32[e1], i32[e1 + 1]);
      const stop = Math.min(endVpn, (Math.floor(vpn / 512) + 1) * 512);
      for (; vpn < stop; vpn++) {
        const e = (t0 << 10) + (vpn & 511) * 2;
        const lo = i32[e];
        if ((lo & PTE_V ? which !== 'swap' : which !== 'present' && (lo | i32[e + 1]) !== 0) && cb(e, vpn) === true) return;
      }
    }
  }

  /** Free every table page (not the leaves' pages: the mm drops those). */
  destroy(): void {
    const i32 = this.i32;
    for (let i = 0; i < 512; i++) {
      const e2 = (this.root << 10) + i * 2;
      if (!(i32[e2] & PTE_V)) continue;
      const t1 = ptePage(i32[e2], i32[e2 + 1]);
      for (let j = 0; j < 512; j++) {
        const e1 = (t1 << 10) + j * 2;
        if (i32[e1] & PTE_V) this.alloc.put(ptePage(i32[e1], i32[e1 + 1]));
      }
      this.alloc.put(t1);
    }
    this.alloc.put(this.root);
  }
}
