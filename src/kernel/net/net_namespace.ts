// struct net: the network namespace, holding the devices, and the registries
// of sockets that /proc/net and sock_diag list. The machine has one (init_net),
// made on first use with the loopback device up, as Linux brings up lo at boot.
import type { Kernel } from '../kernel.js';
import type { NetDevice } from './netdevice.js';
import { loopbackDevice } from './loopback.js';
import { addLoopbackInet } from './ipv4/devinet.js';
import { addLoopbackInet6 } from './ipv6/addrconf.js';
import type { Socket } from './socket.js';
import type { UnixSock } from './af_unix.js';
import type { NlTable } from './netlink/af_netlink.js';

export class Net {
  readonly devices: NetDevice[] = [];
  /** Every open socket, by family, in creation order (for /proc/net and sock_diag). */
  readonly sockets = new Set<Socket>();
  private nextIfindex = 1;
  /** AF_UNIX: the namespace's abstract names, and where unix_autobind counts from (af_unix.ts). */
  readonly unixAbstract = new Map<string, UnixSock>();
  unixAutobindSeq = 0;
  /** Netlink's bound sockets and kernel sockets (af_netlink.ts), made on first use. */
  netlink: NlTable | null = null;
  private sockCookies = 1;
  nextSockCookie(): number {
    return this.sockCookies++;
  }
  constructor(readonly kernel: Kernel) {}

  /** register_netdevice: give the device the next free index. */
  register(dev: NetDevice): void {
    dev.ifindex = this.nextIfindex++;
    this.devices.push(dev);
  }

  byName(name: string): NetDevice | null {
    return this.devices.find((d) => d.name === name) ?? null;
  }
  byIndex(i: number): NetDevice | null {
    return this.devices.find((d) => d.ifindex === i) ?? null;
  }
  /** Monotonic ns, for address and device time stamps. */
  now(): number {
    return this.kernel.clock.monotonic();
  }
}

/** init_net of a machine (Kernel.net), made on first use. */
export function initNet(k: Kernel): Net {
  let net = k.net;
  if (!net) {
    net = k.net = new Net(k);
    const lo = loopbackDevice();
    net.register(lo);
    const now = net.now();
    addLoopbackInet(lo, now);
    const in6 = addLoopbackInet6(lo, now);
    // Reachable time is drawn at random around 30 s (neigh_rand_reach_time).
    const r = new Uint8Array(2);
    k.host.random(r);
    in6.reachableTime = 15000 + (((r[0] << 8) | r[1]) % 30000);
  }
  return net;
}

/** The devices of a machine, for sysfs (/sys/class/net). */
export function netDevices(k: Kernel): NetDevice[] {
  return initNet(k).devices;
}
