// /proc/config.gz: a gzip stream every gunzip reads (node:zlib is the
// independent decoder here; Debian's zcat reads it in the guest suites), in
// the .config grammar Linux's scripts and LTP's tst_kconfig parse, and
// derived from what the kernel has rather than written by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import type { Kernel } from '../../src/kernel/kernel.js';
import { configGz, kernelConfig } from '../../src/kernel/configs.js';
import { gzipStored } from '../../src/kernel/lib/gzip.js';
import { crc32 } from '../../src/kernel/lib/crc32.js';
import { SYSCALL_TABLE } from '../../src/kernel/syscalls/table.js';

/** A kernel as far as the config needs it: the registered file system types, and whether the loop driver is up. */
function kernelWith(types: string[], loop = true): Kernel {
  const known = new Set(types);
  return { vfs: { fsTypes: { get: (n: string) => (known.has(n) ? () => -1 : undefined) } }, block: { loop: loop ? {} : null } } as unknown as Kernel;
}
const BOOTED = ['tmpfs', 'ext3', 'ext2', 'ext4', 'proc', 'sysfs', 'devtmpfs', 'devpts', 'mqueue'];

function options(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of text.split('\n')) {
    let r = /^(CONFIG_[A-Z0-9_]+)=(.*)$/.exec(l);
    if (r) {
      m.set(r[1], r[2]);
      continue;
    }
    r = /^# (CONFIG_[A-Z0-9_]+) is not set$/.exec(l);
    if (r) m.set(r[1], 'n');
  }
  return m;
}

test('gzip stored blocks: zlib inflates them, across the 64 KiB block limit and when empty', () => {
  for (const n of [0, 1, 65535, 65536, 200_001]) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = (i * 7919) & 0xff;
    assert.deepEqual(new Uint8Array(gunzipSync(gzipStored(data))), data, `${n} bytes`);
  }
});

test('crc32 matches the check value of the standard', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('/proc/config.gz inflates to the .config text', () => {
  const k = kernelWith(BOOTED);
  assert.equal(gunzipSync(configGz(k)).toString('utf8'), kernelConfig(k));
});

test('every line is in the .config grammar, and no option appears twice', () => {
  const text = kernelConfig(kernelWith(BOOTED));
  assert.ok(text.startsWith('#\n# Automatically generated file; DO NOT EDIT.\n# Linux/riscv '));
  const seen = new Set<string>();
  for (const l of text.trimEnd().split('\n')) {
    assert.match(l, /^(|#|# .+|CONFIG_[A-Z0-9_]+=(y|-?\d+|"[^"\\]*")|# CONFIG_[A-Z0-9_]+ is not set)$/, l);
    const name = /CONFIG_[A-Z0-9_]+/.exec(l)?.[0];
    if (name && /^(CONFIG_|# CONFIG_)/.test(l)) {
      assert.ok(!seen.has(name), `${name} twice`);
      seen.add(name);
    }
  }
  assert.equal(options(text).get('CONFIG_IKCONFIG_PROC'), 'y');
});

test('options for system calls follow the syscall table', () => {
  const o = options(kernelConfig(kernelWith(BOOTED)));
  const status = (name: string) => Object.values(SYSCALL_TABLE).find((e) => e.name === name)?.status;
  // Pairs checked against the table at run time, so the test follows the kernel as syscalls land.
  const pairs: [string, string][] = [
    ['CONFIG_EVENTFD', 'eventfd2'],
    ['CONFIG_BSD_PROCESS_ACCT', 'acct'],
    ['CONFIG_POSIX_TIMERS', 'timer_create'],
    ['CONFIG_FILE_LOCKING', 'flock'],
    ['CONFIG_TIME_NS', 'unshare'],
    ['CONFIG_KCMP', 'kcmp'],
    ['CONFIG_SECCOMP', 'seccomp'],
    ['CONFIG_IO_URING', 'io_uring_setup'],
    ['CONFIG_SIGNALFD', 'signalfd4'],
  ];
  for (const [opt, sc] of pairs) assert.equal(o.get(opt), status(sc) === 'enosys' ? 'n' : 'y', `${opt} vs ${sc}`);
  // Facts of today's kernel, which the table says too: a change here is a change of behaviour.
  assert.equal(o.get('CONFIG_EVENTFD'), 'y');
  assert.equal(o.get('CONFIG_BSD_PROCESS_ACCT'), 'y');
  assert.equal(o.get('CONFIG_BSD_PROCESS_ACCT_V3'), 'y');
  assert.equal(o.get('CONFIG_DNOTIFY'), 'y');
});

test('file system options follow the registered types', () => {
  const noExt = BOOTED.filter((t) => !t.startsWith('ext'));
  assert.equal(options(kernelConfig(kernelWith(noExt))).get('CONFIG_EXT4_FS'), 'n');
  assert.equal(options(kernelConfig(kernelWith(noExt))).get('CONFIG_EXT4_USE_FOR_EXT2'), 'n');
  assert.equal(options(kernelConfig(kernelWith(BOOTED))).get('CONFIG_EXT4_FS'), 'y');
  // ext4 serves ext2, as Debian builds it: CONFIG_EXT2_FS stays unset.
  assert.equal(options(kernelConfig(kernelWith(BOOTED))).get('CONFIG_EXT4_USE_FOR_EXT2'), 'y');
  assert.equal(options(kernelConfig(kernelWith(BOOTED))).get('CONFIG_EXT2_FS'), 'n');
  assert.equal(options(kernelConfig(kernelWith([]))).get('CONFIG_TMPFS'), 'n');
  assert.equal(options(kernelConfig(kernelWith(BOOTED))).get('CONFIG_TMPFS'), 'y');
});

test('CONFIG_BLK_DEV_LOOP follows the loop driver (/dev/loop-control)', () => {
  assert.equal(options(kernelConfig(kernelWith(BOOTED))).get('CONFIG_BLK_DEV_LOOP'), 'y');
  assert.match(kernelConfig(kernelWith(BOOTED, false)), /^# CONFIG_BLK_DEV_LOOP is not set$/m);
});
