// The page cache without a hart: one copy of a file's pages shared by
// read()/write() and every mapping, copy-on-write for private mappings,
// truncation, writeback, reclaim, and the smaps numbers computed from it.
import type { Dentry } from '../../src/kernel/fs/dentry.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PhysMem } from '../../src/cpu/physmem.js';
import { PageAllocator } from '../../src/kernel/mm/pagealloc.js';
import { PageCache } from '../../src/kernel/mm/filemap.js';
import { Mm, FAULT_OK, FAULT_SIGBUS } from '../../src/kernel/mm/mm.js';
import { PROT_READ, PROT_WRITE, type MapSource } from '../../src/kernel/mm/vma.js';
import { PTE_W, ptePage } from '../../src/kernel/mm/pagetable.js';
import { makeTmpfs, TmpfsFile } from '../../src/kernel/fs/tmpfs.js';
import { File, O_RDWR, type FileOps } from '../../src/kernel/fs/file.js';
import { lookupChild } from '../../src/kernel/fs/namei.js';
import { smapsEntry, smapsRollup } from '../../src/kernel/fs/proc/smaps.js';
import { shmemZeroSetup, makeShmSuper } from '../../src/kernel/mm/shmem.js';
import { FsState } from '../../src/kernel/fs/fs_state.js';
import { mmapRegion, munmap } from '../../src/kernel/mm/mmap.js';
import { handleFault } from '../../src/kernel/mm/fault.js';

const PG = 4096;
const root = { fsuid: 0, fsgid: 0, groups: [] as number[] };
const noWait = { sleepOn() {}, pid: 1 };
const enc = new TextEncoder();
const dec = new TextDecoder();

function setup(ramBytes = 4 * 1024 * 1024) {
  const mem = new PhysMem(ramBytes);
  const pages = new PageAllocator(mem);
  const cache = new PageCache(pages);
  const fs = makeTmpfs(new FsState());
  fs.sb.pageCache = cache;
  fs.root.inode.create(fs.root, 'f', 0o644, root);
  const d = lookupChild(fs.root, 'f') as Dentry;
  const inode = d.inode as TmpfsFile;
  const f = new File({ mnt: null as never, dentry: d }, inode, O_RDWR, null as unknown as FileOps);
  f.ops = inode.open(f);
  const io = {
    write: (s: string | Uint8Array, pos: number) => f.ops.write!(f, typeof s === 'string' ? enc.encode(s) : s, pos, noWait),
    read: (n: number, pos: number) => {
      const b = new Uint8Array(n);
      const r = f.ops.read!(f, b, pos, noWait);
      assert.ok(typeof r === 'number', 'a tmpfs read never sleeps');
      return dec.decode(b.subarray(0, r));
    },
  };
  const src: MapSource = { mapping: inode.mapping, readAt: (o, dst) => inode.readAt(o, dst), size: () => inode.size, dev: 1, ino: inode.ino, path: '/f' };
  const newMm = () => Mm.create(pages, { flush() {} })!;
  return { mem, pages, cache, inode, f, io, src, newMm };
}

const pageOf = (mm: Mm, addr: number) => {
  const e = mm.pt.pteIndex(addr / PG, false);
  return e < 0 ? -1 : ptePage(mm.alloc.mem.i32[e], mm.alloc.mem.i32[e + 1]);
};

test('read() and write() go through the cache; a shared mapping maps the same page', () => {
  const { io, src, newMm, cache, inode } = setup();
  io.write('hello', 0);
  assert.equal(cache.pages, 1, 'write() put the page in the cache');
  assert.equal(cache.dirty, 1);
  assert.equal(cache.shmem, 1, 'a tmpfs page is shmem');
  const mm = newMm();
  const a = mmapRegion(mm, 0, 2 * PG, { prot: PROT_READ | PROT_WRITE, shared: true, file: src, offset: 0 }, 'hint');
  assert.equal(dec.decode(mm.read(a, 5)!), 'hello');
  assert.equal(pageOf(mm, a), inode.mapping!.find(0), 'the PTE points at the cache page');
  assert.ok(mm.write(a + 1, enc.encode('EL')));
  assert.equal(io.read(5, 0), 'hELlo');
  io.write('world', 3);
  assert.equal(dec.decode(mm.read(a, 8)!), 'hELworld');
  assert.equal(mm.rss, 1);
  assert.equal(mm.rssShmem, 1);
  assert.equal(mm.rssFile, 0);
  assert.equal(handleFault(mm, a + PG, 'r'), FAULT_SIGBUS, 'a whole page past EOF');
  mm.release();
  assert.equal(cache.pages, 1, 'the cache keeps the page after the last unmap');
});

test('a private mapping shares the cache page until its first write', () => {
  const { io, src, newMm, pages, inode } = setup();
  io.write('abcdef', 0);
  const mm = newMm();
  const a = mmapRegion(mm, 0, PG, { prot: PROT_READ | PROT_WRITE, shared: false, file: src, offset: 0 }, 'hint');
  assert.equal(mm.read(a, 1)![0], 'a'.charCodeAt(0));
  const cached = inode.mapping!.find(0);
  assert.equal(pageOf(mm, a), cached);
  assert.equal(pages.refs[cached], 2, 'the cache and one PTE');
  io.write('X', 0);
  assert.equal(dec.decode(mm.read(a, 3)!), 'Xbc', 'file changes show before the first write');
  assert.ok(mm.write(a + 1, enc.encode('!')));
  assert.notEqual(pageOf(mm, a), cached, 'the write made a private copy');
  assert.equal(pages.refs[cached], 1);
  assert.equal(io.read(3, 0), 'Xbc', 'the file is untouched');
  io.write('Y', 0);
  assert.equal(dec.decode(mm.read(a, 3)!), 'X!c', 'the copy no longer follows the file');
  assert.equal(mm.rssFile, 0, 'the copy is anonymous memory');
  mm.zap(a, a + PG);
  assert.equal(dec.decode(mm.read(a, 3)!), 'Ybc', 'MADV_DONTNEED drops the copy: the file shows again');
  mm.release();
});

test('truncate unmaps pages past EOF and frees them; writeback cleans and write-protects', () => {
  const { io, src, newMm, cache, inode, pages } = setup();
  io.write(new Uint8Array(3 * PG).fill(7), 0);
  const mm = newMm();
  const a = mmapRegion(mm, 0, 3 * PG, { prot: PROT_READ | PROT_WRITE, shared: true, file: src, offset: 0 }, 'hint');
  for (let i = 0; i < 3; i++) assert.ok(mm.write(a + i * PG, new Uint8Array([i])));
  assert.equal(cache.pages, 3);
  const free = pages.free;
  assert.equal(inode.truncate(PG + 10), 0);
  assert.equal(cache.pages, 2);
  assert.equal(pages.free, free + 1, 'page 2 went back to the allocator');
  assert.equal(handleFault(mm, a + 2 * PG, 'r'), FAULT_SIGBUS);
  assert.equal(mm.read(a + PG + 10, 1)![0], 0, 'the tail of the last page reads zero');
  assert.equal(mm.rss, 2);
  // Writeback: clean pages, PTEs write-protected; a store dirties again.
  assert.equal(cache.dirty, 2);
  assert.equal(inode.mapping!.writeback(), 2);
  assert.equal(cache.dirty, 0);
  const e = mm.pt.pteIndex(a / PG, false);
  assert.equal(pages.mem.i32[e] & PTE_W, 0);
  assert.ok(mm.write(a, new Uint8Array([9])));
  assert.equal(cache.dirty, 1);
  assert.equal(inode.contents()[0], 9, 'contents() writes back first');
  mm.release();
});

test('reclaim evicts unmapped pages, writing dirty ones back', () => {
  const { io, cache, pages, newMm, src } = setup(1024 * 1024); // 256 pages
  const mm = newMm();
  const big = new Uint8Array(300 * PG);
  for (let i = 0; i < 300; i++) big[i * PG] = i & 255;
  io.write(big, 0);
  assert.ok(cache.pages < 256, 'the cache shrank to fit');
  assert.equal(io.read(1, 5 * PG), String.fromCharCode(5), 'evicted data comes back from the store');
  assert.equal(io.read(1, 299 * PG), String.fromCharCode(299 & 255));
  // Mapped pages are never reclaimed.
  const a = mmapRegion(mm, 0, PG, { prot: PROT_READ, shared: true, file: src, offset: 0 }, 'hint');
  assert.equal(handleFault(mm, a, 'r'), FAULT_OK);
  const p = pageOf(mm, a);
  io.write(new Uint8Array(280 * PG), PG);
  assert.equal(pageOf(mm, a), p);
  assert.equal(pages.mapping[p] !== null, true, 'still a cache page');
  mm.release();
});

test('an unlinked file loses its pages with its last descriptor and mapping', () => {
  const { io, f, src, newMm, cache, inode } = setup();
  io.write('data', 0);
  const mm = newMm();
  const a = mmapRegion(mm, 0, PG, { prot: PROT_READ, shared: true, file: src, offset: 0 }, 'hint');
  mm.read(a, 1);
  inode.nlink = 0;
  f.put();
  assert.equal(cache.pages, 1, 'still mapped');
  munmap(mm, a, PG);
  assert.equal(cache.pages, 0);
  mm.release();
});

test('shared anonymous memory stays shared across fork', () => {
  const { cache, newMm } = setup();
  const mm = newMm();
  const a = mmapRegion(
    mm,
    0,
    PG,
    { prot: PROT_READ | PROT_WRITE, shared: true, file: shmemZeroSetup(makeShmSuper(new FsState(), cache), PG), offset: 0 },
    'hint',
  );
  assert.ok(mm.write(a, new Uint8Array([1])));
  const child = mm.fork()!;
  assert.ok(child.write(a, new Uint8Array([42])));
  assert.equal(mm.read(a, 1)![0], 42);
  assert.equal(cache.shmem, 1);
  assert.equal(child.rssShmem, 1);
  child.release();
  mm.release();
  assert.equal(cache.pages, 0, 'the last unmap frees shared anonymous memory');
});

test('fault-around: a read fault maps the file pages of its aligned 64 KiB window, within the VMA and below EOF', () => {
  const { io, src, newMm, inode } = setup();
  io.write(new Uint8Array(20 * PG).fill(7), 0); // 20 pages: window 16..31 ends at EOF
  io.write(new Uint8Array(10), 20 * PG - 10);
  const mm = newMm();
  // a private mapping of file pages 2..27, at an address so that VMA pages 14.. are file pages 16..
  const a = mmapRegion(mm, 0x100000, 26 * PG, { prot: PROT_READ | PROT_WRITE, shared: false, file: src, offset: 2 * PG }, 'fixed');
  assert.equal(handleFault(mm, a + 15 * PG, 'r'), FAULT_OK); // VMA page 15 = vpn 0x10f: window vpns 0x100..0x10f
  assert.deepEqual([mm.faults.major + mm.faults.minor], [1], 'one fault counted');
  for (let i = 0; i < 16; i++) {
    assert.equal(pageOf(mm, a + i * PG), inode.mapping!.find(i + 2), `page ${i} maps the cached file page`);
  }
  const present = (addr: number) => {
    const e = mm.pt.pteIndex(addr / PG, false);
    return e >= 0 && (mm.alloc.mem.i32[e] & 1) === 1;
  };
  assert.ok(!present(a + 16 * PG), 'the next window is left alone');
  assert.equal(handleFault(mm, a + 16 * PG, 'r'), FAULT_OK); // window 0x110..: file pages 18, 19, then EOF
  assert.equal(pageOf(mm, a + 17 * PG), inode.mapping!.find(19));
  assert.ok(!present(a + 18 * PG), 'nothing past EOF (that page raises SIGBUS)');
  assert.equal(handleFault(mm, a + 18 * PG, 'r'), FAULT_SIGBUS);
  // mapped read-only: a write copies the page, the file keeps its data
  const e = mm.pt.pteIndex((a + 3 * PG) / PG, false);
  assert.equal(mm.alloc.mem.i32[e] & PTE_W, 0);
  assert.ok(mm.write(a + 3 * PG, new Uint8Array([1])));
  assert.notEqual(pageOf(mm, a + 3 * PG), inode.mapping!.find(5));
  assert.equal(io.read(1, 5 * PG), '\x07');
  mm.release();
});

const SMAPS_FIELDS = [
  'Size',
  'KernelPageSize',
  'MMUPageSize',
  'Rss',
  'Pss',
  'Pss_Dirty',
  'Shared_Clean',
  'Shared_Dirty',
  'Private_Clean',
  'Private_Dirty',
  'Referenced',
  'Anonymous',
  'KSM',
  'LazyFree',
  'AnonHugePages',
  'ShmemPmdMapped',
  'FilePmdMapped',
  'Shared_Hugetlb',
  'Private_Hugetlb',
  'Swap',
  'SwapPss',
  'Locked',
  'THPeligible',
  'VmFlags',
];

function parseSmaps(text: string): { head: string; fields: [string, string][] } {
  const [head, ...rest] = text.trimEnd().split('\n');
  return {
    head,
    fields: rest.map((l) => {
      const m = /^(\w+):\s*(.*)$/.exec(l)!;
      return [m[1], m[2]];
    }),
  };
}

test('smaps: Linux 6.12 fields in order, exact numbers for a known mapping', () => {
  const { io, src, newMm, inode } = setup();
  io.write(new Uint8Array(4 * PG), 0);
  inode.mapping!.writeback(); // clean, as after fsync
  const mm = newMm();
  const a = mmapRegion(mm, 0x100000, 8 * PG, { prot: PROT_READ | PROT_WRITE, shared: true, file: src, offset: 0 }, 'fixed');
  const p = mmapRegion(mm, 0x200000, 4 * PG, { prot: PROT_READ | PROT_WRITE, shared: false }, 'fixed');
  mm.read(a, 1);
  mm.read(a + PG, 1); // clean shared file pages: the first read maps all four (fault-around)
  mm.write(a + 2 * PG, new Uint8Array([1])); // one dirty
  mm.write(p, new Uint8Array([1])); // anonymous, private then shared with the child
  mm.write(p + PG, new Uint8Array([1]));
  const child = mm.fork()!;
  child.write(p + PG, new Uint8Array([2])); // the child's own copy: parent's page is private again
  const { head, fields } = parseSmaps(smapsEntry(mm, mm.vmas[0]));
  assert.match(head, /^00100000-00108000 rw-s 00000000 00:01 \d+ +\/f$/);
  assert.equal(head.indexOf('/f'), 73);
  assert.deepEqual(
    fields.map(([k]) => k),
    SMAPS_FIELDS,
  );
  const kb = Object.fromEntries(fields.map(([k, v]) => [k, v]));
  // The file's four pages resident, each mapped by parent and child: shared, Pss halved.
  assert.equal(kb.Size, '32 kB');
  assert.equal(kb.Rss, '16 kB');
  assert.equal(kb.Pss, '8 kB');
  assert.equal(kb.Shared_Clean, '12 kB');
  assert.equal(kb.Shared_Dirty, '4 kB');
  assert.equal(kb.Private_Clean, '0 kB');
  assert.equal(kb.Private_Dirty, '0 kB');
  assert.equal(kb.Pss_Dirty, '2 kB');
  assert.equal(kb.Anonymous, '0 kB');
  assert.equal(kb.VmFlags, 'rd wr sh mr mw me ms');
  for (const line of smapsEntry(mm, mm.vmas[0]).split('\n').slice(1, -3)) assert.match(line, /^[A-Za-z_]+: +\d+ kB$/);
  assert.match(smapsEntry(mm, mm.vmas[0]), /\nPrivate_Hugetlb: {7}0 kB\n/);
  const anon = Object.fromEntries(parseSmaps(smapsEntry(mm, mm.vmas[1])).fields);
  assert.equal(anon.Rss, '8 kB');
  assert.equal(anon.Anonymous, '8 kB');
  assert.equal(anon.Pss, '6 kB', 'page 0 shared with the child (2 kB), page 1 private (4 kB)');
  assert.equal(anon.Shared_Dirty, '4 kB');
  assert.equal(anon.Private_Dirty, '4 kB');
  assert.equal(anon.VmFlags, 'rd wr mr mw me ac');
  const roll = smapsRollup(mm) as string;
  const r = parseSmaps(roll);
  assert.match(r.head, /^00100000-00204000 ---p 00000000 00:00 0 +\[rollup\]$/);
  const rk = Object.fromEntries(r.fields.map(([k, v]) => [k, Number.parseInt(v, 10)]));
  assert.deepEqual(r.fields.map(([k]) => k).slice(0, 6), ['Rss', 'Pss', 'Pss_Dirty', 'Pss_Anon', 'Pss_File', 'Pss_Shmem']);
  assert.equal(rk.Rss, rk.Shared_Clean + rk.Shared_Dirty + rk.Private_Clean + rk.Private_Dirty);
  assert.ok(rk.Pss <= rk.Rss);
  assert.equal(rk.Pss, rk.Pss_Anon + rk.Pss_File + rk.Pss_Shmem);
  assert.equal(rk.Pss_Shmem, 8);
  assert.equal(rk.Pss_Anon, 6);
  child.release();
  mm.release();
});
