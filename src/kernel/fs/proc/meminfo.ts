// /proc/meminfo (Linux's fs/proc/meminfo.c, 6.12, riscv64 with THP, CMA
// and zswap configured as Debian does): "%-16s%8lu kB" rows from the page
// allocator and the address spaces.
import type { Kernel } from '../../kernel.js';
import type { Mm } from '../../mm/mm.js';
import { extras, taskMm } from './pid.js';
import { mmUsage } from './task_mmu.js';
import { commitLimit, committedAs } from '../../mm/overcommit.js';

const KB_PER_PAGE = 4;
/** THREAD_SIZE on riscv64: each task's kernel stack. */
const KERNEL_STACK_KB = 16;
/** VMALLOC_END - VMALLOC_START with Sv39, in kB. */
const VMALLOC_TOTAL_KB = 67108863;
const HUGEPAGE_KB = 2048;

const row = (label: string, kb: number) => `${(label + ':').padEnd(16)}${String(Math.max(0, Math.floor(kb))).padStart(8)} kB\n`;

function distinctMms(k: Kernel): Mm[] {
  const s = new Set<Mm>();
  for (const t of k.pids.tasks()) {
    const mm = taskMm(t);
    if (mm) s.add(mm);
  }
  return [...s];
}

/** The node counters meminfo and vmstat share, in pages. */
export interface MemState {
  total: number;
  free: number;
  cached: number;
  buffers: number;
  shmem: number;
  dirty: number;
  writeback: number;
  swapTotal: number;
  swapFree: number;
  swapCached: number;
  anon: number;
  pt: number;
  committed: number;
  mapped: number;
}

export function memState(k: Kernel): MemState {
  const total = k.pages.total,
    free = k.pages.free;
  const used = total - free;
  const x = extras(k);
  const cache = x.pageCache;
  const cached = cache?.pages ?? 0,
    buffers = cache?.buffers ?? 0,
    shmem = cache?.shmem ?? 0;
  let anon = 0,
    pt = 0;
  for (const mm of distinctMms(k)) {
    const u = mmUsage(mm);
    anon += u.anon;
    pt += u.ptPages;
  }
  // Pages shared copy-on-write are counted once per mm above; RAM is the cap.
  anon = Math.min(anon, Math.max(0, used - cached - buffers));
  pt = Math.min(pt, used);
  // vm_committed_as: what the VM_ACCOUNT mappings of every address space charged (mm/overcommit.ts).
  const committed = committedAs(k);
  return {
    total,
    free,
    cached,
    buffers,
    shmem,
    dirty: cache?.dirty ?? 0,
    writeback: cache?.writeback ?? 0,
    swapTotal: x.swap?.totalPages ?? 0,
    swapFree: x.swap?.freePages ?? 0,
    swapCached: x.swap?.cachedPages ?? 0,
    anon,
    pt,
    committed,
    mapped: cache?.mapped ?? 0,
  };
}

export function meminfo(k: Kernel): string {
  const m = memState(k);
  const { total, free, cached, buffers, shmem, anon, pt, committed } = m;
  const swapTotal = m.swapTotal,
    swapFree = m.swapFree;
  const cache = { dirty: m.dirty, writeback: m.writeback };
  const p = (n: number) => n * KB_PER_PAGE;
  let s = '';
  s += row('MemTotal', p(total));
  s += row('MemFree', p(free));
  s += row('MemAvailable', p(free + cached - shmem + buffers));
  s += row('Buffers', p(buffers));
  s += row('Cached', p(cached));
  s += row('SwapCached', p(m.swapCached));
  s += row('Active', p(anon));
  s += row('Inactive', p(cached + buffers));
  s += row('Active(anon)', p(anon));
  s += row('Inactive(anon)', 0);
  s += row('Active(file)', 0);
  s += row('Inactive(file)', p(cached + buffers));
  s += row('Unevictable', 0);
  s += row('Mlocked', 0);
  s += row('SwapTotal', p(swapTotal));
  s += row('SwapFree', p(swapFree));
  s += row('Zswap', 0);
  s += row('Zswapped', 0);
  s += row('Dirty', p(cache.dirty));
  s += row('Writeback', p(cache.writeback));
  s += row('AnonPages', p(anon));
  s += row('Mapped', p(m.mapped));
  s += row('Shmem', p(shmem));
  s += row('KReclaimable', 0);
  s += row('Slab', 0);
  s += row('SReclaimable', 0);
  s += row('SUnreclaim', 0);
  s += row('KernelStack', k.pids.taskCount * KERNEL_STACK_KB);
  s += row('PageTables', p(pt));
  s += row('SecPageTables', 0);
  s += row('NFS_Unstable', 0);
  s += row('Bounce', 0);
  s += row('WritebackTmp', 0);
  s += row('CommitLimit', p(commitLimit(k)));
  s += row('Committed_AS', p(committed));
  s += row('VmallocTotal', VMALLOC_TOTAL_KB);
  s += row('VmallocUsed', 0);
  s += row('VmallocChunk', 0);
  s += row('Percpu', 0);
  s += row('AnonHugePages', 0);
  s += row('ShmemHugePages', 0);
  s += row('ShmemPmdMapped', 0);
  s += row('FileHugePages', 0);
  s += row('FilePmdMapped', 0);
  s += row('CmaTotal', 0);
  s += row('CmaFree', 0);
  // hugetlb_report_meminfo
  s +=
    `HugePages_Total:   ${'0'.padStart(5)}\nHugePages_Free:    ${'0'.padStart(5)}\n` +
    `HugePages_Rsvd:    ${'0'.padStart(5)}\nHugePages_Surp:    ${'0'.padStart(5)}\n`;
  s += row('Hugepagesize', HUGEPAGE_KB);
  s += row('Hugetlb', 0);
  return s;
}
