// show_mem (Linux's mm/show_mem.c, 6.12): the "Mem-Info:" block of the OOM
// report, from the same counters /proc/meminfo shows. The board has one node
// and one zone (all of its RAM lies below 4 GiB: ZONE_DMA32), no highmem,
// no CMA; the free pages are listed as order-0 blocks (there is no buddy
// allocator here, every free page is a block of its own).
import type { Kernel } from '../kernel.js';
import { KERN_INFO } from '../printk.js';
import { memState } from '../fs/proc/meminfo.js';
import { minFreeKbytes } from '../sysctl/vm.js';

const KB = 4;

export function showMem(k: Kernel): void {
  const log = (s: string) => k.log.printk(KERN_INFO, s);
  const m = memState(k);
  const file = m.cached + m.buffers - m.shmem;
  log('Mem-Info:');
  log(`active_anon:${m.anon} inactive_anon:${m.shmem} isolated_anon:0`);
  log(` active_file:0 inactive_file:${file} isolated_file:0`);
  log(` unevictable:0 dirty:${m.dirty} writeback:${m.writeback}`);
  log(' slab_reclaimable:0 slab_unreclaimable:0');
  log(` mapped:${m.mapped} shmem:${m.shmem} pagetables:${m.pt}`);
  log(' sec_pagetables:0 bounce:0');
  log(' kernel_misc_reclaimable:0');
  log(` free:${m.free} free_pcp:0 free_cma:0`);
  const stackKb = k.pids.taskCount * 16;
  log(
    `Node 0 active_anon:${m.anon * KB}kB inactive_anon:${m.shmem * KB}kB active_file:0kB inactive_file:${file * KB}kB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:${m.mapped * KB}kB dirty:${m.dirty * KB}kB writeback:${m.writeback * KB}kB shmem:${m.shmem * KB}kB shmem_thp:0kB shmem_pmdmapped:0kB anon_thp:0kB writeback_tmp:0kB kernel_stack:${stackKb}kB pagetables:${m.pt * KB}kB sec_pagetables:0kB all_unreclaimable? no Balloon:0kB`,
  );
  // The watermarks as __setup_per_zone_wmarks sets them: min from min_free_kbytes, low and high a quarter and a half above.
  const min = minFreeKbytes.get(k);
  const step = Math.max(min >> 2, Math.floor((m.total * KB * 10) / 10000));
  log(
    `Node 0 DMA32 free:${m.free * KB}kB boost:0kB min:${min}kB low:${min + step}kB high:${min + 2 * step}kB reserved_highatomic:0KB active_anon:${m.anon * KB}kB inactive_anon:${m.shmem * KB}kB active_file:0kB inactive_file:${file * KB}kB unevictable:0kB writepending:${(m.dirty + m.writeback) * KB}kB present:${m.total * KB}kB managed:${m.total * KB}kB mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB`,
  );
  log('lowmem_reserve[]: 0 0 0 0');
  log(`Node 0 DMA32: ${m.free}*4kB ${Array.from({ length: 10 }, (_, i) => `0*${4 << (i + 1)}kB`).join(' ')} = ${m.free * KB}kB`);
  log('Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=1048576kB');
  log('Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB');
  log(`${m.cached + m.buffers + m.swapCached} total pagecache pages`);
  log(`${m.swapCached} pages in swap cache`);
  log(`Free swap  = ${m.swapFree * KB}kB`);
  log(`Total swap = ${m.swapTotal * KB}kB`);
  log(`${m.total} pages RAM`);
  log('0 pages HighMem/MovableOnly');
  log('0 pages reserved');
  log('0 pages cma reserved');
  log('0 pages hwpoisoned');
}
