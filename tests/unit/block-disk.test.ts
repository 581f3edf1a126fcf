// The disk side of issue 14: --disk's syntax, the memory and snapshot
// backends, the disk model (its volatile write cache, flushes, service
// time), string_get_size against the sizes Linux prints, and the
// /proc/diskstats and /sys/block/X/stat formats of block/genhd.c.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDiskSpec, parseBoot } from '../../src/host/options.js';
import { MemoryBlockBackend, SnapshotOverlay } from '../../src/machine/disk-backends.js';
import { Disk, HDD_REV_NS, SSD_CHANNELS } from '../../src/machine/disk.js';
import { stringGetSize } from '../../src/kernel/lib/string_helpers.js';
import { DiskStats, diskstatsLine, partStatShow } from '../../src/kernel/block/stat.js';
import { sdDiskName } from '../../src/kernel/drivers/scsi/sd.js';
import { virtblkName } from '../../src/kernel/drivers/block/virtio_blk.js';

test('--disk: FILE and its keys, as QEMU -drive spells them; unknown keys and bad values are errors', () => {
  assert.deepEqual(parseDiskSpec('a.img'), { file: 'a.img', if: 'scsi', readonly: false, snapshot: false, model: 'ssd' });
  assert.deepEqual(parseDiskSpec('b.img,if=virtio,readonly,snapshot=on,serial=XYZ-1,model=hdd'), {
    file: 'b.img',
    if: 'virtio',
    readonly: true,
    snapshot: true,
    serial: 'XYZ-1',
    model: 'hdd',
  });
  assert.equal(parseDiskSpec('odd,,name.img').file, 'odd,name.img', 'a doubled comma is a comma in the name');
  assert.throws(() => parseDiskSpec('a.img,cache=none'), /unknown key 'cache'/);
  assert.throws(() => parseDiskSpec('a.img,if=ide'), /if= wants scsi or virtio/);
  assert.throws(() => parseDiskSpec('a.img,model=tape'), /model= wants ssd or hdd/);
  assert.throws(() => parseDiskSpec(',if=virtio'), /--disk wants FILE/);
  assert.throws(() => parseDiskSpec('a.img,readonly=maybe'), /takes on or off/);
  const o = parseBoot(['--disk', 'a.img', '--disk=b.img,if=virtio']);
  assert.deepEqual(
    o.disks.map((d) => [d.file, d.if]),
    [
      ['a.img', 'scsi'],
      ['b.img', 'virtio'],
    ],
    'repeatable, in order',
  );
});

test('memory backend: zeros until written, memory committed only where written', () => {
  const m = new MemoryBlockBackend(1 << 30);
  assert.equal(m.committed, 0, 'a fresh 1 GiB disk costs nothing');
  const buf = new Uint8Array(1024).fill(7);
  assert.equal(m.read(1 << 20, buf), 'ok');
  assert.ok(buf.every((b) => b === 0));
  assert.equal(m.write((1 << 20) - 3, new Uint8Array([1, 2, 3, 4, 5, 6])), 'ok', 'a write across a chunk boundary');
  const back = new Uint8Array(6);
  m.read((1 << 20) - 3, back);
  assert.deepEqual([...back], [1, 2, 3, 4, 5, 6]);
  assert.ok(m.committed <= 2 * 64 * 1024);
  assert.equal(m.read(m.size - 512, new Uint8Array(1024)), 'io-error', 'past the end');
  assert.throws(() => new MemoryBlockBackend(1000), /multiple of 512/);
});

test('snapshot: the guest sees its writes, the base never changes', () => {
  const base = new MemoryBlockBackend(1 << 20);
  base.write(0, new Uint8Array(512).fill(0xaa));
  const snap = new SnapshotOverlay(base);
  assert.equal(snap.write(256, new Uint8Array(512).fill(0x55)), 'ok');
  const seen = new Uint8Array(1024);
  snap.read(0, seen);
  assert.equal(seen[0], 0xaa, 'unwritten bytes come from the base');
  assert.equal(seen[256], 0x55);
  assert.equal(seen[767], 0x55);
  assert.equal(seen[768], 0);
  const b = new Uint8Array(1024);
  base.read(0, b);
  assert.equal(b[256], 0xaa, 'the base is untouched');
  assert.equal(b[600], 0);
});

const sector = (v: number) => new Uint8Array(512).fill(v);

test('disk model: written data sits in the volatile cache until a flush; a power cut loses only unflushed writes', () => {
  const be = new MemoryBlockBackend(1 << 20);
  const d = new Disk({ backend: be, iface: 'scsi', model: 'ssd' });
  assert.equal(d.submit({ op: 'write', offset: 0, length: 512, data: sector(1) }, 0).status, 'ok');
  const medium = new Uint8Array(512);
  be.read(0, medium);
  assert.equal(medium[0], 0, 'not on the medium yet');
  assert.equal(d.submit({ op: 'read', offset: 0, length: 512 }, 0).data![0], 1, 'but the drive reads it back from its cache');
  assert.equal(d.submit({ op: 'flush', offset: 0, length: 0 }, 0).status, 'ok');
  be.read(0, medium);
  assert.equal(medium[0], 1, 'a flush puts it on the medium');
  assert.equal(be.flushes, 1, 'and flushes the backend');
  d.submit({ op: 'write', offset: 512, length: 512, data: sector(2) }, 0);
  d.submit({ op: 'write', offset: 0, length: 512, data: sector(3) }, 0);
  d.powerCut();
  const after = d.submit({ op: 'read', offset: 0, length: 1024 }, 0).data!;
  assert.equal(after[0], 1, 'the flushed write survives the cut, the later one is lost');
  assert.equal(after[512], 0);
  d.submit({ op: 'write', offset: 1024, length: 512, data: sector(4), fua: true }, 0);
  d.powerCut();
  assert.equal(d.submit({ op: 'read', offset: 1024, length: 512 }, 0).data![0], 4, 'a FUA write is on the medium at once');
  assert.equal(d.submit({ op: 'write', offset: 100, length: 512, data: sector(1) }, 0).status, 'io-error', 'unaligned');
  const ro = new Disk({ backend: new MemoryBlockBackend(1 << 20, true), iface: 'virtio', model: 'ssd' });
  assert.equal(ro.submit({ op: 'write', offset: 0, length: 512, data: sector(1) }, 0).status, 'io-error', 'a readonly disk refuses writes');
});

test('disk model: completions raise the interrupt line when due; the handler takes them and lowers it', () => {
  const d = new Disk({ backend: new MemoryBlockBackend(1 << 20), iface: 'virtio', model: 'ssd' });
  const c = d.submit({ op: 'read', offset: 0, length: 4096 }, 1000);
  assert.ok(c.doneNs > 1000);
  assert.equal(d.nextCompletion, c.doneNs);
  d.complete(c.doneNs - 1);
  assert.equal(d.irq.level, false, 'not yet');
  d.complete(c.doneNs);
  assert.equal(d.irq.level, true);
  assert.equal(d.ack(), 1);
  assert.equal(d.irq.level, false);
  assert.equal(d.nextCompletion, null);
});

test('disk model: an SSD serves SSD_CHANNELS requests at once; the next one waits', () => {
  const d = new Disk({ backend: new MemoryBlockBackend(1 << 24), iface: 'scsi', model: 'ssd' });
  const done = Array.from({ length: SSD_CHANNELS + 1 }, (_, i) => d.submit({ op: 'read', offset: i * 4096, length: 4096 }, 0));
  const first = done[0].doneNs;
  for (let i = 0; i < SSD_CHANNELS; i++) assert.equal(done[i].doneNs, first);
  assert.equal(done[SSD_CHANNELS].startNs, first, 'queued behind the first channel to free');
  assert.equal(done[SSD_CHANNELS].doneNs, 2 * first);
});

test('disk model: on an HDD, requests in disk order cost less than the same requests scattered', () => {
  const offsets = Array.from({ length: 32 }, (_, i) => i * 2 * 1024 * 1024);
  const scattered = [...offsets].sort((a, b) => ((a * 7919) % 33) - ((b * 7919) % 33));
  assert.notDeepEqual(scattered, offsets);
  const total = (order: number[]) => {
    const d = new Disk({ backend: new MemoryBlockBackend(1 << 26), iface: 'scsi', model: 'hdd' });
    let now = 0;
    for (const off of order) now = d.submit({ op: 'read', offset: off, length: 4096 }, now).doneNs;
    return now;
  };
  const sorted = total(offsets),
    random = total(scattered);
  assert.ok(sorted < random, `sorted ${sorted} ns, scattered ${random} ns`);
  // Reading on from where the head is costs no seek and less than a turn.
  const d = new Disk({ backend: new MemoryBlockBackend(1 << 26), iface: 'scsi', model: 'hdd' });
  const a = d.submit({ op: 'read', offset: 0, length: 4096 }, 0);
  const b = d.submit({ op: 'read', offset: 4096, length: 4096 }, a.doneNs);
  assert.ok(b.doneNs - b.startNs < HDD_REV_NS);
});

test("string_get_size: the sizes sd and virtio_blk print (Linux's rounding and truncation)", () => {
  // 64 MiB, the example in sd.c's capacity line; 1 GiB and 10 GiB as Linux prints them for QEMU disks.
  assert.equal(`${stringGetSize(131072, 512, 10)}/${stringGetSize(131072, 512, 2)}`, '67.1 MB/64.0 MiB');
  assert.equal(`${stringGetSize(2097152, 512, 10)}/${stringGetSize(2097152, 512, 2)}`, '1.07 GB/1.00 GiB');
  assert.equal(`${stringGetSize(20971520, 512, 10)}/${stringGetSize(20971520, 512, 2)}`, '10.7 GB/10.0 GiB');
  assert.equal(stringGetSize(1, 512, 10), '512 B');
  assert.equal(stringGetSize(0, 512, 2), '0 B');
});

test('disk names: sd_format_disk_name and virtblk_name_format', () => {
  assert.deepEqual([0, 1, 25, 26, 27, 701, 702].map(sdDiskName), ['sda', 'sdb', 'sdz', 'sdaa', 'sdab', 'sdzz', 'sdaaa']);
  assert.deepEqual([0, 3, 26].map(virtblkName), ['vda', 'vdd', 'vdaa']);
});

test('diskstats and stat formats (block/genhd.c): 3 + 17 columns; stat right-aligned in 8', () => {
  const s = new DiskStats();
  s.account('read', 8, 1, 0, 2_500_000);
  s.account('write', 16, 0, 1_000_000, 4_000_000);
  s.account('flush', 0, 0, 4_000_000, 5_000_000);
  const line = diskstatsLine(8, 0, 'sda', s);
  assert.equal(line, '   8       0 sda 1 1 8 2 1 0 16 3 0 5 6 0 0 0 0 1 1\n');
  assert.equal(line.trim().split(/\s+/).length, 20);
  const st = partStatShow(s);
  assert.equal(st.length, 17 * 9);
  assert.match(st, /^ {7}1 {8}1 {8}8 {8}2 /);
});
