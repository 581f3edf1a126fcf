// The real procps, sysstat, coreutils and util-linux tools describing
// tuxglass's own kernel: what they print must agree with the kernel's state
// (--mem, the tasks it runs, statfs) and with /proc read in the same run.
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
const skip = existsSync(join(rootfs, 'usr/bin/ps')) ? false : `no procps in the guest root at ${rootfs} (run: node bin/tuxglass.js fetch)`;

function bash(script: string, args: string[] = []) {
  const r = spawnSync(process.execPath, [CLI, 'run', '--seed', '1', '--rootfs', rootfs, ...args, '--', '/bin/bash', '-c', script], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, TERM: 'linux' },
  });
  assert.equal(r.status, 0, `status ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The "Key: value kB" rows of /proc/meminfo in a printed section. */
function meminfo(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of text.split('\n')) {
    const r = /^(\w[\w()]*):\s+(\d+)( kB)?$/.exec(l);
    if (r) m.set(r[1] as string, Number(r[2]));
  }
  return m;
}

test("the acceptance command prints the tools' view of the kernel", { skip }, () => {
  const out = bash('free -h; ps -eo pid,ni,pri,stat,cmd; uname -a; stat /etc/passwd; df -h /');
  assert.match(out, /^\s+total\s+used\s+free\s+shared\s+buff\/cache\s+available\nMem:\s+256Mi\s/m);
  assert.match(out, /^\s+PID\s+NI PRI STAT CMD\n\s+1\s+0\s+19 Ss\s+\/bin\/bash -c free -h;/m);
  assert.match(out, /^Linux tuxglass 6\.\d+\.\d+\S* #1 SMP PREEMPT_DYNAMIC .* riscv64 GNU\/Linux$/m);
  assert.match(out, /^\s+File: \/etc\/passwd\n\s+Size: \d+\s+Blocks: \d+\s+IO Block: 4096\s+regular file$/m);
  assert.match(out, /^Filesystem\s+Size\s+Used Avail Use% Mounted on\nrootfs\s+\S+\s+\S+\s+\S+\s+\d+% \/$/m);
});

test('free -b totals are --mem minus what the kernel reserves, as /proc/meminfo says', { skip }, () => {
  const out = bash('free -b; echo =====; cat /proc/meminfo', ['--mem', '64M']);
  const [freeOut, procOut] = out.split('=====\n') as [string, string];
  const mem = /^Mem:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/m.exec(freeOut);
  assert.ok(mem, freeOut);
  const [total, used, free, , buffCache] = mem.slice(1).map(Number) as [number, number, number, number, number];
  const mi = meminfo(procOut);
  // The kernel's own code and data live outside the guest's RAM: it reserves none of it.
  assert.equal(mi.get('MemTotal'), 64 * 1024);
  assert.equal(total, (mi.get('MemTotal') as number) * 1024);
  assert.equal(used + free + buffCache, total, 'procps: used = total - free - buff/cache');
  assert.match(freeOut, /^Swap:\s+0\s+0\s+0$/m);
  assert.equal(mi.get('SwapTotal'), 0);
});

test('ps lists exactly the running tasks, with their PIDs, parents, states and nice values', { skip }, () => {
  const out = bash(
    'sleep 30 & sleep 30 & nice -n 5 sleep 30 & sleep 0.2; ps -eo pid,ppid,ni,stat,comm; echo =====; ls -d /proc/[0-9]* | sort -t/ -k3n; kill %1 %2 %3',
  );
  const [ps, proc] = out.split('=====\n') as [string, string];
  assert.deepEqual(
    ps
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/)),
    [
      ['PID', 'PPID', 'NI', 'STAT', 'COMMAND'],
      ['1', '0', '0', 'Ss', 'bash'],
      ['2', '0', '0', 'S', 'kthreadd'],
      ['3', '2', '0', 'I', 'kworker/u2:0'],
      ['4', '1', '0', 'S', 'sleep'],
      ['5', '1', '0', 'S', 'sleep'],
      ['6', '1', '5', 'SN', 'sleep'],
      ['8', '1', '0', 'R', 'ps'],
    ],
  );
  // PID 7 was `sleep 0.2`; ps (8) had gone and ls | sort (9, 10) had come when /proc was listed.
  assert.equal(proc, '/proc/1\n/proc/2\n/proc/3\n/proc/4\n/proc/5\n/proc/6\n/proc/9\n/proc/10\n');
});

test('vmstat -s agrees with /proc/meminfo and /proc/stat', { skip }, () => {
  const out = bash('vmstat -s; echo =====; cat /proc/meminfo /proc/stat; echo =====; vmstat');
  const [vs, proc, vm] = out.split('=====\n') as [string, string, string];
  const v = (label: string) => Number(new RegExp(`^\\s*(\\d+) (?:K )?${label}$`, 'm').exec(vs)?.[1]);
  const mi = meminfo(proc);
  assert.equal(v('total memory'), mi.get('MemTotal'));
  assert.equal(v('total swap'), 0);
  const processes = Number(/^processes (\d+)$/m.exec(proc)?.[1]);
  assert.equal(v('forks') + 1, processes, 'cat forked once more after vmstat -s read /proc/stat');
  assert.equal(v('CPU context switches') <= Number(/^ctxt (\d+)$/m.exec(proc)?.[1]), true);
  assert.match(
    vm,
    /^procs -+memory-+ -+swap-+ -+io-+ -+system-+ -+cpu-+\n\s*r\s+b\s+swpd\s+free\s+buff\s+cache\s+si\s+so\s+bi\s+bo\s+in\s+cs\s+us\s+sy\s+id\s+wa\s+st\s+gu\n\s*0\s+0\s+0\s+\d+/,
    'r excludes vmstat itself; bash is asleep in wait4',
  );
});

test('pidstat reports the tasks /proc has', { skip }, () => {
  const out = bash('sleep 30 & pidstat -p $! | tail -n +3; pidstat -w -p 1 | tail -n +3; kill %1');
  assert.match(
    out,
    /^\S+\s+UID\s+PID\s+%usr\s+%system\s+%guest\s+%wait\s+%CPU\s+CPU\s+Command\n\S+\s+0\s+4\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+0\s+sleep$/m,
  );
  assert.match(out, /^\S+\s+UID\s+PID\s+cswch\/s\s+nvcswch\/s\s+Command\n\S+\s+0\s+1\s+[\d.]+\s+[\d.]+\s+bash$/m);
});

test('df agrees with statfs', { skip }, () => {
  const out = bash("df -B1 / | tail -1; stat -f -c '%b %f %a %S' /");
  const [dfLine, statLine] = out.trim().split('\n') as [string, string];
  const [, size, used, avail] = dfLine.split(/\s+/).map(Number) as [number, number, number, number];
  const [blocks, bfree, bavail, bsize] = statLine.split(' ').map(Number) as [number, number, number, number];
  assert.equal(size, blocks * bsize);
  assert.equal(used, (blocks - bfree) * bsize);
  assert.equal(avail, bavail * bsize);
});

test('uname -a and /proc/version agree', { skip }, () => {
  const out = bash(
    'uname -s; uname -r; uname -v; uname -m; uname -n; cat /proc/version /proc/sys/kernel/osrelease /proc/sys/kernel/ostype /proc/sys/kernel/hostname',
  );
  const [sys, release, version, machine, node, procVersion, osrelease, ostype, hostname] = out.trim().split('\n');
  assert.equal(sys, 'Linux');
  assert.equal(machine, 'riscv64');
  assert.match(release as string, /^6\.\d+\.\d+/);
  assert.ok(procVersion?.startsWith(`Linux version ${release} (`), procVersion);
  assert.ok(procVersion?.endsWith(` ${version}`), procVersion);
  assert.equal(osrelease, release);
  assert.equal(ostype, 'Linux');
  assert.equal(hostname, node);
});

test('strace -V and iptables --version print their versions', { skip }, () => {
  const out = bash('strace -V | head -1; iptables --version; ip6tables --version; sar -V | head -1');
  assert.match(out, /^strace -- version 6\.\d+/m);
  assert.match(out, /^iptables v1\.8\.\d+ \(nf_tables\)$/m, 'iptables-nft opens a NETLINK_NETFILTER socket first');
  assert.match(out, /^ip6tables v1\.8\.\d+ \(nf_tables\)$/m);
  assert.match(out, /^sysstat version 12\./m);
});

test('/sys/class/net/lo and /sys/devices/system/cpu describe the machine', { skip }, () => {
  const out = bash(
    'cd /sys/class/net/lo && cat flags mtu type operstate address ifindex tx_queue_len statistics/rx_packets; readlink /sys/class/net/lo; ip -o link show lo | cut -d" " -f2-5; cat /sys/devices/system/cpu/{online,possible,present}; nproc; ls /sys/devices/system/cpu | grep -c "^cpu[0-9]"',
  );
  assert.equal(
    out,
    '0x9\n65536\n772\nunknown\n00:00:00:00:00:00\n1\n1000\n0\n../../devices/virtual/net/lo\nlo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n0\n0\n0\n1\n1\n',
  );
});
