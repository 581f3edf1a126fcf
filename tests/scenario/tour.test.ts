// The README's tour of processes, run as a new user would: the classic
// fork/wait program, a zombie that ps shows as "Z <defunct>" until it is
// reaped, an orphan adopted by PID 1, and a SCHED_FIFO spinner started with
// chrt that takes the CPU from a fair one. The oracle is Linux's documented
// behaviour (and qemu-riscv64-static for the fork/wait output).
import { test } from 'node:test';
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
const EXAMPLES = ['examples/forkwait', 'examples/zombie', 'examples/spin'];
const built = await buildGuest(EXAMPLES);
const skip = built.skip ?? (existsSync(join(rootfs, 'usr/bin/bash')) ? false : `no guest root at ${rootfs}`);

function tuxglass(script: string): string {
  const adds = EXAMPLES.flatMap((e) => ['--add', `${built.paths[e]}:/root/${e.split('/')[1]}`]);
  const r = spawnSync(process.execPath, [CLI, 'run', '--seed', '1', '--rootfs', rootfs, ...adds, '--', '/bin/bash', '-c', script], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('fork/wait: the child sees its parent, the parent its exit status', { skip }, () => {
  const shape = (out: string) => {
    const m = /^parent (\d+): forking\nchild (\d+): my parent is (\d+)\nparent: child (\d+) exited with 42\n$/.exec(out);
    assert.ok(m, out);
    assert.equal(m[3], m[1]);
    assert.equal(m[4], m[2]);
    return out.replace(/\d+/g, 'N');
  };
  const ours = shape(tuxglass('/root/forkwait'));
  const q = spawnSync('qemu-riscv64-static', [built.paths['examples/forkwait']], { encoding: 'utf8' });
  if (q.status === 0) assert.equal(ours, shape(q.stdout));
});

test('a zombie shows as Z <defunct> until reaped; an orphan is adopted by PID 1', { skip }, () => {
  const out = tuxglass('/root/zombie & sleep 1.5; ps -o pid,ppid,stat,cmd; wait; ps -o stat= | grep -c Z || true');
  const lines = out.split('\n');
  const parent = lines.find((l) => / \/root\/zombie$/.test(l));
  assert.ok(parent, out);
  const ppid = parent.trim().split(/\s+/)[0];
  const zombie = lines.find((l) => /\[zombie\] <defunct>$/.test(l));
  assert.ok(zombie, out);
  const [zpid, zppid, zstat] = zombie.trim().split(/\s+/);
  assert.equal(zppid, ppid);
  assert.equal(zstat, 'Z');
  assert.match(out, /^orphan \d+: adopted by 1$/m);
  assert.match(out, new RegExp(`^reaped zombie ${zpid}, status 7$`, 'm'));
  assert.equal(lines.at(-2), '0'); // nothing left unreaped
});

test('chrt -f 50: the real-time spinner takes the CPU from the fair one', { skip }, () => {
  const out = tuxglass(
    '/root/spin & a=$!; chrt -f 50 /root/spin & b=$!; sleep 1; ps -o cls=,rtprio= -p $a,$b; ' +
      'cut -d" " -f1 /proc/$a/schedstat /proc/$b/schedstat; kill $a $b',
  );
  const [fair, fifo, fairNs, fifoNs] = out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  assert.deepEqual(fair, ['TS', '-'], out);
  assert.deepEqual(fifo, ['FF', '50'], out);
  // RT throttling (sched_rt_runtime_us 950000 of 1000000) leaves fair tasks 5% of each second.
  assert.ok(Number(fifoNs[0]) > 0.8e9, out);
  assert.ok(Number(fairNs[0]) < 0.1e9, out);
});
