// The page-fault handler (Linux's mm/memory.c handle_mm_fault, with
// filemap_fault, do_fault_around and expand_stack): pages are allocated on
// first touch, file pages come from the page cache, private pages shared
// after fork or with the file are copied on the first write.
import { makePte, ptePage, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from './pagetable.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE, type Vma } from './vma.js';
import { PAGE_SIZE, TASK_SIZE, pageDown, pageUp } from './layout.js';
import type { Mm } from './mm.js';
import { GFP_ANON_FAULT, GFP_PAGECACHE } from './gfp.js';
import { isSwapPte, pteToSwpEntry } from './swapops.js';

/** ok, SEGV_MAPERR, SEGV_ACCERR, SIGBUS (file page beyond EOF), VM_FAULT_OOM (no page even after the OOM killer). */
export type FaultResult = 0 | 1 | 2 | 3 | 4;
export const FAULT_OK = 0,
  FAULT_MAPERR = 1,
  FAULT_ACCERR = 2,
  FAULT_SIGBUS = 3,
  FAULT_OOM = 4;

const STACK_LIMIT = 8 * 1024 * 1024;
/** Pages a file read fault maps around itself (fault_around_bytes / PAGE_SIZE). */
const FAULT_AROUND = 16;

/**
 * The page-fault handler: make `addr` accessible for `access` ('r', 'w', 'x')
 * or say why not. Pages are allocated on first touch; private pages shared
 * after fork are copied on the first write.
 */
export function handleFault(mm: Mm, addr: number, access: 'r' | 'w' | 'x'): FaultResult {
  if (addr < 0 || addr >= TASK_SIZE) return FAULT_MAPERR;
  let v = mm.find(addr);
  if (!v) {
    v = expandStack(mm, addr);
    if (!v) return FAULT_MAPERR;
  }
  if (access === 'r' && !(v.prot & (PROT_READ | PROT_WRITE))) return FAULT_ACCERR;
  if (access === 'w' && !(v.prot & PROT_WRITE)) return FAULT_ACCERR;
  if (access === 'x' && !(v.prot & PROT_EXEC)) return FAULT_ACCERR;
  const vpn = Math.floor(addr / PAGE_SIZE);
  const e = mm.pt.pteIndex(vpn, true);
  if (e < 0) return FAULT_OOM; // no page for a table, even after the OOM killer
  const i32 = mm.alloc.mem.i32;
  const lo = i32[e];
  if (lo & PTE_V) {
    let page = ptePage(lo, i32[e + 1]);
    if (access === 'w' && !(lo & PTE_W)) {
      if (v.shared) mm.alloc.mapping[page]?.setDirty(page);
      else if (mm.alloc.refs[page] > 1 || mm.alloc.mapping[page]) {
        // Copy-on-write: of a page shared since fork, or of the file's own page.
        const copy = mm.alloc.alloc(GFP_PAGECACHE);
        if (copy < 0) return FAULT_OOM;
        mm.alloc.mem.copyPage(copy, page);
        mm.account(page, -1);
        mm.alloc.put(page);
        page = copy;
        mm.account(page, 1);
      }
      mm.pt.map(vpn, page, pteProt(mm, v, page, true) | PTE_W | PTE_A | PTE_D);
    } else {
      i32[e] = lo | PTE_A | (access === 'w' ? PTE_D : 0);
    }
    mm.faults.minor++;
    mm.tlb.flush(mm);
    return FAULT_OK;
  }
  if (isSwapPte(lo, i32[e + 1])) return doSwapPage(mm, v, e, access === 'w', true);
  const pageVa = vpn * PAGE_SIZE;
  if (v.file && pageVa < v.zeroFrom && v.file.size && v.offset + (pageVa - v.start) >= pageUp(v.file.size())) return FAULT_SIGBUS;
  const mapping = v.mapping;
  if (mapping && pageVa + PAGE_SIZE <= v.zeroFrom) return fileFault(mm, v, vpn, e, access === 'w');
  const page = mm.alloc.alloc(GFP_ANON_FAULT);
  if (page < 0) return FAULT_OOM;
  if (v.file && pageVa < v.zeroFrom) {
    const mem = mm.alloc.mem;
    const n = Math.min(PAGE_SIZE, v.zeroFrom - pageVa);
    const dst = mem.u8.subarray(page * PAGE_SIZE, page * PAGE_SIZE + n);
    v.file.readAt(v.offset + (pageVa - v.start), dst);
    mem.invalidateCode(page);
    mm.faults.major++;
  } else mm.faults.minor++;
  const dirty = access === 'w';
  mm.pt.map(vpn, page, pteProt(mm, v, page, dirty) | PTE_A | (dirty ? PTE_D | PTE_W : 0));
  mm.rss++;
  return FAULT_OK; // a new PTE: the TLB holds nothing for it
}

/**
 * A file page not yet mapped (filemap_fault): a shared mapping maps the
 * page-cache page itself, writable only once written (so the page is
 * known dirty); a private one maps it read-only, or a copy for a write.
 */
export function fileFault(mm: Mm, v: Vma, vpn: number, e: number, write: boolean): FaultResult {
  const index = v.pgoff(vpn * PAGE_SIZE);
  const got = v.mapping!.get(index);
  if (!got) return FAULT_OOM;
  v.mapping!.host.faulted?.(index);
  if (got.major) mm.faults.major++;
  else mm.faults.minor++;
  let page = got.page;
  mm.alloc.get(page); // the PTE's reference, before anything else may reclaim
  if (write && !v.shared) {
    const copy = mm.alloc.alloc(GFP_PAGECACHE);
    if (copy < 0) {
      mm.alloc.put(page);
      return FAULT_OOM;
    }
    mm.alloc.mem.copyPage(copy, page);
    mm.alloc.put(page);
    page = copy;
  } else if (write) v.mapping!.setDirty(page);
  const lo = pteProt(mm, v, page, write) | PTE_A | (write ? PTE_D | PTE_W : 0);
  const [plo, phi] = makePte(page, lo | PTE_V | PTE_U);
  const i32 = mm.alloc.mem.i32;
  i32[e] = plo;
  i32[e + 1] = phi;
  mm.account(page, 1);
  if (!write) faultAround(mm, v, vpn);
  // the PTE was invalid, and the TLB caches no invalid entry: nothing to flush
  return FAULT_OK;
}

/**
 * A read fault on a file maps the file's other pages in the same aligned
 * FAULT_AROUND window too (Linux's do_fault_around with fault_around_bytes
 * 64 KiB), reading them into the page cache as mmap's read-around would:
 * a program then takes one fault per 64 KiB of library it runs, not one
 * per page. Only pages inside the VMA, below EOF and the zero-filled tail,
 * and not mapped yet; they are mapped read-only (a write still faults).
 */
export function faultAround(mm: Mm, v: Vma, vpn: number): void {
  const mapping = v.mapping!,
    file = v.file!,
    i32 = mm.alloc.mem.i32;
  const window = vpn - (vpn % FAULT_AROUND);
  const eof = file.size ? v.start + pageUp(file.size()) - v.offset : Infinity;
  const first = Math.max(window, v.start / PAGE_SIZE);
  const end = Math.min(window + FAULT_AROUND, v.end / PAGE_SIZE, Math.floor(v.zeroFrom / PAGE_SIZE), Math.ceil(eof / PAGE_SIZE));
  for (let n = first; n < end; n++) {
    if (n === vpn) continue;
    const e = mm.pt.pteIndex(n, false);
    if (e < 0 || i32[e] !== 0 || i32[e + 1] !== 0) continue; // mapped, or a swapped-out private copy
    const got = mapping.get(v.pgoff(n * PAGE_SIZE));
    if (!got) return;
    mm.alloc.get(got.page);
    const [plo, phi] = makePte(got.page, pteProt(mm, v, got.page, false) | PTE_A | PTE_V | PTE_U);
    i32[e] = plo;
    i32[e + 1] = phi;
    mm.account(got.page, 1);
  }
}

/**
 * do_swap_page: the PTE at e is a swap entry; read the page back into a new
 * page, map it and drop the entry's reference on its slot. A fault counts
 * as major (it waited for the disk); swapoff's unuse path counts none. An
 * entry whose slot is not in use (a corrupt PTE) or a failed read is
 * SIGBUS, as Linux's VM_FAULT_SIGBUS.
 */
export function doSwapPage(mm: Mm, v: Vma, e: number, write: boolean, fault: boolean): FaultResult {
  const alloc = mm.alloc,
    i32 = alloc.mem.i32;
  const lo = i32[e],
    hi = i32[e + 1];
  const entry = pteToSwpEntry(lo, hi);
  const swap = alloc.swap;
  if (!swap || swap.count(entry) === 0) return FAULT_SIGBUS;
  const page = alloc.alloc(GFP_ANON_FAULT);
  if (page < 0) return FAULT_OOM;
  if (i32[e] !== lo || i32[e + 1] !== hi) {
    // The OOM killer reaped this address space meanwhile (swapoff's path): nothing left to bring back.
    alloc.put(page);
    return FAULT_OK;
  }
  const data = new Uint8Array(PAGE_SIZE);
  if (swap.read(entry, data) !== 0) {
    alloc.put(page);
    return FAULT_SIGBUS;
  }
  alloc.mem.write(page * PAGE_SIZE, data);
  swap.put(entry);
  mm.swapEnts--;
  mm.rss++;
  if (fault) mm.faults.major++;
  const [plo, phi] = makePte(page, pteProt(mm, v, page, write) | PTE_A | (write ? PTE_D | PTE_W : 0) | PTE_V | PTE_U);
  i32[e] = plo;
  i32[e + 1] = phi;
  return FAULT_OK; // the PTE was not present: nothing cached to flush
}

export function expandStack(mm: Mm, addr: number): Vma | null {
  const above = mm.vmas.find((v) => v.growsDown && v.start > addr);
  if (!above) return null;
  if (above.end - pageDown(addr) > STACK_LIMIT) return null;
  const newStart = pageDown(addr);
  const prev = mm.vmas[mm.vmas.indexOf(above) - 1];
  if (prev && prev.end > newStart - PAGE_SIZE) return null; // stack guard gap
  // acct_stack_growth: the growth is charged like any private writable memory.
  if (above.accounted && mm.alloc.commit && !mm.alloc.commit.enough(mm, (above.start - newStart) / PAGE_SIZE)) return null;
  mm.totalVm += (above.start - newStart) / PAGE_SIZE;
  above.start = newStart;
  return above;
}

/** R/W/X bits for a present page: private pages shared with another mm stay read-only (COW). */
export function pteProt(mm: Mm, v: Vma, page: number, dirty: boolean): number {
  let f = 0;
  if (v.prot & (PROT_READ | PROT_WRITE)) f |= PTE_R;
  if (v.prot & PROT_EXEC) f |= PTE_X;
  if (v.prot & PROT_WRITE && (v.shared || (mm.alloc.refs[page] === 1 && !mm.alloc.mapping[page])) && dirty) f |= PTE_W;
  return f;
}

/**
 * RAM byte offset of the page holding `addr`, faulting it in as the
 * hardware would (Linux's uaccess fixup path); -1 means EFAULT.
 */
export function userPage(mm: Mm, addr: number, write: boolean): number {
  if (!(addr >= 0 && addr < TASK_SIZE)) return -1;
  const vpn = Math.floor(addr / PAGE_SIZE);
  const i32 = mm.alloc.mem.i32;
  for (let attempt = 0; attempt < 2; attempt++) {
    const e = mm.pt.pteIndex(vpn, false);
    if (e >= 0) {
      const lo = i32[e];
      const ok = lo & PTE_V && lo & PTE_A && (write ? lo & PTE_W && lo & PTE_D : lo & PTE_R);
      if (ok) return ptePage(lo, i32[e + 1]) * PAGE_SIZE;
    }
    if (attempt === 0 && handleFault(mm, addr, write ? 'w' : 'r') !== FAULT_OK) return -1;
  }
  return -1;
}
