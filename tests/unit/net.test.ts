// The network subsystem without a CPU: netlink message encoding, rtnetlink
// requests through a netlink socket (including the ones qemu-user cannot
// forward to Linux), the /proc/net text and the device view sysfs mounts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kernel } from '../../src/kernel/kernel.js';
import { initNet } from '../../src/kernel/net/net_namespace.js';
import { FsState } from '../../src/kernel/fs/fs_state.js';
import '../../src/kernel/net/protocols.js';
import {
  sockCreate,
  AF_NETLINK,
  AF_UNIX,
  AF_INET,
  SOCK_RAW,
  SOCK_STREAM,
  SOCK_DGRAM,
  type Socket,
  type SockCaller,
  type RecvResult,
} from '../../src/kernel/net/socket.js';
import {
  NlWriter,
  parseMessages,
  parseAttrs,
  NLM_F_REQUEST,
  NLM_F_DUMP,
  NLM_F_ACK,
  NLMSG_ERROR,
  NLMSG_DONE,
  NLM_F_MULTI,
} from '../../src/kernel/net/netlink/message.js';
import { RTM_GETLINK, RTM_NEWLINK, RTM_NEWADDR, RTM_GETADDR, IFLA_IFNAME, IFLA_MTU, IFLA_QDISC, IFLA_STATS64 } from '../../src/kernel/net/netlink/rtnetlink.js';
import { procNetDev, procIfInet6, procRoute, procTcp, procUdp, procNetlink } from '../../src/kernel/net/procfs.js';
import { netdevSysfsAttrs } from '../../src/kernel/net/netdevice.js';
import { fib4Routes } from '../../src/kernel/net/ipv4/fib.js';
import { EOPNOTSUPP, EPERM, EAFNOSUPPORT, EPROTONOSUPPORT, ENETUNREACH } from '../../src/kernel/errno.js';

function machine() {
  const k = { clock: { monotonic: () => 5e9 }, host: { random: (b: Uint8Array) => b.fill(7) }, vfs: { fs: new FsState() } } as unknown as Kernel;
  return { k, net: initNet(k) };
}
const caller = (uid = 0): SockCaller => ({ sleepOn() {}, pid: 42, uid, gid: uid, capable: () => uid === 0 });

function netlinkSocket(net: ReturnType<typeof machine>['net']): Socket {
  const s = sockCreate(net, AF_NETLINK, SOCK_RAW, 0, caller());
  assert.ok(typeof s !== 'number');
  return s;
}

function request(type: number, flags: number, body: Uint8Array, seq = 1): Uint8Array {
  return new NlWriter().begin(type, flags, seq, 0).bytes(body).end().data();
}

function recvAll(s: Socket): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (;;) {
    const r = s.ops.recvmsg!(s, 65536, 0x40 /* MSG_DONTWAIT */, caller());
    if (typeof r === 'number') return out;
    out.push((r as RecvResult).data);
  }
}

test('attributes are padded to 4 bytes and nests cover their contents', () => {
  const w = new NlWriter().begin(16, NLM_F_MULTI, 9, 77).bytes(new Uint8Array(16));
  w.str(3, 'lo').nestStart(26, false).u8(1, 5).nestEnd().u32(4, 65536);
  const data = w.end().data();
  const [m] = parseMessages(data);
  assert.equal(m.len, data.length);
  assert.equal(m.len % 4, 0);
  assert.deepEqual([m.type, m.flags, m.seq, m.pid], [16, NLM_F_MULTI, 9, 77]);
  const attrs = parseAttrs(m.payload, 16);
  assert.deepEqual([...attrs.get(3)!], [0x6c, 0x6f, 0]);
  assert.equal(attrs.get(26)!.length, 8); // one u8 attribute: 4 header + 1 + 3 padding
  assert.equal(new DataView(attrs.get(4)!.buffer, attrs.get(4)!.byteOffset).getUint32(0, true), 65536);
  // The attribute length field counts the unpadded payload: "lo\0" is 4 + 3.
  assert.equal(new DataView(data.buffer).getUint16(32, true), 7);
});

test('a malformed message ends the batch', () => {
  const good = request(18, NLM_F_REQUEST, new Uint8Array(16));
  const bad = new Uint8Array(20);
  new DataView(bad.buffer).setUint32(0, 999, true);
  const both = new Uint8Array(good.length + bad.length);
  both.set(good);
  both.set(bad, good.length);
  assert.equal(parseMessages(both).length, 1);
});

test('RTM_GETLINK dump: one record for lo, then NLMSG_DONE in the same datagram', () => {
  const { net } = machine();
  const s = netlinkSocket(net);
  assert.equal(s.ops.sendmsg!(s, request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, new Uint8Array(16), 5), null, 0, caller()), 32);
  const dgrams = recvAll(s);
  assert.equal(dgrams.length, 1);
  const msgs = parseMessages(dgrams[0]);
  assert.deepEqual(
    msgs.map((m) => m.type),
    [RTM_NEWLINK, NLMSG_DONE],
  );
  assert.ok(msgs.every((m) => m.seq === 5 && m.pid === 42 && m.flags & NLM_F_MULTI));
  const a = parseAttrs(msgs[0].payload, 16);
  assert.equal(new TextDecoder().decode(a.get(IFLA_IFNAME)), 'lo\0');
  assert.equal(new DataView(a.get(IFLA_MTU)!.buffer, a.get(IFLA_MTU)!.byteOffset).getUint32(0, true), 65536);
  assert.equal(new TextDecoder().decode(a.get(IFLA_QDISC)), 'noqueue\0');
  assert.equal(a.get(IFLA_STATS64)!.length, 200);
});

test('RTM_GETADDR dump lists 127.0.0.1/8 then ::1/128', () => {
  const { net } = machine();
  const s = netlinkSocket(net);
  s.ops.sendmsg!(s, request(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, new Uint8Array(8)), null, 0, caller());
  const msgs = parseMessages(recvAll(s)[0]).filter((m) => m.type === RTM_NEWADDR);
  assert.deepEqual(
    msgs.map((m) => [m.payload[0], m.payload[1], m.payload[3]]),
    [
      [2, 8, 254],
      [10, 128, 254],
    ],
  );
});

test('errors and acks: unknown types, unprivileged changes, NLM_F_ACK', () => {
  const { net } = machine();
  const s = netlinkSocket(net);
  const errorOf = (d: Uint8Array) => {
    const [m] = parseMessages(d);
    assert.equal(m.type, NLMSG_ERROR);
    return new DataView(m.payload.buffer, m.payload.byteOffset).getInt32(0, true);
  };
  s.ops.sendmsg!(s, request(0x7ff, NLM_F_REQUEST, new Uint8Array(16)), null, 0, caller());
  assert.equal(errorOf(recvAll(s)[0]), -EOPNOTSUPP);
  s.ops.sendmsg!(s, request(RTM_NEWLINK, NLM_F_REQUEST, new Uint8Array(16)), null, 0, caller(1000));
  const d = recvAll(s)[0];
  assert.equal(errorOf(d), -EPERM);
  assert.equal(d.length, 16 + 4 + 32, 'an error echoes the whole request');
  s.ops.sendmsg!(
    s,
    request(
      RTM_GETLINK,
      NLM_F_REQUEST | NLM_F_ACK,
      new Uint8Array(16).fill(0).map((_, i) => (i === 4 ? 1 : 0)),
    ),
    null,
    0,
    caller(),
  );
  const replies = recvAll(s);
  assert.equal(parseMessages(replies[0])[0].type, RTM_NEWLINK);
  assert.equal(errorOf(replies[1]), 0);
  assert.equal(replies[1].length, 36, 'a success ack carries only the request header');
});

test('MSG_PEEK|MSG_TRUNC reports the whole datagram without taking it', () => {
  const { net } = machine();
  const s = netlinkSocket(net);
  s.ops.sendmsg!(s, request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, new Uint8Array(16)), null, 0, caller());
  const peek = s.ops.recvmsg!(s, 0, 0x2 | 0x20, caller()) as RecvResult;
  assert.equal(peek.data.length, 0);
  assert.ok(peek.full > 1000);
  const real = s.ops.recvmsg!(s, 65536, 0, caller()) as RecvResult;
  assert.equal(real.data.length, peek.full);
});

test('socket() errors follow Linux', () => {
  const { net } = machine();
  assert.equal(sockCreate(net, 45, SOCK_DGRAM, 0, caller()), -EAFNOSUPPORT);
  assert.equal(sockCreate(net, AF_NETLINK, SOCK_RAW, 31, caller()), -EPROTONOSUPPORT);
  assert.equal(sockCreate(net, AF_INET, SOCK_RAW, 1, caller(1000)), -EPERM);
  const u = sockCreate(net, AF_UNIX, SOCK_STREAM, 0, caller());
  assert.ok(typeof u !== 'number');
  const tcp = sockCreate(net, AF_INET, SOCK_STREAM, 0, caller()) as Socket;
  const dst = new Uint8Array(16);
  dst.set([2, 0, 0, 80, 10, 1, 2, 3]);
  assert.equal(tcp.ops.connect!(tcp, dst, 0, caller()), -ENETUNREACH);
});

test('/proc/net text for a machine with only lo', () => {
  const { net } = machine();
  assert.equal(
    procNetDev(net).split('\n')[2],
    '    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0',
  );
  assert.equal(procIfInet6(net), '00000000000000000000000000000001 01 80 10 80       lo\n');
  const route = procRoute(net);
  assert.equal(route.length, 128, 'only the header, padded to 127 columns');
  assert.ok(route.startsWith('Iface\tDestination\tGateway \tFlags'));
  assert.equal(procTcp(net, AF_INET).length, 150);
  assert.equal(procUdp(net, AF_INET).length, 128);
  assert.match(procNetlink(net), /^sk +Eth Pid +Groups +Rmem +Wmem +Dump +Locks +Drops +Inode\n[0-9a-f]{16} 0 {3}0 +00000000 /);
  assert.deepEqual(
    fib4Routes(net.devices).map((r) => [r.type, [...r.dst].join('.'), r.dstLen]),
    [
      [2, '127.0.0.0', 8],
      [2, '127.0.0.1', 32],
      [3, '127.255.255.255', 32],
    ],
  );
});

test('the sysfs view of lo', () => {
  const { net } = machine();
  const attrs = netdevSysfsAttrs(net.devices[0]);
  const read = (n: string) => attrs.get(n)!();
  assert.equal(read('address'), '00:00:00:00:00:00\n');
  assert.equal(read('flags'), '0x9\n');
  assert.equal(read('type'), '772\n');
  assert.equal(read('mtu'), '65536\n');
  assert.equal(read('operstate'), 'unknown\n');
  assert.equal(read('ifindex'), '1\n');
  assert.equal(read('tx_queue_len'), '1000\n');
  assert.equal(read('statistics/rx_bytes'), '0\n');
});
