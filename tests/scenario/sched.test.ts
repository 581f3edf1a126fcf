// The scheduler classes on tuxglass's one CPU, in virtual time, with both
// fair schedulers (EEVDF, the default, and CFS via "sched=cfs"). The oracle is
// Linux's documented behaviour: CPU shares follow sched_prio_to_weight, a
// SCHED_FIFO task preempts fair tasks at once, SCHED_RR tasks alternate every
// sched_rr_timeslice_ms, SCHED_DEADLINE admission stops at 95% of the CPU.
// (qemu-user cannot be the oracle here: the host has several CPUs, so every
// spinner gets one of its own.) Run times come from /proc/PID/schedstat.
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
const built = await buildGuest(['sched_share', 'sched_rt']);
const skip = built.skip ?? (existsSync(join(rootfs, 'usr/bin/sh')) ? false : `no guest root at ${rootfs}`);

function run(fair: string, prog: string, args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, 'run', '--rootfs', rootfs, '--append', `sched=${fair}`,
    '--add', `${built.paths[prog]}:/tmp/${prog}`, '--', `/tmp/${prog}`, ...args], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** sched_prio_to_weight[20 + nice] for the nice levels used here. */
const WEIGHT: Record<number, number> = { 0: 1024, 5: 335, 10: 110 };

for (const fair of ['eevdf', 'cfs']) {
  describe(`scheduler (sched=${fair})`, { skip, concurrency: 2 }, () => {
    for (const nice of [5, 10]) {
      test(`two spinners at nice 0 and nice ${nice} share the CPU 1024:${WEIGHT[nice]}`, () => {
        const ms = nice === 5 ? 1000 : 600;
        const out = run(fair, 'sched_share', [String(nice), String(ms)]);
        const m = /^share (\d+) (\d+)$/m.exec(out);
        assert.ok(m, out);
        const a = Number(m[1]), b = Number(m[2]);
        // Between them they ran for (almost) the whole time the parent slept.
        assert.ok(Math.abs(a + b - ms * 1e6) < ms * 1e6 * 0.02, `total ${a + b}`);
        const want = WEIGHT[0] / (WEIGHT[0] + WEIGHT[nice]);
        const got = a / (a + b);
        assert.ok(Math.abs(got - want) / want < 0.02, `nice-0 share ${got.toFixed(4)}, want ${want.toFixed(4)}`);
        // /proc/PID/stat's utime agrees (USER_HZ ticks), and a spinner has no system time.
        const st = /^stat (\d+) (\d+) (\d+) (\d+)$/m.exec(out);
        assert.ok(st, out);
        assert.ok(Math.abs(Number(st[1]) - Math.floor(a / 1e7)) <= 1 && Number(st[2]) === 0, out);
      });
    }

    test('a SCHED_FIFO task runs at once when it wakes, and alone', () => {
      assert.equal(run(fair, 'sched_rt', ['fifo']), 'woken within 100 us: yes\nspinner ran meanwhile: no\n');
      // The same task without the policy shares the CPU with the spinner: the test can tell.
      assert.match(run(fair, 'sched_rt', ['fifo', 'other']), /spinner ran meanwhile: yes\n/);
    });

    test('SCHED_RR tasks of one priority alternate every timeslice', () => {
      const out = run(fair, 'sched_rt', ['rr']);
      assert.match(out, /turns: [56]\nalternating: yes\neach turn one timeslice: yes\n/);
    });

    test('SCHED_DEADLINE admission control: EBUSY past 95%, freed when a task dies', () => {
      assert.equal(run(fair, 'sched_rt', ['dl-admit']), [
        'set_dl(p[0], 10, 20) = 0', 'set_dl(p[1], 10, 20) = -1 EBUSY', 'set_dl(p[1], 8, 20) = 0',
        'set_dl(p[2], 2, 20) = -1 EBUSY', 'set_dl(p[2], 1, 20) = 0', 'set_dl(p[0], 11, 20) = -1 EBUSY',
        'set_dl(p[0], 9, 20) = 0', 'set_dl(p[3], 8, 20) = 0', ''].join('\n'));
    });

    test('a SCHED_DEADLINE task gets its runtime each period, no more', () => {
      const m = /^dl (\d+) other (\d+)$/m.exec(run(fair, 'sched_rt', ['dl-share']));
      assert.ok(m);
      const dl = Number(m[1]), other = Number(m[2]);
      // 8 ms of every 20 ms over 400 ms: 160 ms (CBS enforcement is exact here).
      assert.ok(Math.abs(dl - 160e6) < 2e6, `deadline task ran ${dl} ns`);
      assert.ok(other > 200e6, `the fair task ran ${other} ns`);
    });
  });
}
