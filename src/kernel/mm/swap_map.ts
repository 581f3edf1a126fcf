// The slot map of one swap area (Linux's swap_info_struct->swap_map): one
// count per page slot of the area, saying how many page-table entries (and
// other holders) refer to the swap copy kept there. Slot 0 holds the swap
// header and the bad pages listed in it are never handed out
// (SWAP_MAP_BAD). Slots are handed out in order after the last one given
// (si->cluster_next), so a run of pages written out together lands in a
// run of slots, as Linux's scan_swap_map_slots prefers.
//
// Linux packs the count in a byte with continuation pages past
// SWAP_MAP_MAX (0x3e); a 16-bit count needs no continuation here, and a
// duplicate past COUNT_MAX fails as swap_duplicate fails with -ENOMEM.

/** A slot that is never used: the header page and bad pages. */
export const SWAP_MAP_BAD = 0xffff;
/** The most references one slot can have. */
export const COUNT_MAX = 0xfffe;

export class SwapMap {
  /** Per slot: 0 free, 1..COUNT_MAX references, SWAP_MAP_BAD unusable. */
  readonly counts: Uint16Array;
  /** Slots in use (si->inuse_pages). */
  inuse = 0;
  /** Usable slots (si->pages): all but the header and the bad ones. */
  readonly pages: number;
  /** Where the next search starts (si->cluster_next). */
  private next = 1;

  /** `max`: slots including the header (last_page + 1); `bad`: bad page numbers from the header. */
  constructor(
    readonly max: number,
    bad: readonly number[] = [],
  ) {
    this.counts = new Uint16Array(max);
    this.counts[0] = SWAP_MAP_BAD;
    let nbad = 0;
    for (const b of bad) {
      if (b > 0 && b < max && this.counts[b] !== SWAP_MAP_BAD) {
        this.counts[b] = SWAP_MAP_BAD;
        nbad++;
      }
    }
    this.pages = max - 1 - nbad;
  }

  get free(): number {
    return this.pages - this.inuse;
  }

  /** A free slot with one reference, or 0 when the area is full. */
  alloc(): number {
    if (this.inuse >= this.pages) return 0;
    const c = this.counts;
    for (let i = 0, off = this.next; i < this.max; i++, off++) {
      if (off >= this.max) off = 1;
      if (c[off] === 0) {
        c[off] = 1;
        this.inuse++;
        this.next = off + 1;
        return off;
      }
    }
    return 0;
  }

  /** References the slot has (0 free, SWAP_MAP_BAD for header and bad pages). */
  count(off: number): number {
    return off > 0 && off < this.max ? this.counts[off] : SWAP_MAP_BAD;
  }

  /** One more reference (swap_duplicate: a PTE copied at fork); false for a free, bad or saturated slot. */
  dup(off: number): boolean {
    const n = this.count(off);
    if (n === 0 || n === SWAP_MAP_BAD || n >= COUNT_MAX) return false;
    this.counts[off] = n + 1;
    return true;
  }

  /** Drop one reference (swap_free); the slot is free again at zero. Returns the references left, -1 if there were none. */
  put(off: number): number {
    const n = this.count(off);
    if (n === 0 || n === SWAP_MAP_BAD) return -1;
    this.counts[off] = n - 1;
    if (n === 1) {
      this.inuse--;
      // Freed slots near the start are reused first after a wrap (Linux keeps lowest_bit).
      if (off < this.next && this.inuse === 0) this.next = 1;
    }
    return n - 1;
  }
}
