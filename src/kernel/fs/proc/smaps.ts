// /proc/PID/smaps and smaps_rollup (Linux's fs/proc/task_mmu.c, 6.12): per
// VMA, what its page table maps, counted from the PTEs and the pages'
// reference counts the way smaps_account does.
import type { Mm } from '../../mm/mm.js';
import type { Vma } from '../../mm/vma.js';
import { PTE_A, PTE_D, ptePage } from '../../mm/pagetable.js';
import { PG_dirty } from '../../mm/pagealloc.js';
import { mapsLine } from './task_mmu.js';
import { pteToSwpEntry } from '../../mm/swapops.js';

const PAGE = 4096;
/** Linux keeps Pss in bytes << PSS_SHIFT so that dividing by the map count loses little. */
const PSS_SHIFT = 12;

/** struct mem_size_stats, in bytes (the pss fields shifted by PSS_SHIFT). */
export interface MemSizeStats {
  resident: number;
  shared_clean: number;
  shared_dirty: number;
  private_clean: number;
  private_dirty: number;
  referenced: number;
  anonymous: number;
  pss: number;
  pss_dirty: number;
  pss_anon: number;
  pss_file: number;
  pss_shmem: number;
  pss_locked: number;
  swap: number;
  swap_pss: number;
}

export function emptyStats(): MemSizeStats {
  return {
    resident: 0,
    shared_clean: 0,
    shared_dirty: 0,
    private_clean: 0,
    private_dirty: 0,
    referenced: 0,
    anonymous: 0,
    pss: 0,
    pss_dirty: 0,
    pss_anon: 0,
    pss_file: 0,
    pss_shmem: 0,
    pss_locked: 0,
    swap: 0,
    swap_pss: 0,
  };
}

/** smap_gather_stats: add v's resident pages to mss. */
export function gatherStats(mm: Mm, v: Vma, mss: MemSizeStats): void {
  const alloc = mm.alloc;
  const i32 = alloc.mem.i32;
  mm.pt.forEach(v.start / PAGE, v.end / PAGE, (e) => {
    const lo = i32[e];
    const page = ptePage(lo, i32[e + 1]);
    const owner = alloc.mapping[page];
    const refs = alloc.refs[page];
    const dirty = (lo & PTE_D) !== 0 || (alloc.flags[page] & PG_dirty) !== 0;
    if (!owner) mss.anonymous += PAGE;
    mss.resident += PAGE;
    if (lo & PTE_A) mss.referenced += PAGE;
    // A page-cache page holds one reference for the cache itself.
    const mapcount = refs - (owner ? 1 : 0);
    const isPrivate = refs === 1 || mapcount < 2;
    const pss = isPrivate ? PAGE << PSS_SHIFT : Math.floor((PAGE << PSS_SHIFT) / mapcount);
    mss.pss += pss;
    if (!owner) mss.pss_anon += pss;
    else if (owner.shmem) mss.pss_shmem += pss;
    else mss.pss_file += pss;
    if (v.locked) mss.pss_locked += pss;
    if (dirty) {
      mss.pss_dirty += pss;
      if (isPrivate) mss.private_dirty += PAGE;
      else mss.shared_dirty += PAGE;
    } else if (isPrivate) mss.private_clean += PAGE;
    else mss.shared_clean += PAGE;
  });
  // Swap entries: Swap, and SwapPss shared by the entries that hold the slot (smaps_pte_entry).
  mm.pt.forEach(
    v.start / PAGE,
    v.end / PAGE,
    (e) => {
      const count = alloc.swap?.count(pteToSwpEntry(i32[e], i32[e + 1])) ?? 1;
      mss.swap += PAGE;
      mss.swap_pss += count >= 2 ? Math.floor((PAGE << PSS_SHIFT) / count) : PAGE << PSS_SHIFT;
    },
    'swap',
  );
}

/** "%-16s%8lu kB" rows, the label padded as seq_put_decimal_ull_width leaves it. */
const kb = (label: string, bytes: number, width = 8) => `${label}${String(Math.floor(bytes / 1024)).padStart(width)} kB\n`;

/** __show_smap: the rows common to smaps and smaps_rollup. */
function showSmap(m: MemSizeStats, rollup: boolean): string {
  let s = kb('Rss:            ', m.resident) + kb('Pss:            ', m.pss / 2 ** PSS_SHIFT) + kb('Pss_Dirty:      ', m.pss_dirty / 2 ** PSS_SHIFT);
  if (rollup) {
    s +=
      kb('Pss_Anon:       ', m.pss_anon / 2 ** PSS_SHIFT) +
      kb('Pss_File:       ', m.pss_file / 2 ** PSS_SHIFT) +
      kb('Pss_Shmem:      ', m.pss_shmem / 2 ** PSS_SHIFT);
  }
  s +=
    kb('Shared_Clean:   ', m.shared_clean) +
    kb('Shared_Dirty:   ', m.shared_dirty) +
    kb('Private_Clean:  ', m.private_clean) +
    kb('Private_Dirty:  ', m.private_dirty) +
    kb('Referenced:     ', m.referenced) +
    kb('Anonymous:      ', m.anonymous) +
    kb('KSM:            ', 0) +
    kb('LazyFree:       ', 0) +
    kb('AnonHugePages:  ', 0) +
    kb('ShmemPmdMapped: ', 0) +
    kb('FilePmdMapped:  ', 0) +
    kb('Shared_Hugetlb: ', 0) +
    kb('Private_Hugetlb: ', 0, 7) +
    kb('Swap:           ', m.swap) +
    kb('SwapPss:        ', m.swap_pss / 2 ** PSS_SHIFT) +
    kb('Locked:         ', m.pss_locked / 2 ** PSS_SHIFT);
  return s;
}

/** show_smap_vma_flags: the VM_* flags of v as two-letter mnemonics, in bit order. */
export function vmFlags(v: Vma): string {
  const special = v.name === '[vdso]' || v.name === '[vvar]';
  // A shared mapping of a file opened read-only is VM_MAYSHARE without VM_SHARED or VM_MAYWRITE.
  const flags: [boolean, string][] = [
    [(v.prot & 1) !== 0, 'rd'],
    [(v.prot & 2) !== 0, 'wr'],
    [(v.prot & 4) !== 0, 'ex'],
    [v.shared && v.mayWrite, 'sh'],
    [true, 'mr'],
    [v.mayWrite, 'mw'],
    [true, 'me'],
    [v.shared, 'ms'],
    [v.growsDown, 'gd'],
    [v.locked, 'lo'],
    [special, 'de'],
    [v.accounted, 'ac'],
    [v.noReserve, 'nr'],
  ];
  let s = 'VmFlags: ';
  for (const [on, name] of flags) if (on) s += name + ' ';
  return s + '\n';
}

/** One VMA's block of /proc/PID/smaps. */
export function smapsEntry(mm: Mm, v: Vma): string {
  const mss = emptyStats();
  gatherStats(mm, v, mss);
  // THP is not implemented: no VMA is eligible.
  return (
    mapsLine(v, mm) +
    kb('Size:           ', v.end - v.start) +
    kb('KernelPageSize: ', PAGE) +
    kb('MMUPageSize:    ', PAGE) +
    showSmap(mss, false) +
    `THPeligible:    ${'0'.padStart(8)}\n` +
    vmFlags(v)
  );
}

export function smaps(mm: Mm | null): string {
  if (!mm) return '';
  let s = '';
  for (const v of mm.vmas) s += smapsEntry(mm, v);
  return s;
}

/** show_smaps_rollup: every VMA summed under one header spanning them all. */
export function smapsRollup(mm: Mm | null): string | number {
  if (!mm) return -3; // ESRCH, as mmget_not_zero failing
  const mss = emptyStats();
  for (const v of mm.vmas) gatherStats(mm, v, mss);
  const start = mm.vmas[0]?.start ?? 0,
    end = mm.vmas[mm.vmas.length - 1]?.end ?? 0;
  const head = `${start.toString(16).padStart(8, '0')}-${end.toString(16).padStart(8, '0')} ---p 00000000 00:00 0 `;
  return head.padEnd(72) + ' [rollup]\n' + showSmap(mss, true);
}
