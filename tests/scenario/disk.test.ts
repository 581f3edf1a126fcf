// Disks as a user meets them (issue 14 §1-§2): `tuxglass disk create`, the
// usage errors --disk gives before anything boots, and the guest's own
// tools on /dev/sda. The oracles are the host's: sfdisk writes the
// partition table the kernel must find (and `sfdisk -J` says where it put
// each partition), and after the guest's mkfs.ext4 on /dev/sda1 the host's
// e2fsck -fn finds the file system clean and blkid reads the same UUID the
// guest's blkid printed. The kernel messages are sd.c's and virtio_blk.c's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, openSync, closeSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const have = (c: string, arg = '-V') => spawnSync(c, [arg], { stdio: 'ignore' }).error === undefined;
const skipGuest = existsSync(join(rootfs, 'usr/sbin/mke2fs')) ? false : `no e2fsprogs in the guest root at ${rootfs} (run: node bin/tuxglass.js fetch)`;
const skipHost = !have('sfdisk', '--version') ? 'the host lacks sfdisk (apt-get install fdisk)' : !have('e2fsck') ? 'the host lacks e2fsprogs' : false;
const skip = skipGuest || skipHost;

function cli(args: string[], timeout = 180_000) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout, env: { ...process.env, TERM: 'linux' }, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const guest = (disks: string[], script: string) => cli(['run', '--rootfs', rootfs, ...disks.flatMap((d) => ['--disk', d]), '--', '/bin/sh', '-c', script]);
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

function tmp(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tuxglass-disk-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('disk create: a sparse image of the size asked; bad sizes and existing files are refused', () => {
  const t = tmp();
  try {
    const img = join(t.dir, 'a.img');
    const r = cli(['disk', 'create', img, '64M']);
    assert.equal(r.status, 0, r.stderr);
    const st = statSync(img);
    assert.equal(st.size, 64 << 20);
    assert.ok(st.blocks * 512 < 1 << 20, `sparse: ${st.blocks} blocks allocated`);
    assert.match(cli(['disk', 'create', img, '64M']).stderr, /file exists/);
    const odd = cli(['disk', 'create', join(t.dir, 'b.img'), '1000']);
    assert.equal(odd.status, 2);
    assert.match(odd.stderr, /not a multiple of 512/);
    assert.equal(cli(['disk', 'create', join(t.dir, 'c.img'), 'lots']).status, 2);
  } finally {
    t.done();
  }
});

test('--disk: a missing file, an odd size, an unknown key or an image in use is a usage error before boot', () => {
  const t = tmp();
  try {
    const missing = cli(['run', '--disk', join(t.dir, 'none.img'), '--', '/bin/true']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /none\.img: no such file/);
    const odd = join(t.dir, 'odd.img');
    writeFileSync(odd, new Uint8Array(1000));
    const r = cli(['run', '--disk', odd, '--', '/bin/true']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /size 1000 is not a multiple of 512/);
    const img = join(t.dir, 'a.img');
    writeFileSync(img, new Uint8Array(1 << 20));
    const key = cli(['run', '--disk', `${img},cache=none`, '--', '/bin/true']);
    assert.equal(key.status, 2);
    assert.match(key.stderr, /unknown key 'cache'/);
    // Another tuxglass (a live PID: this test's own process) holds the write lock.
    writeFileSync(`${img}.tuxglass-lock`, `${process.pid} write\n`);
    const busy = cli(['run', '--disk', img, '--', '/bin/true']);
    assert.equal(busy.status, 2);
    assert.match(busy.stderr, new RegExp(`in use by another tuxglass \\(pid ${process.pid}`));
    assert.match(cli(['run', '--disk', `${img},snapshot`, '--', '/bin/true']).stderr, /in use/, 'a reader must not see a writer’s image either');
    // A stale lock (a PID that no longer runs) is taken over, and released at exit.
    writeFileSync(`${img}.tuxglass-lock`, `2147483646 write\n`);
    if (!skipGuest) {
      const ok = cli(['run', '--rootfs', rootfs, '--disk', img, '--', '/bin/true']);
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal(existsSync(`${img}.tuxglass-lock`), false, 'the lock goes with the run');
    }
  } finally {
    t.done();
  }
});

test(
  'a partitioned SCSI disk: the kernel finds sfdisk’s partitions, the guest’s mkfs.ext4 makes a file system the host accepts',
  { skip, timeout: 400_000 },
  async (t) => {
    const d = tmp();
    try {
      const img = join(d.dir, 'disk.img');
      assert.equal(cli(['disk', 'create', img, '64M']).status, 0);
      const sf = spawnSync('sfdisk', ['-q', img], { input: 'label: dos\n,32M,L\n,,L\n' });
      assert.equal(sf.status, 0, sf.stderr.toString());
      const parts = (JSON.parse(spawnSync('sfdisk', ['-J', img]).stdout.toString()) as { partitiontable: { partitions: { start: number; size: number }[] } })
        .partitiontable.partitions;
      const r = guest(
        [img],
        [
          'cat /proc/partitions',
          "stat -c '%n %F %a %Hr:%Lr %G' /dev/sda /dev/sda1 /dev/sda2",
          'cat /sys/block/sda/sda1/start /sys/block/sda/sda1/size /sys/block/sda/sda2/start /sys/block/sda/sda2/size',
          'dmesg | grep -E "^\\[ *[0-9.]+\\] (sd|scsi|sda)|^\\[ *[0-9.]+\\]  sda:" | cut -d] -f2-',
          'mkfs.ext4 -q -L guestfs /dev/sda1; echo mkfs=$?',
          'blkid -o value -s UUID /dev/sda1',
          'blockdev --getsize64 /dev/sda1',
          'grep " sda1 " /proc/diskstats | awk "{print (\\$10 > 0)}"',
        ].join('; '),
      );
      const out = r.stdout;
      await t.test('/proc/partitions and /sys/block/sda/sdaN match what sfdisk wrote', () => {
        assert.equal(r.status, 0, r.stderr);
        const [p1, p2] = parts;
        assert.ok(
          out.startsWith(
            'major minor  #blocks  name\n\n' +
              '   8        0      65536 sda\n' +
              `   8        1 ${String(p1.size / 2).padStart(10)} sda1\n` +
              `   8        2 ${String(p2.size / 2).padStart(10)} sda2\n`,
          ),
          out,
        );
        assert.match(out, new RegExp(`^${p1.start}\\n${p1.size}\\n${p2.start}\\n${p2.size}$`, 'm'));
        assert.match(
          out,
          /^\/dev\/sda block special file 660 8:0 disk\n\/dev\/sda1 block special file 660 8:1 disk\n\/dev\/sda2 block special file 660 8:2 disk$/m,
        );
        assert.match(out, new RegExp(`^${p1.size * 512}$`, 'm'), 'BLKGETSIZE64 of the partition');
      });
      await t.test("the boot log has sd's lines for the disk and the partition line", () => {
        assert.match(out, /^ scsi 0:0:0:0: Direct-Access {5}TUXGLASS VIRTUAL DISK {5}1\.0 {2}PQ: 0 ANSI: 5$/m);
        assert.match(out, /^ sd 0:0:0:0: \[sda\] 131072 512-byte logical blocks: \(67\.1 MB\/64\.0 MiB\)$/m);
        assert.match(out, /^ sd 0:0:0:0: \[sda\] Write Protect is off$/m);
        assert.match(out, /^ {2}sda: sda1 sda2$/m);
        assert.match(out, /^ sd 0:0:0:0: \[sda\] Attached SCSI disk$/m);
      });
      await t.test('the host e2fsck finds the guest-made file system clean, and blkid reads the UUID the guest saw', () => {
        assert.match(out, /^mkfs=0$/m);
        const uuid = /^([0-9a-f-]{36})$/m.exec(out)?.[1];
        assert.ok(uuid, out);
        const p1 = parts[0];
        const part = join(d.dir, 'p1.img');
        const fd = openSync(img, 'r');
        const buf = new Uint8Array(p1.size * 512);
        readSync(fd, buf, 0, buf.length, p1.start * 512);
        closeSync(fd);
        writeFileSync(part, buf);
        const fsck = spawnSync('e2fsck', ['-fn', part], { encoding: 'utf8' });
        assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
        assert.match(fsck.stdout, /^guestfs: \d+\/\d+ files/m);
        assert.equal(spawnSync('blkid', ['-o', 'value', '-s', 'UUID', part], { encoding: 'utf8' }).stdout.trim(), uuid);
      });
      await t.test('/proc/diskstats counted writes on sda1', () => {
        assert.match(out, /^1$/m);
      });
    } finally {
      d.done();
    }
  },
);

test(
  'snapshot leaves the image untouched; virtio disks are vda (254:0) with virtio_blk’s line; readonly refuses writes',
  { skip: skipGuest, timeout: 300_000 },
  () => {
    const d = tmp();
    try {
      const img = join(d.dir, 'disk.img'),
        ro = join(d.dir, 'ro.img');
      assert.equal(cli(['disk', 'create', img, '64M']).status, 0);
      assert.equal(cli(['disk', 'create', ro, '1M']).status, 0);
      const before = sha(img);
      const r = guest(
        [`${img},if=virtio,snapshot`, `${ro},readonly`],
        [
          'mkfs.ext4 -q /dev/vda >/dev/null 2>&1; echo mkfs=$?',
          'blkid -o value -s TYPE /dev/vda',
          "stat -c '%n %Hr:%Lr' /dev/vda",
          'dmesg | grep virtio_blk | cut -d] -f2-',
          'cat /sys/block/vda/ro /sys/block/sda/ro',
          'dd if=/dev/zero of=/dev/sda bs=512 count=1 2>&1 | head -1',
        ].join('; '),
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^mkfs=0\next4$/m);
      assert.match(r.stdout, /^\/dev\/vda 254:0$/m);
      assert.match(r.stdout, /^ virtio_blk virtio0: \[vda\] 131072 512-byte logical blocks \(67\.1 MB\/64\.0 MiB\)$/m);
      assert.match(r.stdout, /^0\n1$/m);
      assert.match(r.stdout, /Operation not permitted/);
      assert.equal(sha(img), before, 'the snapshot disk wrote nothing to the file');
    } finally {
      d.done();
    }
  },
);

test(
  'I/O schedulers: sda starts with mq-deadline and vda with none, writing queue/scheduler switches them and queue/iosched follows; sequential writes show as merges in /proc/diskstats and iostat',
  { skip: skipGuest, timeout: 300_000 },
  () => {
    const d = tmp();
    try {
      const a = join(d.dir, 'a.img'),
        b = join(d.dir, 'b.img');
      assert.equal(cli(['disk', 'create', a, '64M']).status, 0);
      assert.equal(cli(['disk', 'create', b, '16M']).status, 0);
      const q = '/sys/block/sda/queue';
      const r = guest(
        [`${a},model=hdd`, `${b},if=virtio`],
        [
          `cat ${q}/scheduler /sys/block/vda/queue/scheduler`,
          'lsblk -dno NAME,SCHED /dev/sda /dev/vda',
          `echo $(ls ${q}/iosched)`,
          `cat ${q}/iosched/read_expire ${q}/iosched/write_expire ${q}/iosched/fifo_batch`,
          `echo bfq > ${q}/scheduler; cat ${q}/scheduler ${q}/iosched/slice_idle`,
          `echo kyber > ${q}/scheduler; cat ${q}/iosched/read_lat_nsec`,
          `echo none > ${q}/scheduler; cat ${q}/scheduler; test -e ${q}/iosched || echo no-iosched`,
          `(echo cfq > ${q}/scheduler) 2>/dev/null || echo refused`,
          `echo mq-deadline > ${q}/scheduler`,
          'set -- $(grep " sda " /proc/diskstats); echo before=$8,$9,${10}',
          'dd if=/dev/zero of=/dev/sda bs=4k count=256 seek=1024 2>/dev/null; sync',
          'set -- $(grep " sda " /proc/diskstats); echo after=$8,$9,${10}',
          `echo 2 > ${q}/nomerges; cat ${q}/nomerges`,
          'dd if=/dev/zero of=/dev/sda bs=4k count=16 seek=4096 2>/dev/null; sync',
          'set -- $(grep " sda " /proc/diskstats); echo nomerges=$8,$9,${10}',
          `echo 0 > ${q}/nomerges`,
          'iostat -dx sda | grep -E "^(Device|sda) "',
        ].join('; '),
      );
      assert.equal(r.status, 0, r.stderr);
      const out = r.stdout;
      // elv_iosched_show: "none" first, the rest in registration order, the one in use bracketed.
      assert.match(out, /^none \[mq-deadline\] kyber bfq \n\[none\] mq-deadline kyber bfq $/m);
      assert.match(out, /^sda +mq-deadline\nvda +none$/m);
      assert.match(out, /^async_depth fifo_batch front_merges prio_aging_expire read_expire write_expire writes_starved$/m);
      assert.match(out, /^500\n5000\n16$/m);
      assert.match(out, /^none mq-deadline kyber \[bfq\] \n8$/m);
      assert.match(out, /^2000000$/m);
      assert.match(out, /^\[none\] mq-deadline kyber bfq \nno-iosched\nrefused$/m);
      const [w0, m0, s0] = /^before=(\d+),(\d+),(\d+)$/m.exec(out)!.slice(1).map(Number);
      const [w1, m1, s1] = /^after=(\d+),(\d+),(\d+)$/m.exec(out)!.slice(1).map(Number);
      assert.equal(s1 - s0, 2048, 'sectors written');
      assert.equal(w1 - w0 + (m1 - m0), 256, 'every 4 KiB page a bio: requests + merges');
      assert.ok(m1 - m0 > w1 - w0, `merged ${m1 - m0} of ${w1 - w0 + m1 - m0} bios`);
      // nomerges=2: every bio its own request.
      const [w2, m2, s2] = /^nomerges=(\d+),(\d+),(\d+)$/m.exec(out)!.slice(1).map(Number);
      assert.deepEqual([w2 - w1, m2 - m1, s2 - s1], [16, 0, 128]);
      // iostat's %wrqm is merges over all write bios, from the same counters.
      const lines = out.split('\n'),
        at = lines.findIndex((l) => l.startsWith('Device '));
      const [head, row] = [lines[at], lines[at + 1]];
      const col = (name: string) => Number(row.trim().split(/ +/)[head.trim().split(/ +/).indexOf(name)]);
      assert.equal(col('%wrqm').toFixed(2), ((100 * m2) / (m2 + w2)).toFixed(2));
    } finally {
      d.done();
    }
  },
);

test(
  'BLKPG: partx -d removes one partition, partx -a adds it back from the table on the disk (one already there is EBUSY), partx -u resizes one',
  { skip, timeout: 300_000 },
  () => {
    const d = tmp();
    try {
      const img = join(d.dir, 'pg.img');
      assert.equal(cli(['disk', 'create', img, '64M']).status, 0);
      const sf = spawnSync('sfdisk', ['-q', img], {
        input: 'label: dos\nstart=2048, size=20480, type=83\nstart=22528, size=20480, type=83\n',
        encoding: 'utf8',
      });
      assert.equal(sf.status, 0, sf.stderr);
      const r = guest(
        [img],
        [
          'partx -d --nr 2 /dev/sda; echo del=$?',
          'grep -c sda2 /proc/partitions; test -e /dev/sda2 || echo no-node; test -e /sys/block/sda/sda2 || echo no-sysfs',
          'partx -a --nr 2 /dev/sda; echo add=$?',
          'grep " sda2$" /proc/partitions; cat /sys/block/sda/sda2/start /sys/block/sda/sda2/size',
          'partx -a --nr 1 /dev/sda 2>&1; echo again=$?',
          // The second MBR entry's size (bytes 474-477) becomes 10240 sectors; partx -u resizes sda2 (BLKPG_RESIZE_PARTITION).
          "printf '\\000\\050\\000\\000' | dd of=/dev/sda bs=1 seek=474 conv=notrunc 2>/dev/null",
          'partx -u --nr 2 /dev/sda; echo resize=$?; cat /sys/block/sda/sda2/size',
        ].join('; '),
      );
      assert.equal(r.status, 0, r.stderr);
      const out = r.stdout;
      assert.match(out, /^del=0\n0\nno-node\nno-sysfs\nadd=0$/m);
      assert.match(out, /^ +8 +2 +10240 sda2\n22528\n20480$/m);
      // bdev_add_partition: the range overlaps sda1 (EBUSY); partx reports the failure and exits 1.
      assert.match(out, /^partx: \/dev\/sda: error adding partition 1\nagain=1$/m);
      assert.match(out, /^resize=0\n10240$/m);
    } finally {
      d.done();
    }
  },
);

test(
  'loop devices: losetup -f --show binds a file, losetup -a and /sys/block/loop0/loop show it, mkfs.ext4 through it writes the file',
  { skip, timeout: 300_000 },
  () => {
    const r = guest(
      [],
      [
        'truncate -s 16M /tmp/img',
        'stat -c "%n %F %a %Hr:%Lr" /dev/loop-control',
        'L=$(losetup -f --show /tmp/img); echo "dev=$L"',
        'losetup -a | sed "s/\\[[0-9a-f]*\\]:[0-9]*/[DEV]:INO/"',
        'cat /sys/block/loop0/loop/backing_file /sys/block/loop0/loop/offset /sys/block/loop0/loop/autoclear /sys/block/loop0/size',
        'mkfs.ext4 -q -L onloop $L; echo mkfs=$?',
        'losetup -d $L; echo detach=$?',
        'cat /sys/block/loop0/size; ls /sys/block/loop0/loop 2>&1 | sed "s/.*: //"',
        'losetup -o 1048576 --sizelimit 4194304 -f --show -r /tmp/img',
        'cat /sys/block/loop0/size /sys/block/loop0/ro',
        'zcat /proc/config.gz | grep "^CONFIG_BLK_DEV_LOOP="',
        'od -An -tx1 -j 1080 -N 2 /tmp/img',
      ].join('; '),
    );
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /^\/dev\/loop-control character special file 660 10:237$/m);
    assert.match(out, /^dev=\/dev\/loop0$/m);
    assert.match(out, /^\/dev\/loop0: \[DEV\]:INO \(\/tmp\/img\)$/m);
    assert.match(out, /^\/tmp\/img\n0\n0\n32768$/m);
    assert.match(out, /^mkfs=0\ndetach=0\n0\nNo such file or directory$/m);
    assert.match(out, /^\/dev\/loop0\n8192\n1$/m, 'offset and sizelimit: 4 MiB, read-only');
    assert.match(out, /^CONFIG_BLK_DEV_LOOP=y$/m);
    // The ext4 superblock's magic (0xEF53 at byte 1080) reached the file through the loop device.
    assert.match(out, /^ 53 ef$/m);
  },
);

test(
  'service time is virtual time: under --seed, a task reading a model=hdd disk waits for its seeks (D state at return to user mode), an SSD much less',
  { skip: skipGuest, timeout: 300_000 },
  () => {
    const d = tmp();
    try {
      const img = join(d.dir, 'disk.img');
      assert.equal(cli(['disk', 'create', img, '256M']).status, 0);
      const script = [
        'read a b < /proc/uptime; echo start=$a',
        'set -- $(head -1 /proc/stat); echo iowait0=$6',
        'for i in 1 2 3 4 5 6 7 8; do dd if=/dev/sda of=/dev/null bs=4k count=1 skip=$((i*7919 % 60000)) 2>/dev/null; done',
        'read a b < /proc/uptime; echo end=$a',
        'set -- $(head -1 /proc/stat); echo iowait1=$6',
        'grep " sda " /proc/diskstats',
      ].join('\n');
      const elapsed = (model: string) => {
        const r = cli(['run', '--seed', '1', '--rootfs', rootfs, '--disk', `${img},model=${model}`, '--', '/bin/sh', '-c', script]);
        assert.equal(r.status, 0, r.stderr);
        const start = Number(/^start=([\d.]+)$/m.exec(r.stdout)![1]),
          end = Number(/^end=([\d.]+)$/m.exec(r.stdout)![1]);
        const fields = /^ +8 +0 sda (.*)$/m.exec(r.stdout)![1].split(' ').map(Number);
        const iowait = Number(/^iowait1=(\d+)$/m.exec(r.stdout)![1]) - Number(/^iowait0=(\d+)$/m.exec(r.stdout)![1]);
        return { ms: (end - start) * 1000, reads: fields[0], readMs: fields[3], iowaitMs: iowait * 10 };
      };
      const hdd = elapsed('hdd'),
        ssd = elapsed('ssd');
      assert.equal(hdd.reads, 9, 'one request per dd (readahead fills the rest), and the partition scan’s');
      // Each scattered read costs a seek and part of a turn (some ms); the reader waited for every one.
      assert.ok(hdd.readMs >= 40, `hdd read ticks ${hdd.readMs} ms`);
      assert.ok(hdd.ms >= hdd.readMs - 10, `uptime moved ${hdd.ms} ms, the disk was busy ${hdd.readMs} ms`);
      assert.ok(ssd.ms < hdd.ms, `ssd ${ssd.ms} ms, hdd ${hdd.ms} ms`);
      // Nothing else was runnable while the reader waited: the CPU idled in iowait (the cpu line's 5th column, USER_HZ ticks).
      assert.ok(hdd.iowaitMs >= hdd.readMs / 2 - 10 && hdd.iowaitMs > 0, `iowait ${hdd.iowaitMs} ms while the disk was busy ${hdd.readMs} ms`);
    } finally {
      d.done();
    }
  },
);
