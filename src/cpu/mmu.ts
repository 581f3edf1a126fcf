// Sv39 address translation for a user-mode hart, and its software TLB.
//
// The TLB is direct-mapped with separate tags for loads, stores and fetches,
// so the interpreter's hit check is a single compare. All of it lives in one
// Int32Array (fewer base pointers for the JIT to keep live): entry i occupies
// ints [8i, 8i+8) as TLB_R/TLB_W/TLB_X tag followed by its value. Tags are the
// 26-bit VPN of a lower-half (user) address; values are the RAM byte offset of
// the 4 KiB page. Upper-half addresses are never cached: no user page is there.
import { RAM_BASE, type PhysMem } from './physmem.js';
import { Cause, u64ToNumber } from './trap.js';

export const TLB_BITS = 10;
export const TLB_SIZE = 1 << TLB_BITS;
export const TLB_MASK = TLB_SIZE - 1;
/** Offsets of the tag of each access kind within an entry; the RAM offset follows the tag. */
export const TLB_R = 0,
  TLB_W = 2,
  TLB_X = 4;

export const enum Access {
  Read = 0,
  Write = 1,
  Fetch = 2,
}

export const PTE_V = 1,
  PTE_R = 2,
  PTE_W = 4,
  PTE_X = 8,
  PTE_U = 16,
  PTE_G = 32,
  PTE_A = 64,
  PTE_D = 128;

const RAM_PPN = RAM_BASE / 4096;
const PAGE_FAULT = [Cause.LoadPageFault, Cause.StorePageFault, Cause.InsnPageFault];
const ACCESS_FAULT = [Cause.LoadAccess, Cause.StoreAccess, Cause.InsnAccess];
const NEED = [PTE_R, PTE_W, PTE_X];

export class Mmu {
  /** TLB_SIZE entries of 8 int32 (in the hart's slot of the linear memory, see layout.ts). */
  readonly tlb: Int32Array;
  /** RAM page index of the root table; -1: nothing is mapped. */
  root = -1;
  /** Set when translate() fails. */
  cause = 0;
  tval = 0;

  /**
   * How many store entries of the TLB point at each RAM page: a page turning
   * into code (see dropStorePage) needs a scan of the TLB only if some do.
   */
  private readonly storeRefs: Uint16Array;

  constructor(
    readonly mem: PhysMem,
    tlb = new Int32Array(TLB_SIZE * 8),
  ) {
    this.tlb = tlb.fill(-1);
    this.storeRefs = new Uint16Array(mem.pages);
    // widen to doubles now (tval is any address), not while run() is being optimized
    this.tval = 0.5;
    this.tval = 0;
    mem.watchCode((page) => this.dropStorePage(page));
  }

  /**
   * Entries filled since the last flush (entry offsets, with repeats), so a
   * flush after a short time slice clears a few entries, not the whole TLB and
   * a count per RAM page. Past TLB_SIZE fills the flush clears everything.
   */
  private readonly filled = new Int32Array(TLB_SIZE);
  private nFilled = 0;

  flush(): void {
    const tlb = this.tlb,
      refs = this.storeRefs;
    if (this.nFilled >= TLB_SIZE) {
      for (let i = TLB_W + 1; i < TLB_SIZE * 8; i += 8) if (tlb[i] >= 0) refs[tlb[i] >>> 12] = 0;
      tlb.fill(-1);
    } else {
      for (let k = 0; k < this.nFilled; k++) {
        const i = this.filled[k];
        if (tlb[i + TLB_W + 1] >= 0) refs[tlb[i + TLB_W + 1] >>> 12] = 0;
        tlb.fill(-1, i, i + 8);
      }
    }
    this.nFilled = 0;
  }

  /** Forget store mappings of a RAM page (it now holds decoded code). */
  dropStorePage(page: number): void {
    if (this.storeRefs[page] === 0) return;
    this.storeRefs[page] = 0;
    const off = page * 4096,
      tlb = this.tlb;
    for (let i = TLB_W; i < TLB_SIZE * 8; i += 8)
      if (tlb[i + 1] === off) {
        tlb[i] = -1;
        tlb[i + 1] = -1;
      }
  }

  private fail(cause: number, lo: number, hi: number): number {
    this.cause = cause;
    this.tval = u64ToNumber(lo, hi);
    return -1;
  }

  /**
   * Translate the virtual address hi:lo for an access; returns the RAM byte
   * offset, or -1 with `cause` and `tval` set. Fills the TLB on success. A
   * store translation drops the decoded code of the target page.
   */
  translate(lo: number, hi: number, acc: Access): number {
    // bits 63..39 must all equal bit 38
    if ((hi + 64) >>> 0 > 127 || this.root < 0) return this.fail(PAGE_FAULT[acc], lo, hi);
    const mem = this.mem,
      i32 = mem.i32;
    const vpn2 = ((hi & 0x7f) << 2) | (lo >>> 30),
      vpn1 = (lo >>> 21) & 511,
      vpn0 = (lo >>> 12) & 511;
    /* eslint-disable no-useless-assignment -- hot path: numbers from the start keep V8's representation stable */
    let table = this.root,
      level = 2,
      plo = 0,
      ppn = 0;
    /* eslint-enable no-useless-assignment */
    for (;;) {
      const e = table * 1024 + (level === 2 ? vpn2 : level === 1 ? vpn1 : vpn0) * 2;
      plo = i32[e];
      const phi = i32[e + 1];
      // invalid, W without R (reserved), or reserved bits 63:54 set
      if (!(plo & PTE_V) || (plo & (PTE_R | PTE_W)) === PTE_W || phi >>> 22 !== 0) {
        return this.fail(PAGE_FAULT[acc], lo, hi);
      }
      ppn = (plo >>> 10) + (phi & 0x3fffff) * 4194304;
      if (plo & (PTE_R | PTE_X)) break;
      if (level === 0) return this.fail(PAGE_FAULT[acc], lo, hi);
      const next = ppn - RAM_PPN;
      if (next < 0 || next >= mem.pages) return this.fail(ACCESS_FAULT[acc], lo, hi);
      table = next;
      level--;
    }
    // leaf: user page with the needed permission, Svade A/D, aligned superpage
    if (
      !(plo & PTE_U) ||
      !(plo & NEED[acc]) ||
      !(plo & PTE_A) ||
      (acc === Access.Write && !(plo & PTE_D)) ||
      (level === 2 && ppn % 262144 !== 0) ||
      (level === 1 && ppn % 512 !== 0)
    ) {
      return this.fail(PAGE_FAULT[acc], lo, hi);
    }
    const page = ppn - RAM_PPN + (level === 2 ? (vpn1 << 9) | vpn0 : level === 1 ? vpn0 : 0);
    if (page < 0 || page >= mem.pages) return this.fail(ACCESS_FAULT[acc], lo, hi);
    const off = page * 4096;
    if (acc === Access.Write && mem.code[page]) mem.invalidateCode(page);
    if (hi >>> 6 === 0) {
      const vpn = (hi << 20) | (lo >>> 12),
        i = (vpn & TLB_MASK) * 8,
        tlb = this.tlb;
      if (this.nFilled < TLB_SIZE) this.filled[this.nFilled++] = i;
      if (plo & PTE_R) {
        tlb[i + TLB_R] = vpn;
        tlb[i + TLB_R + 1] = off;
      }
      if (acc === Access.Fetch) {
        tlb[i + TLB_X] = vpn;
        tlb[i + TLB_X + 1] = off;
      }
      // a store mapping only for pages without decoded code (see physmem.ts)
      if ((plo & (PTE_W | PTE_D)) === (PTE_W | PTE_D) && !mem.code[page]) {
        const old = tlb[i + TLB_W + 1];
        if (old >= 0) this.storeRefs[old >>> 12]--;
        tlb[i + TLB_W] = vpn;
        tlb[i + TLB_W + 1] = off;
        this.storeRefs[page]++;
      }
    }
    return off + (lo & 0xfff);
  }
}
