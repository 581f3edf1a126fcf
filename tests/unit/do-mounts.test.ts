// root= and its companions as init/do_mounts.c takes them, and the device
// names block/early-lookup.c accepts (Linux 6.12): major:minor in decimal,
// a bare hex dev_t, /dev/<name>, PARTUUID=; anything else (UUID= among
// them) is malformed (-EINVAL), an unknown disk name is -ENODEV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKernel } from '../../src/kernel/index.js';
import { parseBootParams } from '../../src/kernel/boot/params.js';
import { earlyLookupBdev } from '../../src/kernel/boot/do_mounts.js';
import { makedev } from '../../src/kernel/fs/special.js';
import { newcHeader, newcTrailer } from '../../src/kernel/boot/cpio.js';
import { kernelInit } from '../../src/kernel/index.js';
import { gzipSync } from 'node:zlib';
import { fakeHost } from './fake-host.js';

test('root=, rootfstype=, rootflags=, ro/rw and rootwait on the command line', () => {
  const d = parseBootParams('console=ttyS0');
  assert.equal(d.root, null);
  assert.equal(d.rootReadOnly, true, 'root_mountflags starts with MS_RDONLY');
  const p = parseBootParams('root=/dev/sdb2 root=/dev/sda1 rootfstype=ext4,ext2 rootflags=data=ordered rw rootwait rootdelay=3');
  assert.equal(p.root, '/dev/sda1');
  assert.deepEqual(p.rootfstype, ['ext4', 'ext2']);
  assert.equal(p.rootflags, 'data=ordered');
  assert.equal(p.rootReadOnly, false);
  assert.equal(p.rootwait, true);
  assert.equal(p.rootdelay, 3);
  assert.equal(parseBootParams('rw ro').rootReadOnly, true);
  // "ro=x" is not the ro parameter (its handler refuses a value): it goes to init's environment.
  const q = parseBootParams('ro=x rootwait=5');
  assert.equal(q.rootReadOnly, true);
  assert.equal(q.rootwait, true);
  assert.deepEqual(q.envp, ['HOME=/', 'TERM=linux', 'ro=x']);
  assert.deepEqual(p.envp, ['HOME=/', 'TERM=linux']);
});

test('early_lookup_bdev: device numbers, names, and what it refuses', () => {
  const k = createKernel({ memBytes: 32 << 20, host: fakeHost(), cmdline: '' });
  assert.equal(earlyLookupBdev(k, '8:1'), makedev(8, 1));
  assert.equal(earlyLookupBdev(k, '254:17'), makedev(254, 17));
  assert.equal(earlyLookupBdev(k, '0801'), makedev(8, 1));
  assert.equal(earlyLookupBdev(k, 'fe01'), makedev(254, 1));
  assert.equal(earlyLookupBdev(k, 'UUID=0123-4567'), -22);
  assert.equal(earlyLookupBdev(k, '8:1x'), -22);
  assert.equal(earlyLookupBdev(k, '/dev/sda1'), -19, 'no such disk on this machine');
  assert.equal(earlyLookupBdev(k, 'PARTUUID=0123abcd-01'), -19);
  assert.equal(earlyLookupBdev(k, 'PARTUUID=0123abcd-01/PARTNROFF=x'), -22);
  assert.match(k.log.records.map((r) => r.text).join('\n'), /VFS: PARTUUID= is invalid\.\nExpected PARTUUID=<valid-uuid-id>\[\/PARTNROFF=%d\]/);
});

/** An initramfs of /dev and /root only: no /init, no /sbin/init. */
function dirsOnly(): Uint8Array {
  const dir = (name: string, ino: number) =>
    newcHeader({ name, ino, mode: 0o40755, uid: 0, gid: 0, nlink: 2, mtime: 0, filesize: 0, devMajor: 0, devMinor: 0, rdevMajor: 0, rdevMinor: 0 });
  return new Uint8Array(gzipSync(Buffer.concat([dir('dev', 1), dir('root', 2), newcTrailer()])));
}

test('an initramfs without /init and root=: the kernel mounts root= (here missing: the panic)', async () => {
  const k = createKernel({ memBytes: 32 << 20, host: fakeHost(), cmdline: 'root=/dev/sda1', initrd: dirsOnly() });
  kernelInit(k);
  await k.run();
  const texts = k.log.records.map((r) => r.text);
  assert.ok(texts.includes('VFS: Cannot open root device "/dev/sda1" or unknown-block(0,0): error -6'), texts.join('\n'));
  assert.ok(texts.includes('Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)'), texts.join('\n'));
  assert.equal(k.shutdown, 'panic');
  // A device number with no disk behind it: the open of /dev/root fails (-ENXIO), and the message names the number.
  const k2 = createKernel({ memBytes: 32 << 20, host: fakeHost(), cmdline: 'root=8:1 rootfstype=ext4', initrd: dirsOnly() });
  kernelInit(k2);
  await k2.run();
  assert.ok(k2.log.records.some((r) => r.text === 'VFS: Cannot open root device "8:1" or unknown-block(8,1): error -6'));
});
