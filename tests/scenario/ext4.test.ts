// ext4 through the system-call interface, with Debian's own tools in the
// guest (issue 14 §6): an image made by the host's mke2fs is attached as an
// in-memory block device (8:0) to an in-process kernel, and a shell does
// what a user does: mknod, mount -t ext4, ls, cat, md5sum, stat, df, df -i,
// dmesg, a write that a read-only mount refuses, umount, and mount -t xfs.
// Oracles: the host's own view of the same image (the files it was made
// from, `debugfs -R stat`, `dumpe2fs -h` fed through ext4_statfs's formula
// for df), and Linux's documented messages (EXT4-fs lines, /proc/filesystems,
// mount(8)'s "unknown filesystem type" for a type the kernel lacks).
// Deterministic: seed mode (virtual time).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';
import { Machine } from './disk-machine.js';

const rootfs = defaultRootfsDir();
const hostTools = ['mke2fs', 'debugfs', 'dumpe2fs'].every((c) => spawnSync(c, ['-V'], { stdio: 'ignore' }).error === undefined);
const skip = !existsSync(join(rootfs, 'usr/bin/mount')) ? `no guest root with util-linux in ${rootfs}` : !hostTools ? 'the host lacks e2fsprogs' : false;
const UUID = '6a1c5e0f-2b3d-4e5f-8a9b-0c1d2e3f4a5b';

describe('ext4 in the guest: mount, read, stat and df a host-made image', { skip, concurrency: 1 }, () => {
  let dir: string, img: string, m: Machine;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tg-ext4-sc-'));
    const src = join(dir, 'src');
    mkdirSync(join(src, 'docs/deep'), { recursive: true });
    writeFileSync(join(src, 'hello.txt'), 'hello from the host\n');
    const big = new Uint8Array(3 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    writeFileSync(join(src, 'big.bin'), big);
    writeFileSync(join(src, 'docs/deep/note'), 'deep\n');
    for (let i = 0; i < 300; i++) writeFileSync(join(src, 'docs', `f${i}`), `${i}\n`);
    utimesSync(join(src, 'hello.txt'), 1_700_000_000.25, 1_690_000_000.5);
    img = join(dir, 'disk.img');
    const r = spawnSync('mke2fs', ['-q', '-F', '-t', 'ext4', '-O', 'orphan_file', '-U', UUID, '-E', 'root_owner=0:0', '-d', src, img, '64M']);
    assert.equal(r.status, 0, String(r.stderr));
    spawnSync('e2fsck', ['-fyD', img], { stdio: 'ignore' });
    m = new Machine(new Uint8Array(readFileSync(img)), rootfs);
    m.start();
  });
  after(async () => {
    await m?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('mknod and mount -t ext4 -o ro: mounted read-only, with the EXT4-fs line Linux logs', async () => {
    assert.equal(await m.sh('mknod /dev/sdz b 8 0; mkdir -p /mnt; mount -t ext4 -o ro /dev/sdz /mnt; echo rc=$?'), 'rc=0\n');
    assert.equal(await m.sh('grep sdz /proc/mounts'), '/dev/sdz /mnt ext4 ro,relatime 0 0\n');
    assert.equal(await m.sh('dmesg | grep -o "EXT4-fs.*"'), `EXT4-fs (sdz): mounted filesystem ${UUID} ro with ordered data mode. Quota mode: none.\n`);
  });

  test('files read back as the host wrote them', async () => {
    assert.equal(await m.sh('cat /mnt/hello.txt /mnt/docs/deep/note'), 'hello from the host\ndeep\n');
    const want = createHash('md5')
      .update(readFileSync(join(dir, 'src/big.bin')))
      .digest('hex');
    assert.equal(await m.sh('md5sum /mnt/big.bin'), `${want}  /mnt/big.bin\n`);
    assert.equal(await m.sh('ls /mnt/docs | wc -l; ls /mnt/docs | sort | head -3'), '301\ndeep\nf0\nf1\n');
  });

  test('stat agrees with the host debugfs: size, links, blocks, nanosecond times and birth time', async () => {
    const s = spawnSync('debugfs', ['-R', 'stat hello.txt', img], { encoding: 'latin1' }).stdout;
    const t = (name: string) => {
      const [, sec, extra] = new RegExp(`^ *${name}: 0x([0-9a-f]+):([0-9a-f]+)`, 'm').exec(s)!;
      return `${parseInt(sec!, 16)}.${String(parseInt(extra!, 16) >>> 2).padStart(9, '0')}`;
    };
    const ino = /Inode: (\d+)/.exec(s)![1];
    const blocks = /Blockcount: (\d+)/.exec(s)![1];
    const bs = /^Block size:\s+(\d+)/m.exec(spawnSync('dumpe2fs', ['-h', img], { encoding: 'latin1' }).stdout)![1];
    // %o: st_blksize, the file system's block size as ext4 reports it.
    const got = await m.sh("stat -c '%i %s %h %b %o %.9X %.9Y %.9Z %.9W' /mnt/hello.txt");
    assert.equal(got, `${ino} 20 1 ${blocks} ${bs} ${t('atime')} ${t('mtime')} ${t('ctime')} ${t('crtime')}\n`);
  });

  test('df and df -i: ext4_statfs over what dumpe2fs reports', async () => {
    const h = spawnSync('dumpe2fs', ['-h', img], { encoding: 'latin1' }).stdout;
    const f = (n: string) => Number(new RegExp(`^${n}:\\s+(\\d+)`, 'm').exec(h)![1]);
    const bs = f('Block size');
    const blocks = f('Block count') - f('Overhead clusters');
    const bfree = f('Free blocks');
    const bavail = bfree - f('Reserved block count') - Math.min(Math.floor(f('Block count') / 50), 4096);
    const k = (n: number) => (n * bs) / 1024;
    assert.equal(await m.sh("df -k /mnt | tail -1 | awk '{print $2, $3, $4}'"), `${k(blocks)} ${k(blocks - bfree)} ${k(bavail)}\n`);
    assert.equal(
      await m.sh("df -i /mnt | tail -1 | awk '{print $2, $3, $4}'"),
      `${f('Inode count')} ${f('Inode count') - f('Free inodes')} ${f('Free inodes')}\n`,
    );
  });

  test('writes are refused on the read-only mount, and a remount read-write is too', async () => {
    assert.match(await m.sh('touch /mnt/new 2>&1; echo rc=$?'), /Read-only file system\nrc=1\n$/);
    assert.match(await m.sh('mount -o remount,rw /mnt 2>&1; echo rc=$?'), /rc=32\n$/);
  });

  test('umount; /proc/filesystems lists ext3, ext2, ext4; mount -t xfs is an unknown type', async () => {
    assert.equal(await m.sh('umount /mnt; echo rc=$?; grep -c sdz /proc/mounts'), 'rc=0\n0\n');
    assert.equal(await m.sh('grep ext /proc/filesystems'), '\text3\n\text2\n\text4\n');
    assert.match(await m.sh('mount -t xfs /dev/sdz /mnt 2>&1; echo rc=$?'), /unknown filesystem type 'xfs'[\s\S]*rc=32\n$/);
  });
});
