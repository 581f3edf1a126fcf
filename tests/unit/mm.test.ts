// Address spaces without a hart: lazy allocation, copy-on-write, munmap/mprotect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PhysMem } from '../../src/cpu/physmem.js';
import { PageAllocator } from '../../src/kernel/mm/pagealloc.js';
import { Mm, FAULT_OK, FAULT_MAPERR, FAULT_ACCERR } from '../../src/kernel/mm/mm.js';
import { PROT_READ, PROT_WRITE } from '../../src/kernel/mm/vma.js';
import { PTE_W, PTE_V } from '../../src/kernel/mm/pagetable.js';
import { brk, mmapRegion, mprotect, munmap } from '../../src/kernel/mm/mmap.js';
import { handleFault } from '../../src/kernel/mm/fault.js';

function setup() {
  const mem = new PhysMem(16 * 1024 * 1024);
  const pages = new PageAllocator(mem);
  let flushes = 0;
  const mm = Mm.create(pages, {
    flush: () => {
      flushes++;
    },
  })!;
  return { mem, pages, mm, flushes: () => flushes };
}

test('pages are allocated on first touch only', () => {
  const { pages, mm } = setup();
  const free0 = pages.free;
  const a = mmapRegion(mm, 0, 64 * 4096, { prot: PROT_READ | PROT_WRITE, shared: false }, 'hint');
  assert.ok(a > 0);
  const afterMap = pages.free;
  assert.ok(free0 - afterMap <= 0, 'mmap alone allocates nothing');
  assert.equal(handleFault(mm, a + 5 * 4096 + 12, 'w'), FAULT_OK);
  assert.equal(mm.rss, 1);
  assert.ok(mm.write(a + 100, new Uint8Array([1, 2, 3])));
  assert.deepEqual([...mm.read(a + 100, 3)!], [1, 2, 3]);
  assert.equal(handleFault(mm, 0x1000, 'r'), FAULT_MAPERR);
});

test('protection faults say ACCERR', () => {
  const { mm } = setup();
  const a = mmapRegion(mm, 0, 4096, { prot: PROT_READ, shared: false }, 'hint');
  assert.equal(handleFault(mm, a, 'w'), FAULT_ACCERR);
  assert.equal(handleFault(mm, a, 'x'), FAULT_ACCERR);
  assert.equal(handleFault(mm, a, 'r'), FAULT_OK);
  assert.equal(mm.write(a, new Uint8Array([1])), false);
});

test('fork shares pages copy-on-write', () => {
  const { mm, pages } = setup();
  const a = mmapRegion(mm, 0, 4096, { prot: PROT_READ | PROT_WRITE, shared: false }, 'hint');
  mm.write(a, new Uint8Array([7]));
  const child = mm.fork()!;
  const i32 = pages.mem.i32;
  const e = child.pt.pteIndex(a / 4096, false);
  assert.ok(i32[e] & PTE_V);
  assert.equal(i32[e] & PTE_W, 0, 'shared page is read-only in the child');
  const free = pages.free;
  assert.ok(child.write(a, new Uint8Array([9])));
  assert.equal(pages.free, free - 1, 'the first write copies the page');
  assert.equal(mm.read(a, 1)![0], 7);
  assert.equal(child.read(a, 1)![0], 9);
  // The parent is now the only owner: its write needs no copy.
  assert.ok(mm.write(a, new Uint8Array([8])));
  assert.equal(pages.free, free - 1);
  child.release();
  mm.release();
});

test('munmap frees pages and mprotect splits VMAs', () => {
  const { mm, pages } = setup();
  const free0 = pages.free;
  const a = mmapRegion(mm, 0, 8 * 4096, { prot: PROT_READ | PROT_WRITE, shared: false }, 'hint');
  for (let i = 0; i < 8; i++) mm.write(a + i * 4096, new Uint8Array([i]));
  assert.equal(mprotect(mm, a + 2 * 4096, 2 * 4096, PROT_READ), 0);
  assert.equal(mm.vmas.length, 3);
  assert.equal(mm.write(a + 2 * 4096, new Uint8Array([1])), false);
  assert.equal(mprotect(mm, a + 2 * 4096, 2 * 4096, PROT_READ | PROT_WRITE), 0);
  assert.equal(mm.vmas.length, 1, 'equal neighbours merge back');
  assert.equal(munmap(mm, a, 8 * 4096), 0);
  assert.equal(mm.vmas.length, 0);
  mm.release();
  assert.equal(pages.free, free0 + 1, 'every page back (the root table too)');
});

test('brk grows and shrinks the heap', () => {
  const { mm } = setup();
  mm.brkStart = mm.brk = 0x100000;
  assert.equal(brk(mm, 0x100000 + 10000), 0x100000 + 10000);
  assert.ok(mm.write(0x100000 + 9000, new Uint8Array([1])));
  assert.equal(brk(mm, 0x100000), 0x100000);
  assert.equal(mm.write(0x100000 + 9000, new Uint8Array([1])), false);
  assert.equal(brk(mm, 0x1000), 0x100000, 'below the start: unchanged');
});
