// The networking syscalls and netlink under tuxglass against Linux: the
// reference is the host kernel, reached through qemu-user, which passes
// NETLINK_ROUTE through. Only the loopback device's records are compared
// (the host has other devices); lo is the same shape on both.
import { after, describe, test } from 'node:test';
import { buildGuest } from './build.js';
import { diffCase, prepareDiff, type DiffCase } from './harness.js';

const PROGRAMS = ['net_rtnl', 'net_ioctl', 'net_unix'];

const built = await buildGuest(PROGRAMS);
const env = built.skip ? undefined : await prepareDiff('net');
const skip = built.skip ?? env?.skip ?? false;

const prog = (name: string, stdout: RegExp): DiffCase => ({
  name,
  argv: [`/tmp/${name}`],
  add: [{ host: built.paths[name] ?? '', guest: `/tmp/${name}` }],
  expect: { stdout },
});

const cases: DiffCase[] = [
  // The link record of lo, its two addresses and its three IPv4 and one IPv6 local routes.
  prog(
    'net_rtnl',
    /link: family 0 type 772 index 1 flags 0x10049 change 0\n(.*\n)* {2}addr: family 10 prefixlen 128 flags 0x80 scope 254 index 1\n(.*\n)* {2}route: family 2 dst_len 32 src_len 0 tos 0 table 255 protocol 2 scope 253 type 3 flags 0\n/,
  ),
  prog('net_ioctl', /\nflags 0x49\n.*\nindex 1\n(.*\n)*addr: family 2 addr 127\.0\.0\.1 port 0\n(.*\n)*got 5 \[hello\] from 127\.0\.0\.1/),
  prog('net_unix', /stream read 10 \[helloworld\]\n(.*\n)*child sent \[from child\]\n/),
];

describe('networking: tuxglass against Linux', { skip, concurrency: 1 }, () => {
  after(() => env?.cleanup());
  for (const c of cases) test(c.name, (t) => diffCase(t, env!, c));
});
