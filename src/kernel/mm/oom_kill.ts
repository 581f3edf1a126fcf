// The OOM killer (Linux's mm/oom_kill.c): when the page allocator finds no
// page even after reclaim, out_of_memory chooses the process whose death
// frees the most (oom_badness: its resident pages, swap entries and page
// tables, shifted by oom_score_adj), kills it with SIGKILL, and the
// oom_reaper frees its private memory at once, before the victim has even
// run to its exit. The report goes to the kernel log as Linux prints it.
//
// One thread runs the machine, so the reaper works synchronously here; the
// one mm it leaves alone is the allocating task's own (the caller is in the
// middle of using it): that victim gets the reserve and frees all at exit.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { Mm } from './mm.js';
import type { OomOutcome } from './pagealloc.js';
import { PAGE_SIZE } from './layout.js';
import { formatGfp } from './gfp.js';
import { showMem } from './show_mem.js';
import { KERN_ERR, KERN_INFO, KERN_WARNING } from '../printk.js';
import { oomDumpTasks, oomKillAllocatingTask, panicOnOom } from '../sysctl/vm.js';
import { SIGKILL, SI_KERNEL } from '../signal/signals.js';
import { fatalSignalPending, sendSignal } from '../signal/deliver.js';
import { panic } from '../boot/panic.js';
import { UTS_RELEASE, UTS_VERSION } from '../version.js';

export const OOM_SCORE_ADJ_MIN = -1000,
  OOM_SCORE_ADJ_MAX = 1000;

/** Page-table pages an mm holds: its tables' pages, as mm_pgtables_bytes counts them. */
export function pgtablePages(mm: Mm): number {
  return mm.pt.pages;
}

const alive = (t: Task) => t.state !== 'Z' && t.state !== 'X';

/** find_lock_task_mm: a live thread of the process that still has its mm. */
function taskWithMm(p: Task): Task | null {
  if (p.kthread) return null;
  return p.tg.tasks.find((x) => alive(x) && x.mm) ?? null;
}

/** oom_unkillable_task: the global init and kernel threads are never chosen. */
const unkillable = (p: Task) => p.tg.tgid === 1 || p.kthread !== null;

/**
 * oom_badness: rss + swap entries + page-table pages, plus oom_score_adj
 * thousandths of all memory; null (LONG_MIN) for what may not be chosen:
 * unkillable, no mm, -1000, already reaped (MMF_OOM_SKIP), or a vfork child.
 */
export function oomBadness(p: Task, totalPages: number): number | null {
  if (unkillable(p)) return null;
  const t = taskWithMm(p);
  if (!t) return null;
  const mm = t.mm;
  const adj = p.tg.oomScoreAdj;
  if (adj === OOM_SCORE_ADJ_MIN || mm.oomSkip || t.vforkDone !== null) return null;
  return badnessPoints(mm.rss, mm.swapEnts, pgtablePages(mm), adj, totalPages);
}

/** oom_badness's arithmetic: the footprint in pages, then adj * (totalpages / 1000) (integer division). */
export function badnessPoints(rss: number, swapEnts: number, pgtables: number, adj: number, totalPages: number): number {
  return rss + swapEnts + pgtables + adj * Math.floor(totalPages / 1000);
}

/** proc_oom_score's arithmetic: (1000 + badness * 1000 / totalpages) * 2 / 3, C's truncating division. */
export function scoreFromBadness(badness: number, totalPages: number): number {
  return Math.max(0, Math.trunc(((1000 + Math.trunc((badness * 1000) / totalPages)) * 2) / 3));
}

/** totalram_pages() + total_swap_pages: what oom_score scales against. */
export const oomTotalPages = (k: Kernel) => k.pages.total + ((k as unknown as { swap?: { totalPages: number } }).swap?.totalPages ?? 0);

/** proc_oom_score: the badness scaled into [0, 2000], then by 2/3 (an unsigned long in Linux). */
export function oomScore(p: Task, totalPages: number): number {
  const b = oomBadness(p, totalPages);
  return b === null ? 0 : scoreFromBadness(b, totalPages);
}

/** The processes (thread-group leaders) of the machine. */
function processes(k: Kernel): Task[] {
  const out: Task[] = [];
  for (const t of k.pids.tasks()) if (t.tg.leader === t || (t.tg.tasks[0] === t && !t.tg.leader)) out.push(t);
  return out;
}

/**
 * select_bad_process: the highest badness wins, ties to the first found.
 * A victim not reaped yet (its memory is still on its way out) stops the
 * search, as Linux aborts it; the caller then reaps or waits for that one.
 */
function selectBadProcess(k: Kernel, totalPages: number): { chosen: Task | null; pending: Task | null } {
  let chosen: Task | null = null,
    best = -Infinity;
  for (const p of processes(k)) {
    if (unkillable(p)) continue;
    const t = taskWithMm(p);
    if (t && t.mm.oomVictim && !t.mm.oomSkip) return { chosen: null, pending: p };
    const b = oomBadness(p, totalPages);
    if (b === null || b <= best) continue;
    chosen = p;
    best = b;
  }
  return { chosen, pending: null };
}

/** dump_stack's header and trace (lib/dump_stack.c, arch/riscv/kernel/stacktrace.c); no addresses exist here, so the frames are names. */
function dumpStack(k: Kernel, cur: Task | null, frames: readonly string[]): void {
  const log = (s: string) => k.log.printk(KERN_WARNING, s);
  const version = UTS_VERSION.slice(0, UTS_VERSION.indexOf(' '));
  log(
    `CPU: ${k.cpuNow.cpu} UID: ${cur?.cred.euid ?? 0} PID: ${cur?.tid ?? 0} Comm: ${(cur?.comm ?? 'swapper/0').slice(0, 20)} Not tainted ${UTS_RELEASE} ${version}`,
  );
  log('Hardware name: riscv-virtio,qemu (DT)');
  log('Call Trace:');
  for (const f of frames) log(`[<${'0'.repeat(16)}>] ${f}`);
}

/** The frames from the allocation to the OOM killer, as Linux's stack shows them. */
function allocFrames(fault: boolean): string[] {
  const tail = fault ? ['handle_mm_fault', 'handle_page_fault', 'do_page_fault'] : [];
  return [
    'dump_backtrace',
    'show_stack',
    'dump_stack_lvl',
    'dump_stack',
    'dump_header',
    'oom_kill_process',
    'out_of_memory',
    '__alloc_pages_slowpath',
    '__alloc_pages_noprof',
    ...tail,
  ];
}

/** dump_tasks: one row per process with an mm, the table oom_dump_tasks asks for. */
function dumpTasks(k: Kernel): void {
  const log = (s: string) => k.log.printk(KERN_INFO, s);
  log('Tasks state (memory values in pages):');
  log('[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name');
  const pad = (v: number, w: number) => String(v).padStart(w);
  for (const p of processes(k)) {
    if (unkillable(p)) continue;
    const t = taskWithMm(p);
    if (!t) continue;
    const mm = t.mm;
    const anon = Math.max(0, mm.rss - mm.rssFile - mm.rssShmem);
    log(
      `[${pad(t.tid, 7)}] ${pad(t.cred.uid, 5)} ${pad(t.tg.tgid, 5)} ${pad(mm.totalVm, 8)} ${pad(mm.rss, 8)} ${pad(anon, 8)} ${pad(mm.rssFile, 8)} ${pad(mm.rssShmem, 9)} ${pad(pgtablePages(mm) * PAGE_SIZE, 8)} ${pad(mm.swapEnts, 8)}         ${pad(p.tg.oomScoreAdj, 5)} ${t.comm}`,
    );
  }
}

/** dump_header: who asked, the stack, Mem-Info, and the task table. */
function dumpHeader(k: Kernel, cur: Task | null, gfp: number, fault: boolean): void {
  k.log.printk(KERN_WARNING, `${cur?.comm ?? 'swapper/0'} invoked oom-killer: gfp_mask=${formatGfp(gfp)}, order=0, oom_score_adj=${cur?.tg.oomScoreAdj ?? 0}`);
  dumpStack(k, cur, allocFrames(fault));
  showMem(k);
  if (oomDumpTasks.get(k)) dumpTasks(k);
}

const kb = (pages: number) => pages * (PAGE_SIZE / 1024);
const anonPages = (mm: Mm) => Math.max(0, mm.rss - mm.rssFile - mm.rssShmem);

/**
 * __oom_reap_task_mm: unmap every private mapping of the victim (anonymous
 * and private file pages alike; shared ones stay with their files), then
 * mark the mm skipped so it is never chosen again.
 */
function oomReap(k: Kernel, p: Task, mm: Mm): void {
  for (const v of mm.vmas) if (!v.shared) mm.zap(v.start, v.end);
  mm.oomSkip = true;
  k.log.printk(
    KERN_INFO,
    `oom_reaper: reaped process ${p.tg.tgid} (${p.comm}), now anon-rss:${kb(anonPages(mm))}kB, file-rss:${kb(mm.rssFile)}kB, shmem-rss:${kb(mm.rssShmem)}kB`,
  );
}

/** oom_kill_process + __oom_kill_process: the report, SIGKILL to every process on the mm, the reaper. */
function oomKillProcess(k: Kernel, cur: Task | null, victim: Task, gfp: number, fault: boolean, message: string): OomOutcome {
  const t = taskWithMm(victim)!;
  const mm = t.mm;
  if (k.pages.oomRatelimit.allow(k.clock.monotonic(), (l) => k.log.printk(KERN_WARNING, l))) {
    dumpHeader(k, cur, gfp, fault);
    k.log.printk(
      KERN_INFO,
      `oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=${t.comm},pid=${victim.tg.tgid},uid=${t.cred.uid}`,
    );
  }
  mm.oomVictim = true;
  const kill = (p: Task) => sendSignal(k, p.tg, { signo: SIGKILL, code: SI_KERNEL });
  kill(victim);
  k.pages.oomKills++;
  k.log.printk(
    KERN_ERR,
    `${message}: Killed process ${victim.tg.tgid} (${t.comm}) total-vm:${kb(mm.totalVm)}kB, anon-rss:${kb(anonPages(mm))}kB, file-rss:${kb(mm.rssFile)}kB, shmem-rss:${kb(mm.rssShmem)}kB, UID:${t.cred.uid} pgtables:${kb(pgtablePages(mm))}kB oom_score_adj:${victim.tg.oomScoreAdj}`,
  );
  // Other processes on the same mm (CLONE_VM without CLONE_THREAD) die with it; init and kernel threads never.
  for (const p of processes(k)) {
    if (p.tg === victim.tg || unkillable(p)) continue;
    const q = taskWithMm(p);
    if (q && q.mm === mm) kill(p);
  }
  if (cur && cur.mm === mm) return 'victim';
  oomReap(k, victim, mm);
  return 'killed';
}

/**
 * out_of_memory: the allocator found nothing to reclaim. An exiting
 * allocator takes the reserve; panic_on_oom panics; oom_kill_allocating_task
 * kills the caller; otherwise the worst process dies. Nothing to kill is a
 * panic: the allocation could never succeed.
 */
export function outOfMemory(k: Kernel, gfp: number): OomOutcome {
  if (k.halted !== null) return 'failed';
  const cur = k.current && !k.current.kthread && alive(k.current) ? k.current : null;
  const fault = k.pages.userFault;
  // task_will_free_mem(current): it is dying anyway; let it finish on the reserve. That includes a task
  // already in its exit (no longer "alive" here) whose exit reads user memory that went to swap.
  const me = k.current && !k.current.kthread ? k.current : null;
  if (me && (me.mm.oomVictim || fatalSignalPending(me) || !alive(me))) {
    me.mm.oomVictim = true;
    return 'victim';
  }
  const mode = panicOnOom.get(k);
  if (mode) {
    dumpHeader(k, cur, gfp, fault);
    panic(k, `Out of memory: ${mode === 2 ? 'compulsory' : 'system-wide'} panic_on_oom is enabled`);
    return 'failed';
  }
  if (oomKillAllocatingTask.get(k) && cur && !unkillable(cur) && cur.tg.oomScoreAdj !== OOM_SCORE_ADJ_MIN)
    return oomKillProcess(k, cur, cur.tg.leader ?? cur, gfp, fault, 'Out of memory (oom_kill_allocating_task)');
  const total = oomTotalPages(k);
  const { chosen, pending } = selectBadProcess(k, total);
  if (pending) {
    // A victim still holds its memory: reap it now unless it is the caller's own mm.
    const t = taskWithMm(pending)!;
    if (cur && cur.mm === t.mm) return 'victim';
    oomReap(k, pending, t.mm);
    return 'killed';
  }
  if (!chosen) {
    dumpHeader(k, cur, gfp, fault);
    k.log.printk(KERN_WARNING, 'Out of memory and no killable processes...');
    panic(k, 'System is deadlocked on memory');
    return 'failed';
  }
  return oomKillProcess(k, cur, chosen, gfp, fault, 'Out of memory');
}

/**
 * pagefault_out_of_memory: a user fault got VM_FAULT_OOM. The OOM killer
 * has already run inside the allocator; a dying task just goes, anyone else
 * retries the instruction (Linux warns once that the OOM leaked this far).
 */
export function pagefaultOutOfMemory(k: Kernel, t: Task): void {
  if (fatalSignalPending(t)) return;
  if (!k.pages.oomLeakWarned) {
    k.pages.oomLeakWarned = true;
    k.log.printk(KERN_WARNING, 'Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF');
  }
}
