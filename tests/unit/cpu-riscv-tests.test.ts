// riscv-tests (riscv-software-src/riscv-tests) built as Linux user programs:
// rv64ui/um/ua/uf/ud/uc and the bit-manipulation sets rv64uzba/uzbb/uzbs.
// Each program checks its own results against the values the suite's
// authors wrote down from the ISA specification, and exits 0 on success or
// with the number of the failing test case. Every program runs on the hart
// in every execution tier (tiers.ts). They use only exit, so the small test
// machine runs them without the kernel.
//
// The suite is prebuilt for riscv64 in the shared suites folder and unpacked
// into the cache (tests/suites/locate.ts, as the suites runner does, which
// also runs these programs under the whole kernel against qemu-user).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestMachine } from './cpu-harness/machine.js';
import { TIERS, setTier } from './cpu-harness/tiers.js';
import { suitesDir, unpacked } from '../suites/locate.js';

const TARBALL = 'riscv-tests-riscv64.tar.zst';

function unpack(): { dir?: string; skip?: string } {
  const suites = suitesDir();
  if (!suites.dir) return { skip: suites.why };
  if (!existsSync(join(suites.dir, TARBALL))) return { skip: `no ${TARBALL} in ${suites.dir}` };
  if (spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status !== 0) return { skip: 'zstd is not installed (apt-get install zstd)' };
  return { dir: unpacked(join(suites.dir, TARBALL)) };
}

const got = unpack();
if (got.skip) {
  test('riscv-tests pass in every tier', { skip: got.skip }, () => {});
} else {
  const dir = got.dir!;
  const names = readFileSync(join(dir, 'list'), 'utf8')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s);
  test('the suite holds every extension set', () => {
    for (const set of ['rv64ui', 'rv64um', 'rv64ua', 'rv64uf', 'rv64ud', 'rv64uc', 'rv64uzba', 'rv64uzbb', 'rv64uzbs']) {
      assert.ok(
        names.some((n) => n.startsWith(`${set}-`)),
        `${set} tests in the list`,
      );
    }
  });
  for (const tier of TIERS) {
    test(`riscv-tests pass (${tier.name})`, () => {
      const failed: string[] = [];
      for (const name of names) {
        const m = new TestMachine(8 << 20);
        setTier(m.hart, tier);
        m.hart.pc = m.loadElf(new Uint8Array(readFileSync(join(dir, 'bin', name))));
        m.setupStack();
        const r = m.runProgram(1e8);
        if (r.cause >= 0) failed.push(`${name}: trap ${r.cause} at pc ${r.pc.toString(16)} tval ${r.tval.toString(16)}`);
        else if (r.exitCode !== 0) failed.push(`${name}: ${r.exitCode < 0 ? 'did not finish' : `failed test case ${r.exitCode}`}`);
      }
      assert.deepEqual(failed, [], `${failed.length} of ${names.length} failed`);
    });
  }
}
