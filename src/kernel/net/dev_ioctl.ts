// The interface ioctls on any socket (net/core/dev_ioctl.c) and the IPv4
// address ones on AF_INET sockets (devinet_ioctl), all on struct ifreq:
// 16 bytes of name, then a 24-byte union (40 bytes on riscv64).
import { EADDRNOTAVAIL, EFAULT, ENODEV, ENOTTY, EOPNOTSUPP, EPERM, EINVAL } from '../errno.js';
import type { IoctlIo } from '../fs/file.js';
import { CAP_NET_ADMIN, capable } from '../security/commoncap.js';
import type { Net } from './net_namespace.js';
import type { NetDevice } from './netdevice.js';
import { netmask } from './ipv4/devinet.js';
import { AF_INET, type Socket } from './socket.js';

export const SIOCGIFNAME = 0x8910,
  SIOCGIFCONF = 0x8912,
  SIOCGIFFLAGS = 0x8913,
  SIOCSIFFLAGS = 0x8914,
  SIOCGIFADDR = 0x8915,
  SIOCSIFADDR = 0x8916,
  SIOCGIFDSTADDR = 0x8917,
  SIOCSIFDSTADDR = 0x8918,
  SIOCGIFBRDADDR = 0x8919,
  SIOCSIFBRDADDR = 0x891a,
  SIOCGIFNETMASK = 0x891b,
  SIOCSIFNETMASK = 0x891c,
  SIOCGIFMETRIC = 0x891d,
  SIOCSIFMETRIC = 0x891e,
  SIOCGIFMTU = 0x8921,
  SIOCSIFMTU = 0x8922,
  SIOCSIFNAME = 0x8923,
  SIOCSIFHWADDR = 0x8924,
  SIOCGIFHWADDR = 0x8927,
  SIOCGIFINDEX = 0x8933,
  SIOCGIFPFLAGS = 0x8935,
  SIOCGIFTXQLEN = 0x8942,
  SIOCSIFTXQLEN = 0x8943,
  SIOCGIFMAP = 0x8970,
  SIOCSIFMAP = 0x8971;

export const IFNAMSIZ = 16;
export const IFREQ_SIZE = 40;

const SETTERS = new Set([
  SIOCSIFFLAGS,
  SIOCSIFADDR,
  SIOCSIFDSTADDR,
  SIOCSIFBRDADDR,
  SIOCSIFNETMASK,
  SIOCSIFMETRIC,
  SIOCSIFMTU,
  SIOCSIFNAME,
  SIOCSIFHWADDR,
  SIOCSIFTXQLEN,
  SIOCSIFMAP,
]);

const dec = new TextDecoder();

/** struct sockaddr_in for an IPv4 address. */
export function sockaddrIn(addr: Uint8Array, port = 0): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = AF_INET;
  b[2] = port >> 8;
  b[3] = port & 0xff;
  b.set(addr.subarray(0, 4), 4);
  return b;
}

function ifreqName(req: Uint8Array): string {
  const n = req.subarray(0, IFNAMSIZ - 1);
  const z = n.indexOf(0);
  return dec.decode(z >= 0 ? n.subarray(0, z) : n);
}

/** The device an ifreq names, and the ifreq itself; or -errno. */
function lookupReq(net: Net, io: IoctlIo, arg: number): { req: Uint8Array; dev: NetDevice; name: string } | number {
  const req = io.read(arg, IFREQ_SIZE);
  if (!req) return -EFAULT;
  const name = ifreqName(req);
  // An alias label such as "lo:0" names its device's address.
  const dev = net.byName(name.split(':')[0]);
  if (!dev) return -ENODEV;
  return { req, dev, name };
}

function answer(io: IoctlIo, arg: number, req: Uint8Array, fill: (dv: DataView, u: Uint8Array) => void): number {
  const out = req.slice();
  out.fill(0, IFNAMSIZ);
  fill(new DataView(out.buffer), out.subarray(IFNAMSIZ));
  return io.write(arg, out) ? 0 : -EFAULT;
}

/** SIOCGIFCONF: one ifreq (name, sockaddr_in) per IPv4 address, or the size needed when ifc_buf is NULL. */
function ifconf(net: Net, io: IoctlIo, arg: number): number {
  const hdr = io.read(arg, 16);
  if (!hdr) return -EFAULT;
  const dv = new DataView(hdr.buffer);
  const len = dv.getInt32(0, true);
  const buf = dv.getUint32(12, true) * 4294967296 + dv.getUint32(8, true);
  let used = 0;
  for (const dev of net.devices) {
    for (const ifa of dev.inDev?.ifaList ?? []) {
      if (buf) {
        if (len - used < IFREQ_SIZE) break;
        const r = new Uint8Array(IFREQ_SIZE);
        for (let i = 0; i < Math.min(ifa.label.length, IFNAMSIZ - 1); i++) r[i] = ifa.label.charCodeAt(i);
        r.set(sockaddrIn(ifa.local), IFNAMSIZ);
        if (!io.write(buf + used, r)) return -EFAULT;
      }
      used += IFREQ_SIZE;
    }
  }
  dv.setInt32(0, used, true);
  return io.write(arg, hdr.subarray(0, 4)) ? 0 : -EFAULT;
}

/** sock_ioctl's device commands, after the protocol said ENOIOCTLCMD. */
export function devIoctl(net: Net, sock: Socket, cmd: number, arg: number, io: IoctlIo): number {
  if (cmd === SIOCGIFCONF) return ifconf(net, io, arg);
  if (cmd === SIOCGIFNAME) {
    const req = io.read(arg, IFREQ_SIZE);
    if (!req) return -EFAULT;
    const dev = net.byIndex(new DataView(req.buffer).getInt32(IFNAMSIZ, true));
    if (!dev) return -ENODEV;
    const out = req.slice();
    out.fill(0, 0, IFNAMSIZ);
    for (let i = 0; i < Math.min(dev.name.length, IFNAMSIZ - 1); i++) out[i] = dev.name.charCodeAt(i);
    return io.write(arg, out) ? 0 : -EFAULT;
  }
  if (SETTERS.has(cmd)) {
    // sock_ioctl copies the ifreq in before dev_ioctl looks at the caller's capability.
    if (!io.read(arg, IFREQ_SIZE)) return -EFAULT;
    // dev_ioctl: the setters need CAP_NET_ADMIN. Changing devices is a later step of the network stack.
    return capable(io.cred, CAP_NET_ADMIN) ? -EOPNOTSUPP : -EPERM;
  }
  const inetCmd = cmd === SIOCGIFADDR || cmd === SIOCGIFNETMASK || cmd === SIOCGIFBRDADDR || cmd === SIOCGIFDSTADDR;
  const devCmd =
    cmd === SIOCGIFFLAGS ||
    cmd === SIOCGIFMTU ||
    cmd === SIOCGIFHWADDR ||
    cmd === SIOCGIFINDEX ||
    cmd === SIOCGIFTXQLEN ||
    cmd === SIOCGIFMETRIC ||
    cmd === SIOCGIFMAP ||
    cmd === SIOCGIFPFLAGS;
  if (inetCmd && sock.family !== AF_INET) return -ENOTTY;
  if (!inetCmd && !devCmd) return -ENOTTY;
  const r = lookupReq(net, io, arg);
  if (typeof r === 'number') return r;
  const { req, dev, name } = r;
  if (inetCmd) {
    const ifa = dev.inDev?.ifaList.find((a) => a.label === name);
    if (!ifa) return -EADDRNOTAVAIL;
    let v: Uint8Array;
    if (cmd === SIOCGIFADDR) v = ifa.local;
    else if (cmd === SIOCGIFNETMASK) v = netmask(ifa.prefixlen);
    else if (cmd === SIOCGIFBRDADDR) v = ifa.broadcast;
    else v = ifa.address;
    return answer(io, arg, req, (_dv, u) => u.set(sockaddrIn(v)));
  }
  switch (cmd) {
    case SIOCGIFFLAGS:
      return answer(io, arg, req, (dv) => dv.setInt16(IFNAMSIZ, dev.getFlags() & 0xffff, true));
    case SIOCGIFMTU:
      return answer(io, arg, req, (dv) => dv.setInt32(IFNAMSIZ, dev.mtu, true));
    case SIOCGIFINDEX:
      return answer(io, arg, req, (dv) => dv.setInt32(IFNAMSIZ, dev.ifindex, true));
    case SIOCGIFTXQLEN:
      return answer(io, arg, req, (dv) => dv.setInt32(IFNAMSIZ, dev.txQueueLen, true));
    case SIOCGIFMETRIC:
    case SIOCGIFPFLAGS:
      return answer(io, arg, req, () => {});
    case SIOCGIFMAP:
      return answer(io, arg, req, () => {});
    case SIOCGIFHWADDR:
      return answer(io, arg, req, (dv, u) => {
        dv.setUint16(IFNAMSIZ, dev.type, true);
        u.set(dev.devAddr.subarray(0, Math.min(dev.addrLen, 14)), 2);
      });
  }
  return -EINVAL;
}
