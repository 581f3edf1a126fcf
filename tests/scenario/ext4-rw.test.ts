// ext2 and ext4 mounted read-write in the guest (issue 14 §6): the host's
// mke2fs makes the image, the guest's own shell tools change it (create,
// write, append, truncate, mkdir, rmdir, rename, unlink, hard links, fast
// and slow symlinks, chmod and touch; a directory grown past one block; a
// file past 12 blocks for ext2's indirect blocks and one of many extents
// for an extent tree with an index level), and umount. Oracles: the host's
// `e2fsck -fn` finds the image clean, and the host's debugfs reads every
// file back with the content the guest's md5sum saw before umount.
// Then a full file system: ENOSPC, with what was written before intact.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';
import { Machine } from './disk-machine.js';

const rootfs = defaultRootfsDir();
const hostTools = ['mke2fs', 'debugfs', 'e2fsck', 'dumpe2fs'].every((c) => spawnSync(c, ['-V'], { stdio: 'ignore' }).error === undefined);
const skip = !existsSync(join(rootfs, 'usr/bin/mount')) ? `no guest root with util-linux in ${rootfs}` : !hostTools ? 'the host lacks e2fsprogs' : false;

/** The workload: every kind of change, with the sizes that need indirect blocks, extent index nodes and a second directory block. */
const WORKLOAD = [
  'cd /mnt',
  'echo hello > a.txt',
  'printf "more\\n" >> a.txt',
  'head -c 300000 /dev/urandom > big',
  'cp big big2 && truncate -s 5000 big2',
  'truncate -s 70000 a.txt',
  // Interleaved appends: each file's next block is taken by the other, so frag gets one extent per append.
  'i=0; while [ $i -lt 12 ]; do head -c 5000 /dev/urandom >> frag; head -c 3000 /dev/urandom >> other; i=$((i+1)); done',
  'mkdir -p d/sub',
  'i=0; while [ $i -lt 200 ]; do echo $i > d/file_with_a_long_name_$i; i=$((i+1)); done',
  'rm d/file_with_a_long_name_7 d/file_with_a_long_name_150',
  'ln big d/sub/biglink',
  'ln -s a.txt fast',
  `ln -s ${'x'.repeat(100)} slow`,
  'mv other d/sub/moved',
  'mv d/sub d/sub2',
  'mkdir gone && rmdir gone',
  // The htree directory: entries into its leaves, then (leaves full) the index dropped.
  'i=0; while [ $i -lt 150 ]; do echo $i > many/added_$i; i=$((i+1)); done',
  'rm many/an_entry_with_a_long_name_3 many/added_9',
  'echo doomed > doomed && rm doomed',
  'echo replaced > r1 && echo replacement > r2 && mv r2 r1',
  'chmod 640 a.txt',
  'touch -d "2001-02-03 04:05:06.123456789" a.txt',
  'cd /',
].join(' && ');

async function checkedRun(mkfs: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-ext4-rw-'));
  try {
    const img = join(dir, 'disk.img');
    // An htree directory to change: made by the host and indexed by e2fsck -D.
    const src = join(dir, 'src');
    mkdirSync(join(src, 'many'), { recursive: true });
    for (let i = 0; i < 300; i++) writeFileSync(join(src, 'many', `an_entry_with_a_long_name_${i}`), `${i}\n`);
    const r = spawnSync('mke2fs', ['-q', '-F', ...mkfs, '-E', 'root_owner=0:0', '-d', src, img, '16M']);
    assert.equal(r.status, 0, String(r.stderr));
    spawnSync('e2fsck', ['-fyD', img], { stdio: 'ignore' });
    const flags = /Flags: 0x([0-9a-f]+)/.exec(spawnSync('debugfs', ['-R', 'stat /many', img], { encoding: 'latin1' }).stdout)?.[1];
    assert.ok(parseInt(flags ?? '0', 16) & 0x1000, 'the host made no htree directory');
    const m = new Machine(new Uint8Array(readFileSync(img)), rootfs, true);
    m.start();
    try {
      assert.equal(await m.sh('mknod /dev/sdz b 8 0; mkdir -p /mnt; mount /dev/sdz /mnt; echo rc=$?'), 'rc=0\n');
      assert.match(await m.sh('grep sdz /proc/mounts'), /^\/dev\/sdz \/mnt ext[24] rw,relatime 0 0\n$/);
      assert.equal(await m.sh(`(${WORKLOAD}) 2>&1; echo rc=$?`), 'rc=0\n');
      const sums = await m.sh('cd /mnt && find . -type f | sort | xargs md5sum; cd /');
      const links = await m.sh('readlink /mnt/fast /mnt/slow; stat -c "%a %h %Y" /mnt/a.txt /mnt/big; ls /mnt/d | wc -l');
      assert.equal(links, `a.txt\n${'x'.repeat(100)}\n640 1 981173106\n644 2 ${links.split('\n')[3]!.split(' ')[2]}\n199\n`);
      // A remount read-only writes everything back and marks the image clean; read-write again marks it not clean.
      assert.equal(await m.sh('mount -o remount,ro /mnt; echo rc=$?; grep sdz /proc/mounts | cut -d" " -f4'), 'rc=0\nro,relatime\n');
      writeFileSync(img, m.img);
      assert.match(spawnSync('dumpe2fs', ['-h', img], { encoding: 'latin1' }).stdout, /^Filesystem state: +clean$/m);
      const early = spawnSync('e2fsck', ['-fn', img], { encoding: 'latin1' });
      assert.equal(early.status, 0, early.stdout + early.stderr);
      assert.equal(await m.sh('mount -o remount,rw /mnt; echo rc=$?'), 'rc=0\n');
      writeFileSync(img, m.img);
      assert.match(spawnSync('dumpe2fs', ['-h', img], { encoding: 'latin1' }).stdout, /^Filesystem state: +not clean$/m);
      assert.equal(await m.sh('umount /mnt; echo rc=$?'), 'rc=0\n');
      writeFileSync(img, m.img);
      const fsck = spawnSync('e2fsck', ['-fn', img], { encoding: 'latin1' });
      assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
      assert.match(spawnSync('dumpe2fs', ['-h', img], { encoding: 'latin1' }).stdout, /^Filesystem state: +clean$/m);
      if (mkfs.includes('ext4')) {
        // frag's 12 extents need a leaf block under an index in the inode (debugfs: a level 1/1 line).
        assert.match(spawnSync('debugfs', ['-R', 'ex /frag', img], { encoding: 'latin1' }).stdout, /^ *1\/ *1 +/m);
      }
      const lines = sums.trim().split('\n');
      assert.equal(lines.length, 205 + 300 + 148, sums);
      // debugfs copies the whole tree out (rdump); every file must match what the guest read.
      const out = join(dir, 'out');
      mkdirSync(out);
      assert.equal(spawnSync('debugfs', ['-R', `rdump / ${out}`, img]).status, 0);
      for (const line of lines) {
        const [sum, path] = line.split(/ +/);
        const got = createHash('md5')
          .update(readFileSync(join(out, path!)))
          .digest('hex');
        assert.equal(got, sum, `debugfs reads ${path} differently`);
      }
      // chmod and touch -d reached the disk: mode, and mtime with its nanoseconds (with the nanoseconds where the inode has room for them).
      const st = spawnSync('debugfs', ['-R', 'stat /a.txt', img], { encoding: 'latin1' }).stdout;
      assert.match(st, /Mode: +0640\b/);
      assert.match(st, mkfs.includes('ext4') ? /mtime: 0x3a7b8372:1d6f3454 / : /mtime: 0x3a7b8372(:1d6f3454)? /);
    } finally {
      await m.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('ext2 and ext4 read-write: e2fsck -fn clean and debugfs reads back what the guest wrote', { skip, concurrency: 1 }, () => {
  test('ext4 with mke2fs defaults (4 KiB blocks, metadata_csum, extents, flex_bg, journal)', async () => {
    await checkedRun(['-t', 'ext4', '-b', '4096']);
  });
  test('ext2 with 1 KiB blocks (indirect blocks to the double level)', async () => {
    await checkedRun(['-t', 'ext2', '-b', '1024']);
  });
});

describe('ext4 full: ENOSPC, and nothing already written is lost', { skip, concurrency: 1 }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tg-ext4-full-'));
    mkdirSync(join(dir, 'x'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  test('fill the disk, then e2fsck is clean and the earlier file reads back', async () => {
    const img = join(dir, 'disk.img');
    assert.equal(spawnSync('mke2fs', ['-q', '-F', '-t', 'ext4', img, '8M']).status, 0);
    const m = new Machine(new Uint8Array(readFileSync(img)), rootfs, true);
    m.start();
    try {
      await m.sh('mknod /dev/sdz b 8 0; mkdir -p /mnt; mount /dev/sdz /mnt');
      const sum = await m.sh('head -c 1000000 /dev/urandom > /mnt/keep; md5sum < /mnt/keep');
      assert.match(await m.sh('cat /dev/zero 2>&1 >/mnt/fill; echo rc=$?'), /No space left on device\nrc=1\n$/);
      assert.equal(await m.sh('md5sum < /mnt/keep'), sum);
      assert.equal(await m.sh('umount /mnt; echo rc=$?'), 'rc=0\n');
      writeFileSync(img, m.img);
      const fsck = spawnSync('e2fsck', ['-fn', img], { encoding: 'latin1' });
      assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
      const cat = spawnSync('debugfs', ['-R', 'cat /keep', img], { maxBuffer: 1 << 26 });
      assert.equal(createHash('md5').update(cat.stdout).digest('hex') + '  -\n', sum);
    } finally {
      await m.stop();
    }
  });
});
