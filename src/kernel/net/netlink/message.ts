// Netlink message encoding (include/net/netlink.h, lib/nlattr.c): struct
// nlmsghdr, 4-byte alignment, and type-length-value attributes, built into
// one growing buffer and parsed back.

export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1,
  NLMSG_ERROR = 2,
  NLMSG_DONE = 3,
  NLMSG_OVERRUN = 4,
  NLMSG_MIN_TYPE = 0x10;
export const NLM_F_REQUEST = 0x1,
  NLM_F_MULTI = 0x2,
  NLM_F_ACK = 0x4,
  NLM_F_ECHO = 0x8,
  NLM_F_DUMP_INTR = 0x10,
  NLM_F_DUMP_FILTERED = 0x20,
  NLM_F_ROOT = 0x100,
  NLM_F_MATCH = 0x200,
  NLM_F_ATOMIC = 0x400,
  NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH,
  NLM_F_CAPPED = 0x100,
  NLM_F_ACK_TLVS = 0x200;
export const NLA_F_NESTED = 0x8000,
  NLA_F_NET_BYTEORDER = 0x4000,
  NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

export const nlAlign = (n: number) => (n + 3) & ~3;

export interface NlMsgHdr {
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

/** A received request: its header, the payload after it, and the whole message. */
export interface NlMsg extends NlMsgHdr {
  payload: Uint8Array;
  raw: Uint8Array;
}

/** Builds a run of netlink messages. */
export class NlWriter {
  private buf = new Uint8Array(1024);
  private dv = new DataView(this.buf.buffer);
  len = 0;
  private msgStart = -1;
  private nests: number[] = [];

  private reserve(n: number): number {
    const at = this.len;
    const need = at + nlAlign(n);
    if (need > this.buf.length) {
      const nb = new Uint8Array(Math.max(need, this.buf.length * 2));
      nb.set(this.buf.subarray(0, this.len));
      this.buf = nb;
      this.dv = new DataView(nb.buffer);
    }
    this.buf.fill(0, at, need);
    this.len = need;
    return at;
  }

  /** nlmsg_put: a header; the length is set by end(). */
  begin(type: number, flags: number, seq: number, pid: number): this {
    const at = this.reserve(NLMSG_HDRLEN);
    this.msgStart = at;
    this.dv.setUint16(at + 4, type, true);
    this.dv.setUint16(at + 6, flags, true);
    this.dv.setUint32(at + 8, seq >>> 0, true);
    this.dv.setUint32(at + 12, pid >>> 0, true);
    return this;
  }

  /** Fixed-size family header or payload bytes, padded to 4. */
  bytes(b: Uint8Array): this {
    const at = this.reserve(b.length);
    this.buf.set(b, at);
    return this;
  }

  end(): this {
    this.dv.setUint32(this.msgStart, this.len - this.msgStart, true);
    this.msgStart = -1;
    return this;
  }

  attr(type: number, payload: Uint8Array): this {
    const at = this.reserve(4 + payload.length);
    this.dv.setUint16(at, 4 + payload.length, true);
    this.dv.setUint16(at + 2, type, true);
    this.buf.set(payload, at + 4);
    return this;
  }
  u8(type: number, v: number): this {
    return this.attr(type, Uint8Array.of(v & 0xff));
  }
  u16(type: number, v: number): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, true);
    return this.attr(type, b);
  }
  u32(type: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return this.attr(type, b);
  }
  u64(type: number, v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    return this.attr(type, b);
  }
  /** NUL-terminated string. */
  str(type: number, s: string): this {
    return this.attr(type, new TextEncoder().encode(s + '\0'));
  }

  /** nla_nest_start (flag true) / nla_nest_start_noflag. */
  nestStart(type: number, flag = true): this {
    const at = this.reserve(4);
    this.dv.setUint16(at + 2, type | (flag ? NLA_F_NESTED : 0), true);
    this.nests.push(at);
    return this;
  }
  nestEnd(): this {
    const at = this.nests.pop()!;
    this.dv.setUint16(at, this.len - at, true);
    return this;
  }

  /** Message boundaries so far: offsets where each message starts. */
  data(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Fixed-size little-endian struct (family headers such as ifinfomsg). */
export function struct(size: number, fill: (dv: DataView, b: Uint8Array) => void): Uint8Array {
  const b = new Uint8Array(size);
  fill(new DataView(b.buffer), b);
  return b;
}

/** Splits a sent buffer into messages, stopping at the first malformed one (netlink_rcv_skb). */
export function parseMessages(buf: Uint8Array): NlMsg[] {
  const out: NlMsg[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (buf.length - off >= NLMSG_HDRLEN) {
    const len = dv.getUint32(off, true);
    if (len < NLMSG_HDRLEN || len > buf.length - off) break;
    out.push({
      len,
      type: dv.getUint16(off + 4, true),
      flags: dv.getUint16(off + 6, true),
      seq: dv.getUint32(off + 8, true),
      pid: dv.getUint32(off + 12, true),
      payload: buf.subarray(off + NLMSG_HDRLEN, off + len),
      raw: buf.subarray(off, off + len),
    });
    off += nlAlign(len);
  }
  return out;
}

/** Attributes after a fixed header of `hdr` bytes: type (flags masked off) -> payload. */
export function parseAttrs(payload: Uint8Array, hdr: number): Map<number, Uint8Array> {
  const m = new Map<number, Uint8Array>();
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let off = nlAlign(hdr);
  while (payload.length - off >= 4) {
    const len = dv.getUint16(off, true),
      type = dv.getUint16(off + 2, true) & NLA_TYPE_MASK;
    if (len < 4 || len > payload.length - off) break;
    m.set(type, payload.subarray(off + 4, off + len));
    off += nlAlign(len);
  }
  return m;
}

export const attrU32 = (a: Uint8Array | undefined): number | undefined =>
  a && a.length >= 4 ? new DataView(a.buffer, a.byteOffset, 4).getUint32(0, true) : undefined;
