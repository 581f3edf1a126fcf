// Overcommit accounting (Linux's mm/util.c __vm_enough_memory and
// vm_commit_limit, security/commoncap.c cap_vm_enough_memory): private
// writable mappings (VM_ACCOUNT) are charged when they are made or grow,
// and vm.overcommit_memory decides whether the charge may pass:
//   0 (OVERCOMMIT_GUESS)  only a single request larger than RAM + swap fails;
//   1 (OVERCOMMIT_ALWAYS) nothing fails;
//   2 (OVERCOMMIT_NEVER)  Committed_AS may not reach CommitLimit (swap + RAM
//                         * overcommit_ratio% or overcommit_kbytes), less the
//                         admin reserve for callers without CAP_SYS_ADMIN and
//                         a little of the caller's own size (user_reserve).
// Committed_AS is the sum of the accounted mappings of every address space,
// counted when asked rather than kept as a running total, so no path that
// changes a mapping can leave it wrong.
import type { Kernel } from '../kernel.js';
import type { Mm } from './mm.js';
import { PAGE_SIZE } from './layout.js';
import { KERN_WARNING } from '../printk.js';
import { adminReserveKbytes, overcommitKbytes, overcommitMemory, overcommitRatio, userReserveKbytes } from '../sysctl/vm.js';
import { capable, CAP_SYS_ADMIN } from '../security/commoncap.js';

export const OVERCOMMIT_GUESS = 0,
  OVERCOMMIT_ALWAYS = 1,
  OVERCOMMIT_NEVER = 2;

const KB_PER_PAGE = PAGE_SIZE / 1024;

/** What the address spaces reach the accounting through (set on the page allocator at boot). */
export interface CommitAccounting {
  /** security_vm_enough_memory_mm: may mm be charged `pages` more? */
  enough(mm: Mm, pages: number): boolean;
  /** OVERCOMMIT_NEVER ignores MAP_NORESERVE. */
  never(): boolean;
}

/** Pages of mm's VM_ACCOUNT mappings, or of the part of them inside [start, end). */
export function accountedPages(mm: Mm, start = 0, end = Infinity): number {
  let n = 0;
  for (const v of mm.vmas) if (v.accounted && v.end > start && v.start < end) n += (Math.min(v.end, end) - Math.max(v.start, start)) / PAGE_SIZE;
  return n;
}

/** vm_committed_as: the accounted pages of every address space, each counted once. */
export function committedAs(k: Kernel): number {
  const seen = new Set<Mm>();
  let n = 0;
  for (const t of k.pids.tasks()) {
    if (t.kthread || t.state === 'Z' || t.state === 'X' || seen.has(t.mm)) continue;
    seen.add(t.mm);
    n += accountedPages(t.mm);
  }
  return n;
}

const swapPages = (k: Kernel) => (k as unknown as { swap?: { totalPages: number } }).swap?.totalPages ?? 0;

/** vm_commit_limit: overcommit_kbytes if set, else overcommit_ratio% of RAM; plus swap. */
export function commitLimit(k: Kernel): number {
  const kbytes = overcommitKbytes.get(k);
  const ram = kbytes ? Math.floor(kbytes / KB_PER_PAGE) : Math.floor((k.pages.total * overcommitRatio.get(k)) / 100);
  return ram + swapPages(k);
}

/** __vm_enough_memory for the current task's credentials; a refusal is logged as Linux logs it. */
export function vmEnoughMemory(k: Kernel, mm: Mm, pages: number): boolean {
  if (pages <= 0) return true;
  const mode = overcommitMemory.get(k);
  if (mode === OVERCOMMIT_ALWAYS) return true;
  let ok: boolean;
  if (mode === OVERCOMMIT_GUESS) ok = pages <= k.pages.total + swapPages(k);
  else {
    let allowed = commitLimit(k);
    const cred = k.current?.cred;
    if (!(cred && capable(cred, CAP_SYS_ADMIN))) allowed -= Math.floor(adminReserveKbytes.get(k) / KB_PER_PAGE);
    allowed -= Math.min(Math.floor(mm.totalVm / 32), Math.floor(userReserveKbytes.get(k) / KB_PER_PAGE));
    ok = committedAs(k) + pages < allowed;
  }
  if (!ok && k.pages.commitRatelimit.allow(k.clock.monotonic(), (l) => k.log.printk(KERN_WARNING, l))) {
    const t = k.current;
    k.log.printk(
      KERN_WARNING,
      `__vm_enough_memory: pid: ${t?.tid ?? 0}, comm: ${t?.comm ?? 'swapper/0'}, bytes: ${pages * PAGE_SIZE} not enough memory for the allocation`,
    );
  }
  return ok;
}

export function commitAccounting(k: Kernel): CommitAccounting {
  return { enough: (mm, pages) => vmEnoughMemory(k, mm, pages), never: () => overcommitMemory.get(k) === OVERCOMMIT_NEVER };
}
