// /proc/PID/pagemap (Linux's fs/proc/task_mmu.c pagemap_read): one 64-bit
// entry per virtual page of the process, read at offset vpn * 8. An entry
// has bit 63 (PM_PRESENT) for a page in the page table, bit 61 (PM_FILE) for
// a page-cache page, bit 56 (PM_MMAP_EXCLUSIVE) when only this mapping has
// it, and in bits 0-54 the page frame number, shown only to a reader that
// had CAP_SYS_ADMIN when it opened the file (0 otherwise, as since 4.2).
// Swapped pages are never reported: this machine has no swap device.
import { EINVAL } from '../../errno.js';
import type { FileOps } from '../file.js';
import type { Task } from '../../sched/task.js';
import { TASK_SIZE } from '../../mm/layout.js';
import { PTE_V, ptePage } from '../../mm/pagetable.js';
import { taskMm } from './pid.js';

const PAGE = 4096;
const ENTRY = 8;
const PM_PRESENT = 1n << 63n,
  PM_FILE = 1n << 61n,
  PM_MMAP_EXCLUSIVE = 1n << 56n,
  PM_PFRAME_MASK = (1n << 55n) - 1n;

/** The file operations of one open of t's pagemap; showPfn is the opener's CAP_SYS_ADMIN. */
export function pagemapOps(t: Task, showPfn: boolean): FileOps {
  return {
    read(_f, buf, pos) {
      // Whole entries only, at entry boundaries.
      if (pos % ENTRY || buf.length % ENTRY) return -EINVAL;
      const mm = taskMm(t);
      if (!mm) return 0;
      const first = pos / ENTRY,
        end = TASK_SIZE / PAGE;
      if (first >= end) return 0;
      const n = Math.min(buf.length / ENTRY, end - first);
      const dv = new DataView(buf.buffer, buf.byteOffset, n * ENTRY);
      const i32 = mm.alloc.mem.i32;
      for (let i = 0; i < n; i++) {
        const vpn = first + i;
        let v = 0n;
        const e = mm.find(vpn * PAGE) ? mm.pt.pteIndex(vpn, false) : -1;
        if (e >= 0 && i32[e] & PTE_V) {
          const lo = i32[e],
            hi = i32[e + 1];
          const pfn = (lo >>> 10) + (hi & 0x3fffff) * 4194304;
          const page = ptePage(lo, hi);
          v = PM_PRESENT;
          const owner = mm.alloc.mapping[page];
          const refs = mm.alloc.refs[page];
          if (owner) v |= PM_FILE;
          if (refs - (owner ? 1 : 0) <= 1) v |= PM_MMAP_EXCLUSIVE;
          if (showPfn) v |= BigInt(pfn) & PM_PFRAME_MASK;
        }
        dv.setBigUint64(i * ENTRY, v, true);
      }
      return n * ENTRY;
    },
  };
}
