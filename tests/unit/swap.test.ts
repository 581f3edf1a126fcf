// Swap without a machine: the slot map's allocation and counts, the swap
// header as util-linux's mkswap writes it (the host's mkswap is the oracle
// when present), /proc/swaps as mm/swapfile.c's swap_show formats it
// ("%*s%s\t%lu\t%s%lu\t%s%d\n" after the path), and an address space
// larger than its RAM whose pages go to swap and come back intact, with
// the slot counts fork, munmap and exit keep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhysMem } from '../../src/cpu/physmem.js';
import { PageAllocator } from '../../src/kernel/mm/pagealloc.js';
import { Mm } from '../../src/kernel/mm/mm.js';
import { mmapRegion, munmap } from '../../src/kernel/mm/mmap.js';
import { PROT_READ, PROT_WRITE } from '../../src/kernel/mm/vma.js';
import { SwapMap, SWAP_MAP_BAD } from '../../src/kernel/mm/swap_map.js';
import { isSwapPte, pteToSwpEntry, swpEntryToPte } from '../../src/kernel/mm/swapops.js';
import { parseSwapHeader, procSwaps, readSwapHeader, SwapInfo, SwapState, type SwapBacking } from '../../src/kernel/mm/swapfile.js';
import { shrinkMms } from '../../src/kernel/mm/vmscan.js';

test('the slot map: slot 0 and bad pages are never handed out, slots go in order, counts free a slot at zero', () => {
  const m = new SwapMap(8, [3]);
  assert.equal(m.pages, 6); // 8 slots - header - one bad
  assert.equal(m.counts[0], SWAP_MAP_BAD);
  const got = Array.from({ length: 6 }, () => m.alloc());
  assert.deepEqual(got, [1, 2, 4, 5, 6, 7]);
  assert.equal(m.alloc(), 0, 'full');
  assert.equal(m.inuse, 6);
  assert.equal(m.dup(2), true);
  assert.equal(m.count(2), 2);
  assert.equal(m.put(2), 1);
  assert.equal(m.inuse, 6, 'still referenced');
  assert.equal(m.put(2), 0);
  assert.equal(m.inuse, 5);
  assert.equal(m.put(2), -1, 'a free slot has no reference to drop');
  assert.equal(m.dup(2), false, 'nor one to duplicate');
  assert.equal(m.dup(3), false, 'a bad page is never referenced');
  assert.equal(m.alloc(), 2, 'the freed slot is found again');
});

test('swap entries live in non-present PTEs and decode to the same area and slot', () => {
  for (const e of [
    { type: 0, offset: 1 },
    { type: 31, offset: 0x3fffff },
    { type: 5, offset: 0x400000 * 3 + 17 },
  ]) {
    const [lo, hi] = swpEntryToPte(e);
    assert.equal(lo & 1, 0, 'V clear');
    assert.ok(isSwapPte(lo, hi));
    assert.deepEqual(pteToSwpEntry(lo, hi), e);
  }
  assert.equal(isSwapPte(0, 0), false, 'an empty PTE is no entry');
});

test("the header as mkswap writes it: signature, version 1, last_page, bad pages; Linux's refusals", () => {
  const dir = mkdtempSync(join(tmpdir(), 'swap-'));
  try {
    const f = join(dir, 'a');
    writeFileSync(f, new Uint8Array(64 << 20));
    const r = spawnSync('mkswap', ['-L', 'x', f], { encoding: 'utf8' });
    let page: Uint8Array;
    if (r.status === 0) page = new Uint8Array(readFileSync(f).subarray(0, 4096));
    else {
      // No mkswap on the host: the same fields by hand (union swap_header).
      page = new Uint8Array(4096);
      const dv = new DataView(page.buffer);
      dv.setUint32(1024, 1, true);
      dv.setUint32(1028, 16383, true);
      page.set(new TextEncoder().encode('SWAPSPACE2'), 4086);
    }
    const h = parseSwapHeader(page)!;
    assert.deepEqual([h.version, h.lastPage, h.nrBadpages], [1, 16383, 0]);
    const log: string[] = [];
    const say = (_l: number, t: string) => log.push(t);
    assert.deepEqual(readSwapHeader(say, page, 64 << 20, false), { maxpages: 16384, bad: [] });
    // The device is shorter than the header says.
    assert.equal(readSwapHeader(say, page, 32 << 20, false), 0);
    const bad = page.slice();
    bad.set(new TextEncoder().encode('SWAP-SPACE'), 4086);
    assert.equal(readSwapHeader(say, bad, 64 << 20, false), 0);
    const v2 = page.slice();
    new DataView(v2.buffer).setUint32(1024, 2, true);
    assert.equal(readSwapHeader(say, v2, 64 << 20, false), 0);
    assert.deepEqual(log, ['Swap area shorter than signature indicates', 'Unable to find swap-space signature', 'Unable to handle swap header version 2']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A swap area in host memory. */
function memBacking(pages: number): SwapBacking {
  const data = new Uint8Array(pages * 4096);
  return {
    size: data.length,
    solidState: true,
    readPage: (off, dst) => (dst.set(data.subarray(off * 4096, off * 4096 + 4096)), 0),
    writePage: (off, src) => (data.set(src, off * 4096), 0),
    release() {},
  };
}

function area(s: SwapState, pages: number, name = '/dev/sdb', block = true, prio: number | null = null): SwapInfo {
  const type = s.freeType();
  return s.enable((p) => new SwapInfo(type, p, name, block, {}, new SwapMap(pages), memBacking(pages), 'SS'), prio);
}

test('/proc/swaps: the path padded to 40, then tab-separated figures, a second tab below 10000000 kB', () => {
  const s = new SwapState();
  const a = area(s, 16384);
  area(s, 4096, '/a/swap/file/with/a/rather/long/name/x/y/z', false, 5);
  a.map.alloc();
  assert.equal(
    procSwaps(s),
    'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n' +
      '/dev/sdb' +
      ' '.repeat(32) +
      'partition\t65532\t\t4\t\t-2\n' +
      '/a/swap/file/with/a/rather/long/name/x/y/z file\t\t16380\t\t0\t\t5\n',
  );
  // Areas without a priority get -2, -3...; allocation prefers the highest.
  assert.equal(s.allocSlot()!.type, 1);
});

/** A process with `ram` pages of RAM and a swap area, its address space reclaimable. */
function machine(ram: number, swapPages: number) {
  const alloc = new PageAllocator(new PhysMem(ram * 4096));
  const swap = new SwapState();
  alloc.swap = swap;
  const mm = Mm.create(alloc, { flush: () => {} })!;
  const mms = [mm];
  alloc.reclaimAnon = (n) => shrinkMms(mms, n);
  const a = area(swap, swapPages);
  return { alloc, swap, mm, mms, a };
}

const fill = (i: number) => new Uint8Array(4096).fill((i * 7 + 1) & 255);

test('an address space twice the RAM: pages go to swap, come back intact on fault, and count as major faults', () => {
  const { mm, swap, a } = machine(64, 256);
  const n = 128;
  const base = mmapRegion(mm, 0, n * 4096, { prot: PROT_READ | PROT_WRITE, shared: false }, 'hint');
  for (let i = 0; i < n; i++) assert.ok(mm.write(base + i * 4096, fill(i)), `write page ${i}`);
  assert.ok(mm.swapEnts > 0 && swap.pswpout === mm.swapEnts + swap.pswpin, 'pages went out');
  assert.equal(a.map.inuse, mm.swapEnts);
  for (let i = 0; i < n; i++) assert.deepEqual(mm.read(base + i * 4096, 4096), fill(i), `page ${i}`);
  assert.ok(mm.faults.major > 0 && swap.pswpin > 0);
  assert.equal(a.map.inuse, mm.swapEnts, 'a slot per entry, none leaked');
  munmap(mm, base, n * 4096);
  assert.equal(mm.swapEnts, 0);
  assert.equal(a.map.inuse, 0, 'munmap freed the slots');
});

test('fork duplicates swap entries: each side reads its data back, the slot is free after both', () => {
  const { mm, mms, a } = machine(64, 256);
  const n = 96;
  const base = mmapRegion(mm, 0, n * 4096, { prot: PROT_READ | PROT_WRITE, shared: false }, 'hint');
  for (let i = 0; i < n; i++) mm.write(base + i * 4096, fill(i));
  const swapped = mm.swapEnts;
  assert.ok(swapped > 0);
  const child = mm.fork()!;
  mms.push(child);
  assert.equal(child.swapEnts, swapped);
  assert.equal(a.map.inuse, swapped, 'the entries share their slots');
  assert.ok(
    [...a.map.counts].some((c) => c === 2),
    'a shared slot counts both',
  );
  for (let i = 0; i < n; i++) assert.deepEqual(child.read(base + i * 4096, 4096), fill(i), `child page ${i}`);
  // The child writes its own data: the parent keeps its own.
  child.write(base, new Uint8Array(4096).fill(0xee));
  for (let i = 0; i < n; i++) assert.deepEqual(mm.read(base + i * 4096, 4096), fill(i), `parent page ${i}`);
  child.release();
  mms.pop();
  mm.release();
  assert.equal(a.map.inuse, 0, 'exit freed every slot');
});
