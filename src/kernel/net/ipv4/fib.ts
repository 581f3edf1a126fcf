// The IPv4 routing tables (net/ipv4/fib_frontend.c, fib_add_ifaddr): every
// address puts a local route for itself, a route for its prefix (local on a
// loopback device, unicast in main elsewhere) and a broadcast route into the
// tables. Routes are derived from the addresses each time they are read.
import { IFF_LOOPBACK, type NetDevice } from '../netdevice.js';
import { IFA_F_NOPREFIXROUTE, IFA_F_SECONDARY, RT_SCOPE_HOST, RT_SCOPE_LINK, netmask } from './devinet.js';

export const RT_TABLE_UNSPEC = 0,
  RT_TABLE_DEFAULT = 253,
  RT_TABLE_MAIN = 254,
  RT_TABLE_LOCAL = 255;
export const RTN_UNSPEC = 0,
  RTN_UNICAST = 1,
  RTN_LOCAL = 2,
  RTN_BROADCAST = 3,
  RTN_ANYCAST = 4,
  RTN_MULTICAST = 5,
  RTN_BLACKHOLE = 6,
  RTN_UNREACHABLE = 7,
  RTN_PROHIBIT = 8;
export const RTPROT_UNSPEC = 0,
  RTPROT_REDIRECT = 1,
  RTPROT_KERNEL = 2,
  RTPROT_BOOT = 3,
  RTPROT_STATIC = 4;

/** One route as rtnetlink and /proc/net/route describe it. */
export interface FibRoute {
  family: number;
  table: number;
  type: number;
  protocol: number;
  scope: number;
  dst: Uint8Array;
  dstLen: number;
  prefsrc: Uint8Array | null;
  gateway: Uint8Array | null;
  oif: NetDevice;
  /** RTA_PRIORITY; IPv4 kernel routes have none (null). */
  priority: number | null;
}

/** All IPv4 routes, local table first, as fib_add_ifaddr creates them (ordered by destination per table). */
export function fib4Routes(devices: NetDevice[]): FibRoute[] {
  const out: FibRoute[] = [];
  const add = (table: number, type: number, scope: number, dst: Uint8Array, dstLen: number, src: Uint8Array, dev: NetDevice) =>
    out.push({ family: 2, table, type, protocol: 2, scope, dst, dstLen, prefsrc: src, gateway: null, oif: dev, priority: null });
  for (const dev of devices) {
    if (!(dev.flags & 1 /* IFF_UP */) || !dev.inDev) continue;
    for (const ifa of dev.inDev.ifaList) {
      if (ifa.flags & IFA_F_SECONDARY) continue;
      const mask = netmask(ifa.prefixlen);
      const prefix = ifa.address.map((b, i) => b & mask[i]);
      const bcast = ifa.address.map((b, i) => (b & mask[i]) | (~mask[i] & 0xff));
      add(RT_TABLE_LOCAL, RTN_LOCAL, RT_SCOPE_HOST, ifa.local, 32, ifa.local, dev);
      const prefixRoute = !(ifa.flags & IFA_F_NOPREFIXROUTE) && ifa.prefixlen < 32;
      if (prefixRoute) {
        if (dev.flags & IFF_LOOPBACK) add(RT_TABLE_LOCAL, RTN_LOCAL, RT_SCOPE_HOST, prefix, ifa.prefixlen, ifa.local, dev);
        else add(RT_TABLE_MAIN, RTN_UNICAST, RT_SCOPE_LINK, prefix, ifa.prefixlen, ifa.local, dev);
      }
      if (ifa.prefixlen < 31) add(RT_TABLE_LOCAL, RTN_BROADCAST, RT_SCOPE_LINK, bcast, 32, ifa.local, dev);
    }
  }
  // A dump walks the tables in id order (main before local) and each trie in key order.
  const key = (r: FibRoute) => [...r.dst].reduce((a, b) => a * 256 + b, 0);
  return out.sort((a, b) => a.table - b.table || key(a) - key(b) || a.dstLen - b.dstLen);
}
