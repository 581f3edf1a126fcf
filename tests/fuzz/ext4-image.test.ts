// Corrupt ext4 images never hurt the host (issue 14, "Bad input"). A small
// image made by the host's mke2fs (htree directory, extent tree of depth
// two, xattr block, symlinks, an ext2-style indirect file system beside it)
// gets random bytes flipped in one kind of metadata at a time: superblock,
// group descriptors, bitmaps, inode table, extent blocks, directory blocks,
// htree index blocks, the xattr block. Each damaged image is mounted
// in-process and, when the mount is accepted, walked completely: every
// directory listed, every name looked up, every file read to its end, every
// link read, statfs. The property is Linux's: a refused mount or an errno
// (EIO, EFSCORRUPTED, EFSBADCRC...) with an EXT4-fs message, never a host
// exception, a hang or an unbounded loop (the walk counts its steps). The
// seed picks the flips, so a failure reproduces; TUXGLASS_FUZZ_LONG=1 runs
// many more images.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsState } from '../../src/kernel/fs/fs_state.js';
import { mountExt4 } from '../../src/kernel/fs/ext4/fs_type.js';
import type { BlockDevice } from '../../src/kernel/block/bdev.js';
import { fileOps } from '../../src/kernel/fs/ext4/file.js';
import { Dentry } from '../../src/kernel/fs/dentry.js';
import { isDir, isLnk, isReg, type Inode } from '../../src/kernel/fs/inode.js';

const LONG = !!process.env.TUXGLASS_FUZZ_LONG;
const PER_REGION = LONG ? 400 : 12;
const tools = ['mke2fs', 'debugfs', 'e2fsck', 'dumpe2fs'].every((c) => spawnSync(c, ['-V'], { stdio: 'ignore' }).error === undefined);
const skip = tools ? false : 'the host lacks e2fsprogs';

function sh(cmd: string, args: string[]): string {
  return spawnSync(cmd, args, { encoding: 'latin1', env: { ...process.env, DEBUGFS_PAGER: '__none__' } }).stdout;
}

/** mulberry32: the seeded generator that picks offsets and bits. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bdevOf(img: Uint8Array, writable = false): BlockDevice {
  return {
    rdev: 0x800,
    name: 'sdz',
    size: img.length,
    logicalBlockSize: 512,
    readOnly: false,
    read: (o, l) => img.slice(o, o + l),
    write: (o, d) => {
      if (!writable) return -30;
      if (o < 0 || o + d.length > img.length) return -5;
      img.set(d, o);
      return 0;
    },
    flush: () => 0,
  };
}

/** A lookup's inode, or null for a missing name or a failed lookup (-errno). */
const found = (r: Inode | null | number): Inode | null => (typeof r === 'number' ? null : r);

/**
 * Mounts read-write and changes the image: a new file written and grown,
 * an append, a truncate, a directory made, a name removed, then umount.
 * Every step may fail with -errno on a damaged image; none may throw or hang.
 */
function exerciseWrites(img: Uint8Array, log: string[]): void {
  const host = { printk: (_l: number, t: string) => void log.push(t), comm: () => 'fuzz' };
  // A clock at a real date: e2fsck reads a small i_dtime as an orphan-list link.
  const fs = mountExt4(new FsState(() => ({ sec: 1_735_689_600, nsec: 0 })), host, 'ext4', '', { flags: 0, source: '/dev/sdz', bdev: () => bdevOf(img, true) });
  if (typeof fs === 'number') return assert.ok(fs < 0);
  const root = fs.root;
  const cred = { fsuid: 0, fsgid: 0, groups: [] };
  const data = new Uint8Array(20000).fill(0x5a);
  const f = root.inode.create(root, 'new', 0o644, cred);
  const file = { inode: f } as never;
  if (typeof f !== 'number') for (let i = 0; i < 3; i++) fileOps.write!(file, data, i * 30000, null as never);
  const old = found(root.inode.lookup(root, 'file'));
  if (old && isReg(old.mode)) {
    fileOps.write!({ inode: old } as never, data, old.size, null as never);
    old.truncate(100);
  }
  const sparse = found(root.inode.lookup(root, 'sparse'));
  if (sparse && isReg(sparse.mode)) sparse.truncate(5000);
  root.inode.mkdir(root, 'd', 0o755, cred);
  const many = found(root.inode.lookup(root, 'many'));
  if (many && isDir(many.mode)) {
    const ents = many.readdir(null as never);
    const dd = new Dentry('many', root, many);
    if (typeof ents !== 'number' && ents[0]) {
      const victim = found(many.lookup(dd, ents[0].name));
      if (victim) many.unlink(dd, ents[0].name, new Dentry(ents[0].name, dd, victim));
    }
    many.create(dd, 'added', 0o644, cred);
  }
  fs.sb.syncFs();
  fs.sb.putSuper();
}

/** Mounts and walks everything; returns how the image ended (for the summary) and throws only on a host exception. */
function exercise(img: Uint8Array, log: string[]): 'refused' | 'walked' {
  const host = { printk: (_l: number, t: string) => void log.push(t), comm: () => 'fuzz' };
  const fs = mountExt4(new FsState(), host, 'ext4', '', { flags: 1, source: '/dev/sdz', bdev: () => bdevOf(img) });
  if (typeof fs === 'number') {
    assert.ok(fs < 0);
    return 'refused';
  }
  fs.sb.statfs();
  let steps = 0;
  const seen = new Set<number>();
  const walk = (dir: Inode) => {
    if (seen.has(dir.ino)) return; // a damaged entry may name an ancestor
    seen.add(dir.ino);
    const ents = dir.readdir(null as never);
    if (typeof ents === 'number') return assert.ok(ents < 0);
    for (const e of ents) {
      assert.ok(++steps < 100_000, 'the walk does not end');
      const child = dir.lookup(null as never, e.name);
      if (typeof child === 'number') {
        assert.ok(child < 0);
        continue;
      }
      if (!child) continue;
      if (isDir(child.mode)) walk(child);
      else if (isLnk(child.mode)) child.readlink();
      else if (isReg(child.mode)) {
        // Read in 64 KiB pieces up to 4 MiB: a damaged i_size must not make the test itself allocate the moon.
        const buf = new Uint8Array(65536);
        for (let pos = 0; pos < Math.min(child.size, 4 << 20); pos += buf.length) child.readAt(pos, buf);
      }
    }
  };
  walk(fs.root.inode);
  return 'walked';
}

for (const variant of ['metadata_csum', 'no checksums'] as const)
  describe(`ext4 (${variant}): corrupt images never hurt the host`, { skip }, () => {
    let dir: string;
    let base: Uint8Array;
    const regions: Record<string, number[]> = {};
    const BS = 1024;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'tg-ext4-fuzz-'));
      const src = join(dir, 'src');
      mkdirSync(join(src, 'many'), { recursive: true });
      for (let i = 0; i < 300; i++) writeFileSync(join(src, 'many', `name-${'y'.repeat(40)}-${i}`), `${i}\n`);
      writeFileSync(join(src, 'file'), 'x'.repeat(5000));
      symlinkSync('file', join(src, 'fast'));
      symlinkSync('s/'.repeat(40), join(src, 'slow'));
      const fd = openSync(join(src, 'sparse'), 'w');
      const z = new Uint8Array(1024).fill(0x7a);
      for (let i = 0; i < 400; i++) writeSync(fd, z, 0, 1024, i * 2048); // 400 extents: a tree of depth two at 1 KiB blocks
      closeSync(fd);
      const img = join(dir, 'img');
      // Without checksums the damage reaches the parsers themselves instead of stopping at a checksum.
      const features = variant === 'metadata_csum' ? 'orphan_file' : '^metadata_csum,uninit_bg';
      spawnSync('mke2fs', ['-q', '-F', '-t', 'ext4', '-O', features, '-b', String(BS), '-N', '512', '-d', src, img, '4M']);
      spawnSync('e2fsck', ['-fyD', img], { stdio: 'ignore' });
      spawnSync('debugfs', ['-w', '-R', `ea_set file user.big ${'v'.repeat(600)}`, img]);
      base = new Uint8Array(readFileSync(img));
      // Where each kind of metadata lies, as dumpe2fs and debugfs report it.
      const d = sh('dumpe2fs', [img]);
      const nums = (re: RegExp) => [...d.matchAll(re)].map((m) => Number(m[1]));
      regions.superblock = [1];
      regions.descriptors = nums(/Group descriptors at (\d+)/g);
      regions.bitmaps = [...nums(/Block bitmap at (\d+)/g), ...nums(/Inode bitmap at (\d+)/g)];
      const it = /Inode table at (\d+)-(\d+)/.exec(d)!;
      regions.inodes = Array.from({ length: Math.min(16, Number(it[2]) - Number(it[1]) + 1) }, (_, i) => Number(it[1]) + i);
      const blocksOf = (p: string) =>
        sh('debugfs', ['-R', `blocks ${p}`, img])
          .trim()
          .split(/\s+/)
          .map(Number)
          .filter(Boolean);
      const many = blocksOf('many');
      regions.htree = [many[0]!];
      regions.directories = [...blocksOf('/'), ...many.slice(1, 6)];
      const ex = sh('debugfs', ['-R', 'ex sparse', img]);
      // The index and leaf blocks: what the root (level 0) and the level-1 index point at.
      regions.extents = [...ex.matchAll(/^ *[01]\/ *2 +\d+\/ *\d+ +\d+ - +\d+ +(\d+)/gm)].map((m) => Number(m[1]));
      const acl = /File ACL: (\d+)/.exec(sh('debugfs', ['-R', 'stat file', img]))![1];
      regions.xattr = [Number(acl)];
      for (const [k, v] of Object.entries(regions)) assert.ok(v.length > 0 && v.every((b) => b > 0), `found the ${k} blocks`);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('the undamaged image mounts and walks clean', () => {
      const log: string[] = [];
      assert.equal(exercise(base, log), 'walked');
      assert.ok(!log.some((l) => /error|warning/.test(l)), log.join('\n'));
      // The writes on the undamaged image leave it clean for the host's e2fsck.
      const img = base.slice();
      exerciseWrites(img, log);
      assert.ok(!log.some((l) => /error|warning/.test(l)), log.join('\n'));
      const file = join(dir, 'written');
      writeFileSync(file, img);
      const fsck = spawnSync('e2fsck', ['-fn', file], { encoding: 'latin1' });
      assert.equal(fsck.status, 0, fsck.stdout);
    });

    for (const kind of ['superblock', 'descriptors', 'bitmaps', 'inodes', 'extents', 'directories', 'htree', 'xattr']) {
      test(`flipped bytes in the ${kind}: refused or EXT4-fs errors, never a host exception or hang`, () => {
        const r = rng(0x5eed + kind.length * 7919 + (variant === 'metadata_csum' ? 0 : 1));
        const outcomes = { refused: 0, walked: 0 };
        let errors = 0;
        for (let i = 0; i < PER_REGION; i++) {
          const img = base.slice();
          const blocks = regions[kind]!;
          const flips = 1 + Math.floor(r() * 8);
          for (let f = 0; f < flips; f++) {
            const blk = blocks[Math.floor(r() * blocks.length)]!;
            // The superblock is the 1024 bytes at offset 1024 whatever the block size.
            const off = kind === 'superblock' ? 1024 + Math.floor(r() * 1024) : blk * BS + Math.floor(r() * BS);
            img[off]! ^= 1 << Math.floor(r() * 8);
          }
          const log: string[] = [];
          outcomes[exercise(img, log)]++;
          exerciseWrites(img, log);
          if (log.some((l) => /^EXT4-fs (error|warning)|^EXT4-fs \(sdz\): (?!mounted)/.test(l))) errors++;
        }
        assert.equal(outcomes.refused + outcomes.walked, PER_REGION);
        // Checksums catch damage: most damaged images end in a refusal or a logged error.
        if (variant === 'metadata_csum' && kind !== 'bitmaps') assert.ok(outcomes.refused + errors > 0, `${kind}: no damage noticed in ${PER_REGION} images`);
      });
    }
  });
