// Seed mode's pieces on their own: the generator against the reference
// outputs of xoshiro128**, and the console input schedule (chunks, the gap,
// the deadline, end of input, waiting for a slow host) on a fake machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Xoshiro128 } from '../../src/kernel/seed/prng.js';
import { chunkLength, SeededConsole, INPUT_GAP_NS, INPUT_MAX_WAIT_NS, type SeedMachine } from '../../src/kernel/seed/input.js';
import { TimerQueue } from '../../src/kernel/time/timers.js';
import type { HostConsole } from '../../src/kernel/host.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

test('xoshiro128** gives the reference outputs', () => {
  const a = Xoshiro128.fromState([1, 2, 3, 4]);
  assert.deepEqual(
    Array.from({ length: 6 }, () => a.next()),
    [11520, 0, 5927040, 70819200, 2031721883, 1637235492],
  );
  const b = Xoshiro128.fromState([0, 1, 2, 3]);
  assert.deepEqual(
    Array.from({ length: 6 }, () => b.next()),
    [5760, 17280, 2966400, 32451840, 2604340873, 3891234569],
  );
});

test('the same seed gives the same bytes, another seed others', () => {
  const bytes = (seed: number, n: number) => {
    const b = new Uint8Array(n);
    new Xoshiro128(seed).fill(b);
    return b;
  };
  assert.deepEqual(bytes(42, 37), bytes(42, 37));
  assert.notDeepEqual(bytes(42, 16), bytes(43, 16));
  // Bytes come four per output, so reads of any length see one stream.
  assert.deepEqual(bytes(7, 7), bytes(7, 8).subarray(0, 7));
  assert.notDeepEqual(bytes(0, 16), new Uint8Array(16));
});

test('chunks: a line, a lone control byte, a run of other bytes', () => {
  const len = (s: string, final = false) => chunkLength(enc.encode(s), final);
  assert.equal(len('abc\ndef'), 4);
  assert.equal(len('\n'), 1);
  assert.equal(len('\x03abc'), 1);
  assert.equal(len('\x1b[A'), 1);
  assert.equal(len('ab\x03'), 2);
  assert.equal(len('a\tb\n'), 4, 'a tab is part of a line');
  assert.equal(len('ls\r\n'), 2, "'\\r' is a control byte of its own");
  assert.equal(len('abc'), 0, 'more could follow');
  assert.equal(len('abc', true), 3);
  assert.equal(len('', true), 0);
});

/** A fake machine: virtual time moves only when told; the host console is scripted. */
function rig(input: string | null, opts: { busy?: boolean } = {}) {
  const timers = new TimerQueue();
  let now = 0;
  const idleFns: (() => void)[] = [];
  const state = { busy: opts.busy ?? false, stalled: null as Promise<void> | null };
  const m: SeedMachine = {
    now: () => now,
    timers,
    idle: () => !state.busy,
    onIdle: (fn) => idleFns.push(fn),
    stall: (p) => {
      state.stalled = p;
      p.then(() => {
        state.stalled = null;
      });
    },
    kick() {},
  };
  // The host: all of `input` at once then its end, or (null) whatever feed() gives later.
  const hostQueue: (Uint8Array | null)[] = input === null ? [] : [enc.encode(input), null];
  let hostWaiter: ((d: Uint8Array | null) => void) | null = null;
  const host: HostConsole = {
    stdout: { write() {}, isTty: false },
    stderr: { write() {}, isTty: false },
    stdinIsTty: false,
    winsize: () => null,
    requestInput(d) {
      if (hostQueue.length) d(hostQueue.shift()!);
      else hostWaiter = d;
    },
  };
  const con = new SeededConsole(host, m);
  const got: [number, string | null][] = [];
  const read = () => con.requestInput((d) => got.push([now, d && dec.decode(d)]));
  return {
    con,
    got,
    read,
    state,
    now: () => now,
    /** Run virtual time to t, firing timers on the way. */
    advance(t: number) {
      while (timers.next() <= t) {
        now = timers.next();
        timers.expire(now);
      }
      now = t;
    },
    /** The machine is about to idle. */
    idle() {
      for (const fn of idleFns) fn();
    },
    feed(d: string | null) {
      const w = hostWaiter!;
      hostWaiter = null;
      w(d === null ? null : enc.encode(d));
    },
  };
}

test('an idle machine gets one chunk per gap, then the end of input, then nothing', () => {
  // A reader that asks again at once (as a console driver keeps one request open).
  const r = rig('one\n\x03two\n');
  const again = () =>
    r.con.requestInput((d) => {
      r.got.push([r.now(), d && dec.decode(d)]);
      again();
    });
  again();
  r.advance(1_000_000_000);
  const G = INPUT_GAP_NS;
  assert.deepEqual(r.got, [
    [G, 'one\n'],
    [2 * G, '\x03'],
    [3 * G, 'two\n'],
    [4 * G, null],
  ]);
});

test('a reader that asks late gets a chunk that is due at once', () => {
  const r = rig('one\ntwo\n');
  for (let i = 0; i < 4; i++) {
    r.read();
    r.advance((i + 1) * 50_000_000);
  }
  assert.deepEqual(r.got, [
    [INPUT_GAP_NS, 'one\n'],
    [50_000_000, 'two\n'],
    [100_000_000, null],
  ]);
});

test('a chunk waits for a reader, then goes when asked', () => {
  const r = rig('hi\n');
  r.advance(300_000_000);
  assert.deepEqual(r.got, []);
  r.read();
  assert.deepEqual(r.got, [[300_000_000, 'hi\n']]);
});

test('a busy machine gets its input at the first idle moment after the gap, or at the deadline', () => {
  const r = rig('a\nb\n', { busy: true });
  r.read();
  r.advance(500_000_000);
  assert.deepEqual(r.got, [], 'never idle yet');
  r.state.busy = false;
  r.idle();
  assert.deepEqual(r.got, [[500_000_000, 'a\n']]);
  r.state.busy = true;
  r.read();
  r.advance(500_000_000 + INPUT_GAP_NS / 2);
  r.idle(); // idle before the gap has passed: too early
  assert.equal(r.got.length, 1);
  r.advance(3_000_000_000);
  assert.deepEqual(r.got[1], [500_000_000 + INPUT_MAX_WAIT_NS, 'b\n']);
});

test('a chunk the host still owes stops the machine until it comes', async () => {
  const r = rig(null);
  r.read();
  r.advance(INPUT_GAP_NS);
  assert.ok(r.state.stalled, 'due with nothing from the host: the machine waits');
  r.feed('par');
  assert.ok(r.state.stalled, 'half a line is not a chunk yet');
  r.feed('tial\nnext');
  await Promise.resolve();
  assert.deepEqual(r.got, [[INPUT_GAP_NS, 'partial\n']]);
  await new Promise((res) => setImmediate(res));
  assert.equal(r.state.stalled, null);
  r.read();
  r.advance(2 * INPUT_GAP_NS);
  assert.ok(r.state.stalled, "a run of bytes may go on: wait for the host's next bytes or end");
  r.feed(null);
  assert.deepEqual(r.got[1], [2 * INPUT_GAP_NS, 'next']);
});
