// struct sk_buff, reduced to what the socket layer needs so far: the bytes of
// one datagram (or a piece of a stream), who sent it, and its credentials.
import type { File } from '../fs/file.js';
export interface SkBuff {
  data: Uint8Array;
  /** The sender's address as a sockaddr (recvmsg's msg_name), or null. */
  from: Uint8Array | null;
  /** Bytes of a stream skb already consumed. */
  off?: number;
  /** Descriptors passed with SCM_RIGHTS (AF_UNIX): references held while in flight. */
  files?: File[];
  cred?: { pid: number; uid: number; gid: number };
}

/** A socket's receive queue with its byte count (sk_rmem_alloc). */
export class SkbQueue {
  readonly list: SkBuff[] = [];
  bytes = 0;
  get empty(): boolean {
    return this.list.length === 0;
  }
  get length(): number {
    return this.list.length;
  }
  push(skb: SkBuff): void {
    this.list.push(skb);
    this.bytes += skb.data.length;
  }
  peek(): SkBuff | undefined {
    return this.list[0];
  }
  shift(): SkBuff | undefined {
    const skb = this.list.shift();
    if (skb) this.bytes -= skb.data.length - (skb.off ?? 0);
    return skb;
  }
  /** A stream consumed n bytes of the head skb. */
  consume(n: number): void {
    const skb = this.list[0];
    skb.off = (skb.off ?? 0) + n;
    this.bytes -= n;
    if (skb.off >= skb.data.length) {
      this.list.shift();
    }
  }
  /** Drop everything; descriptors in flight lose the queue's reference (they close if it was the last). */
  clear(): void {
    for (const skb of this.list) for (const f of skb.files ?? []) f.put();
    this.list.length = 0;
    this.bytes = 0;
  }
}
