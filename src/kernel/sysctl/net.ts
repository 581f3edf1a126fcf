// /proc/sys/net: the core and IPv4 knobs userland reads at start-up, with
// 6.12's defaults. The network stack registers more under these paths with
// registerSysctl as it grows.
import { ENOENT } from '../errno.js';
import { Knob, entry, intEntry, intvec, dostring, registerSysctl, type CtlTable } from './ctl_table.js';

const knob = (name: string, v: number) => new Knob(`net.${name}`, () => v);
const int = (name: string, v: number, range = {}) => intEntry(name.slice(name.lastIndexOf('.') + 1), knob(name, v), range);
const vec = (name: string, v: number[], range = {}) => {
  const kb = new Knob(`net.${name}`, () => v);
  return entry(
    name.slice(name.lastIndexOf('.') + 1),
    0o644,
    intvec(
      (k) => kb.get(k),
      (k, x) => kb.set(k, x.map(Number)),
      range,
    ),
  );
};
export const somaxconn = new Knob('net.core.somaxconn', () => 4096);
export const ipForward = new Knob('net.ipv4.ip_forward', () => 0);
const congestion = new Knob('net.ipv4.tcp_congestion_control', () => 'cubic');

const core: CtlTable[] = [
  int('core.netdev_max_backlog', 1000),
  int('core.optmem_max', 131072, { min: 0 }),
  int('core.rmem_default', 212992, { min: 4608 }),
  int('core.rmem_max', 212992, { min: 4608 }),
  intEntry('somaxconn', somaxconn, { min: 0 }),
  int('core.wmem_default', 212992, { min: 4608 }),
  int('core.wmem_max', 212992, { min: 4608 }),
];

const ipv4: CtlTable[] = [
  int('ipv4.icmp_echo_ignore_all', 0, { min: 0, max: 1 }),
  int('ipv4.icmp_echo_ignore_broadcasts', 1, { min: 0, max: 1 }),
  int('ipv4.ip_default_ttl', 64, { min: 1, max: 255 }),
  intEntry('ip_forward', ipForward, { min: 0, max: 1 }),
  vec('ipv4.ip_local_port_range', [32768, 60999], { min: 1, max: 65535 }),
  int('ipv4.ip_no_pmtu_disc', 0),
  int('ipv4.ip_nonlocal_bind', 0, { min: 0, max: 1 }),
  vec('ipv4.ping_group_range', [1, 0], { min: 0, max: 2147483647 }),
  entry('tcp_available_congestion_control', 0o444, { show: () => 'reno cubic\n' }),
  entry(
    'tcp_congestion_control',
    0o644,
    dostring(
      (k) => congestion.get(k),
      (k, s) => {
        if (s !== 'reno' && s !== 'cubic') return -ENOENT; // no such algorithm
        congestion.set(k, s);
      },
      16,
    ),
  ),
  int('ipv4.tcp_fin_timeout', 60, { min: 0 }),
  int('ipv4.tcp_keepalive_intvl', 75, { min: 1 }),
  int('ipv4.tcp_keepalive_probes', 9, { min: 1 }),
  int('ipv4.tcp_keepalive_time', 7200, { min: 1 }),
  vec('ipv4.tcp_rmem', [4096, 131072, 6291456], { min: 1 }),
  int('ipv4.tcp_sack', 1, { min: 0, max: 1 }),
  int('ipv4.tcp_syncookies', 1, { min: 0, max: 2 }),
  int('ipv4.tcp_timestamps', 1, { min: 0, max: 2 }),
  int('ipv4.tcp_window_scaling', 1, { min: 0, max: 1 }),
  vec('ipv4.tcp_wmem', [4096, 16384, 4194304], { min: 1 }),
];

export function registerNetTable(): void {
  registerSysctl('net/core', core);
  registerSysctl('net/ipv4', ipv4);
  registerSysctl('net/unix', [int('unix.max_dgram_qlen', 10, { min: 0 })]);
}
