// Root on disk (issue 14 part 9): `tuxglass disk rootfs` makes an ext4 root
// disk with the guest's own mkfs.ext4, and `tuxglass boot --append
// root=...` mounts it as / (prepare_namespace). Oracles: the host's
// `e2fsck -fn` and dumpe2fs on the partition, after the build and after the
// boots; the kernel's messages and panic as init/do_mounts.c and
// block/early-lookup.c print them (Linux 6.12); a file written in one boot
// read back in the next (through PARTUUID=, msdos's "SSSSSSSS-PP" form).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const hostTools = ['e2fsck', 'dumpe2fs'].every((c) => spawnSync(c, ['-V'], { stdio: 'ignore' }).error === undefined);
const skip = !existsSync(join(rootfs, 'sbin/mkfs.ext4')) ? `no guest root with mkfs.ext4 in ${rootfs}` : !hostTools ? 'the host lacks e2fsprogs' : false;

function cli(args: string[], input = '', timeout = 300_000) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout, env: { ...process.env, TERM: 'linux' } });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** The image's partition 1 (from 1 MiB), as e2fsprogs' unix I/O manager takes an offset. */
const part = (img: string) => `${img}?offset=1048576`;

function fsck(img: string): void {
  const r = spawnSync('e2fsck', ['-fn', part(img)], { encoding: 'latin1' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
}

describe('root on disk: disk rootfs, boot root=, persistence, the missing-root panic', { skip, concurrency: 1 }, () => {
  let dir = '';
  let img = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tg-rootdisk-'));
    img = join(dir, 'root.img');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('disk rootfs makes an image with one partition that the host e2fsck finds clean', () => {
    const r = cli(['disk', 'rootfs', img, '--rootfs', rootfs, '--seed', '1']);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /Copying files into the device: done/);
    fsck(img);
    const dump = spawnSync('dumpe2fs', ['-h', part(img)], { encoding: 'latin1' }).stdout;
    assert.match(dump, /^Filesystem state: +clean$/m);
    assert.match(dump, /^Filesystem volume name: +tuxglass-root$/m);
    assert.match(dump, /^Block size: +4096$/m);
  });

  test('boot root=/dev/sda1 mounts it read-only, init remounts it as fstab says, and a file written persists', () => {
    const first = cli(
      ['boot', '--disk', img, '--append', 'root=/dev/sda1', '--seed', '1'],
      'grep " / " /proc/mounts; echo written-in-boot-1 > /root/persist; poweroff\n',
      120_000,
    );
    assert.equal(first.status, 0, first.out);
    assert.match(first.out, /\] VFS: Mounted root \(ext4 filesystem\) readonly on device 8:1\.\r?\n/);
    assert.match(first.out, /\] devtmpfs: mounted\r?\n/);
    assert.match(first.out, /^\/dev\/root \/ ext4 rw,relatime 0 0\r?$/m);
    fsck(img);
    // busybox init's shutdown (umount -a -r) left it read-only, so marked clean.
    assert.match(spawnSync('dumpe2fs', ['-h', part(img)], { encoding: 'latin1' }).stdout, /^Filesystem state: +clean$/m);
    // The second boot finds the disk by its PARTUUID: the MBR's disk signature and the partition number.
    const sig = readFileSync(img).readUInt32LE(440).toString(16).padStart(8, '0');
    const second = cli(['boot', '--disk', img, '--append', `root=PARTUUID=${sig}-01`, '--seed', '1'], 'cat /root/persist; poweroff\n', 120_000);
    assert.equal(second.status, 0, second.out);
    assert.match(second.out, /^written-in-boot-1\r?$/m);
    fsck(img);
  });

  test('root=254:1 rw on a virtio disk: mounted read-write by the kernel, devtmpfs on its /dev, init= run from it', () => {
    // init= runs with the words after "--" as its argv; ls exiting then kills init (a panic, status 1).
    // The disk's own /dev is empty: /dev/vda1 is there only through devtmpfs.
    const r = cli(['boot', '--disk', `${img},if=virtio`, '--append', 'root=254:1 rw init=/bin/ls -- /dev/vda1', '--seed', '1'], '', 120_000);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /\] VFS: Mounted root \(ext4 filesystem\) on device 254:1\.\r?\n/);
    assert.match(r.out, /\] EXT4-fs \(vda1\): mounted filesystem [-0-9a-f]+ r\/w /);
    assert.match(r.out, /\] Run \/bin\/ls as init process\r?\n\/dev\/vda1\r?\n/);
    assert.match(r.out, /\] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000\r?\n/);
  });

  test('a root= that names no disk panics with Linux text and the partition list', () => {
    const sig = readFileSync(img).readUInt32LE(440).toString(16).padStart(8, '0');
    const kib = readFileSync(img).length / 1024;
    const r = cli(['boot', '--disk', img, '--append', 'root=/dev/sdb1', '--seed', '1'], '', 120_000);
    assert.equal(r.status, 1, r.out);
    const lines = r.out
      .split(/\r?\n/)
      .map((l) => l.replace(/^\[ *\d+\.\d+\] /, ''))
      .filter((l) => /VFS|Please append|^ *08|bdev|^ ext|panic/.test(l));
    assert.deepEqual(lines, [
      'VFS: Cannot open root device "/dev/sdb1" or unknown-block(0,0): error -6',
      'Please append a correct "root=" boot option; here are the available partitions:',
      // printk_all_partitions: "%s%s %10llu %pg %s", the device number as "%02x%02x" padded to 9, the size in KiB.
      `${'0800'.padEnd(9)} ${String(kib).padStart(10)} sda  driver: sd`,
      `  ${'0801'.padEnd(9)} ${String(kib - 1024).padStart(10)} sda1 ${sig}-01`,
      'List of all bdev filesystems:',
      ' ext3',
      ' ext2',
      ' ext4',
      'Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)',
      '---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---',
    ]);
    // A file system UUID is for an initramfs to look up: the kernel takes "UUID=" for a malformed device number.
    const u = cli(['boot', '--disk', img, '--append', 'root=UUID=0123 rootwait', '--seed', '1'], '', 120_000);
    assert.equal(u.status, 1, u.out);
    assert.match(u.out, /\] Disabling rootwait; root= is invalid\.\r?\n/);
    assert.match(u.out, /\] VFS: Cannot open root device "UUID=0123" or unknown-block\(0,0\): error -6\r?\n/);
  });
});
