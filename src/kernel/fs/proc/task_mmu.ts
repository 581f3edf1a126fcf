// Address-space views (Linux's fs/proc/task_mmu.c): /proc/PID/maps, the Vm*
// lines of status, and statm, all computed from the task's VMAs.
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import type { Mm } from '../../mm/mm.js';
import type { Vma } from '../../mm/vma.js';
import { major, minor } from '../special.js';

const PAGE = 4096;
const PROT_READ = 1,
  PROT_WRITE = 2,
  PROT_EXEC = 4;

/** Counters a later mm may keep itself; derived from the VMAs until then. */
interface MmExtras {
  startCode?: number;
  endCode?: number;
  startData?: number;
  endData?: number;
  hiwaterVm?: number;
  hiwaterRss?: number;
  lockedVm?: number;
  pinnedVm?: number;
  rssFile?: number;
  rssShmem?: number;
  swapEnts?: number;
}
const ext = (mm: Mm): MmExtras => mm as unknown as MmExtras;

/** Linux's VM_STACK: on riscv the stack is the VM_GROWSDOWN mapping. */
const isStack = (v: Vma): boolean => v.growsDown;

/** The program's own text and data segments (mm->start_code .. end_data). */
export function segments(t: Task, mm: Mm): { startCode: number; endCode: number; startData: number; endData: number } {
  const e = ext(mm);
  if (e.startCode !== undefined && e.endCode !== undefined) {
    return { startCode: e.startCode, endCode: e.endCode, startData: e.startData ?? 0, endData: e.endData ?? 0 };
  }
  const exe = t.exe?.inode;
  const ofExe = (v: Vma) => !!v.file && !v.name && (!exe || (v.file.ino === exe.ino && v.file.dev === exe.sb.dev));
  const text = mm.vmas.find((v) => ofExe(v) && v.prot & PROT_EXEC);
  if (!text) return { startCode: 0, endCode: 0, startData: 0, endData: 0 };
  const data = mm.vmas.find((v) => v.start >= text.end && ofExe(v) && v.prot & PROT_WRITE);
  return { startCode: text.start, endCode: text.end, startData: data?.start ?? 0, endData: data?.end ?? 0 };
}

export interface MmUsage {
  totalVm: number;
  hiwaterVm: number;
  lockedVm: number;
  pinnedVm: number;
  rss: number;
  hiwaterRss: number;
  anon: number;
  file: number;
  shmem: number;
  dataVm: number;
  stackVm: number;
  execVm: number;
  ptPages: number;
  swap: number;
}

/**
 * Page-table pages an Sv39 walk of these mappings needs: the root, one
 * table per 1 GiB slot and one per 2 MiB slot touched (an upper bound,
 * since Linux allocates tables only for pages actually faulted in).
 */
export function ptPages(mm: Mm): number {
  let n = 1,
    last1g = -1,
    last2m = -1;
  for (const v of mm.vmas) {
    const g0 = Math.max(Math.floor(v.start / 2 ** 30), last1g + 1),
      g1 = Math.floor((v.end - 1) / 2 ** 30);
    const m0 = Math.max(Math.floor(v.start / 2 ** 21), last2m + 1),
      m1 = Math.floor((v.end - 1) / 2 ** 21);
    if (g1 >= g0) {
      n += g1 - g0 + 1;
      last1g = g1;
    }
    if (m1 >= m0) {
      n += m1 - m0 + 1;
      last2m = m1;
    }
  }
  return n;
}

/** In pages, as the mm_struct counters are. */
export function mmUsage(mm: Mm): MmUsage {
  const e = ext(mm);
  let dataVm = 0,
    stackVm = 0,
    execVm = 0;
  for (const v of mm.vmas) {
    const pages = (v.end - v.start) / PAGE;
    if (isStack(v)) stackVm += pages;
    else if (v.prot & PROT_WRITE && !v.shared) dataVm += pages;
    else if (v.prot & PROT_EXEC && !(v.prot & PROT_WRITE)) execVm += pages;
  }
  const file = e.rssFile ?? 0,
    shmem = e.rssShmem ?? 0;
  const anon = Math.max(0, mm.rss - file - shmem);
  return {
    totalVm: mm.totalVm,
    hiwaterVm: Math.max(mm.totalVm, e.hiwaterVm ?? 0),
    lockedVm: e.lockedVm ?? 0,
    pinnedVm: e.pinnedVm ?? 0,
    rss: mm.rss,
    hiwaterRss: Math.max(mm.rss, e.hiwaterRss ?? 0),
    anon,
    file,
    shmem,
    dataVm,
    stackVm,
    execVm,
    ptPages: ptPages(mm),
    swap: e.swapEnts ?? 0,
  };
}

const kb = (pages: number) => pages * (PAGE / 1024);
const w8 = (n: number) => String(n).padStart(8);

/** The Vm and Rss lines of /proc/PID/status (task_mem), each value "%8lu kB". */
export function taskMem(t: Task, mm: Mm): string {
  const u = mmUsage(mm);
  const seg = segments(t, mm);
  // Executable mappings split into the program's text and the libraries'.
  const textBytes = seg.endCode ? Math.min(Math.ceil(seg.endCode / PAGE) * PAGE - (seg.startCode - (seg.startCode % PAGE)), u.execVm * PAGE) : 0;
  const libBytes = u.execVm * PAGE - textBytes;
  const rows: [string, number][] = [
    ['VmPeak', kb(u.hiwaterVm)],
    ['VmSize', kb(u.totalVm)],
    ['VmLck', kb(u.lockedVm)],
    ['VmPin', kb(u.pinnedVm)],
    ['VmHWM', kb(u.hiwaterRss)],
    ['VmRSS', kb(u.rss)],
    ['RssAnon', kb(u.anon)],
    ['RssFile', kb(u.file)],
    ['RssShmem', kb(u.shmem)],
    ['VmData', kb(u.dataVm)],
    ['VmStk', kb(u.stackVm)],
    ['VmExe', textBytes >> 10],
    ['VmLib', Math.floor(libBytes / 1024)],
    ['VmPTE', kb(u.ptPages)],
    ['VmSwap', kb(u.swap)],
  ];
  let s = '';
  for (const [name, v] of rows) s += `${name}:\t${w8(v)} kB\n`;
  // hugetlb_report_usage: no hugetlbfs mappings here.
  s += `HugetlbPages:\t${w8(0)} kB\n`;
  return s;
}

/** /proc/PID/statm: size resident shared text lib(0) data dt(0), in pages. */
export function statm(t: Task, mm: Mm | null): string {
  if (!mm) return '0 0 0 0 0 0 0\n';
  const u = mmUsage(mm);
  const seg = segments(t, mm);
  const text = seg.endCode ? (Math.ceil(seg.endCode / PAGE) * PAGE - (seg.startCode - (seg.startCode % PAGE))) / PAGE : 0;
  return `${u.totalVm} ${u.rss} ${u.file + u.shmem} ${text} 0 ${u.dataVm + u.stackVm} 0\n`;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** seq_file_path escapes newlines in names as octal. */
const escapeName = (s: string) => s.replace(/\n/g, '\\012');

/** What the last column of a maps line says about v (show_map_vma's choice). */
function vmaName(v: Vma, mm: Mm): string | null {
  if (v.name) return v.name;
  if (v.file) return escapeName(v.file.path);
  if (mm.brkStart && v.start <= mm.brk && v.end >= mm.brkStart) return '[heap]';
  if (mm.startStack && v.start <= mm.startStack && v.end >= mm.startStack) return '[stack]';
  return null;
}

/** One line of /proc/PID/maps. */
export function mapsLine(v: Vma, mm: Mm): string {
  // Special mappings ([vdso]) name themselves and have no backing inode.
  const file = v.file && !v.name ? v.file : null;
  const dev = file ? file.dev : 0;
  let s =
    `${hex(v.start, 8)}-${hex(v.end, 8)} ` +
    (v.prot & PROT_READ ? 'r' : '-') +
    (v.prot & PROT_WRITE ? 'w' : '-') +
    (v.prot & PROT_EXEC ? 'x' : '-') +
    (v.shared ? 's' : 'p') +
    ` ${hex(file ? v.offset : 0, 8)} ${hex(major(dev), 2)}:${hex(minor(dev), 2)} ${file ? file.ino : 0} `;
  const name = vmaName(v, mm);
  if (name !== null) {
    // seq_setwidth(25 + 6 * sizeof(void *) - 1) then seq_pad(' '): names start at column 73.
    s = s.padEnd(72) + ' ' + name;
  }
  return s + '\n';
}

export function maps(_k: Kernel, mm: Mm | null): string {
  if (!mm) return '';
  let s = '';
  for (const v of mm.vmas) s += mapsLine(v, mm);
  return s;
}
