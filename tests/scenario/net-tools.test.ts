// iproute2, ss and hostname, Debian's own binaries, describing tuxglass's
// loopback device: the text Linux's kernel makes these tools print for lo.
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
const ip = ['usr/sbin/ip', 'usr/bin/ip', 'sbin/ip', 'bin/ip'].find((p) => existsSync(join(rootfs, p)));
const ss = ['usr/bin/ss', 'bin/ss', 'usr/sbin/ss'].find((p) => existsSync(join(rootfs, p)));
const skipIp = ip ? false : `the guest root at ${rootfs} has no iproute2 (ip)`;
const skipSs = ss ? false : `the guest root at ${rootfs} has no iproute2 (ss)`;

function run(argv: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'run', '--rootfs', rootfs, '--', ...argv], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const LINK =
  '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n' +
  '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n';

test('ip addr: lo with 127.0.0.1/8 and ::1/128', { skip: skipIp }, () => {
  const r = run([`/${ip}`, 'addr']);
  assert.equal(r.status, 0, r.stderr);
  // iproute2 >= 6.4 shows IFA_PROTO ("proto kernel_lo"), which Linux sets on ::1.
  assert.match(
    r.stdout,
    new RegExp(
      '^' +
        LINK.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') +
        '    inet 127\\.0\\.0\\.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n' +
        '    inet6 ::1/128 scope host (proto kernel_lo )?\n       valid_lft forever preferred_lft forever\n$',
    ),
  );
});

test('ip link and ip -s link', { skip: skipIp }, () => {
  const r = run([`/${ip}`, 'link']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, LINK.replace('UNKNOWN group', 'UNKNOWN mode DEFAULT group'));
  const s = run([`/${ip}`, '-s', 'link', 'show', 'lo']);
  assert.equal(s.status, 0, s.stderr);
  // No traffic yet: every counter is zero.
  assert.match(
    s.stdout,
    /\n {4}RX: +bytes packets errors dropped +missed +mcast +\n +0 +0 +0 +0 +0 +0 \n {4}TX: +bytes packets errors dropped carrier collsns +\n +0 +0 +0 +0 +0 +0 \n$/,
  );
});

test("ip route: an empty main table; the local table has lo's routes", { skip: skipIp }, () => {
  const main = run([`/${ip}`, 'route']);
  assert.equal(main.status, 0, main.stderr);
  assert.equal(main.stdout, '');
  const all = run([`/${ip}`, 'route', 'show', 'table', 'all']);
  assert.equal(all.status, 0, all.stderr);
  assert.equal(
    all.stdout,
    'local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 \n' +
      'local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \n' +
      'broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 \n' +
      'local ::1 dev lo table local proto kernel metric 0 pref medium\n',
  );
});

test('ss -a lists the netlink sockets and nothing else on an idle machine', { skip: skipSs }, () => {
  const r = run([`/${ss}`, '-a']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^Netid +State +Recv-Q +Send-Q +Local Address:Port +Peer Address:Port/);
  assert.deepEqual(
    lines.slice(1).map((l) => l.split(/ +/).slice(0, 5).join(' ')),
    [
      'nl UNCONN 0 0 rtnl:kernel',
      'nl UNCONN 0 0 tcpdiag:kernel',
      'nl UNCONN 0 0 nft:kernel', // nfnetlink's kernel socket (netlink protocol 12)
      'nl UNCONN 0 0 tcpdiag:ss/1',
    ],
  );
});

test('hostname, and /proc/net is a link to self/net', { skip: skipIp }, () => {
  const r = run(['/bin/sh', '-c', 'hostname; readlink /proc/net; head -3 /proc/net/dev | tail -1']);
  assert.equal(r.status, 0, r.stderr);
  const [host, link, lo] = r.stdout.split('\n');
  assert.ok(host.length > 0);
  assert.equal(link, 'self/net');
  assert.match(lo, /^ +lo: +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0$/);
});
