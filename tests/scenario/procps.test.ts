// Debian's procps, sysstat and util-linux tools on the kernel's /proc and
// /sys, run the way a user runs them. They must print without errors, and
// the figures they show must be the kernel's: memory from the page
// allocator, tasks from the task table, mounts from the mount table, a
// hostname set through sysctl seen by uname. One guest run does them all.
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
const TOOLS = ['ps', 'free', 'vmstat', 'top', 'uptime', 'sysctl', 'pidstat', 'mpstat', 'findmnt', 'lsblk', 'lscpu'];
const missing = TOOLS.filter((t) => !['usr/bin', 'usr/sbin', 'sbin', 'bin'].some((d) => existsSync(join(rootfs, d, t))));
const skip = missing.length ? `the guest root at ${rootfs} lacks ${missing.join(', ')} (run: node bin/tuxglass.js fetch)` : false;

const SCRIPT = [
  'ps -eo pid,ni,pri,stat,cmd',
  'ps aux',
  'free -k',
  'cat /proc/meminfo',
  'vmstat',
  'uptime',
  'top -bn1',
  'lsblk; echo "rc=$?"',
  'lscpu',
  'nproc',
  'findmnt -n -o TARGET,SOURCE,FSTYPE',
  'pidstat -w',
  'mpstat -P ALL',
  'sysctl -w kernel.hostname=deepthought; uname -n',
  'sysctl -a',
]
  .map((c) => `echo '@@ ${c}'; ${c}`)
  .join('; ');

let sections: Map<string, string> | null = null;
let stderr = '';
function out(cmd: string): string {
  if (!sections) {
    const r = spawnSync(process.execPath, [CLI, 'run', '--seed', '1', '--rootfs', rootfs, '--', '/bin/sh', '-c', SCRIPT], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, TERM: 'linux', COLUMNS: '200' },
    });
    assert.equal(r.status, 0, r.stderr);
    stderr = r.stderr;
    sections = new Map();
    for (const part of r.stdout.split(/^@@ /m).slice(1)) {
      const nl = part.indexOf('\n');
      sections.set(part.slice(0, nl), part.slice(nl + 1));
    }
  }
  const s = sections.get(cmd);
  assert.ok(s !== undefined, `no output section for ${cmd}`);
  return s;
}

test('the tools print without errors', { skip }, () => {
  out('nproc');
  assert.equal(stderr, '');
});

test("ps shows the task table with Linux's priorities", { skip }, () => {
  const ps = out('ps -eo pid,ni,pri,stat,cmd').split('\n');
  assert.match(ps[0], /^ +PID +NI PRI STAT CMD$/);
  // PID 1 is the shell, a session leader; nice 0 is PRI 19 in ps's scale.
  assert.match(ps[1], /^ +1 +0 +19 [RS]s +\/bin\/sh -c /);
  assert.ok(
    ps.some((l) => /^ +\d+ +0 +19 R +ps -eo pid,ni,pri,stat,cmd$/.test(l)),
    ps.join('\n'),
  );
  const aux = out('ps aux').split('\n');
  assert.match(aux[0], /^USER +PID %CPU %MEM +VSZ +RSS TTY +STAT START +TIME COMMAND$/);
  assert.match(aux.find((l) => / ps aux$/.test(l)) ?? '', /^root +\d+ +\d+\.\d +\d+\.\d +[1-9]\d* +[1-9]\d* \? +R /);
});

test('free and vmstat agree with /proc/meminfo', { skip }, () => {
  const mi = Object.fromEntries(
    out('cat /proc/meminfo')
      .trim()
      .split('\n')
      .map((l) => {
        const [k, v] = l.split(/:\s+/);
        return [k, parseInt(v, 10)];
      }),
  );
  const mem = out('free -k').split('\n')[1].trim().split(/\s+/);
  assert.equal(mem[0], 'Mem:');
  assert.equal(Number(mem[1]), mi.MemTotal);
  assert.equal(Number(mem[1]), 256 * 1024); // the CLI's default RAM: no memory is hidden
  // total = used + free + buff/cache, as procps derives used.
  assert.equal(Number(mem[2]) + Number(mem[3]) + Number(mem[5]), Number(mem[1]));
  const vm = out('vmstat').trim().split('\n');
  assert.match(vm[1], /^ r +b +swpd +free +buff +cache +si +so +bi +bo +in +cs +us +sy +id +wa +st +gu$/);
  const row = vm[2].trim().split(/\s+/).map(Number);
  // r is procs_running without vmstat itself (procps); whether the shell is still runnable
  // depends on wake-up preemption. The cpu columns share out the time since boot.
  assert.ok(row[0] >= 0, 'runnable count');
  const cpu = row.slice(12, 18).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(cpu - 100) <= 2, `us+sy+id+wa+st+gu = ${cpu}`);
  assert.ok(Math.abs(row[3] - mi.MemFree) < 2048, `free ${row[3]} vs MemFree ${mi.MemFree}`);
});

test('uptime and top read load averages and task counts', { skip }, () => {
  assert.match(out('uptime'), /up .*load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d\n$/);
  const top = out('top -bn1').split('\n');
  assert.match(top[0], /^top - .* load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d$/);
  const tasks = /^Tasks: +(\d+) total, +(\d+) running, +(\d+) sleeping, +0 stopped, +0 zombie$/.exec(top[1]);
  assert.ok(tasks, top[1]);
  assert.equal(Number(tasks[1]), Number(tasks[2]) + Number(tasks[3]));
  assert.match(top[3], /^MiB Mem : +256\.0 total,/);
  assert.ok(
    top.some((l) => /^ +\d+ root +20 +0 .* R .* top$/.test(l)),
    top.join('\n'),
  );
});

test('lsblk, lscpu, nproc and findmnt see the machine', { skip }, () => {
  assert.equal(out('lsblk; echo "rc=$?"'), 'rc=0\n'); // no block devices yet
  assert.match(out('lscpu'), /^CPU\(s\): +1$/m);
  assert.match(out('lscpu'), /^Architecture: +riscv64$/m);
  assert.equal(out('nproc'), '1\n');
  const fm = out('findmnt -n -o TARGET,SOURCE,FSTYPE');
  assert.match(fm, /^\/ +rootfs +rootfs$/m);
  assert.match(fm, /^[|`]-\/sys +sysfs +sysfs$/m);
  assert.match(fm, /^[|`]-\/proc +proc +proc$/m);
  // /dev/shm, then devpts on /dev/pts, as systemd's mount-setup orders them.
  assert.match(fm, /^ +\|-\/dev\/shm +tmpfs +tmpfs$/m);
  assert.match(fm, /^ +`-\/dev\/pts +devpts +devpts$/m);
});

test('pidstat and mpstat read per-task switches and CPU times', { skip }, () => {
  assert.match(out('pidstat -w'), /UID +PID +cswch\/s +nvcswch\/s +Command\n/);
  const mp = out('mpstat -P ALL');
  assert.match(mp, /CPU +%usr +%nice +%sys +%iowait +%irq +%soft +%steal +%guest +%gnice +%idle\n/);
  assert.match(mp, / all( +\d+\.\d\d){10}\n/);
  assert.match(mp, / 0( +\d+\.\d\d){10}\n/);
});

test('sysctl lists the tree and writes reach uname', { skip }, () => {
  assert.equal(out('sysctl -w kernel.hostname=deepthought; uname -n'), 'kernel.hostname = deepthought\ndeepthought\n');
  const all = out('sysctl -a').trim().split('\n');
  assert.ok(all.length > 150, `${all.length} keys`);
  for (const l of all) assert.match(l, /^[a-z0-9_.-]+ = /, l);
  for (const key of ['kernel.osrelease', 'kernel.pid_max', 'vm.swappiness', 'fs.file-nr', 'net.core.somaxconn', 'kernel.random.boot_id']) {
    assert.ok(
      all.some((l) => l.startsWith(key + ' = ')),
      key,
    );
  }
  // Write-only entries are left out, as on Linux.
  assert.ok(!all.some((l) => l.startsWith('vm.drop_caches')));
  assert.ok(all.includes('kernel.hostname = deepthought'));
});

test('ps shows job-control stops as T and zombies as Z <defunct>', { skip }, () => {
  // A stopped sleep (T), and a zombie: the sh whose subshell runs `true` execs sleep, which never reaps it.
  const script =
    "sleep 5 & s=$!; kill -STOP $s; sh -c 'true & exec sleep 2' & z=$!; sleep 1; " +
    'ps -o stat=,comm= -p $s; ps -o stat=,args= --ppid $z; top -bn1 | grep -E "^(Tasks|%Cpu)" | head -1; kill -KILL $s; wait';
  const r = spawnSync(process.execPath, [CLI, 'run', '--seed', '1', '--rootfs', rootfs, '--', '/bin/sh', '-c', script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^T\s+sleep$/m);
  assert.match(r.stdout, /^Z\s+\[sh\] <defunct>$/m); // the subshell running the builtin true
  assert.match(r.stdout, /^Tasks: +\d+ total, +\d+ running, +\d+ sleeping, +1 stopped, +1 zombie$/m);
});
