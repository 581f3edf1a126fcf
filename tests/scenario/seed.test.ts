// `tuxglass run --seed N`: a reproducible machine. The same seed and the same
// input give the same output byte for byte (clock, /proc figures, random
// bytes, boot id, process times), whatever the host's load or the pace at
// which the input arrives; another seed gives other random bytes; virtual
// time does not wait for the wall clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';
import { TIER_NAMES } from '../../src/cpu/hart.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const skip = existsSync(join(rootfs, 'bin', 'sh')) ? false : `no guest root at ${rootfs} (run: node bin/tuxglass.js fetch)`;

/** Run the CLI; input is written at once, or piece by piece with pauses of wall time between. */
function run(args: string[], input: string | string[], env: Record<string, string> = {}): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const env0: Record<string, string | undefined> = { ...process.env, TERM: 'linux', ...env };
    if (!('SOURCE_DATE_EPOCH' in env)) delete env0.SOURCE_DATE_EPOCH;
    const p = spawn(process.execPath, [CLI, 'run', '--rootfs', rootfs, ...args], { env: env0 });
    let out = '';
    p.stdout.setEncoding('latin1').on('data', (d: string) => {
      out += d;
    });
    p.stderr.setEncoding('latin1').on('data', (d: string) => {
      out += d;
    });
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, out }));
    p.stdin.on('error', () => {});
    if (typeof input === 'string') p.stdin.end(input);
    else {
      const pieces = [...input];
      const next = () => {
        if (pieces.length) {
          p.stdin.write(pieces.shift()!);
          setTimeout(next, 150);
        } else p.stdin.end();
      };
      next();
    }
  });
}

const SCRIPT = `
read a; echo "got $a"
read b; echo "got $b"
cat /proc/uptime
head -3 /proc/stat
date
head -c 16 /dev/urandom | od -x
cat /proc/sys/kernel/random/boot_id
cat /proc/sys/kernel/random/uuid
sleep 0.5; cat /proc/uptime
ps -o pid,etime,time,comm
top -b -n 1
cat /proc/interrupts
cat /proc/loadavg
while read l; do echo "line: $l"; done
echo done
`;
const INPUT = 'one\ntwo\nthree\nfour\n';

test('the same seed and input give the same output, alone or on a loaded host', { skip, timeout: 120_000 }, async () => {
  const alone = await run(['--seed', '42', '--', '/bin/sh', '-c', SCRIPT], INPUT);
  assert.equal(alone.status, 0, alone.out);
  assert.match(alone.out, /^got one\ngot two\n/);
  assert.match(alone.out, /^Wed Jan {2}1 00:00:00 UTC 2025$/m, 'the clock starts at the fixed epoch');
  assert.match(alone.out, /^line: three\nline: four\ndone\n/m);
  assert.match(alone.out, /^top - /m);
  // Two at once: each has half the host, and a different share of it from moment to moment.
  const [b, c] = await Promise.all([run(['--seed', '42', '--', '/bin/sh', '-c', SCRIPT], INPUT), run(['--seed', '42', '--', '/bin/sh', '-c', SCRIPT], INPUT)]);
  assert.equal(b.out, alone.out);
  assert.equal(c.out, alone.out);
});

test('input that trickles in gives the same output as input there at once', { skip, timeout: 120_000 }, async () => {
  const s = 'while read l; do echo "$l $(cut -d" " -f1 /proc/uptime)"; done; cat /proc/uptime';
  const lines = ['a\n', 'b\n', 'c', 'd\n', 'e\n'];
  const [atOnce, trickled] = await Promise.all([
    run(['--seed', '1', '--', '/bin/sh', '-c', s], lines.join('')),
    run(['--seed', '1', '--', '/bin/sh', '-c', s], lines),
  ]);
  assert.equal(atOnce.status, 0, atOnce.out);
  assert.match(atOnce.out, /^a [\d.]+\nb [\d.]+\ncd [\d.]+\ne [\d.]+\n/);
  assert.equal(trickled.out, atOnce.out);
});

test('another seed gives other random bytes and boot id', { skip, timeout: 120_000 }, async () => {
  const s = 'head -c 16 /dev/urandom | od -An -x; cat /proc/sys/kernel/random/boot_id';
  const [a, a2, b] = await Promise.all([
    run(['--seed', '7', '--', '/bin/sh', '-c', s], ''),
    run(['--seed', '7', '--', '/bin/sh', '-c', s], ''),
    run(['--seed', '8', '--', '/bin/sh', '-c', s], ''),
  ]);
  assert.equal(a.status, 0, a.out);
  assert.equal(a2.out, a.out);
  const [bytesA, idA] = a.out.trim().split('\n'),
    [bytesB, idB] = b.out.trim().split('\n');
  assert.notEqual(bytesA, bytesB);
  assert.notEqual(idA, idB);
  assert.match(idA, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('SOURCE_DATE_EPOCH sets the clock at boot', { skip, timeout: 120_000 }, async () => {
  const r = await run(['--seed', '3', '--', '/bin/date', '-u', '+%s %F'], '', { SOURCE_DATE_EPOCH: '1700000000' });
  assert.equal(r.out, '1700000000 2023-11-14\n');
});

test('virtual time does not wait for the wall clock: sleep 5 passes 5 s of uptime', { skip, timeout: 120_000 }, async () => {
  const r = await run(['--seed', '5', '--', '/bin/sh', '-c', 'cut -d" " -f1 /proc/uptime; sleep 5; cut -d" " -f1 /proc/uptime'], '');
  assert.equal(r.status, 0, r.out);
  const [t0, t1] = r.out.trim().split('\n').map(Number);
  assert.ok(t1 - t0 >= 5, r.out);
});

test('SMP: two CPUs with the same seed give the same output', { skip, timeout: 120_000 }, async () => {
  const s =
    'for i in 1 2 3; do (i=0; while [ $i -lt 300 ]; do i=$((i+1)); done) & done; wait; read x; echo $x; cat /proc/stat /proc/uptime /proc/loadavg /proc/interrupts; head -c 8 /dev/urandom | od -An -x';
  const [a, b] = await Promise.all([
    run(['--cpus', '2', '--seed', '1', '--', '/bin/sh', '-c', s], 'in\n'),
    run(['--cpus', '2', '--seed', '1', '--', '/bin/sh', '-c', s], 'in\n'),
  ]);
  assert.equal(a.status, 0, a.out);
  assert.match(a.out, /^in\ncpu /);
  assert.match(a.out, /^cpu1 /m);
  assert.equal(b.out, a.out);
});

test('the same seed gives the same output whether code is interpreted or compiled (every --jit tier)', { skip, timeout: 300_000 }, async () => {
  // Virtual time is counted in retired instructions in every tier: the clock's nanoseconds, uptime, CPU
  // times and loadavg come out the same only if each tier retires exactly the same instructions.
  const s =
    'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; cat /proc/uptime; head -2 /proc/stat; date +%s.%N; ' +
    'awk "BEGIN{s=0; for(i=0;i<20000;i++) s+=i*i; print s}"; cat /proc/uptime; ps -o pid,time,comm; cat /proc/loadavg';
  const outs: Record<string, string> = {};
  for (const tier of TIER_NAMES) {
    const r = await run(['--seed', '9', '--jit', tier, '--', '/bin/sh', '-c', s], '');
    assert.equal(r.status, 0, `${tier}: ${r.out}`);
    outs[tier] = r.out;
  }
  assert.match(outs.interp, /^2666466670000$/m);
  for (const tier of TIER_NAMES) assert.equal(outs[tier], outs.interp, `--jit ${tier} against --jit interp`);
});
