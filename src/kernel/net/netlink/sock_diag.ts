// NETLINK_SOCK_DIAG (net/core/sock_diag.c and the inet_diag, unix_diag,
// netlink_diag and packet_diag handlers): dumps of the sockets of each
// family, as ss(8) asks for them.
import { EINVAL, ENOENT, EOPNOTSUPP } from '../../errno.js';
import { AF_INET, AF_INET6, AF_MAX, AF_NETLINK, AF_PACKET, AF_UNIX, SOCK_STREAM, SOCK_RAW, SOCK_DGRAM, SS_CONNECTED } from '../socket.js';
import { InetSock, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_RAW, IPPROTO_UDPLITE, TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN } from '../af_inet.js';
import { UnixSock, unixSockets } from '../af_unix.js';
import { netlinkKernelCreate, netlinkKernelSockets, netlinkUserSockets, NETLINK_SOCK_DIAG, type NetlinkRequest, type NetlinkSock } from './af_netlink.js';
import { NLM_F_DUMP, NLM_F_MULTI, NlWriter, attrU32, parseAttrs, struct } from './message.js';

export const SOCK_DIAG_BY_FAMILY = 20,
  SOCK_DESTROY = 21;
export const UDIAG_SHOW_NAME = 1,
  UDIAG_SHOW_VFS = 2,
  UDIAG_SHOW_PEER = 4,
  UDIAG_SHOW_ICONS = 8,
  UDIAG_SHOW_RQLEN = 16,
  UDIAG_SHOW_MEMINFO = 32,
  UDIAG_SHOW_UID = 64;
export const UNIX_DIAG_NAME = 0,
  UNIX_DIAG_VFS = 1,
  UNIX_DIAG_PEER = 2,
  UNIX_DIAG_ICONS = 3,
  UNIX_DIAG_RQLEN = 4,
  UNIX_DIAG_MEMINFO = 5,
  UNIX_DIAG_SHUTDOWN = 6,
  UNIX_DIAG_UID = 7;
export const NDIAG_SHOW_MEMINFO = 1,
  NDIAG_SHOW_GROUPS = 2,
  NDIAG_SHOW_FLAGS = 8,
  NDIAG_PROTO_ALL = 255;
export const NETLINK_DIAG_MEMINFO = 0,
  NETLINK_DIAG_GROUPS = 1,
  NETLINK_DIAG_FLAGS = 4;
export const INET_DIAG_REQ_PROTOCOL = 3;
export const INET_DIAG_MEMINFO = 1,
  INET_DIAG_INFO = 2,
  INET_DIAG_SHUTDOWN = 8,
  INET_DIAG_SKMEMINFO = 7;

/** sk_meminfo: SK_MEMINFO_VARS u32 counters. */
function skMeminfo(rmem: number, rcvbuf: number, sndbuf: number): Uint8Array {
  return struct(36, (dv) => {
    dv.setUint32(0, rmem, true);
    dv.setUint32(4, rcvbuf, true);
    dv.setUint32(12, sndbuf, true);
  });
}

function inetDump(req: NetlinkRequest, family: number): Uint8Array[] {
  const p = req.msg.payload;
  if (p.length < 56) return [];
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const protocol = p[1],
    ext = p[2],
    states = dv.getUint32(4, true);
  const want = protocol === IPPROTO_RAW ? [SOCK_RAW] : protocol === IPPROTO_TCP ? [SOCK_STREAM] : [SOCK_DGRAM];
  const out: Uint8Array[] = [];
  for (const s of req.net.sockets) {
    const sk = s.sk;
    if (!(sk instanceof InetSock) || sk.family !== family || !want.includes(s.type)) continue;
    if (protocol !== IPPROTO_RAW && sk.protocol !== protocol) continue;
    if (!(states & (1 << sk.state))) continue;
    if (s.type !== SOCK_RAW && !sk.sport && sk.state !== TCP_LISTEN) continue; // not hashed
    const w = req.reply(new NlWriter(), SOCK_DIAG_BY_FAMILY, NLM_F_MULTI);
    w.bytes(
      struct(72, (d, b) => {
        b[0] = family;
        b[1] = sk.state;
        d.setUint16(4, sk.sport, false);
        d.setUint16(6, sk.dport, false);
        b.set(sk.saddr, 8);
        b.set(sk.daddr, 24);
        d.setUint32(44, sk.cookie, true);
        d.setUint32(56, sk.state === TCP_LISTEN ? 0 : sk.receiveQueue.bytes, true);
        d.setUint32(60, sk.state === TCP_LISTEN ? sk.backlog : 0, true);
        d.setUint32(64, sk.uid, true);
        d.setUint32(68, s.ino, true);
      }),
    );
    if (ext & (1 << (INET_DIAG_SKMEMINFO - 1))) w.attr(INET_DIAG_SKMEMINFO, skMeminfo(sk.receiveQueue.bytes, sk.rcvbuf, sk.sndbuf));
    w.u8(INET_DIAG_SHUTDOWN, sk.shutdown);
    if (s.type === SOCK_RAW) w.u8(5 /* INET_DIAG_PROTOCOL */, sk.protocol);
    out.push(w.end().data());
  }
  return out;
}

/** unix_diag state numbers follow TCP's. */
function unixState(sk: UnixSock): number {
  if (sk.listening) return TCP_LISTEN;
  return sk.socket?.state === SS_CONNECTED ? TCP_ESTABLISHED : TCP_CLOSE;
}

function unixDump(req: NetlinkRequest): Uint8Array[] {
  const p = req.msg.payload;
  if (p.length < 24) return [];
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const states = dv.getUint32(4, true),
    show = dv.getUint32(12, true);
  const out: Uint8Array[] = [];
  for (const { sock, sk } of unixSockets(req.net)) {
    const st = unixState(sk);
    if (!(states & (1 << st))) continue;
    const w = req.reply(new NlWriter(), SOCK_DIAG_BY_FAMILY, NLM_F_MULTI);
    w.bytes(
      struct(16, (d, b) => {
        b[0] = AF_UNIX;
        b[1] = sock.type;
        b[2] = st;
        d.setUint32(4, sock.ino, true);
        d.setUint32(8, sk.cookie, true);
      }),
    );
    if (show & UDIAG_SHOW_NAME && sk.name) {
      // The name as bound: for a path, its bytes and the NUL that bind counted.
      w.attr(UNIX_DIAG_NAME, sk.name.subarray(2));
    }
    if (show & UDIAG_SHOW_VFS && sk.inode)
      w.attr(
        UNIX_DIAG_VFS,
        struct(8, (d) => {
          d.setUint32(0, sk.inode!.ino, true);
          d.setUint32(4, sk.inode!.sb.dev, true);
        }),
      );
    if (show & UDIAG_SHOW_PEER && sk.peer?.socket) w.u32(UNIX_DIAG_PEER, sk.peer.socket.ino);
    if (show & UDIAG_SHOW_ICONS && sk.listening) {
      const icons = sk.acceptQueue.map((e) => (e.sk as UnixSock).peer?.socket?.ino ?? 0);
      w.attr(
        UNIX_DIAG_ICONS,
        struct(icons.length * 4, (d) => icons.forEach((v, i) => d.setUint32(i * 4, v, true))),
      );
    }
    if (show & UDIAG_SHOW_RQLEN) {
      const rq = sk.listening ? sk.acceptQueue.length : sk.receiveQueue.bytes;
      const wq = sk.listening ? sk.backlog : (sk.peer?.receiveQueue.bytes ?? 0);
      w.attr(
        UNIX_DIAG_RQLEN,
        struct(8, (d) => {
          d.setUint32(0, rq, true);
          d.setUint32(4, wq, true);
        }),
      );
    }
    if (show & UDIAG_SHOW_MEMINFO) w.attr(UNIX_DIAG_MEMINFO, skMeminfo(sk.receiveQueue.bytes, sk.rcvbuf, sk.sndbuf));
    w.u8(UNIX_DIAG_SHUTDOWN, sk.shutdown);
    if (show & UDIAG_SHOW_UID) w.u32(UNIX_DIAG_UID, sk.uid);
    out.push(w.end().data());
  }
  return out;
}

function netlinkDump(req: NetlinkRequest): Uint8Array[] {
  const p = req.msg.payload;
  if (p.length < 20) return [];
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const protocol = p[1],
    show = dv.getUint32(8, true);
  const rows: [NetlinkSock, number][] = netlinkKernelSockets(req.net).map((s) => [s.sk as NetlinkSock, s.ino]);
  for (const sk of netlinkUserSockets(req.net)) rows.push([sk, sk.socket?.ino ?? 0]);
  const out: Uint8Array[] = [];
  for (const [sk, ino] of rows) {
    if (protocol !== NDIAG_PROTO_ALL && sk.protocol !== protocol) continue;
    const w = req.reply(new NlWriter(), SOCK_DIAG_BY_FAMILY, NLM_F_MULTI);
    w.bytes(
      struct(28, (d, b) => {
        b[0] = AF_NETLINK;
        b[1] = SOCK_RAW;
        b[2] = sk.protocol;
        b[3] = sk.dstPortid || sk.dstGroup ? 1 : 0;
        d.setUint32(4, sk.portid, true);
        d.setUint32(8, sk.dstPortid, true);
        d.setUint32(12, sk.dstGroup, true);
        d.setUint32(16, ino, true);
        d.setUint32(20, sk.cookie, true);
      }),
    );
    if (show & NDIAG_SHOW_GROUPS && sk.groups) w.u32(NETLINK_DIAG_GROUPS, sk.groups);
    if (show & NDIAG_SHOW_MEMINFO) w.attr(NETLINK_DIAG_MEMINFO, skMeminfo(sk.receiveQueue.bytes, sk.rcvbuf, sk.sndbuf));
    if (show & NDIAG_SHOW_FLAGS) w.u32(NETLINK_DIAG_FLAGS, 0);
    out.push(w.end().data());
  }
  return out;
}

function sockDiagInput(req: NetlinkRequest): number | { dump: Uint8Array[] } {
  const { msg } = req;
  if (msg.type !== SOCK_DIAG_BY_FAMILY) return msg.type === SOCK_DESTROY ? -EOPNOTSUPP : -EINVAL;
  if (msg.payload.length < 2) return -EINVAL;
  const family = msg.payload[0];
  if (family >= AF_MAX) return -EINVAL;
  // Single-socket lookups (no NLM_F_DUMP) find nothing by cookie here.
  const dump = (msg.flags & NLM_F_DUMP) === NLM_F_DUMP;
  switch (family) {
    case AF_INET:
    case AF_INET6: {
      const proto = msg.payload[1];
      if (![IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_RAW].includes(proto)) return -ENOENT;
      // Protocols past 255 (MPTCP) are named by an attribute; none is built in.
      const wide = attrU32(parseAttrs(msg.payload, 56).get(INET_DIAG_REQ_PROTOCOL));
      if (wide !== undefined && wide !== proto) return -ENOENT;
      return dump ? { dump: inetDump(req, family) } : -ENOENT;
    }
    case AF_UNIX:
      return dump ? { dump: unixDump(req) } : -ENOENT;
    case AF_NETLINK:
      return dump ? { dump: netlinkDump(req) } : -ENOENT;
    case AF_PACKET:
      return dump ? { dump: [] } : -ENOENT;
  }
  return -ENOENT;
}

netlinkKernelCreate({ protocol: NETLINK_SOCK_DIAG, name: 'sock_diag', input: sockDiagInput });
