// NETLINK_ROUTE (net/core/rtnetlink.c and the families' handlers): link,
// address and route dumps and gets, in the attribute order Linux emits.
import { EINVAL, ENODEV, EOPNOTSUPP, EPERM } from '../../errno.js';
import type { Net } from '../net_namespace.js';
import { STAT_NAMES, type NetDevice } from '../netdevice.js';
import { fib4Routes, type FibRoute } from '../ipv4/fib.js';
import { fib6Routes, ICMPV6_ROUTER_PREF_MEDIUM } from '../ipv6/route.js';
import { netlinkKernelCreate, NETLINK_ROUTE, type NetlinkRequest } from './af_netlink.js';
import { NLM_F_DUMP, NLM_F_MULTI, NlWriter, attrU32, parseAttrs, struct } from './message.js';
import { CAP_NET_ADMIN } from '../../security/commoncap.js';

export const RTM_NEWLINK = 16,
  RTM_DELLINK = 17,
  RTM_GETLINK = 18,
  RTM_SETLINK = 19,
  RTM_NEWADDR = 20,
  RTM_DELADDR = 21,
  RTM_GETADDR = 22,
  RTM_NEWROUTE = 24,
  RTM_DELROUTE = 25,
  RTM_GETROUTE = 26;

export const IFLA_ADDRESS = 1,
  IFLA_BROADCAST = 2,
  IFLA_IFNAME = 3,
  IFLA_MTU = 4,
  IFLA_LINK = 5,
  IFLA_QDISC = 6,
  IFLA_STATS = 7,
  IFLA_TXQLEN = 13,
  IFLA_MAP = 14,
  IFLA_OPERSTATE = 16,
  IFLA_LINKMODE = 17,
  IFLA_STATS64 = 23,
  IFLA_AF_SPEC = 26,
  IFLA_GROUP = 27,
  IFLA_EXT_MASK = 29,
  IFLA_PROMISCUITY = 30,
  IFLA_NUM_TX_QUEUES = 31,
  IFLA_NUM_RX_QUEUES = 32,
  IFLA_CARRIER = 33,
  IFLA_CARRIER_CHANGES = 35,
  IFLA_PROTO_DOWN = 39,
  IFLA_GSO_MAX_SEGS = 40,
  IFLA_GSO_MAX_SIZE = 41,
  IFLA_XDP = 43,
  IFLA_CARRIER_UP_COUNT = 47,
  IFLA_CARRIER_DOWN_COUNT = 48,
  IFLA_MIN_MTU = 50,
  IFLA_MAX_MTU = 51,
  IFLA_GRO_MAX_SIZE = 58,
  IFLA_TSO_MAX_SIZE = 59,
  IFLA_TSO_MAX_SEGS = 60,
  IFLA_ALLMULTI = 61,
  IFLA_DEVLINK_PORT = 62,
  IFLA_GSO_IPV4_MAX_SIZE = 63,
  IFLA_GRO_IPV4_MAX_SIZE = 64,
  IFLA_DPLL_PIN = 65,
  IFLA_MAX_PACING_OFFLOAD_HORIZON = 66,
  IFLA_NETNS_IMMUTABLE = 67,
  IFLA_HEADROOM = 68,
  IFLA_TAILROOM = 69;
export const IFLA_XDP_ATTACHED = 2;
export const IFLA_INET_CONF = 1;
export const IFLA_INET6_FLAGS = 1,
  IFLA_INET6_CONF = 2,
  IFLA_INET6_STATS = 3,
  IFLA_INET6_CACHEINFO = 5,
  IFLA_INET6_ICMP6STATS = 6,
  IFLA_INET6_TOKEN = 7,
  IFLA_INET6_ADDR_GEN_MODE = 8;
/** IFLA_EXT_MASK bits. */
export const RTEXT_FILTER_VF = 1,
  RTEXT_FILTER_SKIP_STATS = 8;
export const IFA_ADDRESS = 1,
  IFA_LOCAL = 2,
  IFA_LABEL = 3,
  IFA_BROADCAST = 4,
  IFA_CACHEINFO = 6,
  IFA_FLAGS = 8,
  IFA_PROTO = 11;
export const RTA_DST = 1,
  RTA_OIF = 4,
  RTA_GATEWAY = 5,
  RTA_PRIORITY = 6,
  RTA_PREFSRC = 7,
  RTA_CACHEINFO = 12,
  RTA_TABLE = 15,
  RTA_PREF = 20;

/** Hundredths of a second since boot (cstamp_delta: jiffies to 1/100 s). */
const centis = (ns: number) => Math.floor(ns / 1e7);

/** rtnl_fill_ifinfo: struct ifinfomsg and the attributes of one device. */
export function fillIfinfo(w: NlWriter, dev: NetDevice, extMask: number): void {
  w.bytes(
    struct(16, (dv) => {
      dv.setUint16(2, dev.type, true);
      dv.setInt32(4, dev.ifindex, true);
      dv.setUint32(8, dev.getFlags(), true);
    }),
  );
  w.str(IFLA_IFNAME, dev.name)
    .u32(IFLA_TXQLEN, dev.txQueueLen)
    .u8(IFLA_OPERSTATE, dev.operstate)
    .u8(IFLA_LINKMODE, dev.linkMode)
    .u8(IFLA_NETNS_IMMUTABLE, dev.flags & 8 ? 1 : 0)
    .u32(IFLA_MTU, dev.mtu)
    .u32(IFLA_MIN_MTU, dev.minMtu)
    .u32(IFLA_MAX_MTU, dev.maxMtu)
    .u32(IFLA_GROUP, dev.group)
    .u32(IFLA_PROMISCUITY, dev.promiscuity)
    .u32(IFLA_ALLMULTI, dev.allmulti)
    .u32(IFLA_NUM_TX_QUEUES, dev.numTxQueues)
    .u32(IFLA_GSO_MAX_SEGS, dev.gsoMaxSegs)
    .u32(IFLA_GSO_MAX_SIZE, dev.gsoMaxSize)
    .u32(IFLA_GRO_MAX_SIZE, dev.groMaxSize)
    .u32(IFLA_GSO_IPV4_MAX_SIZE, dev.gsoMaxSize)
    .u32(IFLA_GRO_IPV4_MAX_SIZE, dev.groMaxSize)
    .u32(IFLA_TSO_MAX_SIZE, dev.tsoMaxSize)
    .u32(IFLA_TSO_MAX_SEGS, dev.tsoMaxSegs)
    .u32(IFLA_MAX_PACING_OFFLOAD_HORIZON, 0)
    .u32(IFLA_NUM_RX_QUEUES, dev.numRxQueues)
    .u8(IFLA_CARRIER, dev.carrier ? 1 : 0)
    .u32(IFLA_CARRIER_CHANGES, dev.carrierUpCount + dev.carrierDownCount)
    .u32(IFLA_CARRIER_UP_COUNT, dev.carrierUpCount)
    .u32(IFLA_CARRIER_DOWN_COUNT, dev.carrierDownCount)
    .u16(IFLA_HEADROOM, 0)
    .u16(IFLA_TAILROOM, 0)
    .u8(IFLA_PROTO_DOWN, 0);
  if (dev.addrLen) w.attr(IFLA_ADDRESS, dev.devAddr.subarray(0, dev.addrLen)).attr(IFLA_BROADCAST, dev.broadcast.subarray(0, dev.addrLen));
  if (!(extMask & RTEXT_FILTER_SKIP_STATS)) {
    const s64 = new Uint8Array(STAT_NAMES.length * 8),
      s32 = new Uint8Array((STAT_NAMES.length - 1) * 4);
    const d64 = new DataView(s64.buffer),
      d32 = new DataView(s32.buffer);
    STAT_NAMES.forEach((n, i) => {
      d64.setBigUint64(i * 8, BigInt(dev.stats[n]), true);
      if (i < STAT_NAMES.length - 1) d32.setUint32(i * 4, dev.stats[n] >>> 0, true);
    });
    w.attr(IFLA_STATS64, s64).attr(IFLA_STATS, s32);
  }
  w.nestStart(IFLA_XDP, false).u8(IFLA_XDP_ATTACHED, 0).nestEnd();
  w.str(IFLA_QDISC, dev.qdisc);
  fillAfSpec(w, dev);
  w.attr(IFLA_MAP, new Uint8Array(32));
  w.nestStart(IFLA_DEVLINK_PORT).nestEnd().nestStart(IFLA_DPLL_PIN).nestEnd();
}

const s32s = (vals: number[]) => struct(vals.length * 4, (dv) => vals.forEach((v, i) => dv.setInt32(i * 4, v, true)));
/** snmp6 counters: the first u64 is the number of counters (__snmp6_fill_stats64). */
const snmp64 = (vals: number[]) => struct(vals.length * 8, (dv) => vals.forEach((v, i) => dv.setBigUint64(i * 8, BigInt(i === 0 ? vals.length : v), true)));

/** IFLA_AF_SPEC: the per-family device data (inet_fill_link_af, inet6_fill_link_af). */
function fillAfSpec(w: NlWriter, dev: NetDevice): void {
  w.nestStart(IFLA_AF_SPEC, false);
  if (dev.inDev) w.nestStart(2, false).attr(IFLA_INET_CONF, s32s(dev.inDev.devconf)).nestEnd();
  const i6 = dev.in6Dev;
  if (i6) {
    w.nestStart(10, false).u32(IFLA_INET6_FLAGS, i6.flags);
    w.attr(
      IFLA_INET6_CACHEINFO,
      struct(16, (dv) => {
        dv.setUint32(0, 65535, true); // max_reasm_len
        dv.setUint32(4, centis(i6.tstamp), true);
        dv.setUint32(8, i6.reachableTime, true);
        dv.setUint32(12, i6.retransTime, true);
      }),
    );
    w.attr(IFLA_INET6_CONF, s32s(i6.devconf))
      .attr(IFLA_INET6_STATS, snmp64(i6.stats))
      .attr(IFLA_INET6_ICMP6STATS, snmp64(i6.icmp6Stats))
      .attr(IFLA_INET6_TOKEN, i6.token)
      .u8(IFLA_INET6_ADDR_GEN_MODE, i6.addrGenMode)
      .nestEnd();
  }
  w.nestEnd();
}

function cacheinfo(prefered: number, valid: number, cstamp: number, tstamp: number): Uint8Array {
  return struct(16, (dv) => {
    dv.setUint32(0, prefered, true);
    dv.setUint32(4, valid, true);
    dv.setUint32(8, centis(cstamp), true);
    dv.setUint32(12, centis(tstamp), true);
  });
}

/** inet_fill_ifaddr and inet6_fill_ifaddr for every address of a family (0: both, IPv4 first). */
function addrMessages(req: NetlinkRequest, family: number, index: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const devs = req.net.devices.filter((d) => !index || d.ifindex === index);
  if (family === 0 || family === 2) {
    for (const dev of devs)
      for (const ifa of dev.inDev?.ifaList ?? []) {
        const w = req.reply(new NlWriter(), RTM_NEWADDR, NLM_F_MULTI);
        w.bytes(
          struct(8, (dv, b) => {
            b[0] = 2;
            b[1] = ifa.prefixlen;
            b[2] = ifa.flags & 0xff;
            b[3] = ifa.scope;
            dv.setUint32(4, dev.ifindex, true);
          }),
        );
        w.attr(IFA_ADDRESS, ifa.address).attr(IFA_LOCAL, ifa.local);
        if (ifa.broadcast.some((x) => x)) w.attr(IFA_BROADCAST, ifa.broadcast);
        w.str(IFA_LABEL, ifa.label)
          .u32(IFA_FLAGS, ifa.flags)
          .attr(IFA_CACHEINFO, cacheinfo(ifa.preferredLft, ifa.validLft, ifa.cstamp, ifa.tstamp));
        out.push(w.end().data());
      }
  }
  if (family === 0 || family === 10) {
    for (const dev of devs)
      for (const ifa of dev.in6Dev?.addrList ?? []) {
        const w = req.reply(new NlWriter(), RTM_NEWADDR, NLM_F_MULTI);
        w.bytes(
          struct(8, (dv, b) => {
            b[0] = 10;
            b[1] = ifa.prefixlen;
            b[2] = ifa.flags & 0xff;
            b[3] = ifa.scope;
            dv.setUint32(4, dev.ifindex, true);
          }),
        );
        w.attr(IFA_ADDRESS, ifa.addr)
          .attr(IFA_CACHEINFO, cacheinfo(ifa.preferredLft, ifa.validLft, ifa.cstamp, ifa.tstamp))
          .u32(IFA_FLAGS, ifa.flags);
        if (ifa.proto) w.u8(IFA_PROTO, ifa.proto);
        out.push(w.end().data());
      }
  }
  return out;
}

/** fib_dump_info / rt6_fill_node */
function routeMessage(req: NetlinkRequest, r: FibRoute, flags: number): Uint8Array {
  const w = req.reply(new NlWriter(), RTM_NEWROUTE, flags);
  w.bytes(
    struct(12, (_dv, b) => {
      b[0] = r.family;
      b[1] = r.dstLen;
      b[2] = 0;
      b[3] = 0;
      b[4] = r.table < 256 ? r.table : 252;
      b[5] = r.protocol;
      b[6] = r.scope;
      b[7] = r.type;
    }),
  );
  w.u32(RTA_TABLE, r.table);
  if (r.dstLen) w.attr(RTA_DST, r.dst);
  if (r.priority !== null && r.family === 10) w.u32(RTA_PRIORITY, r.priority);
  if (r.prefsrc) w.attr(RTA_PREFSRC, r.prefsrc);
  if (r.gateway) w.attr(RTA_GATEWAY, r.gateway);
  w.u32(RTA_OIF, r.oif.ifindex);
  if (r.family === 10) {
    // rta_cacheinfo: no use, expiry or error recorded for a local route.
    w.attr(RTA_CACHEINFO, new Uint8Array(32));
    w.u8(RTA_PREF, ICMPV6_ROUTER_PREF_MEDIUM);
  }
  return w.end().data();
}

function routes(net: Net, family: number): FibRoute[] {
  if (family === 2) return fib4Routes(net.devices);
  if (family === 10) return fib6Routes(net.devices);
  return [...fib4Routes(net.devices), ...fib6Routes(net.devices)];
}

function getLink(req: NetlinkRequest): ReturnType<typeof rtnetlinkInput> {
  const { msg } = req;
  const attrs = parseAttrs(msg.payload, 16);
  const extMask = attrU32(attrs.get(IFLA_EXT_MASK)) ?? 0;
  const fill = (dev: NetDevice, flags: number) => {
    const w = req.reply(new NlWriter(), RTM_NEWLINK, flags);
    fillIfinfo(w, dev, extMask);
    return w.end().data();
  };
  if (msg.flags & NLM_F_DUMP) return { dump: req.net.devices.map((d) => fill(d, NLM_F_MULTI)) };
  if (msg.payload.length < 16) return -EINVAL;
  const index = new DataView(msg.payload.buffer, msg.payload.byteOffset).getInt32(4, true);
  const nameAttr = attrs.get(IFLA_IFNAME);
  let dev: NetDevice | null;
  if (index > 0) dev = req.net.byIndex(index);
  else if (nameAttr) dev = req.net.byName(new TextDecoder().decode(nameAttr).replace(/\0.*$/s, ''));
  else return -EINVAL;
  if (!dev) return -ENODEV;
  return { unicast: fill(dev, 0) };
}

function getAddr(req: NetlinkRequest): ReturnType<typeof rtnetlinkInput> {
  const { msg } = req;
  if (!(msg.flags & NLM_F_DUMP)) return -EOPNOTSUPP;
  const family = msg.payload[0] ?? 0;
  // Strict requests may name one device (ifa_index); others dump all.
  const index = req.sk.strict && msg.payload.length >= 8 ? new DataView(msg.payload.buffer, msg.payload.byteOffset).getUint32(4, true) : 0;
  if (index && !req.net.byIndex(index)) return -ENODEV;
  return { dump: addrMessages(req, family, index) };
}

function getRoute(req: NetlinkRequest): ReturnType<typeof rtnetlinkInput> {
  const { msg } = req;
  if (!(msg.flags & NLM_F_DUMP)) return -EOPNOTSUPP;
  const family = msg.payload[0] ?? 0;
  let list = routes(req.net, family);
  if (req.sk.strict && msg.payload.length >= 12) {
    const table = attrU32(parseAttrs(msg.payload, 12).get(RTA_TABLE)) ?? msg.payload[4];
    if (table) list = list.filter((r) => r.table === table);
  }
  return { dump: list.map((r) => routeMessage(req, r, NLM_F_MULTI)) };
}

/** rtnetlink_rcv_msg: GET requests run; changes need CAP_NET_ADMIN and are not supported yet. */
function rtnetlinkInput(req: NetlinkRequest): number | { dump: Uint8Array[] } | { unicast: Uint8Array } {
  const type = req.msg.type;
  if (type > 127) return -EOPNOTSUPP;
  const get = (type & 3) === 2;
  if (!get && !req.caller.capable(CAP_NET_ADMIN)) return -EPERM;
  switch (type) {
    case RTM_GETLINK:
      return getLink(req);
    case RTM_GETADDR:
      return getAddr(req);
    case RTM_GETROUTE:
      return getRoute(req);
  }
  // Other GET dumps (neighbours, rules, qdiscs...) have nothing to list yet.
  if (get && req.msg.flags & NLM_F_DUMP && type >= 16 && type < 127) return { dump: [] };
  return -EOPNOTSUPP;
}

netlinkKernelCreate({ protocol: NETLINK_ROUTE, name: 'rtnl', input: rtnetlinkInput });
