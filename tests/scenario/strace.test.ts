// Debian's real strace under tuxglass's ptrace: what it records for a
// pipeline must name the same calls, per process and in order, as the
// kernel's own tracer (`run --strace`) records for the same command; its
// -c, -e and -p modes work too.
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
const skip = existsSync(join(rootfs, 'usr/bin/strace')) ? false : `no strace in the guest root at ${rootfs} (run: node bin/tuxglass.js fetch)`;

function run(args: string[], argv: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'run', '--seed', '1', '--rootfs', rootfs, ...args, '--', ...argv], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `status ${r.status}: ${r.stderr}`);
  return r;
}

/** Syscall names per process, processes in order of first appearance. */
function perProcess(lines: string[], rx: RegExp, firstPid: string): string[][] {
  const by = new Map<string, string[]>();
  for (const l of lines) {
    if (l.includes('resumed>')) continue;
    const m = rx.exec(l);
    if (!m) continue;
    const pid = m[1] ?? firstPid;
    // Debian's strace 6.13 has no name for riscv_hwprobe (258).
    const name = m[2] === 'syscall_0x102' ? 'riscv_hwprobe' : (m[2] as string);
    if (!by.has(pid)) by.set(pid, []);
    by.get(pid)!.push(name);
  }
  // When a child's SIGCHLD lands relative to the parent's wait4 depends on
  // scheduling, which a tracer changes (on Linux too): a handler's return and
  // the restarted wait4 are folded away.
  return [...by.values()].map((s) => s.filter((n) => n !== 'rt_sigreturn').filter((n, i, a) => !(n === 'wait4' && a[i - 1] === 'wait4')));
}

const CMD = ['/usr/bin/env', '-i', '/bin/sh', '-c', 'ls / | wc -l'];

test("strace -f names the calls of a pipeline as the kernel's own tracer does", { skip }, () => {
  const viaPtrace = run([], ['/bin/sh', '-c', `/usr/bin/strace -f -o /tmp/st ${CMD.slice(0, 4).join(' ')} '${CMD[4]}' >/dev/null; cat /tmp/st`]).stdout;
  const builtin = run(['--strace'], CMD);
  const a = perProcess(viaPtrace.split('\n'), /^(\d+)\s+([a-z_0-9]+)\(/, '');
  const b = perProcess((builtin.stderr + builtin.stdout).split('\n'), /^(?:\[pid\s+(\d+)\] )?([a-z_0-9]+)\(/, '1');
  // The kernel's tracer starts after the first execve (the machine's own); strace saw it.
  assert.equal(a[0]?.[0], 'execve');
  a[0]!.shift();
  assert.equal(a.length, 3, viaPtrace);
  assert.deepEqual(a, b);
  assert.ok(a[1]!.includes('execve') && a[2]!.includes('execve'));
});

test('strace -e trace=openat shows the openat of the file it reads', { skip }, () => {
  const r = run([], ['/usr/bin/strace', '-e', 'trace=openat', '/bin/cat', '/etc/hostname']);
  assert.match(r.stderr, /^openat\(AT_FDCWD, "\/etc\/hostname", O_RDONLY\) = 3$/m);
  assert.match(r.stderr, /^\+\+\+ exited with 0 \+\+\+$/m);
  assert.doesNotMatch(r.stderr, /^read\(/m);
});

test('strace -p attaches to a sleeping process and sees it finish', { skip }, () => {
  const r = run([], ['/bin/sh', '-c', 'sleep 1 & /usr/bin/strace -p $! 2>&1; grep TracerPid /proc/self/status']);
  assert.match(r.stdout, /^\/usr\/bin\/strace: Process \d+ attached$/m);
  assert.match(r.stdout, /^clock_nanosleep\(CLOCK_REALTIME, 0, \{tv_sec=1, tv_nsec=\d+\}, .*\) = 0$/m);
  assert.match(r.stdout, /^exit_group\(0\)\s+= \?$/m);
  assert.match(r.stdout, /^\+\+\+ exited with 0 \+\+\+$/m);
});

test("a tracee shows its tracer's pid in /proc/PID/status", { skip }, () => {
  const r = run(
    [],
    [
      '/bin/sh',
      '-c',
      '/usr/bin/strace -o /dev/null /bin/sleep 2 & s=$!; sleep 1; echo strace=$s; for p in /proc/[0-9]*; do grep -q "^Name:.sleep$" $p/status && [ $p != /proc/$$ ] && grep -E "^(State|TracerPid)" $p/status; done; wait',
    ],
  );
  const strace = /^strace=(\d+)$/m.exec(r.stdout)?.[1];
  assert.ok(strace, r.stdout);
  // Only the traced sleep has a tracer; it sleeps in clock_nanosleep (S), as on Linux.
  assert.match(r.stdout, new RegExp(`^State:\tS \\(sleeping\\)\nTracerPid:\t${strace}$`, 'm'));
});

/** strace -c's table: syscall -> [calls, errors]. */
function summary(out: string): Map<string, [number, number]> {
  const rows = new Map<string, [number, number]>();
  assert.match(out, /^% time\s+seconds\s+usecs\/call\s+calls\s+errors syscall\n-+ -+ -+ -+ -+ -+$/m);
  for (const m of out.matchAll(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(\d+)?\s+([a-z_0-9]+)$/gm)) rows.set(m[3]!, [Number(m[1]), Number(m[2] ?? 0)]);
  return rows;
}

/** The kernel's own tracer's lines counted the same way: calls that returned, and of those the failures. */
function counted(out: string): Map<string, [number, number]> {
  const rows = new Map<string, [number, number]>();
  for (const l of out.split('\n')) {
    const m = /^(?:\[pid\s+\d+\] )?([a-z_0-9]+)\(.*\)\s+= (.*)$/.exec(l);
    if (!m || m[2] === '?') continue; // exit_group never returns; strace -c counts at syscall exit
    const r = rows.get(m[1]!) ?? [0, 0];
    r[0]++;
    if (/^(-1 E|\? ERESTART)/.test(m[2]!)) r[1]++;
    rows.set(m[1]!, r);
  }
  return rows;
}

for (const [argv, f] of [
  [['/bin/ls', '/'], false],
  [['/bin/sh', '-c', 'ls / | wc -l'], true],
] as const) {
  test(`strace -c${f ? ' -f' : ''} ${argv.join(' ')} counts the calls and errors the kernel's tracer sees`, { skip }, () => {
    const r = run([], ['/usr/bin/strace', '-c', ...(f ? ['-f'] : []), ...argv]);
    const table = summary(r.stderr);
    assert.match(r.stderr, /^-+ -+ -+ -+ -+ -+\n100\.00\s+[\d.]+\s+\d+\s+\d+\s+\d+ total$/m);
    const builtin = run(['--strace'], [...argv]);
    const want = counted(builtin.stderr + builtin.stdout);
    assert.ok(!table.has('riscv_hwprobe') && !table.has('syscall_0x102'), 'glibc asks the vDSO, not the kernel');
    // strace saw its child's own execve, which the kernel's tracer (started after it) did not.
    const ex = want.get('execve') ?? [0, 0];
    want.set('execve', [ex[0] + 1, ex[1]]);
    // wait4's interruptions by SIGCHLD (and the handler's return) depend on scheduling, which a tracer changes.
    for (const n of ['wait4', 'rt_sigreturn', 'total']) {
      table.delete(n);
      want.delete(n);
    }
    assert.deepEqual(new Map([...table].sort()), new Map([...want].sort()), r.stderr);
    const total = /^100\.00\s+[\d.]+\s+\d+\s+(\d+)\s+(\d+)? total$/m.exec(r.stderr)!;
    assert.ok(Number(total[1]) > 50);
  });
}
