// The guest's clocks in the two time modes (docs/time.md). Without --seed
// they follow the host's wall clock as a VM's do under QEMU without -icount;
// with --seed they are virtual (instructions), and a run is reproducible.
// The oracle for wall mode is the host's own clock around the run: the
// guest's dates must fall inside it, and the time the guest saw pass must be
// a large share of the time the host saw pass (before the time source, a
// 1.5 s spin counted in instructions took the host ten times longer). No
// duration is asserted: only ratios between what the guest and the host
// measured of the same run, with generous bands.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';
import { buildGuest } from '../diff/build.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const built = await buildGuest(['time_wall', 'time_ns']);
const skip = built.skip ?? (existsSync(join(rootfs, 'bin', 'busybox')) ? false : `no guest root at ${rootfs} (run: node bin/tuxglass.js fetch)`);

interface Report {
  r0: number;
  m0: number;
  r1: number;
  m1: number;
  utime: number;
  stime: number;
  spins: number;
}

function run(opts: string[], spinMs: number, sleepMs: number, env: Record<string, string> = {}): { out: string; rep: Report } {
  const r = spawnSync(
    process.execPath,
    [CLI, 'run', '--rootfs', rootfs, '--add', `${built.paths.time_wall}:/tmp/t`, ...opts, '--', '/tmp/t', String(spinMs), String(sleepMs)],
    { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } },
  );
  assert.equal(r.status, 0, r.stderr);
  const line = (tag: string) => {
    const m = new RegExp(`^${tag} (.*)$`, 'm').exec(r.stdout);
    assert.ok(m, `no ${tag} line in:\n${r.stdout}`);
    return m[1].split(' ').map(Number);
  };
  const [r0, m0] = line('start'),
    [r1, m1] = line('end'),
    [utime, stime] = line('rusage'),
    [spins] = line('spins');
  return { out: r.stdout, rep: { r0, m0, r1, m1, utime, stime, spins } };
}

describe('guest time', { skip, concurrency: 1 }, () => {
  test("without --seed the clocks follow the host's wall clock, however slow the emulation", () => {
    const h0 = Date.now() * 1e6;
    const { rep } = run([], 1500, 500);
    const h1 = Date.now() * 1e6;
    const guest = rep.m1 - rep.m0,
      host = h1 - h0;
    // The guest's dates are the host's: inside the run (a second of slack for the clocks' granularity).
    assert.ok(rep.r0 >= h0 - 1e9 && rep.r1 <= h1 + 1e9, `guest dates ${rep.r0}..${rep.r1}, host ${h0}..${h1}`);
    // REALTIME and MONOTONIC agree on what passed.
    assert.ok(Math.abs(rep.r1 - rep.r0 - guest) <= guest / 100 + 20e6, `realtime ${rep.r1 - rep.r0} ns, monotonic ${guest} ns`);
    // The spin and the sleep the guest measured took about as long for the host (start-up is the rest).
    assert.ok(guest >= 2000e6, `monotonic ${guest} ns`);
    assert.ok(guest <= host && guest / host >= 0.2, `guest saw ${guest} ns of a ${host} ns run`);
    // The spin is CPU time, as a VM's vCPU that ran all along (docs/time.md): most of the 1.5 s, never more than the guest's elapsed time.
    const cpu = rep.utime + rep.stime;
    assert.ok(cpu >= 0.5 * 1500e6 && cpu <= guest, `utime+stime ${cpu} ns over ${guest} ns`);
  });

  test('with --seed time is virtual: the clock starts at SOURCE_DATE_EPOCH and a run is reproducible', () => {
    const env = { SOURCE_DATE_EPOCH: '1700000000' };
    const a = run(['--seed', '5'], 20, 500, env),
      b = run(['--seed', '5'], 20, 500, env);
    assert.equal(a.out, b.out);
    const epoch = 1700000000e9;
    assert.ok(a.rep.r0 >= epoch && a.rep.r0 < epoch + 1e9, `start ${a.rep.r0}`);
    // The sleep is an idle jump of exactly its length; the spin costs instructions (1 ns each), about 20 ms of them.
    const guest = a.rep.m1 - a.rep.m0;
    assert.ok(guest >= 520e6 && guest < 530e6, `monotonic ${guest} ns`);
    assert.ok(a.rep.utime >= 19e6 && a.rep.utime <= 21e6, `utime ${a.rep.utime} ns`);
  });

  test('without --seed, timeouts written back and /proc/PID/sched are whole nanoseconds (vi crashed the host on a fractional one)', () => {
    const r = spawnSync(process.execPath, [CLI, 'run', '--rootfs', rootfs, '--add', `${built.paths.time_ns}:/tmp/ns`, '--', '/tmp/ns'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'bad=0\n');
  });
});
