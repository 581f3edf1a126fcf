// IPv6 addresses of a device (net/ipv6/addrconf.c): struct inet6_dev with its
// inet6_ifaddr list, the device flags and configuration (ipv6_devconf).
import type { NetDevice } from '../netdevice.js';
import { IFA_F_PERMANENT, INFINITY_LIFE_TIME, RT_SCOPE_HOST } from '../ipv4/devinet.js';

/** inet6_dev flags: the device is ready for IPv6. */
export const IF_READY = 0x80000000;
/** IFA_PROTO values: who added the address. */
export const IFAPROT_UNSPEC = 0,
  IFAPROT_KERNEL_LO = 1,
  IFAPROT_KERNEL_RA = 2,
  IFAPROT_KERNEL_LL = 3;
/** IPV6_ADDR_* scope bits /proc/net/if_inet6 shows. */
export const IPV6_ADDR_LOOPBACK = 0x10,
  IPV6_ADDR_LINKLOCAL = 0x20,
  IPV6_ADDR_SITELOCAL = 0x40;

export interface Inet6Ifaddr {
  addr: Uint8Array;
  prefixlen: number;
  flags: number;
  /** RT_SCOPE_* as rtnetlink reports it. */
  scope: number;
  proto: number;
  validLft: number;
  preferredLft: number;
  cstamp: number;
  tstamp: number;
}

/**
 * /proc/sys/net/ipv6/conf/<dev>/ values in DEVCONF_* order (index 0 is
 * forwarding), Linux's defaults for lo; 60 entries as in 6.x.
 */
export const LO_IPV6_DEVCONF = [
  0, 64, 65536, 1, 1, 1, 1, -1, 4000, 1000, -1, 604800, 86400, 3, 600, 16, 0, 1, 1, 1, 60000, 0, 0, 0, 0, 0, 0, -1, 0, 0, 10000, 1000, 1, 0, 0, 1, 0, 0, 1, 0,
  0, 0, 0, 3600000, 0, 0, 1, 0, 0, 0, 0, 0, 1024, 0, 65535, -1, 1, 0, 0, 0,
];

/** IPSTATS_MIB_MAX and ICMP6_MIB_MAX: counters carried in IFLA_AF_SPEC. */
export const IPSTATS_MIB_MAX = 38,
  ICMP6_MIB_MAX = 7;

export class Inet6Dev {
  readonly addrList: Inet6Ifaddr[] = [];
  readonly devconf: number[];
  flags = IF_READY;
  /** ND reachable time in ms: random between 0.5 and 1.5 of 30 s, fixed at creation. */
  reachableTime = 30000;
  retransTime = 1000;
  /** Creation time, ns of the monotonic clock. */
  tstamp = 0;
  readonly stats = new Array<number>(IPSTATS_MIB_MAX).fill(0);
  readonly icmp6Stats = new Array<number>(ICMP6_MIB_MAX).fill(0);
  token = new Uint8Array(16);
  addrGenMode = 0;
  constructor(
    readonly dev: NetDevice,
    devconf: number[],
  ) {
    this.devconf = [...devconf];
  }
}

/** init_loopback: ::1/128, scope host, permanent. */
export function addLoopbackInet6(dev: NetDevice, now: number): Inet6Dev {
  const idev = new Inet6Dev(dev, LO_IPV6_DEVCONF);
  idev.tstamp = now;
  const a = new Uint8Array(16);
  a[15] = 1;
  idev.addrList.push({
    addr: a,
    prefixlen: 128,
    flags: IFA_F_PERMANENT,
    scope: RT_SCOPE_HOST,
    proto: IFAPROT_KERNEL_LO,
    validLft: INFINITY_LIFE_TIME,
    preferredLft: INFINITY_LIFE_TIME,
    cstamp: now,
    tstamp: now,
  });
  dev.in6Dev = idev;
  return idev;
}

/** ipv6_addr_scope bits of an address (for /proc/net/if_inet6). */
export function ipv6AddrScope(a: Uint8Array): number {
  if (a.every((b, i) => (i < 15 ? b === 0 : b === 1))) return IPV6_ADDR_LOOPBACK;
  if (a[0] === 0xfe && (a[1] & 0xc0) === 0x80) return IPV6_ADDR_LINKLOCAL;
  if (a[0] === 0xfe && (a[1] & 0xc0) === 0xc0) return IPV6_ADDR_SITELOCAL;
  return 0;
}

export const ipv6Hex = (a: Uint8Array) => [...a].map((b) => b.toString(16).padStart(2, '0')).join('');
