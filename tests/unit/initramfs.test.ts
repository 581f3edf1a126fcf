// The initramfs both ways: a tree packed by the host (cpio newc, gzip) is
// what GNU cpio lists and extracts, and what the kernel unpacks into its
// rootfs: files, directories, symlinks, hard links (one inode), device
// nodes, modes, owners, mtimes. A corrupt archive gives Linux's message,
// and the boot ends in a panic without harming the host. The command line
// is split as init/main.c splits it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  existsSync,
  readlinkSync,
  statSync,
} from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packInitramfs, ensureInitramfs } from '../../src/host/initramfs.js';
import { newcHeader, newcTrailer, parseNewc, TRAILER } from '../../src/kernel/boot/cpio.js';
import { createKernel, kernelInit } from '../../src/kernel/index.js';
import { parseBootParams } from '../../src/kernel/boot/params.js';
import { TmpfsFile } from '../../src/kernel/fs/tmpfs.js';
import { fakeHost } from './fake-host.js';

const dec = new TextDecoder();

const isRoot = process.getuid?.() === 0;

function makeTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tg-initramfs-'));
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc/hello'), 'hello, initramfs\n');
  chmodSync(join(dir, 'etc/hello'), 0o640);
  writeFileSync(join(dir, 'etc/odd'), 'abcde'); // not a multiple of 4: padding
  linkSync(join(dir, 'etc/hello'), join(dir, 'etc/hello-again'));
  symlinkSync('etc/hello', join(dir, 'link'));
  mkdirSync(join(dir, 'empty'), 0o700);
  chmodSync(join(dir, 'empty'), 0o700);
  if (isRoot) {
    chownSync(join(dir, 'etc/odd'), 1000, 100);
    spawnSync('mknod', [join(dir, 'null'), 'c', '1', '3']);
  }
  utimesSync(join(dir, 'etc/odd'), 1_600_000_000, 1_600_000_000);
  return dir;
}

test('cpio newc headers round trip', () => {
  const e = { name: 'a/b', ino: 7, mode: 0o100644, uid: 1, gid: 2, nlink: 1, mtime: 123, filesize: 5, devMajor: 0, devMinor: 0, rdevMajor: 0, rdevMinor: 0 };
  const h = newcHeader(e);
  assert.equal(h.length % 4, 0);
  assert.equal(dec.decode(h.subarray(0, 6)), '070701');
  const buf = new Uint8Array(h.length + 8 + newcTrailer().length);
  buf.set(h);
  buf.set(new TextEncoder().encode('hello'), h.length);
  buf.set(newcTrailer(), h.length + 8);
  const p = parseNewc(buf, 0);
  assert.deepEqual({ ...p, dataOffset: undefined, next: undefined }, { ...e, dataOffset: undefined, next: undefined });
  assert.equal(p.next, h.length + 8);
  assert.equal(parseNewc(buf, p.next).name, TRAILER);
});

test(
  'the packed tree is what GNU cpio lists and extracts',
  { skip: spawnSync('cpio', ['--version']).error ? 'cpio is not installed (apt-get install cpio)' : false },
  async () => {
    const dir = makeTree();
    const out = mkdtempSync(join(tmpdir(), 'tg-initramfs-out-'));
    try {
      const archive = join(out, 'a.cpio.gz');
      await packInitramfs(dir, archive);
      const raw = gunzipSync(readFileSync(archive));
      const list = spawnSync('cpio', ['-t', '--quiet'], { input: raw, encoding: 'utf8' });
      assert.equal(list.status, 0, list.stderr);
      const names = list.stdout.trim().split('\n');
      const want = ['dev', 'dev/console', 'empty', 'etc', 'etc/hello', 'etc/hello-again', 'etc/odd', 'link'];
      if (isRoot) want.push('null');
      assert.deepEqual(names.sort(), want.sort());
      const x = spawnSync('cpio', ['-i', '-d', '--quiet', '--preserve-modification-time', '-D', join(out, 'x')], { input: raw, encoding: 'utf8' });
      mkdirSync(join(out, 'x'), { recursive: true });
      const x2 =
        x.status === 0 ? x : spawnSync('cpio', ['-i', '-d', '--quiet', '--preserve-modification-time'], { input: raw, encoding: 'utf8', cwd: join(out, 'x') });
      assert.equal(x2.status, 0, x2.stderr);
      assert.equal(readFileSync(join(out, 'x/etc/hello'), 'utf8'), 'hello, initramfs\n');
      assert.equal(readFileSync(join(out, 'x/etc/hello-again'), 'utf8'), 'hello, initramfs\n');
      assert.equal(statSync(join(out, 'x/etc/hello')).ino, statSync(join(out, 'x/etc/hello-again')).ino);
      assert.equal(readFileSync(join(out, 'x/etc/odd'), 'utf8'), 'abcde');
      assert.equal(statSync(join(out, 'x/etc/odd')).mtimeMs, 1_600_000_000_000);
      assert.equal(readlinkSync(join(out, 'x/link')), 'etc/hello');
      assert.equal(statSync(join(out, 'x/etc/hello')).mode & 0o7777, 0o640);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  },
);

test('the kernel unpacks the archive into its rootfs', async () => {
  const dir = makeTree();
  const out = mkdtempSync(join(tmpdir(), 'tg-initramfs-out-'));
  try {
    const archive = join(out, 'a.cpio.gz');
    await packInitramfs(dir, archive);
    const log: string[] = [];
    const k = createKernel({ memBytes: 32 << 20, host: fakeHost({ out: log }), cmdline: 'console=ttyS0', initrd: new Uint8Array(readFileSync(archive)) });
    const t = k.createInit();
    const look = (p: string, follow = false) => {
      const r = k.vfs.resolve(t, -100, p, follow);
      assert.notEqual(typeof r, 'number', `${p} is missing`);
      return (r as Exclude<typeof r, number>).dentry.inode;
    };
    const hello = look('/etc/hello');
    assert.ok(hello instanceof TmpfsFile);
    assert.equal(dec.decode(hello.contents()), 'hello, initramfs\n');
    assert.equal(hello.mode & 0o7777, 0o640);
    assert.equal(look('/etc/hello-again'), hello);
    assert.equal(hello.nlink, 2);
    const odd = look('/etc/odd') as TmpfsFile;
    assert.equal(dec.decode(odd.contents()), 'abcde');
    assert.equal(odd.mtime.sec, 1_600_000_000);
    if (isRoot) {
      assert.equal(odd.uid, 1000);
      assert.equal(odd.gid, 100);
      assert.equal(look('/null').rdev, (1 << 8) | 3);
    }
    assert.equal(look('/link', true), hello);
    assert.equal(look('/empty').mode & 0o7777, 0o700);
    assert.equal(look('/dev/console').rdev, (5 << 8) | 1);
    const text = log.join('');
    assert.match(text, /Trying to unpack rootfs image as initramfs\.\.\.\n/);
    assert.match(text, /Freeing initrd memory: \d+K\n/);
    assert.doesNotMatch(text, /unpacking failed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});

async function bootCorrupt(image: Uint8Array) {
  const log: string[] = [];
  const k = createKernel({ memBytes: 32 << 20, host: fakeHost({ out: log }), cmdline: 'console=ttyS0', initrd: image });
  kernelInit(k);
  const status = await k.run();
  return { text: log.join(''), status, shutdown: k.shutdown };
}

test("a corrupt archive: Linux's message, then a panic for want of init", async () => {
  // A valid archive of one file, then broken three ways.
  const good = new Uint8Array(
    Buffer.concat([
      newcHeader({ name: 'x', ino: 1, mode: 0o100644, uid: 0, gid: 0, nlink: 1, mtime: 0, filesize: 0, devMajor: 0, devMinor: 0, rdevMajor: 0, rdevMinor: 0 }),
      newcTrailer(),
    ]),
  );
  const gz = new Uint8Array(gzipSync(good));
  const garbled = gz.slice();
  garbled.fill(0x55, 10, 30);
  const cases: [Uint8Array, string][] = [
    [gz.subarray(0, gz.length - 12), 'decompressor failed'],
    [garbled, 'decompressor failed'],
    [new TextEncoder().encode('not an archive at all'), 'invalid magic at start of compressed archive'],
    [new Uint8Array(gzipSync(new TextEncoder().encode('070701zzzzzzzz' + ' '.repeat(120)))), 'no cpio magic'],
    [new Uint8Array(gzipSync(good.subarray(0, 60))), 'junk at the end of compressed archive'],
  ];
  for (const [image, msg] of cases) {
    const r = await bootCorrupt(image);
    assert.ok(r.text.includes(`Initramfs unpacking failed: ${msg}\n`), r.text);
    assert.match(r.text, /Kernel panic - not syncing: No working init found\./);
    assert.equal(r.shutdown, 'panic');
    assert.notEqual(r.status, 0);
  }
});

test("the command line: kernel parameters, init's argv and environment", () => {
  const p = parseBootParams('console=ttyS0,115200 quiet init=/bin/sh rdinit=/x mem=64M foo=bar single mod.param=1 foo=baz -- -a b=c');
  assert.equal(p.init, '/bin/sh');
  assert.equal(p.rdinit, '/x');
  assert.deepEqual(p.consoles, ['ttyS0']);
  assert.equal(p.mem, 64 << 20);
  assert.deepEqual(p.argv, ['single', '-a', 'b=c']);
  assert.deepEqual(p.envp, ['HOME=/', 'TERM=linux', 'foo=baz']);
  assert.equal(parseBootParams('').rdinit, '/init');
});

test('mem= caps the RAM', () => {
  const k = createKernel({ memBytes: 64 << 20, host: fakeHost({ out: [] }), cmdline: 'mem=32M' });
  assert.equal(k.mem.size, 32 << 20);
});

test('the cached archive is reused until the tree changes', async () => {
  const dir = makeTree();
  const cache = mkdtempSync(join(tmpdir(), 'tg-initramfs-cache-'));
  try {
    const a = await ensureInitramfs(dir, cache);
    assert.equal(a.packed, true);
    const b = await ensureInitramfs(dir, cache);
    assert.equal(b.packed, false);
    assert.equal(b.path, a.path);
    writeFileSync(join(dir, 'etc/new'), 'x');
    const c = await ensureInitramfs(dir, cache);
    assert.equal(c.packed, true);
    assert.notEqual(c.path, a.path);
    assert.ok(existsSync(c.path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
});

test('console= naming no console of this machine: init starts without one', async () => {
  const log: string[] = [];
  const k = createKernel({ memBytes: 32 << 20, host: fakeHost({ out: log }), cmdline: 'console=tty0', initrd: new Uint8Array(gzipSync(newcTrailer())) });
  kernelInit(k);
  const texts = k.log.records.map((r) => r.text);
  assert.ok(texts.includes('Warning: unable to open an initial console.'), texts.join('\n'));
  assert.equal(k.init!.files.get(0) ?? null, null);
  // Nothing reached the serial console: it was not selected.
  assert.equal(log.join(''), '');
});
