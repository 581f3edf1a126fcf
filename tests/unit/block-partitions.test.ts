// Partition tables as block/partitions/{msdos,efi}.c read them, checked
// against the host's sfdisk (util-linux) as the oracle: sfdisk writes a
// table into an image file, `sfdisk -J` says where each partition lies,
// and the kernel's parser must find the same numbers, starts and sizes.
// Damaged GPT headers fall back to the backup, as Linux's find_valid_gpt does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPartition, type SectorReader } from '../../src/kernel/block/partitions/check.js';

const hasSfdisk = spawnSync('sfdisk', ['--version'], { stdio: 'ignore' }).error === undefined;
const skip = hasSfdisk ? false : 'the host lacks sfdisk (apt-get install fdisk)';
const SECTORS = 131072;

function image(script: string): { file: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tuxglass-part-'));
  const file = join(dir, 'disk.img');
  const fd = openSync(file, 'w');
  writeSync(fd, new Uint8Array(1), 0, 1, SECTORS * 512 - 1);
  closeSync(fd);
  const r = spawnSync('sfdisk', ['-q', '--no-reread', '--no-tell-kernel', file], { input: script });
  assert.equal(r.status, 0, r.stderr?.toString());
  return { file, done: () => rmSync(dir, { recursive: true, force: true }) };
}

function reader(file: string): SectorReader {
  return (sector, count) => {
    const fd = openSync(file, 'r');
    try {
      const b = new Uint8Array(count * 512);
      return readSync(fd, b, 0, b.length, sector * 512) === b.length ? b : null;
    } finally {
      closeSync(fd);
    }
  };
}

interface SfdiskPart {
  node: string;
  start: number;
  size: number;
  type: string;
  name?: string;
}
function oracle(file: string): { label: string; parts: SfdiskPart[] } {
  const j = JSON.parse(spawnSync('sfdisk', ['-J', file]).stdout.toString()) as { partitiontable: { label: string; partitions: SfdiskPart[] } };
  return { label: j.partitiontable.label, parts: j.partitiontable.partitions };
}
const numOf = (node: string, file: string) => Number(node.slice(file.length));

test('msdos: primary, extended and logical partitions where sfdisk put them', { skip }, () => {
  const img = image('label: dos\n,16M,L\n,8M,S\n,,E\n,10M,L\n,,L\n');
  try {
    const t = checkPartition(reader(img.file), SECTORS);
    const want = oracle(img.file);
    assert.equal(t?.type, 'dos');
    assert.equal(want.label, 'dos');
    const got = t!.parts.map((p) => [p.partno, p.start, p.extended ? 'ext' : p.size]);
    const exp = want.parts.map((p) => [numOf(p.node, img.file), p.start, p.type === '5' ? 'ext' : p.size]);
    assert.deepEqual(got, exp);
    // Linux shows an extended partition as only its first 1 KiB, and numbers logical ones from 5.
    assert.equal(t!.parts.find((p) => p.extended)?.size, 2);
    assert.deepEqual(
      t!.parts.filter((p) => p.logical).map((p) => p.partno),
      [5, 6],
    );
  } finally {
    img.done();
  }
});

test('gpt: entries, names and GUIDs as sfdisk wrote them; a damaged primary header falls back to the backup', { skip }, () => {
  const img = image('label: gpt\nsize=8M, type=L, name=boot\nsize=20M, type=L, name="data part"\ntype=S\n');
  try {
    const want = oracle(img.file);
    const t = checkPartition(reader(img.file), SECTORS);
    assert.equal(t?.type, 'gpt');
    const got = t!.parts.map((p) => ({ n: p.partno, start: p.start, size: p.size, name: p.name ?? '' }));
    const exp = want.parts.map((p) => ({ n: numOf(p.node, img.file), start: p.start, size: p.size, name: p.name ?? '' }));
    assert.deepEqual(got, exp);
    const uuids = (spawnSync('sfdisk', ['--part-uuid', img.file, '1']).stdout.toString() || '').trim().toLowerCase();
    assert.equal(t!.parts[0].uuid, uuids, 'the unique partition GUID, as text');
    // Break the primary header's CRC: the table still comes from the backup at the disk's end.
    const fd = openSync(img.file, 'r+');
    writeSync(fd, new Uint8Array([0xff]), 0, 1, 512 + 16);
    closeSync(fd);
    const again = checkPartition(reader(img.file), SECTORS);
    assert.deepEqual(
      again!.parts.map((p) => [p.partno, p.start, p.size]),
      t!.parts.map((p) => [p.partno, p.start, p.size]),
    );
    // Break the backup too: no valid GPT, and the protective MBR is no DOS table either.
    const fd2 = openSync(img.file, 'r+');
    writeSync(fd2, new Uint8Array([0xff]), 0, 1, (SECTORS - 1) * 512 + 16);
    closeSync(fd2);
    assert.deepEqual(checkPartition(reader(img.file), SECTORS), { type: 'dos', parts: [] });
  } finally {
    img.done();
  }
});

test('no table, and garbage that only looks like one, give no partitions and never throw', () => {
  const zero: SectorReader = (_s, c) => new Uint8Array(c * 512);
  assert.equal(checkPartition(zero, 2048), null);
  // A sector with the signature and a boot flag of 0x12: a FAT boot sector, not a table.
  const bad = new Uint8Array(512);
  bad[510] = 0x55;
  bad[511] = 0xaa;
  bad[446] = 0x12;
  assert.equal(
    checkPartition((s, c) => (s === 0 ? bad : new Uint8Array(c * 512)), 2048),
    null,
  );
  // An extended partition whose EBR chain points back at itself ends.
  const mbr = new Uint8Array(512);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  const dv = new DataView(mbr.buffer);
  mbr[446 + 4] = 0x05;
  dv.setUint32(446 + 8, 100, true);
  dv.setUint32(446 + 12, 1000, true);
  const ebr = new Uint8Array(512);
  ebr[510] = 0x55;
  ebr[511] = 0xaa;
  const ev = new DataView(ebr.buffer);
  ebr[446 + 4] = 0x83;
  ev.setUint32(446 + 8, 1, true);
  ev.setUint32(446 + 12, 10, true);
  ebr[462 + 4] = 0x05;
  ev.setUint32(462 + 8, 0, true); // the link: back to the first EBR
  ev.setUint32(462 + 12, 10, true);
  const t = checkPartition((s, c) => (s === 0 ? mbr : s === 100 ? ebr : new Uint8Array(c * 512)), 2048);
  assert.deepEqual(
    t!.parts.map((p) => [p.partno, p.start, p.size]),
    [
      [1, 100, 2],
      [5, 101, 10],
    ],
  );
  // Random sectors: whatever they hold, the parsers answer.
  let x = 12345;
  const rnd = () => (x = (x * 1103515245 + 12345) >>> 0) & 0xff;
  for (let i = 0; i < 200; i++) {
    const junk: SectorReader = (_s, c) => {
      const b = Uint8Array.from({ length: c * 512 }, rnd);
      b[510] = 0x55;
      b[511] = 0xaa;
      return b;
    };
    checkPartition(junk, 4096);
  }
});
