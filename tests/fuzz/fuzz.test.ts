// The seeded syscall fuzzer (tests/fuzz/fuzz.c) under `tuxglass run`: random
// syscalls with boundary arguments, random file operations and corrupt
// executables, batch after batch. Whatever the guest does, the host must end
// the run itself (no internal error, exit 70; no hang: a time limit), in a
// heap of bounded size (memory flat: dead batches leave nothing behind).
// A short run here; TUXGLASS_FUZZ_LONG=1 runs many seeds and batches
// (TUXGLASS_FUZZ_SEEDS=N to choose how many).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildGuest } from '../diff/build.js';
import { REPO, prepareDiff, spawnWithTimeout, text } from '../diff/harness.js';

const LONG = !!process.env.TUXGLASS_FUZZ_LONG;
const SEEDS = LONG ? Number(process.env.TUXGLASS_FUZZ_SEEDS ?? 20) : 2;
const BATCHES = LONG ? 400 : 25;
const CALLS = 500;
/** Host heap limit (MB): a guest that leaked per process or per call would reach it. */
const HEAP_MB = 96;

const built = await buildGuest(['tests/fuzz/fuzz']);
const env = built.skip ? undefined : await prepareDiff('fuzz');
const skip = built.skip ?? env?.skip ?? false;

describe('the syscall fuzzer', { skip, concurrency: 1 }, () => {
  after(() => env?.cleanup());
  for (let seed = 1; seed <= SEEDS; seed++) {
    test(`seed ${seed}: ${BATCHES} batches of ${CALLS} calls`, async () => {
      const r = await spawnWithTimeout(
        process.execPath,
        [
          `--max-old-space-size=${HEAP_MB}`,
          join(REPO, 'bin', 'tuxglass.js'),
          'run',
          '--seed',
          '1',
          '--rootfs',
          env!.tgRoot,
          '--add',
          `${built.paths['tests/fuzz/fuzz']!}:/tmp/fuzz`,
          '--',
          '/tmp/fuzz',
          String(seed),
          String(BATCHES),
          String(CALLS),
        ],
        { timeoutMs: LONG ? 3_600_000 : 240_000 },
      );
      const err = text(r.stderr);
      assert.ok(!r.timedOut, `the host hung (seed ${seed})`);
      assert.doesNotMatch(err, /internal error|heap out of memory/, err.slice(0, 3000));
      assert.equal(r.status, 0, err.slice(0, 3000));
      assert.match(
        text(r.stdout),
        new RegExp(`^fuzz done: seed ${seed}, ${BATCHES} batches of ${CALLS} calls, \\d+ killed by the watchdog, \\d+ calls made\n$`),
      );
    });
  }
});
