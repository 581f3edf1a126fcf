// Decoders for ppoll and pselect6: the descriptor sets go in at entry, and
// the ready ones come back as a note after the return value.
import type { Call, Decoder, DecoderTable } from './call.js';
import { ptr } from './fmt.js';
import { readBytes, readStruct } from './mem.js';
import { MAX_STRLEN } from './quote.js';
import { flags } from './xlat.js';
import { printSigsetAt } from './signals.js';
import { printTimespec } from './struct-time.js';
import { POLL_EVENTS as POLL } from './tables-misc.js';

function fdSet(c: Call, addr: bigint, nfds: number): { text: string; fds: number[] } | null {
  const bytes = Math.ceil(nfds / 64) * 8;
  const b = readBytes(c.mem, addr, bytes);
  if (!b) return null;
  const fds: number[] = [];
  for (let i = 0; i < nfds; i++) if (b[i >> 3]! & (1 << (i & 7))) fds.push(i);
  return { text: `[${fds.join(' ')}]`, fds };
}

const pselect6: Decoder = {
  enter(c) {
    const n = c.int(0);
    c.push(String(n));
    for (let i = 1; i <= 3; i++) {
      const a = c.a(i);
      c.push(a === 0n ? 'NULL' : n < 0 || n > 1024 * 64 ? ptr(a) : (fdSet(c, a, n)?.text ?? ptr(a)));
    }
    c.push(printTimespec(c.mem, c.a(4)));
    const sm = c.a(5);
    if (sm === 0n) c.push('NULL');
    else {
      const v = readStruct(c.mem, sm, 16);
      c.push(v ? `{sigmask=${printSigsetAt(c.mem, v.u64(0), v.u64(8))}, sigsetsize=${v.u64(8)}}` : ptr(sm));
    }
  },
  exit(c) {
    if (c.failed) return;
    if (c.ret === 0n) {
      c.retNote = ' (Timeout)';
      return;
    }
    const n = c.int(0),
      names = ['in', 'out', 'except'],
      out: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const a = c.a(i);
      if (a === 0n) continue;
      const s = fdSet(c, a, n);
      if (s && s.fds.length) out.push(`${names[i - 1]} ${s.text}`);
    }
    if (c.a(4) !== 0n) out.push(`left ${printTimespec(c.mem, c.a(4))}`);
    c.retNote = ` (${out.join(', ')})`;
  },
};

const ppoll: Decoder = {
  enter(c) {
    const addr = c.a(0),
      n = c.uint(1);
    if (addr === 0n) c.push('NULL');
    else {
      const shown = Math.min(n, MAX_STRLEN);
      const b = readStruct(c.mem, addr, shown * 8);
      if (!b) c.push(ptr(addr));
      else {
        const items: string[] = [];
        for (let i = 0; i < shown; i++) {
          const fd = b.i32(i * 8),
            ev = b.u16(i * 8 + 4);
          items.push(fd < 0 ? `{fd=${fd}}` : `{fd=${fd}, events=${flags(POLL, ev, 'POLL???')}}`);
        }
        if (n > shown) items.push('...');
        c.push(`[${items.join(', ')}]`);
      }
    }
    c.pushUint(1);
    c.push(printTimespec(c.mem, c.a(2)));
    c.push(printSigsetAt(c.mem, c.a(3), c.a(4)));
    c.pushUlong(4);
  },
  exit(c) {
    if (c.failed) return;
    if (c.ret === 0n) {
      c.retNote = ' (Timeout)';
      return;
    }
    const n = Math.min(c.uint(1), 1024);
    const b = readStruct(c.mem, c.a(0), n * 8);
    if (!b) return;
    const items: string[] = [];
    for (let i = 0; i < n; i++) {
      const fd = b.i32(i * 8),
        rev = b.u16(i * 8 + 6);
      if (fd >= 0 && rev) items.push(`{fd=${fd}, revents=${flags(POLL, rev, 'POLL???')}}`);
    }
    const left = c.a(2) !== 0n ? `, left ${printTimespec(c.mem, c.a(2))}` : '';
    c.retNote = ` ([${items.join(', ')}]${left})`;
  },
};

export const pollDecoders: DecoderTable = { pselect6, ppoll };
