// Guest package fetcher: the pure parsers with synthetic input, then the real
// assembled root (fetched with apt unless already cached).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDeb822Sources, parseOneLineSources, pickDebianMirror } from '../../src/host/guestpkg/sources.js';
import { parseAppletTable } from '../../src/host/guestpkg/busybox-applets.js';
import { EM_RISCV, isRiscv64Elf, readElfDynamic, readElfIdent } from '../../src/host/guestpkg/elf.js';
import { LIBRARY_DIRS } from '../../src/host/guestpkg/closure.js';
import { mergedPath } from '../../src/host/guestpkg/usrmerge.js';
import { missingPackages } from '../../src/host/guestpkg/resolve.js';
import { condenseAptLine, debFileName } from '../../src/host/guestpkg/fetch.js';
import { readHostSources } from '../../src/host/guestpkg/aptconfig.js';
import { withCacheLock } from '../../src/host/guestpkg/lock.js';
import { cacheDir, defaultRootfsDir, ensureRootfs } from '../../src/host/guestpkg/index.js';
import { cacheLayout, packageRoot } from '../../src/host/guestpkg/paths.js';
import { readManifest } from '../../src/host/guestpkg/manifest.js';

const DEB822 = `Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
`;

test('deb822 sources: stanzas, comments inside a stanza, fields', () => {
  const s = parseDeb822Sources(DEB822);
  assert.equal(s.length, 2);
  assert.deepEqual(s[0]?.types, ['deb']);
  assert.deepEqual(s[0]?.uris, ['http://mirror.example/debian/']);
  assert.deepEqual(s[0]?.suites, ['bookworm', 'bookworm-updates']);
  assert.deepEqual(s[1]?.suites, ['bookworm-security']);
  assert.equal(pickDebianMirror(s), 'http://mirror.example/debian');
});

test('deb822 sources: security first, disabled and non-Debian stanzas are skipped', () => {
  const text = `Types: deb
URIs: http://mirror.example/debian-security
Suites: trixie-security
Components: main

Types: deb
URIs: https://vendor.example/node_20.x
Suites: nodistro
Components: main

Types: deb
URIs: http://disabled.example/debian
Suites: trixie
Components: main
Enabled: no

Types: deb-src deb
URIs: http://second.example/debian http://third.example/debian
Suites: trixie
Components: main contrib
`;
  assert.equal(pickDebianMirror(parseDeb822Sources(text)), 'http://second.example/debian');
});

test('one-line sources: options in brackets, deb-src, comments', () => {
  const text = `# deb http://commented.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb [ arch=amd64 signed-by=/usr/share/keyrings/x.gpg ] http://security.example/debian-security bookworm-security main
deb [arch=amd64] http://mirror.example/debian bookworm main contrib  # trailing comment
deb http://other.example/debian bookworm-updates main
`;
  const s = parseOneLineSources(text);
  assert.equal(s.length, 4);
  assert.deepEqual(s[0]?.types, ['deb-src']);
  assert.deepEqual(s[2], { types: ['deb'], uris: ['http://mirror.example/debian'], suites: ['bookworm'], components: ['main', 'contrib'], enabled: true });
  assert.equal(pickDebianMirror(s), 'http://mirror.example/debian');
  assert.equal(pickDebianMirror(parseOneLineSources('deb http://x.example/ubuntu noble main\n')), undefined);
  assert.equal(
    pickDebianMirror(parseOneLineSources('deb file:/srv/repo bookworm main\ndeb mirror+file:///etc/apt/mirrors/debian.list bookworm main\n')),
    'mirror+file:///etc/apt/mirrors/debian.list',
  );
});

test('host sources are read in apt order: sources.list, then sources.list.d sorted', () => {
  const etc = mkdtempSync(join(tmpdir(), 'tg-apt-'));
  try {
    mkdirSync(join(etc, 'sources.list.d'));
    writeFileSync(join(etc, 'sources.list.d', 'b.sources'), 'Types: deb\nURIs: http://b.example/debian\nSuites: trixie\nComponents: main\n');
    writeFileSync(join(etc, 'sources.list.d', 'a.list'), 'deb http://a.example/debian trixie main\n');
    assert.equal(pickDebianMirror(readHostSources(etc)), 'http://a.example/debian');
    writeFileSync(join(etc, 'sources.list'), 'deb http://first.example/debian trixie main\n');
    assert.deepEqual(
      readHostSources(etc).map((s) => s.uris[0]),
      ['http://first.example/debian', 'http://a.example/debian', 'http://b.example/debian'],
    );
  } finally {
    rmSync(etc, { recursive: true, force: true });
  }
});

function bytes(...parts: Array<string | number[]>): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const ch of p) out.push(ch.charCodeAt(0));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

const NAMES = ['[', '[[', 'acpid', 'ar', 'cat', 'chmod', 'ls', 'mount', 'run-parts', 'sh', 'ssl_client', 'test', 'zcat'];

test('applet table: the longest sorted NUL-separated run, first name glued to a non-NUL byte', () => {
  const buf = bytes(
    [0x7f, 0x45, 0x4c, 0x46, 0, 0],
    'usage\0bbb\0ccc\0ddd\0', // a shorter sorted run: a decoy
    [0x12, 0xae, 0x20], // the table is not NUL-preceded
    NAMES.join('\0'),
    [0, 0],
    'some other string\0%s: %m\0',
  );
  assert.deepEqual(parseAppletTable(buf), NAMES);
});

test('applet table: a name-like byte glued before "[" is not taken as part of it', () => {
  const buf = bytes([0x01, 0x33], NAMES.join('\0'), [0]);
  assert.deepEqual(parseAppletTable(buf), NAMES);
  const noBracket = NAMES.slice(2);
  assert.deepEqual(parseAppletTable(bytes([0, 0], noBracket.join('\0'), [0])), noBracket);
});

test('applet table: an unsorted list or a buffer without one gives nothing', () => {
  assert.deepEqual(parseAppletTable(bytes('zeta\0alpha\0mid\0beta\0')), []);
  assert.deepEqual(parseAppletTable(new Uint8Array(4096)), []);
});

test('ELF ident: machine, class and byte order', () => {
  const h = new Uint8Array(64);
  h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  h[16] = 2;
  h[18] = EM_RISCV;
  assert.deepEqual(readElfIdent(h), { class64: true, littleEndian: true, machine: 243 });
  assert.equal(isRiscv64Elf(h), true);
  h[18] = 62; // x86-64
  assert.equal(isRiscv64Elf(h), false);
  assert.equal(readElfIdent(new Uint8Array(64)), undefined);
});

test('apt output is condensed; .deb names escape the epoch', () => {
  assert.equal(condenseAptLine('Get:2 http://m.example/debian trixie/main riscv64 Packages [9387 kB]'), '  got trixie/main riscv64 Packages (9387 kB)');
  assert.equal(condenseAptLine('Hit:1 http://m.example/debian trixie InRelease'), '  unchanged trixie InRelease');
  assert.equal(condenseAptLine('Reading package lists...'), undefined);
  assert.equal(condenseAptLine('E: Unable to locate package nope'), '  E: Unable to locate package nope');
  assert.equal(debFileName({ name: 'busybox-static', version: '1:1.37.0-6+b9', architecture: 'riscv64' }), 'busybox-static_1%3a1.37.0-6+b9_riscv64.deb');
});

test('cache lock serializes concurrent holders', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-lock-'));
  try {
    const order: string[] = [];
    const hold = (name: string) =>
      withCacheLock(
        dir,
        () => order.push(`${name}:wait`),
        async () => {
          order.push(`${name}:in`);
          await new Promise((r) => setTimeout(r, 50));
          order.push(`${name}:out`);
        },
      );
    await Promise.all([hold('a'), hold('b')]);
    assert.deepEqual(
      order.filter((s) => !s.endsWith(':wait')),
      ['a:in', 'a:out', 'b:in', 'b:out'],
    );
    assert.equal(existsSync(join(dir, '.lock')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache location: $TUXGLASS_CACHE, else <package root>/.cache', () => {
  const saved = process.env['TUXGLASS_CACHE'];
  try {
    delete process.env['TUXGLASS_CACHE'];
    const root = packageRoot();
    assert.equal(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name, 'tuxglass');
    assert.equal(cacheDir(), join(root, '.cache'));
    assert.equal(defaultRootfsDir(), join(root, '.cache', 'rootfs'));
    process.env['TUXGLASS_CACHE'] = '/tmp/tg-elsewhere';
    assert.equal(defaultRootfsDir(), '/tmp/tg-elsewhere/rootfs');
  } finally {
    if (saved === undefined) delete process.env['TUXGLASS_CACHE'];
    else process.env['TUXGLASS_CACHE'] = saved;
  }
});

test('usrmerge maps /bin, /sbin and /lib under /usr and leaves the rest', () => {
  assert.equal(mergedPath('./bin/ls'), 'usr/bin/ls');
  assert.equal(mergedPath('lib/riscv64-linux-gnu/libc.so.6'), 'usr/lib/riscv64-linux-gnu/libc.so.6');
  assert.equal(mergedPath('sbin'), 'usr/sbin');
  assert.equal(mergedPath('usr/bin/ls'), 'usr/bin/ls');
  assert.equal(mergedPath('etc/passwd'), 'etc/passwd');
  assert.equal(mergedPath('library/x'), 'library/x');
});

test("apt's unknown-package errors name the package", () => {
  assert.deepEqual(missingPackages(['Reading package lists...', 'E: Unable to locate package frobnicate']), ['frobnicate']);
  assert.deepEqual(missingPackages(["E: Package 'vim' has no installation candidate"]), ['vim']);
  assert.deepEqual(missingPackages(['Inst bash (5.2 Debian:13 [riscv64])']), []);
});

test('readElfDynamic: a static binary has no dynamic section; garbage is not an ELF', () => {
  assert.equal(readElfDynamic(new Uint8Array(100)), undefined);
  assert.equal(readElfDynamic(new TextEncoder().encode('#!/bin/sh\necho hi\n')), undefined);
});

const haveApt = ['apt-get', 'apt-cache', 'dpkg-deb'].every((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).error === undefined);
const aptSkip = haveApt ? false : 'apt-get/apt-cache/dpkg-deb not installed on this host (apt-get install apt dpkg)';

test('ensureRootfs assembles the default root', { skip: aptSkip, timeout: 600_000 }, async (t) => {
  const lines: string[] = [];
  const root = await ensureRootfs({ log: (l) => lines.push(l) });
  assert.equal(root, defaultRootfsDir());

  await t.test('a merged /usr: /bin, /sbin and /lib are links into /usr', () => {
    assert.equal(readlinkSync(join(root, 'bin')), 'usr/bin');
    assert.equal(readlinkSync(join(root, 'sbin')), 'usr/sbin');
    assert.equal(readlinkSync(join(root, 'lib')), 'usr/lib');
  });

  await t.test('the named tools are riscv64 ELF executables', () => {
    for (const tool of [
      'bin/bash',
      'bin/ls',
      'bin/ps',
      'bin/free',
      'sbin/ip',
      'sbin/mke2fs',
      'bin/strace',
      'bin/busybox',
      'bin/pidstat',
      'bin/udevadm',
      'bin/systemctl',
    ]) {
      const image = readFileSync(join(root, tool));
      assert.equal(image.readUInt32BE(0), 0x7f454c46, tool);
      assert.equal(image.readUInt16LE(18), 243, `${tool}: e_machine EM_RISCV`);
      assert.ok((statSync(join(root, tool)).mode & 0o111) !== 0, `${tool} executable`);
    }
  });

  await t.test('every DT_NEEDED library of every executable is in the root', () => {
    const missing: string[] = [];
    for (const dir of ['usr/bin', 'usr/sbin']) {
      for (const name of readdirSync(join(root, dir))) {
        const p = join(root, dir, name);
        if (!lstatSync(p).isFile()) continue;
        const dyn = readElfDynamic(readFileSync(p));
        for (const so of dyn?.needed ?? []) {
          const found = [...dyn!.runpath.map((d) => d.replace(/^\//, '')), ...LIBRARY_DIRS].some((d) => existsSync(join(root, d, so)));
          if (!found) missing.push(`${so} for /${dir}/${name}`);
        }
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(existsSync(join(root, 'lib/ld-linux-riscv64-lp64d.so.1')), 'the dynamic loader at its PT_INTERP path');
  });

  await t.test('alternatives as the postinst scripts set them', () => {
    assert.equal(readlinkSync(join(root, 'usr/bin/awk')), '/etc/alternatives/awk');
    assert.equal(readlinkSync(join(root, 'etc/alternatives/awk')), '/usr/bin/gawk');
    assert.equal(readlinkSync(join(root, 'etc/alternatives/iptables')), '/usr/sbin/iptables-nft');
    assert.equal(readlinkSync(join(root, 'etc/alternatives/sar')), '/usr/bin/sar.sysstat');
    assert.equal(readlinkSync(join(root, 'usr/bin/sh')), 'dash');
  });

  await t.test('docs, manuals and translations are dropped', () => {
    for (const d of ['usr/share/doc', 'usr/share/man', 'usr/share/locale']) assert.ok(!existsSync(join(root, d)), d);
  });

  await t.test('busybox applet links sit off PATH, each pointing at busybox', () => {
    const dir = join(root, 'usr/libexec/busybox');
    const links = readdirSync(dir);
    assert.ok(links.length > 200, `${links.length} applet links`);
    for (const n of links) assert.equal(readlinkSync(join(dir, n)), '../../bin/busybox', n);
    for (const n of ['sh', 'ls', 'cat', 'mount', 'ps', '[']) assert.ok(links.includes(n), n);
  });

  await t.test('directories and their modes', () => {
    for (const d of ['sbin', 'usr/bin', 'usr/sbin', 'dev', 'proc', 'sys', 'home', 'var', 'run', 'mnt', 'etc']) {
      assert.ok(statSync(join(root, d)).isDirectory(), d);
    }
    assert.equal(statSync(join(root, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(statSync(join(root, 'root')).mode & 0o7777, 0o700);
  });

  await t.test('/etc files', () => {
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8').split('\n');
    assert.equal(passwd[0], 'root:x:0:0:root:/root:/bin/bash');
    for (const u of ['daemon', 'bin', 'sys', 'nobody'])
      assert.ok(
        passwd.some((l) => l.startsWith(`${u}:x:`)),
        u,
      );
    assert.match(readFileSync(join(root, 'etc/group'), 'utf8'), /^root:x:0:$/m);
    assert.equal(readFileSync(join(root, 'etc/hostname'), 'utf8'), 'tuxglass\n');
    assert.match(readFileSync(join(root, 'etc/profile'), 'utf8'), /PATH=/, "Debian's /etc/profile");
    assert.match(readFileSync(join(root, 'etc/shells'), 'utf8'), /^\/bin\/bash$/m);
    assert.match(readFileSync(join(root, 'etc/os-release'), 'utf8'), /^ID=debian$/m);
    assert.match(readFileSync(join(root, 'etc/fstab'), 'utf8'), /^proc\s+\/proc\s+proc/m);
    for (const f of ['shadow', 'nsswitch.conf', 'hosts']) assert.ok(existsSync(join(root, 'etc', f)), f);
  });

  await t.test('manifest records the package', () => {
    const m = readManifest(cacheLayout().manifest);
    assert.ok(m, 'manifest.json');
    const bb = m.packages.find((p) => p.name === 'busybox-static');
    assert.ok(bb && bb.version !== '' && bb.size > 0, JSON.stringify(m.packages));
    assert.ok(m.rootfsBytes > 1_000_000);
  });

  await t.test('a second call uses the cache', async () => {
    const stamp = cacheLayout().stamp;
    const before = statSync(stamp).mtimeMs;
    const logged: string[] = [];
    assert.equal(await ensureRootfs({ log: (l) => logged.push(l) }), root);
    assert.equal(statSync(stamp).mtimeMs, before);
    assert.deepEqual(logged, []);
  });

  const qemu = spawnSync('qemu-riscv64-static', [join(root, 'bin/busybox'), '--list'], { encoding: 'utf8' });
  await t.test('applets match what busybox itself lists', { skip: qemu.error ? 'qemu-riscv64-static not installed' : false }, () => {
    const listed = qemu.stdout
      .split('\n')
      .filter((n) => n !== '' && n !== 'busybox')
      .sort();
    const links = readdirSync(join(root, 'usr/libexec/busybox')).sort();
    assert.deepEqual(links, listed);
  });
});
