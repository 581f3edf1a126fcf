// The syscall table (src/kernel/syscalls/table.ts) against the numbers of
// nr.ts, the dispatcher and the `tuxglass syscalls` report: every number
// appears exactly once under its own name; an implemented or partial entry
// has a handler named after the call, an ENOSYS one has none and the
// dispatcher answers -ENOSYS for it (in-process, and from a real ecall in a
// guest program); the report prints the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NR, SYSCALL_NAMES, type SyscallName } from '../../src/kernel/syscalls/nr.js';
import { SYSCALL_NUMBERS, SYSCALL_TABLE, invokeSyscall } from '../../src/kernel/syscalls/table.js';
import { STATUS_LABEL, syscallCounts } from '../../src/kernel/syscalls/coverage.js';
import { SyscallArgs } from '../../src/kernel/syscalls/args.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { setupDevices } from '../../src/kernel/boot/setup.js';
import { ENOSYS } from '../../src/kernel/errno.js';
import { buildGuest } from '../diff/build.js';
import { fakeHost } from './fake-host.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(REPO, 'bin', 'tuxglass.js');

const enosysNumbers = SYSCALL_NUMBERS.filter((nr) => SYSCALL_TABLE[nr].status === 'enosys');

test('the table has every number of nr.ts exactly once, under its name', () => {
  const names = Object.keys(NR) as SyscallName[];
  assert.equal(SYSCALL_NUMBERS.length, names.length);
  assert.equal(new Set(Object.values(NR)).size, names.length, 'nr.ts gives two names one number');
  for (const name of names) {
    const e = SYSCALL_TABLE[NR[name]];
    assert.ok(e, `${name} (${NR[name]}) is not in the table`);
    assert.equal(e.name, name, `number ${NR[name]}`);
  }
  for (const nr of SYSCALL_NUMBERS) assert.equal(SYSCALL_NAMES[nr], SYSCALL_TABLE[nr].name, `number ${nr}`);
  // riscv64's own calls sit in the arch-specific range.
  assert.equal(SYSCALL_TABLE[258].name, 'riscv_hwprobe');
  assert.equal(SYSCALL_TABLE[259].name, 'riscv_flush_icache');
});

test('implemented and partial entries have a handler named after the call; ENOSYS ones none, with a reason', () => {
  for (const nr of SYSCALL_NUMBERS) {
    const e = SYSCALL_TABLE[nr];
    if (e.status === 'enosys') {
      assert.equal(e.handler, null, `${e.name} is ENOSYS but has a handler`);
      assert.ok(e.note.length > 0, `${e.name}: ENOSYS without a reason`);
    } else {
      assert.equal(typeof e.handler, 'function', `${e.name} is ${e.status} without a handler`);
      assert.equal(e.handler!.name, `sys_${e.name}`, `${e.name}'s handler`);
      assert.equal(e.handler!.length, 3, `${e.name}'s handler takes (k, t, a)`);
      if (e.status === 'partial') assert.ok(e.note.length > 0, `${e.name}: partial without saying what is missing`);
      else assert.equal(e.note, '', `${e.name}: implemented with a note`);
    }
  }
  // A handler serves one number only.
  const handlers = SYSCALL_NUMBERS.map((nr) => SYSCALL_TABLE[nr].handler).filter((h) => h);
  assert.equal(new Set(handlers).size, handlers.length);
});

test('the dispatcher answers -ENOSYS for every ENOSYS entry, and counts it', () => {
  const k = new Kernel({ memBytes: 16 * 1024 * 1024, host: fakeHost(), hostname: 'tux' });
  setupDevices(k);
  const t = k.createInit();
  const a = new SyscallArgs();
  for (const nr of enosysNumbers) assert.equal(invokeSyscall(k, t, a.set(nr, [0, 0, 0, 0, 0, 0])), -ENOSYS, SYSCALL_TABLE[nr].name);
  // Numbers outside the table too (the gaps, and beyond it).
  for (const nr of [244, 257, 295, 423, 1000, 0x7fffffff, -1]) assert.equal(invokeSyscall(k, t, a.set(nr, [])), -ENOSYS, String(nr));
  assert.equal(k.stats.enosys, enosysNumbers.length + 7);
  assert.equal(k.stats.enosysByNr.get(NR.io_setup), 1);
  // An implemented call goes to its handler.
  assert.equal(invokeSyscall(k, t, a.set(NR.getpid, [])), t.pid);
});

test('SyscallArgs reads the registers as the C types', () => {
  const a = new SyscallArgs().set(NR.lseek, [-1, 0xffffffff, 2n ** 63n, 0x1_0000_0005, -2]);
  assert.equal(a.nr, NR.lseek);
  assert.equal(a.int(0), -1);
  assert.equal(a.ulong(0), 2 ** 64 - 1);
  assert.equal(a.long(0), -1);
  assert.equal(a.big(0), 2n ** 64n - 1n);
  assert.equal(a.int(1), -1);
  assert.equal(a.ulong(1), 0xffffffff);
  assert.equal(a.long(2), -(2 ** 63));
  assert.equal(a.big(2), 2n ** 63n);
  assert.equal(a.int(3), 5);
  assert.equal(a.ulong(3), 0x1_0000_0005);
  assert.equal(a.long(4), -2);
  assert.equal(a.ulong(5), 0);
});

test('a guest ecall of each ENOSYS number fails with ENOSYS', async (t) => {
  const built = await buildGuest(['sys_enosys']);
  if (built.skip) {
    t.skip(built.skip);
    return;
  }
  // A static program needs no root file system beyond itself.
  const root = mkdtempSync(join(tmpdir(), 'tuxglass-enosys-'));
  try {
    const r = spawnSync(
      process.execPath,
      [CLI, 'run', '--rootfs', root, '--add', `${built.paths.sys_enosys}:/enosys`, '--', '/enosys', ...enosysNumbers.map(String)],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(
      lines,
      enosysNumbers.map((nr) => `${nr} -1 ${ENOSYS}`),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('`tuxglass syscalls` prints the counts and one line per number from the table', () => {
  const r = spawnSync(process.execPath, [CLI, 'syscalls'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines.pop(), '');
  assert.match(lines[0], new RegExp(`^riscv64 system calls of Linux 6\\.12: ${SYSCALL_NUMBERS.length}$`));
  const counts = syscallCounts();
  assert.equal(counts.implemented + counts.partial + counts.enosys, SYSCALL_NUMBERS.length);
  assert.match(lines[1], new RegExp(`^  implemented +${counts.implemented}$`));
  assert.match(lines[2], new RegExp(`^  partial +${counts.partial}$`));
  assert.match(lines[3], new RegExp(`^  ENOSYS +${counts.enosys}$`));
  assert.equal(lines[4], '');
  const rows = lines.slice(5);
  assert.equal(rows.length, SYSCALL_NUMBERS.length);
  rows.forEach((row, i) => {
    const e = SYSCALL_TABLE[SYSCALL_NUMBERS[i]];
    const m = /^ *(\d+) {2}(\S+) +(\S+) *(.*)$/.exec(row);
    assert.ok(m, row);
    assert.equal(Number(m[1]), SYSCALL_NUMBERS[i]);
    assert.equal(m[2], e.name);
    assert.equal(m[3], STATUS_LABEL[e.status]);
    assert.equal(m[4], e.note);
  });
  // Arguments are refused.
  const bad = spawnSync(process.execPath, [CLI, 'syscalls', '--all'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /takes no arguments/);
});
