// The kernel log as Linux's tools see it: the boot messages in dmesg's
// format, levels and facilities (dmesg -l, -x), /dev/kmsg's record format,
// writes with a "<N>" prefix and their rate limit, dmesg -C and follow mode,
// /proc/kmsg's consuming read, and the console level the command line sets.
// The oracle is Linux's documented behaviour (Documentation/ABI/testing/
// dev-kmsg, syslog(2), kernel-parameters: quiet, loglevel=).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const skip = existsSync(join(rootfs, 'usr/bin/dmesg')) ? false : `no dmesg in ${rootfs}`;

function sh(script: string, opts: string[] = []): string {
  const r = spawnSync(process.execPath, [CLI, 'run', '--seed', '1', '--rootfs', rootfs, ...opts, '--', '/bin/bash', '-c', script], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('dmesg prints the boot log with timestamps; levels and facilities filter it', { skip }, () => {
  const out = sh('dmesg; echo ==; dmesg -l notice; echo ==; dmesg -x | head -2; echo ==; echo "<3>disk on fire" > /dev/kmsg; dmesg -l err -r');
  const [all, notice, decoded, err] = out.split('==\n');
  const lines = all.trimEnd().split('\n');
  assert.equal(lines[0], '[    0.000000] Booting Linux on hartid 0');
  assert.match(all, /^\[ {4}0\.000000\] Linux version 6\.12\.0-tuxglass /m);
  assert.match(all, /^\[ {4}0\.000000\] Memory: 262144K\/262144K available /m);
  assert.match(all, /^\[ {4}0\.000000\] smp: Brought up 1 node, 1 CPU$/m);
  assert.match(all, /^\[ {4}0\.000000\] NET: Registered PF_INET protocol family$/m);
  assert.equal(lines.at(-1), '[    0.000000] Run /bin/bash as init process');
  for (const l of lines) assert.match(l, /^\[ {4}\d\.\d{6}\] /);
  // KERN_NOTICE: the version and the command line.
  assert.deepEqual(
    notice
      .trimEnd()
      .split('\n')
      .map((l) => l.slice(15).split(' ')[0]),
    ['Linux', 'Kernel'],
  );
  assert.equal(decoded, 'kern  :info  : [    0.000000] Booting Linux on hartid 0\n' + `kern  :notice: ${lines[1]}\n`);
  // A "<3>" write is LOG_USER (1) at LOG_ERR: priority 1 << 3 | 3.
  assert.match(err, /^<11>\[ {4}0\.\d{6}\] disk on fire\n$/);
});

test('/dev/kmsg: one record per read, EINVAL when it does not fit, seeks, rate limit', { skip }, () => {
  const out = sh(
    [
      'exec 3</dev/kmsg',
      'read -r first <&3; echo "$first"',
      'dd bs=8 count=1 <&3 2>&1 >/dev/null | head -1', // a record longer than the buffer
      'dmesg -C; dmesg | wc -l',
      'for i in $(seq 12); do echo "<14>m$i"; done > /dev/kmsg',
      'dmesg | sed "s/^\\[[ .0-9]*\\] //"',
    ].join('; '),
  );
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], '6,0,0,-;Booting Linux on hartid 0');
  assert.equal(lines[1], "dd: error reading 'standard input': Invalid argument");
  assert.equal(lines[2], '0'); // nothing since the clear
  // Ten records per open file and 5 s, then the count of suppressed ones when it is closed.
  assert.deepEqual(lines.slice(3), [...Array.from({ length: 10 }, (_, i) => `m${i + 1}`), 'printk: bash: 2 output lines suppressed due to ratelimiting']);
});

test('dmesg -w follows new records; /proc/kmsg reads and consumes', { skip }, () => {
  const out = sh(
    'dmesg -w > /tmp/w & sleep 0.2; echo "<5>news" > /dev/kmsg; sleep 0.2; kill %1; wait; tail -1 /tmp/w | tr -d "\\n"; echo; ' +
      'dd if=/proc/kmsg bs=20 count=1 status=none; echo; dd if=/proc/kmsg bs=20 count=1 status=none; echo; ' +
      'dd if=/proc/kmsg bs=4096 count=1 status=none | head -2',
  );
  const lines = out.trimEnd().split('\n');
  assert.match(lines[0], /^\[ {4}0\.\d{6}\] news$/);
  // A record longer than the buffer comes in pieces; the next read goes on with it.
  assert.equal(lines[1], '<6>[    0.000000] Bo');
  assert.equal(lines[2], 'oting Linux on harti');
  assert.equal(lines[3], 'd 0');
  assert.match(lines[4], /^<5>\[ {4}0\.000000\] Linux version /);
});

test('the console level follows quiet and loglevel= on the command line', { skip }, () => {
  assert.equal(sh('cat /proc/sys/kernel/printk'), '7\t4\t1\t7\n');
  assert.equal(sh('cat /proc/sys/kernel/printk', ['--append', 'quiet']), '4\t4\t1\t7\n');
  assert.equal(sh('cat /proc/sys/kernel/printk', ['--append', 'loglevel=2']), '2\t4\t1\t7\n');
  assert.match(sh('dmesg | grep "command line"', ['--append', 'quiet']), /Kernel command line: console=ttyS0 quiet$/m);
});
