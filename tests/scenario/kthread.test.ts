// Kernel threads as Linux shows them: kthreadd is PID 2 with parent 0 and
// sleeps (S); the kworker it parents waits for work in TASK_IDLE (I); both
// have no memory map or command line (ps brackets their names), take no
// signals and cannot be traced. Console input reaches its reader through the
// kworker (flush_to_ldisc's work item), so the kworker has run when a line
// of stdin has been read. Oracle: fs/proc/array.c and kernel/kthread.c.
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
const skip = existsSync(join(rootfs, 'usr/bin/ps')) ? false : `no procps in ${rootfs}`;

test('kthreadd (S) and an idle kworker (I): no mm, no signals, no tracing', { skip }, () => {
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      'run',
      '--rootfs',
      rootfs,
      '--',
      '/bin/bash',
      '-c',
      [
        'read line; echo "read: $line"',
        'ps -o pid=,ppid=,pgid=,sid=,stat=,cmd= -p 2,3',
        'grep -E "^(State|Kthread|VmSize)" /proc/2/status /proc/3/status',
        'wc -c < /proc/3/cmdline; wc -c < /proc/3/maps',
        'kill -KILL 2 3; echo "kill: $?"; ps -o stat= -p 3',
        'strace -p 3 2>&1 | head -1',
        'test "$(cut -d" " -f1 /proc/3/schedstat)" -gt 0 && echo "kworker ran"',
      ].join('; '),
    ],
    { encoding: 'utf8', input: 'hello\n', timeout: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'read: hello',
      '    2     0     0     0 S    [kthreadd]',
      '    3     2     0     0 I    [kworker/u2:0]',
      '/proc/2/status:State:\tS (sleeping)',
      '/proc/2/status:Kthread:\t1',
      '/proc/3/status:State:\tI (idle)',
      '/proc/3/status:Kthread:\t1',
      '0',
      '0',
      'kill: 0',
      'I',
      'strace: attach: ptrace(PTRACE_SEIZE, 3): Operation not permitted',
      'kworker ran',
      '',
    ].join('\n'),
  );
});
