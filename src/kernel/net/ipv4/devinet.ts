// IPv4 addresses of a device (net/ipv4/devinet.c): struct in_device with its
// list of in_ifaddr, and the per-device configuration (ipv4_devconf).
import type { NetDevice } from '../netdevice.js';

/** Address flags (IFA_F_*), shared with IPv6. */
export const IFA_F_SECONDARY = 0x01,
  IFA_F_NODAD = 0x02,
  IFA_F_OPTIMISTIC = 0x04,
  IFA_F_DADFAILED = 0x08,
  IFA_F_HOMEADDRESS = 0x10,
  IFA_F_DEPRECATED = 0x20,
  IFA_F_TENTATIVE = 0x40,
  IFA_F_PERMANENT = 0x80,
  IFA_F_MANAGETEMPADDR = 0x100,
  IFA_F_NOPREFIXROUTE = 0x200;

/** Route/address scopes (RT_SCOPE_*). */
export const RT_SCOPE_UNIVERSE = 0,
  RT_SCOPE_SITE = 200,
  RT_SCOPE_LINK = 253,
  RT_SCOPE_HOST = 254,
  RT_SCOPE_NOWHERE = 255;

/** Lifetimes in seconds; INFINITY_LIFE_TIME is "forever". */
export const INFINITY_LIFE_TIME = 0xffffffff;

export interface InIfaddr {
  local: Uint8Array;
  address: Uint8Array;
  /** 0.0.0.0 when the device has no broadcast (lo). */
  broadcast: Uint8Array;
  prefixlen: number;
  flags: number;
  scope: number;
  label: string;
  validLft: number;
  preferredLft: number;
  /** Creation and update times, in ns of the monotonic clock. */
  cstamp: number;
  tstamp: number;
}

/**
 * The values of /proc/sys/net/ipv4/conf/<dev>/ in IPV4_DEVCONF_* order
 * (index 0 is IPV4_DEVCONF_FORWARDING), as Linux sets them for lo.
 */
export const LO_IPV4_DEVCONF = [0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10000, 1000, 0, 0, 0, 0, 1];

export class InDevice {
  readonly ifaList: InIfaddr[] = [];
  readonly devconf: number[];
  constructor(
    readonly dev: NetDevice,
    devconf: number[],
  ) {
    this.devconf = [...devconf];
  }
}

export function netmask(prefixlen: number): Uint8Array {
  const m = new Uint8Array(4);
  for (let i = 0; i < prefixlen; i++) m[i >> 3] |= 0x80 >> (i & 7);
  return m;
}

/** inetdev_event(NETDEV_UP) for a loopback device: 127.0.0.1/8, scope host. */
export function addLoopbackInet(dev: NetDevice, now: number): InDevice {
  const ind = new InDevice(dev, LO_IPV4_DEVCONF);
  const a = new Uint8Array([127, 0, 0, 1]);
  ind.ifaList.push({
    local: a,
    address: a.slice(),
    broadcast: new Uint8Array(4),
    prefixlen: 8,
    flags: IFA_F_PERMANENT,
    scope: RT_SCOPE_HOST,
    label: dev.name,
    validLft: INFINITY_LIFE_TIME,
    preferredLft: INFINITY_LIFE_TIME,
    cstamp: now,
    tstamp: now,
  });
  dev.inDev = ind;
  return ind;
}

export const ipv4String = (a: Uint8Array) => `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
