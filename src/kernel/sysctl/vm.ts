// /proc/sys/vm (Linux's vm_table, page-writeback, page_alloc and mmap
// tables): 6.12 defaults, with the figures Linux derives from RAM computed
// from this machine's page allocator.
import { EINVAL } from '../errno.js';
import type { Kernel } from '../kernel.js';
import { MMAP_MIN_ADDR } from '../mm/mm.js';
import { Knob, computed, entry, intEntry, intKnob, intvec, registerSysctl, type CtlTable } from './ctl_table.js';

const KB_PER_PAGE = 4;
export const overcommitMemory = new Knob('vm.overcommit_memory', () => 0);
export const overcommitRatio = new Knob('vm.overcommit_ratio', () => 50);
export const overcommitKbytes = new Knob('vm.overcommit_kbytes', () => 0);
/** The OOM killer's switches (mm/oom_kill.ts). */
export const panicOnOom = new Knob('vm.panic_on_oom', () => 0);
export const oomKillAllocatingTask = new Knob('vm.oom_kill_allocating_task', () => 0);
export const oomDumpTasks = new Knob('vm.oom_dump_tasks', () => 1);
export const swappiness = new Knob('vm.swappiness', () => 60);
export const maxMapCount = new Knob('vm.max_map_count', () => 65530);
/** init_per_zone_wmark_min: sqrt(lowmem_kbytes * 16), within [128, 262144]. */
export const minFreeKbytes = new Knob('vm.min_free_kbytes', (k) => Math.min(262144, Math.max(128, Math.floor(Math.sqrt(k.pages.total * KB_PER_PAGE * 16)))));
/** Events vmstat reports (drop_pagecache, drop_slab) that sysctl writes cause. */
export const vmSysctlEvents = new Knob('vm.events', () => ({ dropPagecache: 0, dropSlab: 0 }));

const knob = (name: string, v: number) => new Knob(`vm.${name}`, () => v);
const dirtyRatio = knob('dirty_ratio', 20),
  dirtyBackgroundRatio = knob('dirty_background_ratio', 10);
/** The dirty limits as percentages, for vmstat's thresholds. */
export const dirtyRatios = (k: Kernel) => ({ dirty: dirtyRatio.get(k), background: dirtyBackgroundRatio.get(k) });
const int = (name: string, v: number, range = {}, mode = 0o644) => intEntry(name, knob(name, v), range, mode);
/** Free RAM in kB at boot, from which the reserves are sized. */
const freeKb = (k: Kernel) => k.pages.free * KB_PER_PAGE;

/** init_admin_reserve / init_user_reserve: 1/32 of free memory, capped at 8 MiB and 128 MiB. */
export const adminReserveKbytes = new Knob('vm.admin_reserve_kbytes', (k) => Math.min(freeKb(k) >> 5, 1 << 13));
export const userReserveKbytes = new Knob('vm.user_reserve_kbytes', (k) => Math.min(freeKb(k) >> 5, 1 << 17));

const vmTable: CtlTable[] = [
  entry('admin_reserve_kbytes', 0o644, intKnob(adminReserveKbytes, {}, 64, true)),
  int('compact_unevictable_allowed', 1, { min: 0, max: 1 }),
  int('compaction_proactiveness', 20, { min: 0, max: 100 }),
  entry('dirty_background_bytes', 0o644, intKnob(knob('dirty_background_bytes', 0), {}, 64, true)),
  intEntry('dirty_background_ratio', dirtyBackgroundRatio, { min: 0, max: 100 }),
  entry('dirty_bytes', 0o644, intKnob(knob('dirty_bytes', 0), {}, 64, true)),
  int('dirty_expire_centisecs', 3000, { min: 0 }),
  intEntry('dirty_ratio', dirtyRatio, { min: 0, max: 100 }),
  int('dirty_writeback_centisecs', 500, { min: 0 }),
  int('dirtytime_expire_seconds', 43200, { min: 0 }),
  // Write-only: 1 frees the page cache, 2 slab objects, 3 both; 4 silences the message.
  entry('drop_caches', 0o200, {
    show: () => '0\n',
    store: (k, text) => {
      const m = /^[ \t\n]*([1-4])[ \t\n]*$/.exec(text);
      if (!m) return -EINVAL;
      const v = Number(m[1]),
        ev = vmSysctlEvents.get(k);
      if (v & 1) ev.dropPagecache++;
      if (v & 2) ev.dropSlab++;
      return 0;
    },
  }),
  int('extfrag_threshold', 500, { min: 0, max: 1000 }),
  int('hugetlb_optimize_vmemmap', 0, { min: 0, max: 1 }),
  int('hugetlb_shm_group', 0),
  int('laptop_mode', 0),
  int('legacy_va_layout', 0, { min: 0 }),
  // DMA32, Normal, Movable.
  entry(
    'lowmem_reserve_ratio',
    0o644,
    intvec(
      (k) => lowmem.get(k),
      (k, v) => lowmem.set(k, v.map(Number)),
      { min: 0 },
    ),
  ),
  entry('max_map_count', 0o644, intKnob(maxMapCount, { min: 0 })),
  int('memfd_noexec', 0, { min: 0, max: 2 }),
  entry('min_free_kbytes', 0o644, intKnob(minFreeKbytes, { min: 0 })),
  // The lowest address mmap hands out (MMAP_MIN_ADDR of this kernel's mm).
  entry(
    'mmap_min_addr',
    0o644,
    computed(() => MMAP_MIN_ADDR),
  ),
  // CONFIG_ARCH_MMAP_RND_BITS_MIN..MAX on riscv64 Sv39: 18..24.
  int('mmap_rnd_bits', 18, { min: 18, max: 24 }),
  int('mmap_rnd_compat_bits', 8, { min: 8, max: 17 }),
  entry('nr_hugepages', 0o644, intKnob(knob('nr_hugepages', 0), {}, 64, true)),
  entry('nr_overcommit_hugepages', 0o644, intKnob(knob('nr_overcommit_hugepages', 0), {}, 64, true)),
  intEntry('oom_dump_tasks', oomDumpTasks, { min: 0, max: 1 }),
  intEntry('oom_kill_allocating_task', oomKillAllocatingTask),
  entry('overcommit_kbytes', 0o644, intKnob(overcommitKbytes, {}, 64, true)),
  entry('overcommit_memory', 0o644, intKnob(overcommitMemory, { min: 0, max: 2 })),
  entry('overcommit_ratio', 0o644, intKnob(overcommitRatio, { min: 0 })),
  int('page-cluster', 3, { min: 0, max: 31 }),
  int('page_lock_unfairness', 5, { min: 0 }),
  intEntry('panic_on_oom', panicOnOom, { min: 0, max: 2 }),
  int('percpu_pagelist_high_fraction', 0, { min: 0 }),
  int('stat_interval', 1),
  entry('stat_refresh', 0o600, { show: () => '', store: () => 0 }),
  entry('swappiness', 0o644, intKnob(swappiness, { min: 0, max: 200 })),
  int('unprivileged_userfaultfd', 0, { min: 0, max: 1 }),
  entry('user_reserve_kbytes', 0o644, intKnob(userReserveKbytes, {}, 64, true)),
  int('vfs_cache_pressure', 100, { min: 0 }),
  int('watermark_boost_factor', 15000, { min: 0 }),
  int('watermark_scale_factor', 10, { min: 1, max: 3000 }),
];
const lowmem = new Knob('vm.lowmem_reserve_ratio', () => [256, 32, 0]);

export function registerVmTable(): void {
  registerSysctl('vm', vmTable);
}
