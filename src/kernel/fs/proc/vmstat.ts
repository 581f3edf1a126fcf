// /proc/vmstat (Linux's mm/vmstat.c, 6.12): one "name value" line per
// counter of vmstat_text, for the configuration the rest of procfs shows
// (riscv64: zones DMA32, Normal, Movable; no NUMA; swap, zsmalloc, THP,
// migration, compaction, hugetlb, CMA, KSM, zswap and the balloon driver
// built in). Counters the kernel keeps are real; those of machinery that
// does not exist yet (reclaim, compaction, swap) stay 0 as on a machine
// where it never ran.
import type { Kernel } from '../../kernel.js';
import { dirtyRatios } from '../../sysctl/vm.js';
import { vmSysctlEvents } from '../../sysctl/vm.js';
import { THREAD_SIZE } from '../../sysctl/kernel.js';
import { memState } from './meminfo.js';

const zones = (x: string) => [`${x}_dma32`, `${x}_normal`, `${x}_movable`];

/** vmstat_text in order; the values are filled in by name. */
export const VMSTAT_NAMES: string[] = [
  'nr_free_pages', 'nr_zone_inactive_anon', 'nr_zone_active_anon', 'nr_zone_inactive_file',
  'nr_zone_active_file', 'nr_zone_unevictable', 'nr_zone_write_pending', 'nr_mlock', 'nr_bounce',
  'nr_zspages', 'nr_free_cma',
  'nr_inactive_anon', 'nr_active_anon', 'nr_inactive_file', 'nr_active_file', 'nr_unevictable',
  'nr_slab_reclaimable', 'nr_slab_unreclaimable', 'nr_isolated_anon', 'nr_isolated_file',
  'workingset_nodes', 'workingset_refault_anon', 'workingset_refault_file', 'workingset_activate_anon',
  'workingset_activate_file', 'workingset_restore_anon', 'workingset_restore_file', 'workingset_nodereclaim',
  'nr_anon_pages', 'nr_mapped', 'nr_file_pages', 'nr_dirty', 'nr_writeback', 'nr_writeback_temp',
  'nr_shmem', 'nr_shmem_hugepages', 'nr_shmem_pmdmapped', 'nr_file_hugepages', 'nr_file_pmdmapped',
  'nr_anon_transparent_hugepages', 'nr_vmscan_write', 'nr_vmscan_immediate_reclaim', 'nr_dirtied',
  'nr_written', 'nr_throttled_written', 'nr_kernel_misc_reclaimable', 'nr_foll_pin_acquired',
  'nr_foll_pin_released', 'nr_kernel_stack', 'nr_page_table_pages', 'nr_sec_page_table_pages',
  'nr_swapcached', 'pgdemote_kswapd', 'pgdemote_direct', 'pgdemote_khugepaged',
  'nr_dirty_threshold', 'nr_dirty_background_threshold', 'nr_memmap_pages', 'nr_memmap_boot_pages',
  'pgpgin', 'pgpgout', 'pswpin', 'pswpout',
  ...zones('pgalloc'), ...zones('allocstall'), ...zones('pgskip'),
  'pgfree', 'pgactivate', 'pgdeactivate', 'pglazyfree', 'pgfault', 'pgmajfault', 'pglazyfreed',
  'pgrefill', 'pgreuse', 'pgsteal_kswapd', 'pgsteal_direct', 'pgsteal_khugepaged', 'pgscan_kswapd',
  'pgscan_direct', 'pgscan_khugepaged', 'pgscan_direct_throttle', 'pgscan_anon', 'pgscan_file',
  'pgsteal_anon', 'pgsteal_file', 'pginodesteal', 'slabs_scanned', 'kswapd_inodesteal',
  'kswapd_low_wmark_hit_quickly', 'kswapd_high_wmark_hit_quickly', 'pageoutrun', 'pgrotated',
  'drop_pagecache', 'drop_slab', 'oom_kill',
  'pgmigrate_success', 'pgmigrate_fail', 'thp_migration_success', 'thp_migration_fail', 'thp_migration_split',
  'compact_migrate_scanned', 'compact_free_scanned', 'compact_isolated', 'compact_stall', 'compact_fail',
  'compact_success', 'compact_daemon_wake', 'compact_daemon_migrate_scanned', 'compact_daemon_free_scanned',
  'htlb_buddy_alloc_success', 'htlb_buddy_alloc_fail', 'cma_alloc_success', 'cma_alloc_fail',
  'unevictable_pgs_culled', 'unevictable_pgs_scanned', 'unevictable_pgs_rescued', 'unevictable_pgs_mlocked',
  'unevictable_pgs_munlocked', 'unevictable_pgs_cleared', 'unevictable_pgs_stranded',
  'thp_fault_alloc', 'thp_fault_fallback', 'thp_fault_fallback_charge', 'thp_collapse_alloc',
  'thp_collapse_alloc_failed', 'thp_file_alloc', 'thp_file_fallback', 'thp_file_fallback_charge',
  'thp_file_mapped', 'thp_split_page', 'thp_split_page_failed', 'thp_deferred_split_page',
  'thp_underused_split_page', 'thp_split_pmd', 'thp_scan_exceed_none_pte', 'thp_scan_exceed_swap_pte',
  'thp_scan_exceed_share_pte', 'thp_zero_page_alloc', 'thp_zero_page_alloc_failed', 'thp_swpout',
  'thp_swpout_fallback', 'balloon_inflate', 'balloon_deflate', 'balloon_migrate',
  'swap_ra', 'swap_ra_hit', 'swpin_zero', 'swpout_zero', 'ksm_swpin_copy', 'cow_ksm',
  'zswpin', 'zswpout', 'zswpwb',
];

/** The counters this kernel really keeps, by vmstat name. */
export function vmstatValues(k: Kernel): Map<string, number> {
  const m = memState(k);
  const ev = vmSysctlEvents.get(k);
  const { dirty, background } = dirtyRatios(k);
  // global_dirty_limits: a share of what could hold dirty data (free and file pages).
  const available = m.free + m.cached + m.buffers;
  // struct page is 64 bytes: the memmap of all RAM, allocated at boot.
  const memmap = Math.ceil((m.total * 64) / 4096);
  const v = new Map<string, number>([
    ['nr_free_pages', m.free],
    ['nr_zone_active_anon', m.anon], ['nr_active_anon', m.anon],
    ['nr_zone_inactive_file', m.cached + m.buffers], ['nr_inactive_file', m.cached + m.buffers],
    ['nr_zone_write_pending', m.dirty + m.writeback],
    ['nr_anon_pages', m.anon], ['nr_mapped', m.mapped], ['nr_file_pages', m.cached + m.buffers + m.swapCached],
    ['nr_dirty', m.dirty], ['nr_writeback', m.writeback], ['nr_shmem', m.shmem],
    // NR_KERNEL_STACK_KB: the kernel stacks of live tasks, in kB.
    ['nr_kernel_stack', k.pids.taskCount * (THREAD_SIZE / 1024)],
    ['nr_page_table_pages', m.pt], ['nr_swapcached', m.swapCached],
    ['nr_dirty_threshold', Math.floor((available * dirty) / 100)],
    ['nr_dirty_background_threshold', Math.floor((available * background) / 100)],
    ['nr_memmap_boot_pages', memmap],
    // RAM of the virt board starts at 2 GiB and lies below 4 GiB: all of it is ZONE_DMA32.
    ['pgalloc_dma32', k.pages.allocated],
    ['pgfree', k.pages.freed],
    ['pgfault', k.stats.pgfault ?? 0], ['pgmajfault', k.stats.pgmajfault ?? 0],
    ['drop_pagecache', ev.dropPagecache], ['drop_slab', ev.dropSlab],
  ]);
  return v;
}

export function vmstat(k: Kernel): string {
  const v = vmstatValues(k);
  let s = '';
  for (const name of VMSTAT_NAMES) s += `${name} ${v.get(name) ?? 0}\n`;
  return s;
}
