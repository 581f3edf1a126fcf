// struct net_device: a network interface as the rest of the kernel and
// userland see it (name, index, flags, MTU, hardware address, queue, counters).
// Also the read-only attribute view sysfs mounts as /sys/class/net/<dev>/.
import type { InDevice } from './ipv4/devinet.js';
import type { Inet6Dev } from './ipv6/addrconf.js';

/** Interface flags (include/uapi/linux/if.h). */
export const IFF_UP = 0x1,
  IFF_BROADCAST = 0x2,
  IFF_DEBUG = 0x4,
  IFF_LOOPBACK = 0x8,
  IFF_POINTOPOINT = 0x10,
  IFF_NOTRAILERS = 0x20,
  IFF_RUNNING = 0x40,
  IFF_NOARP = 0x80,
  IFF_PROMISC = 0x100,
  IFF_ALLMULTI = 0x200,
  IFF_MULTICAST = 0x1000,
  IFF_LOWER_UP = 0x10000,
  IFF_DORMANT = 0x20000,
  IFF_ECHO = 0x40000;

/** RFC 2863 operational states (IF_OPER_*), and their sysfs names. */
export const IF_OPER_UNKNOWN = 0,
  IF_OPER_NOTPRESENT = 1,
  IF_OPER_DOWN = 2,
  IF_OPER_LOWERLAYERDOWN = 3,
  IF_OPER_TESTING = 4,
  IF_OPER_DORMANT = 5,
  IF_OPER_UP = 6;
export const OPERSTATE_NAMES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'];

/** Hardware types (ARPHRD_*). */
export const ARPHRD_ETHER = 1,
  ARPHRD_LOOPBACK = 772;

/** struct rtnl_link_stats64, in field order: what IFLA_STATS64, /proc/net/dev and sysfs statistics/ show. */
export const STAT_NAMES = [
  'rx_packets',
  'tx_packets',
  'rx_bytes',
  'tx_bytes',
  'rx_errors',
  'tx_errors',
  'rx_dropped',
  'tx_dropped',
  'multicast',
  'collisions',
  'rx_length_errors',
  'rx_over_errors',
  'rx_crc_errors',
  'rx_frame_errors',
  'rx_fifo_errors',
  'rx_missed_errors',
  'tx_aborted_errors',
  'tx_carrier_errors',
  'tx_fifo_errors',
  'tx_heartbeat_errors',
  'tx_window_errors',
  'rx_compressed',
  'tx_compressed',
  'rx_nohandler',
  'rx_otherhost_dropped',
] as const;
export type StatName = (typeof STAT_NAMES)[number];
export type LinkStats = Record<StatName, number>;

export function zeroStats(): LinkStats {
  const s = {} as LinkStats;
  for (const n of STAT_NAMES) s[n] = 0;
  return s;
}

export class NetDevice {
  ifindex = 0;
  flags = 0;
  mtu = 1500;
  minMtu = 0;
  maxMtu = 0;
  txQueueLen = 1000;
  type = ARPHRD_ETHER;
  addrLen = 6;
  devAddr = new Uint8Array(6);
  broadcast = new Uint8Array(6);
  operstate = IF_OPER_UNKNOWN;
  linkMode = 0;
  group = 0;
  promiscuity = 0;
  allmulti = 0;
  numTxQueues = 1;
  numRxQueues = 1;
  gsoMaxSize = 65536;
  gsoMaxSegs = 65535;
  groMaxSize = 65536;
  tsoMaxSize = 524280;
  tsoMaxSegs = 65535;
  qdisc = 'noqueue';
  carrier = true;
  carrierUpCount = 0;
  carrierDownCount = 0;
  devId = 0;
  devPort = 0;
  stats = zeroStats();
  /** IPv4 and IPv6 state of the device (dev->ip_ptr, dev->ip6_ptr). */
  inDev: InDevice | null = null;
  in6Dev: Inet6Dev | null = null;

  constructor(public name: string) {}

  /** dev_get_flags: the administrative flags plus the ones that follow the link state. */
  getFlags(): number {
    let f = this.flags & ~(IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT);
    if (this.flags & IFF_UP) {
      if (this.carrier) f |= IFF_RUNNING | IFF_LOWER_UP;
    }
    return f;
  }
}

const hexByte = (b: number) => b.toString(16).padStart(2, '0');
/** "aa:bb:cc:..." as sysfs and ip print hardware addresses. */
export const macString = (a: Uint8Array) => [...a].map(hexByte).join(':');

/**
 * The attributes of /sys/class/net/<dev>/ (net/core/net-sysfs.c), each as the
 * text a read returns, newline included. Names containing "/" live in a
 * subdirectory (statistics/). For sysfs to mount; nothing here is writable.
 */
export function netdevSysfsAttrs(dev: NetDevice): Map<string, () => string> {
  const m = new Map<string, () => string>();
  const add = (name: string, fn: () => string | number) => m.set(name, () => `${fn()}\n`);
  add('addr_assign_type', () => 0);
  add('addr_len', () => dev.addrLen);
  add('address', () => macString(dev.devAddr));
  add('broadcast', () => macString(dev.broadcast));
  add('carrier', () => (dev.carrier ? 1 : 0));
  add('carrier_changes', () => dev.carrierUpCount + dev.carrierDownCount);
  add('carrier_down_count', () => dev.carrierDownCount);
  add('carrier_up_count', () => dev.carrierUpCount);
  add('dev_id', () => `0x${dev.devId.toString(16)}`);
  add('dev_port', () => dev.devPort);
  add('dormant', () => 0);
  add('flags', () => `0x${(dev.flags & 0xffff).toString(16)}`);
  add('gro_flush_timeout', () => 0);
  add('ifalias', () => '');
  add('ifindex', () => dev.ifindex);
  add('iflink', () => dev.ifindex);
  add('link_mode', () => dev.linkMode);
  add('mtu', () => dev.mtu);
  add('napi_defer_hard_irqs', () => 0);
  add('netdev_group', () => dev.group);
  add('operstate', () => OPERSTATE_NAMES[dev.operstate]);
  add('proto_down', () => 0);
  add('testing', () => 0);
  add('threaded', () => 0);
  add('tx_queue_len', () => dev.txQueueLen);
  add('type', () => dev.type);
  for (const s of STAT_NAMES) add(`statistics/${s}`, () => dev.stats[s]);
  return m;
}
