// Debian's e2fsprogs inside the guest: mkfs.ext4 makes a filesystem in a
// file on the guest's tmpfs, debugfs writes into it, e2fsck inside the guest
// finds it clean; then the same bytes, copied out through the guest's stdout,
// are checked by the host's own e2fsck and debugfs (the oracle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const hostTools = ['e2fsck', 'debugfs'].every((c) => spawnSync(c, ['-V'], { stdio: 'ignore' }).error === undefined);
const skip = !existsSync(join(rootfs, 'usr/sbin/mke2fs'))
  ? `no e2fsprogs in the guest root at ${rootfs} (run: node bin/tuxglass.js fetch)`
  : !hostTools
    ? 'the host lacks e2fsprogs (apt-get install e2fsprogs)'
    : false;

const MAKE = [
  'set -e',
  'mkfs.ext4 -q -F -L tuxglass -U 0b5c7b8e-6d0a-4c3e-9a8e-1f2d3c4b5a69 -E root_owner=0:0 /tmp/img 16M',
  "debugfs -w -R 'mkdir docs' /tmp/img",
  "debugfs -w -R 'write /etc/passwd docs/passwd' /tmp/img",
  "debugfs -w -R 'symlink docs/link passwd' /tmp/img",
].join('\n');

function guest(script: string) {
  const r = spawnSync(process.execPath, [CLI, 'run', '--rootfs', rootfs, '--', '/bin/bash', '-c', script], {
    timeout: 180_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, TERM: 'linux' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

test('e2fsprogs in the guest make a filesystem the host e2fsck accepts', { skip, timeout: 400_000 }, async (t) => {
  const inside = guest(`{ ${MAKE}
} 2>&1
e2fsck -fn /tmp/img; echo "e2fsck=$?"
debugfs -R 'ls -l /docs' /tmp/img 2>/dev/null | awk '{print $NF}' | grep -v '^$' | sort
dumpe2fs -h /tmp/img 2>/dev/null | grep -E '^(Filesystem volume name|Block count|Filesystem features):'
tune2fs -l /tmp/img | grep '^Filesystem UUID'`);
  const out = inside.stdout.toString();

  await t.test('e2fsck -fn inside the guest reports the image clean', () => {
    assert.equal(inside.status, 0, inside.stderr);
    assert.match(out, /^tuxglass: \d+\/\d+ files \(\d+\.\d% non-contiguous\), \d+\/16384 blocks$/m);
    assert.match(out, /^e2fsck=0$/m);
  });

  await t.test('debugfs, dumpe2fs and tune2fs inside the guest read back what was written', () => {
    assert.match(out, /^\.\n\.\.\nlink\npasswd$/m);
    assert.match(out, /^Filesystem volume name:\s+tuxglass$/m);
    assert.match(out, /^Block count:\s+16384$/m);
    assert.match(out, /^Filesystem features:.*\bhas_journal\b.*\bextent\b/m);
    assert.match(out, /^Filesystem UUID:\s+0b5c7b8e-6d0a-4c3e-9a8e-1f2d3c4b5a69$/m);
  });

  const copied = guest(`{ ${MAKE}
} >/dev/null 2>&1; cat /tmp/img`);
  const dir = mkdtempSync(join(tmpdir(), 'tuxglass-e2fs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const img = join(dir, 'img');
  writeFileSync(img, copied.stdout);

  await t.test('the image copied out is 16 MiB and the host e2fsck -fn finds it clean', () => {
    assert.equal(copied.status, 0, copied.stderr);
    assert.equal(copied.stdout.length, 16 * 1024 * 1024);
    const fsck = spawnSync('e2fsck', ['-fn', img], { encoding: 'utf8' });
    assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
    assert.match(fsck.stdout, /Pass 5: Checking group summary information/);
  });

  await t.test("the host debugfs lists the guest's files, with their contents", () => {
    const ls = spawnSync('debugfs', ['-R', 'ls -p /docs', img], { encoding: 'utf8' });
    assert.match(ls.stdout, /\/passwd\//);
    assert.match(ls.stdout, /\/link\//);
    const cat = spawnSync('debugfs', ['-R', 'cat /docs/passwd', img], { encoding: 'utf8' });
    assert.equal(cat.stdout, readFileSync(join(rootfs, 'etc/passwd'), 'utf8'));
  });
});
