// The block layer's request queue and I/O schedulers (issue 14 §4), against
// the policies Linux's sources define: blk-merge.c's back and front merges
// up to max_sectors, plugging (blk_attempt_plug_merge), none's arrival
// order, mq-deadline's sector-sorted batches with FIFO expiry and
// writes_starved (mq-deadline.c), kyber's domain batches (kyber-iosched.c),
// and bfq's weight-proportional share of the device (bfq-iosched.c). The
// queue feeds the hdd model, so the order it picks is the order the disk
// model serves, and on the hdd the sorted order costs less virtual time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ELEVATORS, RequestQueue } from '../../src/kernel/block/blk_mq.js';
import { MqDeadline } from '../../src/kernel/block/mq_deadline.js';
import type { Bio } from '../../src/kernel/block/request.js';
import { ioprioLevel } from '../../src/kernel/block/genhd.js';
import { queueOnDisk, randomWorkload } from '../../bench/iosched.js';

const sched = (name: string) => (name === 'none' ? null : ELEVATORS.find((e) => e.name === name)!);
const bio = (op: Bio['op'], sector: number, extra: Partial<Bio> = {}): Bio => ({ op, sector, nrSectors: 8, owner: 1, prio: 4, ...extra });

/** A queue on an hdd model where a first read keeps the disk busy while the rest queue up; returns the sectors in the order the disk served them. */
function servedOrder(name: string, bios: Bio[], tune?: (q: RequestQueue) => void): number[] {
  const { q, timers, order } = queueOnDisk(sched(name));
  tune?.(q);
  q.submitBio(bio('read', 1 << 20), 0);
  for (const b of bios) q.submitBio(b, 0);
  timers.run();
  return order.slice(1).map((off) => off / 512);
}

test('plugging: contiguous bios of one batch merge into one request, up to max_sectors', () => {
  const q = new RequestQueue({ depth: 1, start: () => 1, at: () => {}, done: () => {} }, null);
  q.startPlug();
  for (let i = 0; i < 32; i++) q.submitBio(bio('write', 1000 + i * 8), 0);
  assert.deepEqual(
    q.plug!.rqs.map((r) => [r.sector, r.nrSectors, r.merges]),
    [[1000, 256, 31]],
  );
  q.finishPlug(0);
  const small = new RequestQueue({ depth: 1, start: () => 1, at: () => {}, done: () => {} }, null);
  small.maxSectors = 64; // max_sectors_kb = 32
  small.startPlug();
  for (let i = 0; i < 32; i++) small.submitBio(bio('write', i * 8), 0);
  assert.deepEqual(
    small.plug!.rqs.map((r) => [r.sector, r.nrSectors, r.merges]),
    [0, 64, 128, 192].map((s) => [s, 64, 7]),
  );
});

test('merging into queued requests: back and front merges; front_merges=0, FUA and other ops do not merge', () => {
  const { q } = queueOnDisk(sched('mq-deadline'));
  q.submitBio(bio('read', 1 << 20), 0); // on the disk: the rest wait in the scheduler
  q.submitBio(bio('write', 800), 0);
  q.submitBio(bio('write', 808), 0); // back merge
  q.submitBio(bio('write', 792), 0); // front merge
  q.submitBio(bio('read', 816), 0); // another op: its own request
  q.submitBio(bio('write', 816, { fua: true }), 0); // REQ_FUA: never merged
  const dd = q.elevator as MqDeadline;
  const queued = [...dd.mergeCandidates(bio('write', 0))].map((r) => [r.sector, r.nrSectors, r.merges]);
  assert.deepEqual(queued, [
    [792, 24, 2],
    [816, 8, 0],
  ]);
  assert.equal(dd.attrs.find((a) => a.name === 'front_merges')!.store('0'), 0);
  q.submitBio(bio('write', 784), 0);
  assert.equal([...dd.mergeCandidates(bio('write', 0))].length, 3, 'with front_merges=0 the bio ending at 792 is a new request');
});

test('none serves in arrival order; mq-deadline climbs the sectors, then starts again from the oldest', () => {
  const sectors = [5000, 100, 9000, 300, 7000, 200].map((s) => s * 8);
  const bios = sectors.map((s, i) => bio('read', s, { owner: 1 + (i % 2) }));
  assert.deepEqual(servedOrder('none', bios), sectors);
  // The first read ended at sector 2^20 + 8: none lies above, so the batch starts at the FIFO head and climbs from there.
  assert.deepEqual(
    servedOrder('mq-deadline', bios),
    [5000, 7000, 9000, 100, 200, 300].map((s) => s * 8),
  );
});

test('mq-deadline: an expired read goes first; writes starve for writes_starved batches at most', () => {
  const { q, timers, order } = queueOnDisk(sched('mq-deadline'));
  const dd = q.elevator as MqDeadline;
  dd.fifoBatch = 1;
  q.submitBio(bio('read', 1 << 20), 0);
  for (let i = 0; i < 6; i++) q.submitBio(bio('read', (i + 1) * 1000), 0);
  for (let i = 0; i < 2; i++) q.submitBio(bio('write', (i + 1) * 1000 + 500), 0);
  timers.run();
  const ops = order.slice(1).map((off) => ((off / 512) % 1000 === 500 ? 'W' : 'R'));
  assert.deepEqual(ops.join(''), 'RRWRRWRR');

  // read_expire=0: every read is past its deadline, so they go in arrival order however they sort.
  const expired = servedOrder(
    'mq-deadline',
    [3000, 1000, 2000].map((s) => bio('read', s)),
    (q2) => {
      (q2.elevator as MqDeadline).readExpireMs = 0;
    },
  );
  assert.deepEqual(expired, [3000, 1000, 2000]);
});

test('kyber: reads and writes take turns in batches of 16 and 8, in arrival order within each', () => {
  const bios = [
    ...Array.from({ length: 20 }, (_, i) => bio('read', 100_000 - i * 16)),
    ...Array.from({ length: 10 }, (_, i) => bio('write', 200_000 + i * 16)),
  ];
  const { q, timers, order } = queueOnDisk(sched('kyber'));
  q.submitBio(bio('read', 1 << 20), 0); // the first read of the first batch
  for (const b of bios) q.submitBio(b, 0);
  timers.run();
  const ops = order
    .slice(1)
    .map((off) => (off / 512 >= 200_000 ? 'W' : 'R'))
    .join('');
  assert.equal(ops, 'R'.repeat(15) + 'W'.repeat(8) + 'R'.repeat(5) + 'W'.repeat(2));
  const reads = order.slice(1).filter((off) => off / 512 < 200_000);
  assert.deepEqual(
    reads,
    [...reads].sort((a, b) => b - a),
    'arrival order (descending sectors here), not sorted',
  );
});

test('bfq: two always-busy readers share the disk in proportion to their weights; none ignores priority', () => {
  /** Two synchronous random readers (prio levels a and b) for a while: the disk time each got. */
  const share = (name: string, prioA: number, prioB: number) => {
    const { q, timers } = queueOnDisk(sched(name));
    const time = [0, 0];
    let x = 12345;
    const rand = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return (x % 200_000) * 8;
    };
    const reader = (i: number, prio: number) => {
      const go = () => {
        if (timers.now > 20e9) return;
        const t0 = timers.now;
        let start = 0;
        q.submitBio(
          bio('read', rand(), {
            owner: i + 1,
            prio,
            endIo: (done) => {
              start = done;
              time[i] += 1;
              timers.at(start, go);
            },
          }),
          t0,
        );
      };
      timers.at(0, go);
    };
    reader(0, prioA);
    reader(1, prioB);
    timers.run();
    return time[0] / time[1];
  };
  // bfq_ioprio_to_weight: level 0 weighs 80, level 4 weighs 40.
  const weighted = share('bfq', 0, 4);
  assert.ok(weighted > 1.6 && weighted < 2.5, `bfq 80:40 gave ${weighted.toFixed(2)}`);
  const equal = share('bfq', 4, 4);
  assert.ok(equal > 0.8 && equal < 1.25, `bfq 40:40 gave ${equal.toFixed(2)}`);
  const none = share('none', 0, 4);
  assert.ok(none > 0.8 && none < 1.25, `none gave ${none.toFixed(2)}`);
});

test('hdd model: the same random workload costs mq-deadline less virtual time than none, and its requests come sorted', () => {
  const none = randomWorkload('none'),
    dd = randomWorkload('mq-deadline');
  assert.deepEqual(
    [...none.order].sort((a, b) => a - b),
    [...dd.order].sort((a, b) => a - b),
    'the same requests',
  );
  assert.ok(dd.totalNs < none.totalNs, `mq-deadline ${dd.totalNs} ns, none ${none.totalNs} ns`);
  const ascending = (o: number[]) => o.filter((v, i) => i > 0 && v > o[i - 1]).length / o.length;
  assert.ok(ascending(dd.order) > ascending(none.order) + 0.15, `ascending steps: mq-deadline ${ascending(dd.order)}, none ${ascending(none.order)}`);
});

test('switching the scheduler keeps the queued requests; each scheduler shows its own tunables', () => {
  const { q, timers, order } = queueOnDisk(sched('bfq'));
  q.submitBio(bio('read', 1 << 20), 0);
  for (const s of [300, 100, 200]) q.submitBio(bio('read', s), 0);
  q.switchElevator(sched('mq-deadline'), 0);
  timers.run();
  assert.equal(order.length, 4, 'nothing lost in the switch');
  assert.deepEqual(
    ELEVATORS.map((e) => [e.name, e.init(64).attrs.map((a) => a.name)]),
    [
      ['mq-deadline', ['read_expire', 'write_expire', 'writes_starved', 'front_merges', 'async_depth', 'fifo_batch', 'prio_aging_expire']],
      ['kyber', ['read_lat_nsec', 'write_lat_nsec']],
      [
        'bfq',
        [
          'slice_idle',
          'slice_idle_us',
          'timeout_sync',
          'fifo_expire_sync',
          'fifo_expire_async',
          'back_seek_max',
          'back_seek_penalty',
          'max_budget',
          'low_latency',
          'strict_guarantees',
        ],
      ],
    ],
  );
  const dd = ELEVATORS[0].init(64);
  assert.equal(dd.attrs.find((a) => a.name === 'read_expire')!.show(), '500\n');
  assert.equal(dd.attrs.find((a) => a.name === 'async_depth')!.show(), '48\n');
  assert.equal(dd.attrs.find((a) => a.name === 'fifo_batch')!.store('x'), -22);
});

test('the I/O priority level a task submits with (get_current_ioprio, task_nice_ioprio)', () => {
  assert.equal(ioprioLevel(0, 0), 4);
  assert.equal(ioprioLevel(0, -20), 0);
  assert.equal(ioprioLevel(0, 19), 7);
  assert.equal(ioprioLevel((2 << 13) | 1, 10), 1);
  assert.equal(ioprioLevel(3 << 13, 0), 7);
});
