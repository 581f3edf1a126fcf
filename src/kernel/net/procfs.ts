// The /proc/net files (net-procfs.c, addrconf.c, fib_trie.c, ip6_fib.c,
// tcp_ipv4.c, udp.c, raw.c, af_unix.c, af_netlink.c, af_packet.c), in
// Linux's exact columns, from the namespace's devices and sockets.
import type { Net } from './net_namespace.js';
import { fib4Routes, RT_TABLE_MAIN } from './ipv4/fib.js';
import { fib6Routes } from './ipv6/route.js';
import { ipv6AddrScope, ipv6Hex } from './ipv6/addrconf.js';
import { AF_INET, AF_INET6, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM } from './socket.js';
import { InetSock, TCP_LISTEN } from './af_inet.js';
import { netlinkKernelSockets, netlinkUserSockets, type NetlinkSock } from './netlink/af_netlink.js';
import { unixSockets } from './af_unix.js';
import { SS_CONNECTED, SS_CONNECTING, SS_DISCONNECTING, SS_UNCONNECTED } from './socket.js';

const hex = (v: number, w: number) => (v >>> 0).toString(16).toUpperCase().padStart(w, '0');
/** %pK of a socket: a stable stand-in for the hashed kernel pointer. */
export const kptr = (cookie: number) => (Math.imul(cookie, 0x9e3779b1) >>> 0).toString(16).padStart(16, '0');

/** /proc/net/dev */
export function procNetDev(net: Net): string {
  let s =
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
  for (const d of net.devices) {
    const st = d.stats;
    const f = [
      [st.rx_bytes, 8],
      [st.rx_packets, 7],
      [st.rx_errors, 4],
      [st.rx_dropped + st.rx_missed_errors, 4],
      [st.rx_fifo_errors, 4],
      [st.rx_length_errors + st.rx_over_errors + st.rx_crc_errors + st.rx_frame_errors, 5],
      [st.rx_compressed, 10],
      [st.multicast, 9],
      [st.tx_bytes, 8],
      [st.tx_packets, 7],
      [st.tx_errors, 4],
      [st.tx_dropped, 4],
      [st.tx_fifo_errors, 4],
      [st.collisions, 5],
      [st.tx_carrier_errors + st.tx_aborted_errors + st.tx_window_errors + st.tx_heartbeat_errors, 7],
      [st.tx_compressed, 10],
    ] as [number, number][];
    s += `${d.name.padStart(6)}:${f.map(([v, w]) => String(v).padStart(w)).join(' ')}\n`;
  }
  return s;
}

/** /proc/net/if_inet6 */
export function procIfInet6(net: Net): string {
  let s = '';
  for (const d of net.devices)
    for (const a of d.in6Dev?.addrList ?? []) {
      s += `${ipv6Hex(a.addr)} ${hex(d.ifindex, 2).toLowerCase()} ${hex(a.prefixlen, 2).toLowerCase()} ${hex(ipv6AddrScope(a.addr), 2).toLowerCase()} ${hex(a.flags & 0xff, 2).toLowerCase()} ${d.name.padStart(8)}\n`;
    }
  return s;
}

/** The __be32 of an address as %08X prints it on a little-endian machine. */
const be32 = (a: Uint8Array, o = 0) => hex(a[o] | (a[o + 1] << 8) | (a[o + 2] << 16) | (a[o + 3] << 24), 8);

/** /proc/net/route: the main table only, lines padded to 127 columns. */
export function procRoute(net: Net): string {
  let s = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT'.padEnd(127) + '\n';
  for (const r of fib4Routes(net.devices)) {
    if (r.table !== RT_TABLE_MAIN) continue;
    const mask = new Uint8Array(4);
    for (let i = 0; i < r.dstLen; i++) mask[i >> 3] |= 0x80 >> (i & 7);
    const flags = 0x1 | (r.gateway ? 0x2 : 0) | (r.dstLen === 32 ? 0x4 : 0);
    const line = `${r.oif.name}\t${be32(r.dst)}\t${be32(r.gateway ?? new Uint8Array(4))}\t${hex(flags, 4)}\t0\t0\t${r.priority ?? 0}\t${be32(mask)}\t0\t0\t0`;
    s += line.padEnd(127) + '\n';
  }
  return s;
}

/** /proc/net/ipv6_route: every table's routes, then the null entry that lives on lo. */
export function procIpv6Route(net: Net): string {
  const z = '0'.repeat(32);
  let s = '';
  for (const r of fib6Routes(net.devices)) {
    // RTF_UP | RTF_NONEXTHOP | RTF_LOCAL for local routes
    s += `${ipv6Hex(r.dst)} ${hex(r.dstLen, 2).toLowerCase()} ${z} 00 ${z} ${hex(r.priority ?? 0, 8).toLowerCase()} 00000002 00000000 80200001 ${r.oif.name.padStart(8)}\n`;
  }
  const lo = net.byName('lo');
  if (lo) s += `${z} 00 ${z} 00 ${z} ffffffff 00000001 00000000 00200200 ${lo.name.padStart(8)}\n`;
  return s;
}

function inetLine4(sl: number, sk: InetSock, ino: number, width: number, udp: boolean): string {
  const st = sk.state;
  const rq = sk.receiveQueue.bytes;
  const base = `${String(sl).padStart(udp ? 5 : 4)}: ${be32(sk.saddr)}:${hex(sk.sport, 4)} ${be32(sk.daddr)}:${hex(sk.dport, 4)} ${hex(st, 2)} ${hex(0, 8)}:${hex(rq, 8)} 00:00000000 00000000 ${String(sk.uid).padStart(5)} ${'0'.padStart(8)} ${ino}`;
  const tail = udp ? ` 2 ${kptr(sk.cookie)} 0` : ` 1 ${kptr(sk.cookie)} 100 0 0 10 0`;
  return (base + tail).padEnd(width) + '\n';
}

function inetLine6(sl: number, sk: InetSock, ino: number, udp: boolean): string {
  const a6 = (a: Uint8Array) => be32(a, 0) + be32(a, 4) + be32(a, 8) + be32(a, 12);
  const base = `${String(sl).padStart(udp ? 5 : 4)}: ${a6(sk.saddr)}:${hex(sk.sport, 4)} ${a6(sk.daddr)}:${hex(sk.dport, 4)} ${hex(sk.state, 2)} ${hex(0, 8)}:${hex(sk.receiveQueue.bytes, 8)} 00:00000000 00000000 ${String(sk.uid).padStart(5)} ${'0'.padStart(8)} ${ino}`;
  return base + (udp ? ` 2 ${kptr(sk.cookie)} 0` : ` 1 ${kptr(sk.cookie)} 100 0 0 10 0`) + '\n';
}

/** The sockets a /proc/net/{tcp,udp,raw} table lists: bound (hashed) ones. */
function hashed(net: Net, family: number, type: number): [InetSock, number][] {
  const out: [InetSock, number][] = [];
  for (const s of net.sockets) {
    const sk = s.sk;
    if (!(sk instanceof InetSock) || sk.family !== family || s.type !== type) continue;
    if (type === SOCK_RAW || sk.sport || sk.state === TCP_LISTEN) out.push([sk, s.ino]);
  }
  return out;
}

const TCP_HDR = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const UDP_HDR = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';
const RAW_HDR = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';
const V6_HDR =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';

export function procTcp(net: Net, family: number): string {
  const list = hashed(net, family, SOCK_STREAM);
  if (family === AF_INET) return TCP_HDR.padEnd(149) + '\n' + list.map(([sk, ino], i) => inetLine4(i, sk, ino, 149, false)).join('');
  return V6_HDR + '\n' + list.map(([sk, ino], i) => inetLine6(i, sk, ino, false)).join('');
}

export function procUdp(net: Net, family: number, type = SOCK_DGRAM): string {
  const list = hashed(net, family, type);
  if (family === AF_INET) {
    const hdr = type === SOCK_RAW ? RAW_HDR + '\n' : UDP_HDR.padEnd(127) + '\n';
    return hdr + list.map(([sk, ino], i) => inetLine4(i, sk, ino, type === SOCK_RAW ? 0 : 127, true)).join('');
  }
  return V6_HDR + ' ref pointer drops\n' + list.map(([sk, ino], i) => inetLine6(i, sk, ino, true)).join('');
}

/** /proc/net/netlink: kernel sockets, then user sockets. */
export function procNetlink(net: Net): string {
  let s = 'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n';
  const row = (sk: NetlinkSock, ino: number) =>
    `${kptr(sk.cookie)} ${String(sk.protocol).padEnd(3)} ${String(sk.portid).padEnd(10)} ${hex(sk.groups, 8).toLowerCase()} ${String(sk.receiveQueue.bytes).padEnd(8)} ${'0'.padEnd(8)} ${'0'.padEnd(5)} ${'2'.padEnd(8)} ${String(sk.drops).padEnd(8)} ${String(ino).padEnd(8)}\n`;
  for (const k of netlinkKernelSockets(net)) s += row(k.sk as NetlinkSock, k.ino);
  const inos = new Map<NetlinkSock, number>();
  for (const so of net.sockets) inos.set(so.sk as NetlinkSock, so.ino);
  for (const sk of netlinkUserSockets(net)) s += row(sk, inos.get(sk) ?? 0);
  return s;
}

/** /proc/net/unix */
export function procUnix(net: Net): string {
  let s = 'Num       RefCount Protocol Flags    Type St Inode Path\n';
  for (const { sock, sk } of unixSockets(net)) {
    const flags = sk.listening ? 0x10000 : 0;
    // A connection still waiting in an accept queue has no file yet: "connecting" (02).
    const established = sock.state === SS_CONNECTED;
    const st = sock.file ? (established ? SS_CONNECTED : SS_UNCONNECTED) : established ? SS_CONNECTING : SS_DISCONNECTING;
    s += `${kptr(sk.cookie)}: ${hex(2, 8)} ${hex(0, 8)} ${hex(flags, 8)} ${hex(sock.type, 4)} ${hex(st, 2)} ${String(sock.ino).padStart(5)}${sk.name ? ' ' + sk.displayName() : ''}\n`;
  }
  return s;
}

export const procPacket = () => 'sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n';

/** /proc/net/snmp: the MIB counters, all still at rest (no IP traffic is handled yet). */
export function procSnmp(): string {
  const row = (name: string, fields: string[], values: Record<string, number> = {}) =>
    `${name}: ${fields.join(' ')}\n${name}: ${fields.map((f) => values[f] ?? 0).join(' ')}\n`;
  return (
    row(
      'Ip',
      [
        'Forwarding',
        'DefaultTTL',
        'InReceives',
        'InHdrErrors',
        'InAddrErrors',
        'ForwDatagrams',
        'InUnknownProtos',
        'InDiscards',
        'InDelivers',
        'OutRequests',
        'OutDiscards',
        'OutNoRoutes',
        'ReasmTimeout',
        'ReasmReqds',
        'ReasmOKs',
        'ReasmFails',
        'FragOKs',
        'FragFails',
        'FragCreates',
        'OutTransmits',
      ],
      { Forwarding: 2, DefaultTTL: 64 },
    ) +
    row('Icmp', [
      'InMsgs',
      'InErrors',
      'InCsumErrors',
      'InDestUnreachs',
      'InTimeExcds',
      'InParmProbs',
      'InSrcQuenchs',
      'InRedirects',
      'InEchos',
      'InEchoReps',
      'InTimestamps',
      'InTimestampReps',
      'InAddrMasks',
      'InAddrMaskReps',
      'OutMsgs',
      'OutErrors',
      'OutRateLimitGlobal',
      'OutRateLimitHost',
      'OutDestUnreachs',
      'OutTimeExcds',
      'OutParmProbs',
      'OutSrcQuenchs',
      'OutRedirects',
      'OutEchos',
      'OutEchoReps',
      'OutTimestamps',
      'OutTimestampReps',
      'OutAddrMasks',
      'OutAddrMaskReps',
    ]) +
    // IcmpMsg lists only message types seen; none yet, so Linux prints no IcmpMsg lines.
    row(
      'Tcp',
      [
        'RtoAlgorithm',
        'RtoMin',
        'RtoMax',
        'MaxConn',
        'ActiveOpens',
        'PassiveOpens',
        'AttemptFails',
        'EstabResets',
        'CurrEstab',
        'InSegs',
        'OutSegs',
        'RetransSegs',
        'InErrs',
        'OutRsts',
        'InCsumErrors',
      ],
      { RtoAlgorithm: 1, RtoMin: 200, RtoMax: 120000, MaxConn: -1 },
    ) +
    row('Udp', UDP_MIB) +
    row('UdpLite', UDP_MIB)
  );
}
const UDP_MIB = ['InDatagrams', 'NoPorts', 'InErrors', 'OutDatagrams', 'RcvbufErrors', 'SndbufErrors', 'InCsumErrors', 'IgnoredMulti', 'MemErrors'];

/** /proc/net/sockstat and sockstat6: sockets in use per protocol. */
export function procSockstat(net: Net, v6: boolean): string {
  const count = (family: number, type: number) => hashed(net, family, type).length;
  if (v6) {
    return (
      `TCP6: inuse ${count(AF_INET6, SOCK_STREAM)}\nUDP6: inuse ${count(AF_INET6, SOCK_DGRAM)}\nUDPLITE6: inuse 0\n` +
      `RAW6: inuse ${count(AF_INET6, SOCK_RAW)}\nFRAG6: inuse 0 memory 0\n`
    );
  }
  const tcp = count(AF_INET, SOCK_STREAM) + count(AF_INET6, SOCK_STREAM);
  return (
    `sockets: used ${net.sockets.size}\nTCP: inuse ${count(AF_INET, SOCK_STREAM)} orphan 0 tw 0 alloc ${tcp} mem 0\n` +
    `UDP: inuse ${count(AF_INET, SOCK_DGRAM)} mem 0\nUDPLITE: inuse 0\nRAW: inuse ${count(AF_INET, SOCK_RAW)}\nFRAG: inuse 0 memory 0\n`
  );
}

/** name -> contents of /proc/PID/net/ */
export function procNetFiles(net: Net): [string, () => string][] {
  return [
    ['dev', () => procNetDev(net)],
    ['if_inet6', () => procIfInet6(net)],
    ['ipv6_route', () => procIpv6Route(net)],
    ['netlink', () => procNetlink(net)],
    ['packet', procPacket],
    ['raw', () => procUdp(net, AF_INET, SOCK_RAW)],
    ['raw6', () => procUdp(net, AF_INET6, SOCK_RAW)],
    ['route', () => procRoute(net)],
    ['snmp', procSnmp],
    ['sockstat', () => procSockstat(net, false)],
    ['sockstat6', () => procSockstat(net, true)],
    ['tcp', () => procTcp(net, AF_INET)],
    ['tcp6', () => procTcp(net, AF_INET6)],
    ['udp', () => procUdp(net, AF_INET)],
    ['udp6', () => procUdp(net, AF_INET6)],
    ['unix', () => procUnix(net)],
  ];
}
