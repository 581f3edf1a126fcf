// Memory running out, in seed mode under --mem 128M with no swap: the OOM
// killer chooses its victim by oom_badness and oom_score_adj, kills it,
// reaps its memory and logs Linux's report; overcommit mode 2 refuses what
// CommitLimit does not cover. The oracle is Linux's mm/oom_kill.c and
// mm/util.c: the victim their scoring picks, the report's formats (checked
// against the format strings and real 6.x reports), and __vm_enough_memory's
// arithmetic from the figures /proc/meminfo shows.
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
const skip = existsSync(join(rootfs, 'usr/bin/tail')) && existsSync(join(rootfs, 'usr/bin/dmesg')) ? false : `no coreutils or dmesg in ${rootfs}`;
const built = await buildGuest(['sys_oom']);

function sh(script: string, add: string[] = []): string {
  const r = spawnSync(process.execPath, [CLI, 'run', '--seed', '1', '--mem', '128M', '--rootfs', rootfs, ...add, '--', '/bin/bash', '-c', script], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// GNU tail keeps every byte of its last ten lines, and /dev/zero has no newline: tail grows past RAM.
test('head -c 400M /dev/zero | tail: the OOM killer kills tail, head gets SIGPIPE, the log has the report', { skip }, () => {
  const out = sh('head -c 400M /dev/zero | tail > /dev/null; echo "status ${PIPESTATUS[*]}"; dmesg | cut -c16-; grep oom_kill /proc/vmstat');
  assert.match(out, /^status 141 137$/m);
  assert.doesNotMatch(out, /Bad address/);
  assert.match(out, /^tail invoked oom-killer: gfp_mask=0x140dca\(GFP_HIGHUSER_MOVABLE\|__GFP_COMP\|__GFP_ZERO\), order=0, oom_score_adj=0$/m);
  assert.match(out, /^CPU: 0 UID: 0 PID: \d+ Comm: tail Not tainted 6\.12\.0-tuxglass #1$/m);
  assert.match(out, /^Mem-Info:\nactive_anon:\d+ inactive_anon:\d+ isolated_anon:0\n active_file:\d+ inactive_file:\d+ isolated_file:0\n/m);
  assert.match(out, /^32768 pages RAM$/m);
  assert.match(
    out,
    /^Tasks state \(memory values in pages\):\n\[ {2}pid {2}\] {3}uid {2}tgid total_vm {6}rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name\n/m,
  );
  // dump_tasks' row: "[%7d] %5d %5d %8lu %8lu %8lu %8lu %9lu %8ld %8lu         %5hd %s".
  const row = /^\[ *(\d+)\] +0 +\1 +\d+ +(\d+) +\d+ +\d+ +0 +\d+ +0 {9} +0 tail$/m.exec(out);
  assert.ok(row, out);
  const pid = row[1];
  assert.ok(Number(row[2]) > 25000, 'tail holds most of RAM');
  assert.match(
    out,
    new RegExp(`^oom-kill:constraint=CONSTRAINT_NONE,nodemask=\\(null\\),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=tail,pid=${pid},uid=0$`, 'm'),
  );
  assert.match(
    out,
    new RegExp(
      `^Out of memory: Killed process ${pid} \\(tail\\) total-vm:\\d+kB, anon-rss:\\d+kB, file-rss:\\d+kB, shmem-rss:0kB, UID:0 pgtables:\\d+kB oom_score_adj:0$`,
      'm',
    ),
  );
  assert.match(out, /^oom_kill 1$/m);
});

// Two hogs of 30 MiB hold their memory (tail waits on a pipe that stays open); a third grows until RAM runs out.
const HOGS = [
  'rss() { local k v u; while read -r k v u; do [ "$k" = VmRSS: ] && echo "$v"; done < /proc/$1/status; }',
  'hog() { (head -c 30M /dev/zero; sleep 1000) | tail > /dev/null & p=$!; until [ "$(rss $p)" -gt 30000 ]; do sleep 0.1; done; }',
  'hog; a=$p; echo 500 > /proc/$a/oom_score_adj',
  'hog; b=$p; echo -1000 > /proc/$b/oom_score_adj',
  'echo "scores $(cat /proc/$a/oom_score) $(cat /proc/$b/oom_score) rss $(rss $a)"',
  'head -c 200M /dev/zero | tail > /dev/null; echo "status ${PIPESTATUS[*]}"',
  'kill -0 $a 2>/dev/null && echo "a alive" || echo "a dead"',
  'kill -0 $b 2>/dev/null && echo "b alive" || echo "b dead"',
  'echo "pids $a $b"',
  'dmesg | cut -c16- | grep -E "^(Out of memory|oom_reaper|oom-kill)"',
].join('\n');

test('oom_score_adj 500 is chosen first, -1000 never; the reaper empties the victim at once', { skip }, () => {
  const out = sh(HOGS);
  const [, a, b] = /^pids (\d+) (\d+)$/m.exec(out)!;
  // oom_score of hog a: (1000 + (rss + pgtables + 500 * 32) * 1000 / 32768) * 2 / 3 lies above 1100; -1000 scores 0.
  const [, scoreA, scoreB] = /^scores (\d+) (\d+) rss/m.exec(out)!;
  assert.ok(Number(scoreA) > 1100 && Number(scoreA) < 1200, scoreA);
  assert.equal(scoreB, '0');
  assert.match(out, /^a dead\nb alive$/m);
  assert.match(out, /^status 141 137$/m);
  const kills = [...out.matchAll(/^Out of memory: Killed process (\d+) \(tail\) .* oom_score_adj:(-?\d+)$/gm)].map((m) => [m[1], m[2]]);
  assert.equal(kills.length, 2, out);
  assert.deepEqual(kills[0], [a, '500']);
  assert.equal(kills[1][1], '0');
  assert.ok(!kills.some(([p]) => p === b));
  assert.match(out, new RegExp(`^oom-kill:.*,task=tail,pid=${a},uid=0$`, 'm'));
  // A victim other than the allocating task is reaped on the spot.
  assert.match(out, new RegExp(`^oom_reaper: reaped process ${a} \\(tail\\), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB$`, 'm'));
});

test('oom_kill_allocating_task kills the allocating task over a worse one; panic_on_oom stops the machine', { skip }, () => {
  const script = [
    'rss() { local k v u; while read -r k v u; do [ "$k" = VmRSS: ] && echo "$v"; done < /proc/$1/status; }',
    '(head -c 30M /dev/zero; sleep 1000) | tail > /dev/null & p=$!; until [ "$(rss $p)" -gt 30000 ]; do sleep 0.1; done',
    'echo 1000 > /proc/$p/oom_score_adj; echo 1 > /proc/sys/vm/oom_kill_allocating_task',
    'head -c 200M /dev/zero | tail > /dev/null; echo "status ${PIPESTATUS[*]}"',
    'kill -0 $p && echo "hog alive"',
    'dmesg | cut -c16- | grep -E "^Out of memory"',
    'echo 1 > /proc/sys/vm/panic_on_oom',
    'head -c 200M /dev/zero | tail > /dev/null; echo "after panic"',
  ].join('\n');
  const r = spawnSync(process.execPath, [CLI, 'run', '--seed', '1', '--mem', '128M', '--rootfs', rootfs, '--', '/bin/bash', '-c', script], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.match(r.stdout, /^status 141 137\nhog alive\nOut of memory \(oom_kill_allocating_task\): Killed process \d+ \(tail\) .* oom_score_adj:0\n$/m);
  // The panic ends the run (status 1, as any panic): nothing after it ran.
  assert.doesNotMatch(r.stdout, /after panic/);
  assert.equal(r.status, 1);
});

test('overcommit: mode 2 refuses past CommitLimit to the page, mode 0 one mapping larger than RAM, mode 1 nothing', { skip: skip || built.skip }, () => {
  const add = ['--add', `${built.paths.sys_oom}:/tmp/sys_oom`];
  const out = sh(
    [
      'grep -E "^(MemTotal|CommitLimit)" /proc/meminfo',
      '/tmp/sys_oom guess',
      'echo 1 > /proc/sys/vm/overcommit_memory; /tmp/sys_oom guess',
      'echo 2 > /proc/sys/vm/overcommit_memory; /tmp/sys_oom commit',
      'echo 25 > /proc/sys/vm/overcommit_ratio; grep CommitLimit /proc/meminfo',
      'dmesg | cut -c16- | grep -c "^__vm_enough_memory: pid: [0-9]*, comm: sys_oom, bytes: [0-9]* not enough memory for the allocation$"',
    ].join('; '),
    add,
  );
  // overcommit_ratio 50 of 128 MiB, no swap.
  assert.match(out, /^MemTotal: +131072 kB\nCommitLimit: +65536 kB\n/);
  assert.match(out, /^RAM \+ 1 page: ENOMEM\nRAM: mapped\nRAM \+ 1 page: mapped\nRAM: mapped\n/m);
  assert.match(
    out,
    /^limit > committed\none page past the limit: ENOMEM\nup to the limit: mapped\nMAP_NORESERVE on top: ENOMEM\nread-only on top: mapped\nmprotect it writable: ENOMEM\n/m,
  );
  assert.match(out, /^CommitLimit: +32768 kB\n/m);
  // The mode-0 refusal, and the three of mode 2.
  assert.match(out, /^4$/m);
});
