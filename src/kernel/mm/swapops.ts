// Swap entries in page-table entries (Linux's include/linux/swapops.h): a
// page that went to swap leaves a non-present PTE (V clear, which the hart
// never interprets) that says where its copy is: the swap area (type) and
// the slot in it (offset). Linux's bit layout is internal to each
// architecture; this one keeps the offset where the PPN would be and the
// type in bits 1-5, so a zero PTE (nothing mapped) is never an entry:
// offset 0 is always the area's header page.
import { PTE_V } from './pagetable.js';

/** swp_entry_t: area and slot. */
export interface SwapEntry {
  readonly type: number;
  readonly offset: number;
}

/** MAX_SWAPFILES: the types bits 1-5 can hold. */
export const MAX_SWAPFILES = 32;
const OFFSET_LO = 0x400000; // 22 bits in the low word, the rest in the high one

/** The two words of the non-present PTE for e. */
export function swpEntryToPte(e: SwapEntry): [number, number] {
  return [((e.offset % OFFSET_LO) << 10) | (e.type << 1), Math.floor(e.offset / OFFSET_LO) | 0];
}

/** is_swap_pte: not present, and not empty. */
export function isSwapPte(lo: number, hi: number): boolean {
  return (lo & PTE_V) === 0 && (lo | hi) !== 0;
}

/** pte_to_swp_entry for a PTE that isSwapPte. */
export function pteToSwpEntry(lo: number, hi: number): SwapEntry {
  return { type: (lo >>> 1) & 31, offset: (lo >>> 10) + (hi >>> 0) * OFFSET_LO };
}
