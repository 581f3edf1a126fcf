// IPv6 routes (net/ipv6/route.c): each address gets a local route in the
// local table; prefix routes go to main unless the address is /128 on a
// loopback device or marked noprefixroute; multicast devices get ff00::/8.
import type { NetDevice } from '../netdevice.js';
import { RT_TABLE_LOCAL, RTN_LOCAL, type FibRoute } from '../ipv4/fib.js';
import { RT_SCOPE_UNIVERSE } from '../ipv4/devinet.js';

/** ICMPV6_ROUTER_PREF_MEDIUM, what RTA_PREF carries for kernel routes. */
export const ICMPV6_ROUTER_PREF_MEDIUM = 0;

export function fib6Routes(devices: NetDevice[]): FibRoute[] {
  const out: FibRoute[] = [];
  for (const dev of devices) {
    if (!(dev.flags & 1) || !dev.in6Dev) continue;
    for (const ifa of dev.in6Dev.addrList) {
      out.push({
        family: 10,
        table: RT_TABLE_LOCAL,
        type: RTN_LOCAL,
        protocol: 2,
        scope: RT_SCOPE_UNIVERSE,
        dst: ifa.addr,
        dstLen: 128,
        prefsrc: null,
        gateway: null,
        oif: dev,
        priority: 0,
      });
    }
  }
  return out;
}
