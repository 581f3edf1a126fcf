// The OOM killer's arithmetic and the allocator's slow path, without a
// machine. The oracle is Linux's source: oom_badness and proc_oom_score
// (mm/oom_kill.c, fs/proc/base.c) computed by hand for the figures below,
// the gfp masks of real OOM reports (%#x(%pGg)), and __alloc_pages_slowpath's
// order: reclaim first, the OOM killer only when reclaim found nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PhysMem } from '../../src/cpu/physmem.js';
import { PageAllocator, type OomOutcome } from '../../src/kernel/mm/pagealloc.js';
import { badnessPoints, scoreFromBadness } from '../../src/kernel/mm/oom_kill.js';
import { formatGfp, GFP_ANON_FAULT, GFP_PAGECACHE, GFP_KERNEL, GFP_PGTABLE_USER } from '../../src/kernel/mm/gfp.js';
import { Mm, FAULT_OOM, FAULT_OK } from '../../src/kernel/mm/mm.js';
import { PROT_READ, PROT_WRITE } from '../../src/kernel/mm/vma.js';
import { mmapRegion } from '../../src/kernel/mm/mmap.js';
import { handleFault } from '../../src/kernel/mm/fault.js';
import { Ratelimit } from '../../src/kernel/lib/ratelimit.js';

test('oom_badness and oom_score follow Linux formula (128 MiB, no swap: 32768 pages)', () => {
  const total = 32768;
  // adj * (totalpages / 1000): 32768 / 1000 = 32 in C's integer division.
  assert.equal(badnessPoints(7974, 0, 20, 500, total), 7974 + 20 + 500 * 32);
  assert.equal(badnessPoints(100, 3, 2, -1000 + 1, total), 105 - 999 * 32);
  // (1000 + 23994 * 1000 / 32768) * 2 / 3 = (1000 + 732) * 2 / 3 = 1154.
  assert.equal(scoreFromBadness(23994, total), 1154);
  // A small process: 1000 + 0, times 2/3.
  assert.equal(scoreFromBadness(10, total), 666);
  // The whole of RAM at adj 1000: (1000 + 1976) * 2 / 3 = 1984.
  assert.equal(scoreFromBadness(badnessPoints(32768, 0, 0, 1000, total), total), 1984);
  // A negative badness truncates toward zero: -500 * 1000 / 32768 = -15.
  assert.equal(scoreFromBadness(-500, total), 656);
  // Far below: the unsigned result Linux would print is never shown; the floor is 0.
  assert.equal(scoreFromBadness(-40000, total), 0);
});

test('gfp masks print as the OOM report prints them', () => {
  // From Linux 6.x reports: an anonymous fault, and a page-cache page.
  assert.equal(formatGfp(GFP_ANON_FAULT), '0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)');
  assert.equal(formatGfp(GFP_PAGECACHE), '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)');
  assert.equal(formatGfp(GFP_KERNEL), '0xcc0(GFP_KERNEL)');
  assert.equal(formatGfp(GFP_PGTABLE_USER), '0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO)');
});

function machine(pages: number) {
  const alloc = new PageAllocator(new PhysMem(pages * 4096));
  const mm = Mm.create(alloc, { flush: () => {} })!;
  return { alloc, mm };
}

test('the slow path reclaims before it calls the OOM killer, and keeps the reserve for the victim', () => {
  const { alloc } = machine(64);
  const calls: string[] = [];
  const held: number[] = [];
  alloc.reserve = 4;
  alloc.shrinker = () => calls.push('shrink');
  let outcome: OomOutcome = 'failed';
  alloc.outOfMemory = (gfp) => {
    calls.push(`oom ${gfp.toString(16)}`);
    if (outcome === 'killed') {
      // The "victim" frees two pages, as the reaper would.
      alloc.put(held.pop()!);
      alloc.put(held.pop()!);
    }
    return outcome;
  };
  for (;;) {
    const p = alloc.alloc(GFP_PAGECACHE);
    if (p < 0) break;
    held.push(p);
  }
  // Everything above the reserve was handed out; the failing call shrank first, then asked the OOM killer.
  assert.equal(alloc.free, 4);
  assert.deepEqual(calls, ['shrink', 'oom 140cca']);
  calls.length = 0;
  outcome = 'killed';
  assert.ok(alloc.alloc() >= 0, 'a kill that frees memory lets the allocation through');
  assert.deepEqual(calls, ['shrink', 'oom cc0']);
  // The allocating task is the victim: it may take the reserve, and no more.
  outcome = 'victim';
  calls.length = 0;
  const got: number[] = [];
  for (let i = 0; i < 10; i++) got.push(alloc.alloc());
  assert.deepEqual(
    got.map((p) => p >= 0),
    [true, true, true, true, true, false, false, false, false, false],
  );
  assert.equal(alloc.free, 0);
});

test('a fault that cannot get a page is VM_FAULT_OOM, not a bad address', () => {
  const { alloc, mm } = machine(48);
  alloc.outOfMemory = () => 'failed';
  const a = mmapRegion(mm, 0, 64 * 4096, { prot: PROT_READ | PROT_WRITE, shared: false }, 'hint');
  let last = FAULT_OK as number;
  for (let i = 0; i < 64 && last === FAULT_OK; i++) last = handleFault(mm, a + i * 4096, 'w');
  assert.equal(last, FAULT_OOM);
});

test('the report and the overcommit warning are rate-limited as ___ratelimit does: 10 per 5 s, then the suppressed count', () => {
  const rl = new Ratelimit('__vm_enough_memory');
  const lines: string[] = [];
  const warn = (l: string) => lines.push(l);
  const s = 1e9;
  const allowed = Array.from({ length: 13 }, (_, i) => rl.allow(i * 0.1 * s, warn));
  assert.deepEqual(
    allowed.map((a) => (a ? 1 : 0)),
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
  );
  assert.deepEqual(lines, []);
  // A new interval starts 5 s after the first event: the three missed are reported once.
  assert.equal(rl.allow(5 * s, warn), true);
  assert.deepEqual(lines, ['__vm_enough_memory: 3 callbacks suppressed']);
  assert.equal(rl.allow(5.1 * s, warn), true);
  assert.equal(lines.length, 1);
});
