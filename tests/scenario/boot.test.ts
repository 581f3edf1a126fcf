// `tuxglass boot` as a user meets it: the root tree packed as an initramfs,
// the kernel's boot log on the console, init found the way Linux finds it
// (rdinit=, init=, the fallbacks), busybox init running /etc/inittab up to
// a shell, poweroff ending the run with status 0, and Linux's panics when
// init is missing or exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const skip = !existsSync(join(rootfs, 'bin', 'busybox'))
  ? `no guest root at ${rootfs} (run: node bin/tuxglass.js fetch)`
  : !existsSync(join(rootfs, 'etc', 'inittab'))
    ? `the guest root at ${rootfs} predates busybox init (run: node bin/tuxglass.js fetch)`
    : false;

/** Boot with `input` on the console; stdin stays open (as a terminal would) until the run ends. */
function boot(append: string, input: string, timeoutMs = 90_000): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, 'boot', '--rootfs', rootfs, '--append', append], { env: { ...process.env, TERM: 'linux' } });
    let out = '',
      err = '';
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.stderr.on('data', (d) => {
      err += d;
    });
    c.stdin.on('error', () => {});
    c.stdin.write(input);
    const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out, err });
    });
  });
}

test('init=/bin/sh: a shell as PID 1, parameters passed on, poweroff -f', { skip }, async () => {
  const r = await boot('init=/bin/sh greeting=hi -- -s one two', 'echo "pid=$$ greeting=$greeting args=$*"; /sbin/poweroff -f\n');
  assert.match(r.out, /Kernel command line: console=ttyS0 init=\/bin\/sh greeting=hi -- -s one two\n/);
  assert.match(r.out, /Trying to unpack rootfs image as initramfs\.\.\.\n(.*\n)*?.*Freeing initrd memory: \d+K\n/);
  assert.match(r.out, /Unknown kernel command line parameters "greeting=hi", will be passed to user space\.\n/);
  assert.match(r.out, /Run \/bin\/sh as init process\n/);
  // The shell may print its prompt before it reads the typed line.
  assert.match(r.out, /^(# )?pid=1 greeting=hi args=one two\r?$/m);
  assert.match(r.out, /reboot: Power down\n/);
  assert.equal(r.status, 0, r.err);
});

test('busybox init from /etc/inittab (rdinit= missing: /sbin/init), poweroff through init', { skip }, async () => {
  const r = await boot('rdinit=/init-not-there', 'echo "marker-$((6*7)) $(hostname) $(cat /proc/1/comm)"; grep -c mqueue /proc/mounts; poweroff\n');
  assert.doesNotMatch(r.out, /Run \/init-not-there/);
  assert.match(r.out, /Run \/sbin\/init as init process\n/);
  assert.match(r.out, /^marker-42 tuxglass init$/m);
  assert.match(r.out, /^1$/m);
  assert.match(r.out, /The system is going down NOW!/);
  assert.match(r.out, /Requesting system poweroff/);
  assert.match(r.out, /reboot: Power down\n/);
  assert.equal(r.status, 0, r.err);
});

test('init=/nonexistent: the requested init fails, the kernel panics', { skip }, async () => {
  const r = await boot('init=/nonexistent', '');
  assert.match(r.out, /Run \/nonexistent as init process\n/);
  assert.match(r.out, /Kernel panic - not syncing: Requested init \/nonexistent failed \(error -2\)\.\n/);
  assert.match(r.out, /---\[ end Kernel panic - not syncing: Requested init \/nonexistent failed \(error -2\)\. \]---\n/);
  assert.equal(r.status, 1);
});

test('init exiting: "Attempted to kill init!" with its exit code', { skip }, async () => {
  const r = await boot('init=/bin/sh', 'exit 3\n');
  assert.match(r.out, /Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000300\n/);
  assert.equal(r.status, 1);
});

test('Ctrl-A x on the console ends the run', { skip }, async () => {
  const r = await boot('init=/bin/sh', 'echo ready\n\x01x');
  assert.match(r.err, /tuxglass: Terminated/);
  assert.equal(r.status, 0);
});
