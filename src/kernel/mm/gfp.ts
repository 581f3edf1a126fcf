// Allocation flags (Linux's include/linux/gfp_types.h, 6.12 bit layout):
// what an allocation may do to get its page, and how the OOM report names
// the mask (%pGg: the composite names of include/trace/events/mmflags.h
// first, then the single flags left over).

const ___GFP_IO = 0x40,
  ___GFP_FS = 0x80,
  ___GFP_ZERO = 0x100,
  ___GFP_DIRECT_RECLAIM = 0x400,
  ___GFP_KSWAPD_RECLAIM = 0x800,
  ___GFP_HARDWALL = 0x100000,
  ___GFP_HIGHMEM = 0x02,
  ___GFP_MOVABLE = 0x08,
  ___GFP_ACCOUNT = 0x400000;

export const __GFP_ZERO = ___GFP_ZERO,
  __GFP_COMP = 0x40000,
  __GFP_FS = ___GFP_FS;
export const GFP_KERNEL = ___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM | ___GFP_IO | ___GFP_FS;
export const GFP_KERNEL_ACCOUNT = GFP_KERNEL | ___GFP_ACCOUNT;
export const GFP_USER = GFP_KERNEL | ___GFP_HARDWALL;
export const GFP_HIGHUSER = GFP_USER | ___GFP_HIGHMEM;
export const GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | ___GFP_MOVABLE;

/** An anonymous page on first touch (vma_alloc_zeroed_movable_folio). */
export const GFP_ANON_FAULT = GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_ZERO;
/** A page-cache page, or a private copy of one (copy-on-write). */
export const GFP_PAGECACHE = GFP_HIGHUSER_MOVABLE | __GFP_COMP;
/** A user page-table page (GFP_PGTABLE_USER through pagetable_alloc, which adds __GFP_COMP). */
export const GFP_PGTABLE_USER = GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_COMP;

/** The names %pGg prints, composites before single flags, each consuming its bits. */
const GFP_NAMES: readonly (readonly [number, string])[] = [
  [GFP_HIGHUSER_MOVABLE, 'GFP_HIGHUSER_MOVABLE'],
  [GFP_HIGHUSER, 'GFP_HIGHUSER'],
  [GFP_USER, 'GFP_USER'],
  [GFP_KERNEL_ACCOUNT, 'GFP_KERNEL_ACCOUNT'],
  [GFP_KERNEL, 'GFP_KERNEL'],
  [___GFP_IO, '__GFP_IO'],
  [___GFP_FS, '__GFP_FS'],
  [__GFP_COMP, '__GFP_COMP'],
  [___GFP_ZERO, '__GFP_ZERO'],
  [___GFP_ACCOUNT, '__GFP_ACCOUNT'],
  [___GFP_DIRECT_RECLAIM, '__GFP_DIRECT_RECLAIM'],
  [___GFP_KSWAPD_RECLAIM, '__GFP_KSWAPD_RECLAIM'],
];

/** "0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)", as the OOM report's %#x(%pGg). */
export function formatGfp(gfp: number): string {
  const names: string[] = [];
  let left = gfp;
  for (const [mask, name] of GFP_NAMES)
    if (mask && (left & mask) === mask) {
      names.push(name);
      left &= ~mask;
    }
  if (left) names.push(`0x${left.toString(16)}`);
  return `${gfp ? '0x' + gfp.toString(16) : '0'}(${names.join('|') || 'none'})`;
}
