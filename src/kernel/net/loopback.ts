// The loopback device (drivers/net/loopback.c): always up, carrier on, no
// queueing discipline, a 64 KiB MTU, and an all-zero hardware address.
import { ARPHRD_LOOPBACK, IFF_LOOPBACK, IFF_UP, NetDevice } from './netdevice.js';

export function loopbackDevice(): NetDevice {
  const dev = new NetDevice('lo');
  dev.type = ARPHRD_LOOPBACK;
  dev.mtu = 65536;
  dev.txQueueLen = 1000;
  dev.qdisc = 'noqueue';
  dev.flags = IFF_LOOPBACK | IFF_UP;
  dev.carrier = true;
  return dev;
}

/** What a transmitted packet does on lo: it comes straight back in. */
export function loopbackXmit(dev: NetDevice, bytes: number): void {
  dev.stats.tx_packets++;
  dev.stats.tx_bytes += bytes;
  dev.stats.rx_packets++;
  dev.stats.rx_bytes += bytes;
}
