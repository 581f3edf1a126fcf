// The strace formatter against exact lines. Most expected lines were produced by
// the host's strace 6.1 tracing small C programs making the same calls (the
// riscv64 and x86_64 ABIs share these constants), with riscv64 struct layouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceEnter, traceExit, traceNoReturn, formatSignalDelivery, formatExit, type UserMemory } from '../../src/kernel/trace/strace-format.js';
import { NR } from '../../src/kernel/syscalls/nr.js';
import { undecoded } from '../../src/kernel/trace/strace/registry.js';

/** Guest memory: one readable window at 0x10000; everything else faults. */
class FakeMemory implements UserMemory {
  static readonly BASE = 0x10000;
  readonly bytes = new Uint8Array(0x10000);
  private next = 0;
  read(addr: number, len: number): Uint8Array | null {
    const o = addr - FakeMemory.BASE;
    if (o < 0 || o + len > this.bytes.length) return null;
    return this.bytes.slice(o, o + len);
  }
  readCString(addr: number, max: number): Uint8Array | null {
    const o = addr - FakeMemory.BASE;
    if (o < 0 || o >= this.bytes.length) return null;
    let end = o;
    while (end < this.bytes.length && end - o < max && this.bytes[end] !== 0) end++;
    if (end === this.bytes.length) return null;
    return this.bytes.slice(o, end);
  }
  /** Reserve n zeroed bytes (8-aligned); returns the guest address. */
  alloc(n: number): bigint {
    const at = this.next;
    this.next += Math.ceil(Math.max(n, 1) / 8) * 8;
    return BigInt(FakeMemory.BASE + at);
  }
  put(data: Uint8Array | number[]): bigint {
    const a = this.alloc(data.length);
    this.bytes.set(data, Number(a) - FakeMemory.BASE);
    return a;
  }
  /** A NUL-terminated string (bytes given as a latin1 JS string). */
  str(s: string): bigint {
    return this.put([...Array.from(s, (ch) => ch.charCodeAt(0)), 0]);
  }
  /** Little-endian fields [offset, size, value] in a fresh struct of `size` bytes. */
  struct(size: number, fields: Array<[number, 1 | 2 | 4 | 8, number | bigint]>): bigint {
    const a = this.alloc(size);
    const dv = new DataView(this.bytes.buffer, Number(a) - FakeMemory.BASE, size);
    for (const [off, w, v] of fields) {
      if (w === 1) dv.setUint8(off, Number(v));
      else if (w === 2) dv.setUint16(off, Number(v), true);
      else if (w === 4) dv.setUint32(off, Number(BigInt.asUintN(32, BigInt(v))), true);
      else dv.setBigUint64(off, BigInt.asUintN(64, BigInt(v)), true);
    }
    return a;
  }
  u64s(values: Array<number | bigint>): bigint {
    return this.struct(
      values.length * 8,
      values.map((v, i) => [i * 8, 8, v]),
    );
  }
  write(addr: bigint, data: Uint8Array | number[]): void {
    this.bytes.set(data, Number(addr) - FakeMemory.BASE);
  }
}

/** Like the kernel's mm: readCString refuses a string longer than max. */
class RefusingMemory extends FakeMemory {
  override readCString(addr: number, max: number): Uint8Array | null {
    const s = super.readCString(addr, max + 1);
    return s && s.length <= max ? s : null;
  }
}

const U = (v: number | bigint) => BigInt.asUintN(64, BigInt(v));
const AT_FDCWD = U(-100);

/** Trace one call; `during` runs between entry and exit (the kernel's work). */
function trace(mem: UserMemory, nr: number, args: Array<number | bigint>, ret: number | bigint, during?: () => void, sp?: bigint): string {
  const rec = traceEnter({ nr, args: args.map(U), sp }, mem);
  during?.();
  return traceExit(rec, BigInt(ret), mem);
}

const latin1 = (s: string) => Array.from(s, (ch) => ch.charCodeAt(0));
/** For expectations holding a run-time address: the call padded as strace pads it (checked literally elsewhere). */
const line = (call: string, result: string) => `${call.padEnd(39)} = ${result}`;

test('openat: flags, modes, AT_FDCWD, errors and the result column', () => {
  const m = new FakeMemory();
  assert.equal(trace(m, NR.openat, [AT_FDCWD, m.str('/etc/passwd'), 0o2000000], 3), 'openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3');
  assert.equal(trace(m, NR.openat, [AT_FDCWD, m.str('/nope'), 0], -2), 'openat(AT_FDCWD, "/nope", O_RDONLY)     = -1 ENOENT (No such file or directory)');
  assert.equal(trace(m, NR.openat, [AT_FDCWD, m.str('/tmp/exp/x'), 0o1101, 0o644], 3), 'openat(AT_FDCWD, "/tmp/exp/x", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3');
  assert.equal(trace(m, NR.openat, [AT_FDCWD, m.str('/tmp'), 0o20200002, 0o600], 5), 'openat(AT_FDCWD, "/tmp", O_RDWR|O_TMPFILE, 0600) = 5');
  assert.equal(
    trace(m, NR.openat, [AT_FDCWD, m.str('/tmp'), 0o13644000], 4),
    'openat(AT_FDCWD, "/tmp", O_RDONLY|O_NONBLOCK|O_DIRECT|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_DIRECTORY) = 4',
  );
  assert.equal(
    trace(m, NR.openat, [AT_FDCWD, m.str('/nonexist'), 0xfffffffc], -2),
    'openat(AT_FDCWD, "/nonexist", O_RDONLY|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_SYNC|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_TMPFILE|FASYNC|0xff80003c, 000) = -1 ENOENT (No such file or directory)',
  );
  assert.equal(
    trace(m, NR.openat, [AT_FDCWD, m.str('/tmp'), 0x40002003], -21),
    'openat(AT_FDCWD, "/tmp", O_ACCMODE|FASYNC|0x40000000) = -1 EISDIR (Is a directory)',
  );
  assert.equal(trace(m, NR.openat, [5, m.str('rel'), 0], -20), 'openat(5, "rel", O_RDONLY)              = -1 ENOTDIR (Not a directory)');
  // Paths are never cut at 32 bytes.
  const long = '/' + 'a'.repeat(98);
  assert.equal(trace(m, NR.openat, [AT_FDCWD, m.str(long), 0], -2), line(`openat(AT_FDCWD, "${long}", O_RDONLY)`, `-1 ENOENT (No such file or directory)`));
});

test('buffers: C escapes, octal, the 32-byte cut, unreadable and NULL pointers', () => {
  const m = new FakeMemory();
  assert.equal(trace(m, NR.write, [1, m.str('hello\n'), 6], 6), 'write(1, "hello\\n", 6)                  = 6');
  const s35 = '0123456789abcdef0123456789abcdefXYZ';
  assert.equal(trace(m, NR.write, [1, m.str(s35), 35], 35), 'write(1, "0123456789abcdef0123456789abcdef"..., 35) = 35');
  assert.equal(trace(m, NR.write, [1, m.str(s35), 32], 32), 'write(1, "0123456789abcdef0123456789abcdef", 32) = 32');
  const raw = m.put([1, 2, 0x37, 0x7f, 0x80, 0xff, 0x22, 0x5c, 9, 13, 11, 12, 7, 8, 0, 0x31, 0, 0x78, 0x1b, 0x5b, 0x30, 0x6d, 0, 0]);
  assert.equal(trace(m, NR.write, [1, raw, 24], 24), 'write(1, "\\1\\0027\\177\\200\\377\\"\\\\\\t\\r\\v\\f\\7\\10\\0001\\0x\\33[0m\\0\\0", 24) = 24');
  assert.equal(trace(m, NR.write, [1, m.put([10, 0, 0, 0, 0x38]), 5], 5), 'write(1, "\\n\\0\\0\\08", 5)                = 5');
  assert.equal(trace(m, NR.write, [1, m.put([0xc3, 0xa9, 0x74, 0xc3, 0xa9]), 5], 5), 'write(1, "\\303\\251t\\303\\251", 5)        = 5');
  assert.equal(trace(m, NR.write, [1, m.str(''), 0], 0), 'write(1, "", 0)                         = 0');
  assert.equal(trace(m, NR.write, [-1, m.str('abc'), 3], -9), 'write(-1, "abc", 3)                     = -1 EBADF (Bad file descriptor)');
  assert.equal(trace(m, NR.write, [1, 0x10, 3], 3), 'write(1, 0x10, 3)                       = 3');
  assert.equal(trace(m, NR.write, [1, 0, 3], 3), 'write(1, NULL, 3)                       = 3');
});

test('read shows what the kernel wrote, only as much as it returned', () => {
  const m = new FakeMemory();
  const buf = m.alloc(128);
  const passwd = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n';
  assert.equal(
    trace(m, NR.read, [6, buf, 100], 100, () => m.write(buf, latin1(passwd))),
    'read(6, "root:x:0:0:root:/root:/bin/bash\\n"..., 100) = 100',
  );
  assert.equal(
    trace(m, NR.read, [6, buf, 10], 10, () => m.write(buf, latin1('usr/sbin/n'))),
    'read(6, "usr/sbin/n", 10)               = 10',
  );
  assert.equal(trace(m, NR.read, [0, buf, 10], 0), 'read(0, "", 10)                         = 0');
  assert.equal(trace(m, NR.read, [0, buf, 10], -512), line(`read(0, 0x${buf.toString(16)}, 10)`, '? ERESTARTSYS (To be restarted if SA_RESTART is set)'));
  assert.equal(
    trace(m, NR.pread64, [6, buf, 20, 3], 20, () => m.write(buf, latin1('t:x:0:0:root:/root:/'))),
    'pread64(6, "t:x:0:0:root:/root:/", 20, 3) = 20',
  );
  assert.equal(trace(m, NR.pwrite64, [6, m.str('hi'), 2, 1000], -9), 'pwrite64(6, "hi", 2, 1000)              = -1 EBADF (Bad file descriptor)');
});

test('readv and writev print iovec arrays', () => {
  const m = new FakeMemory();
  const w = '0123456789012345678901234567890123456789';
  const iov = m.u64s([m.str('hello'), 5, m.str('\n'), 1, m.str('world' + w.slice(0, 35)), 40]);
  assert.equal(
    trace(m, NR.writev, [1, iov, 3], 46),
    'writev(1, [{iov_base="hello", iov_len=5}, {iov_base="\\n", iov_len=1}, {iov_base="world012345678901234567890123456"..., iov_len=40}], 3) = 46',
  );
  const b1 = m.alloc(8),
    b2 = m.alloc(100);
  const riov = m.u64s([b1, 8, b2, 100]);
  const data = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n';
  assert.equal(
    trace(m, NR.readv, [6, riov, 2], 108, () => {
      m.write(b1, latin1(data.slice(0, 8)));
      m.write(b2, latin1(data.slice(8, 108)));
    }),
    'readv(6, [{iov_base="root:x:0", iov_len=8}, {iov_base=":0:root:/root:/bin/bash\\ndaemon:x"..., iov_len=100}], 2) = 108',
  );
  assert.equal(
    trace(m, NR.readv, [6, riov, 2], 4, () => m.write(b1, latin1('abcd'))),
    'readv(6, [{iov_base="abcd", iov_len=8}, {iov_base="", iov_len=100}], 2) = 4',
  );
});

test('lseek, close, dup, dup3, pipe2', () => {
  const m = new FakeMemory();
  assert.equal(trace(m, NR.lseek, [6, 0, 0], 0), 'lseek(6, 0, SEEK_SET)                   = 0');
  assert.equal(trace(m, NR.lseek, [6, -5, 2], 1216), 'lseek(6, -5, SEEK_END)                  = 1216');
  assert.equal(trace(m, NR.lseek, [6, 0, 7], -22), 'lseek(6, 0, 0x7 /* SEEK_??? */)         = -1 EINVAL (Invalid argument)');
  assert.equal(trace(m, NR.close, [99], -9), 'close(99)                               = -1 EBADF (Bad file descriptor)');
  assert.equal(trace(m, NR.dup, [1], 7), 'dup(1)                                  = 7');
  assert.equal(trace(m, NR.dup3, [1, 10, 0o2000000], 10), 'dup3(1, 10, O_CLOEXEC)                  = 10');
  assert.equal(trace(m, NR.dup3, [1, 11, 0], 11), 'dup3(1, 11, 0)                          = 11');
  const fds = m.alloc(8);
  assert.equal(
    trace(m, NR.pipe2, [fds, 0o2000000], 0, () => m.write(fds, [3, 0, 0, 0, 4, 0, 0, 0])),
    'pipe2([3, 4], O_CLOEXEC)                = 0',
  );
  assert.equal(trace(m, NR.pipe2, [8, 0o44000], -14), 'pipe2(0x8, O_NONBLOCK|O_DIRECT)         = -1 EFAULT (Bad address)');
});

test('fcntl commands and their decorated results', () => {
  const m = new FakeMemory();
  assert.equal(trace(m, NR.fcntl, [1, 1], 0), 'fcntl(1, F_GETFD)                       = 0');
  assert.equal(trace(m, NR.fcntl, [10, 1], 1), 'fcntl(10, F_GETFD)                      = 0x1 (flags FD_CLOEXEC)');
  assert.equal(trace(m, NR.fcntl, [1, 2, 1], 0), 'fcntl(1, F_SETFD, FD_CLOEXEC)           = 0');
  assert.equal(trace(m, NR.fcntl, [1, 3], 0x8001), 'fcntl(1, F_GETFL)                       = 0x8001 (flags O_WRONLY|O_LARGEFILE)');
  assert.equal(trace(m, NR.fcntl, [5, 3], 0), 'fcntl(5, F_GETFL)                       = 0 (flags O_RDONLY)');
  assert.equal(trace(m, NR.fcntl, [1, 4, 0o6000], 0), 'fcntl(1, F_SETFL, O_RDONLY|O_APPEND|O_NONBLOCK) = 0');
  assert.equal(trace(m, NR.fcntl, [1, 1030, 30], 30), 'fcntl(1, F_DUPFD_CLOEXEC, 30)           = 30');
  const fl = m.struct(32, [
    [0, 2, 1],
    [2, 2, 0],
    [8, 8, 0],
    [16, 8, 100],
  ]);
  assert.equal(trace(m, NR.fcntl, [1, 6, fl], 0), 'fcntl(1, F_SETLK, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=100}) = 0');
  assert.equal(
    trace(m, NR.fcntl, [1, 5, fl], 0, () => m.write(fl, [2, 0])),
    'fcntl(1, F_GETLK, {l_type=F_UNLCK, l_whence=SEEK_SET, l_start=0, l_len=100, l_pid=0}) = 0',
  );
  assert.equal(trace(m, NR.fcntl, [5, 1032], 65536), 'fcntl(5, F_GETPIPE_SZ)                  = 65536');
  assert.equal(trace(m, NR.fcntl, [1, 999, 5], -22), 'fcntl(1, 0x3e7 /* F_??? */, 0x5)        = -1 EINVAL (Invalid argument)');
});

/** riscv64 struct stat with the fields strace shows. */
function statBuf(m: FakeMemory, mode: number, size: number, rdev = 0): bigint {
  return m.struct(128, [
    [16, 4, mode],
    [32, 8, rdev],
    [48, 8, size],
  ]);
}

test('stat family: abbreviated struct stat and statx, device numbers, failures', () => {
  const m = new FakeMemory();
  const st = m.alloc(128);
  const fill =
    (mode: number, size: number, rdev = 0) =>
    () =>
      m.write(st, new Uint8Array(m.read(Number(statBuf(m, mode, size, rdev)), 128)!));
  assert.equal(
    trace(m, NR.newfstatat, [AT_FDCWD, m.str('/tmp'), st, 0], 0, fill(0o41777, 4096)),
    'newfstatat(AT_FDCWD, "/tmp", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}, 0) = 0',
  );
  assert.equal(
    trace(m, NR.newfstatat, [AT_FDCWD, m.str('/dev/null'), st, 0x100], 0, fill(0o20666, 0, 0x103)),
    'newfstatat(AT_FDCWD, "/dev/null", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}, AT_SYMLINK_NOFOLLOW) = 0',
  );
  assert.equal(
    trace(m, NR.newfstatat, [3, m.str(''), st, 0x1000], 0, fill(0o100644, 34959)),
    'newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=34959, ...}, AT_EMPTY_PATH) = 0',
  );
  assert.equal(
    trace(m, NR.newfstatat, [AT_FDCWD, m.str('/nope'), 0x3ffffff730n, 0], -2),
    'newfstatat(AT_FDCWD, "/nope", 0x3ffffff730, 0) = -1 ENOENT (No such file or directory)',
  );
  assert.equal(
    trace(m, NR.newfstatat, [AT_FDCWD, m.str('/etc/passwd'), 0x3ffffff730n, 0x1234], -22),
    'newfstatat(AT_FDCWD, "/etc/passwd", 0x3ffffff730, AT_REMOVEDIR|AT_EMPTY_PATH|0x34) = -1 EINVAL (Invalid argument)',
  );
  assert.equal(trace(m, NR.fstat, [1, st], 0, fill(0o20620, 0, 0x8800)), 'fstat(1, {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0), ...}) = 0');
  const sx = m.struct(256, [
    [0, 4, 0x1fff],
    [28, 2, 0o41777],
    [40, 8, 4096],
  ]);
  assert.equal(
    trace(m, NR.statx, [AT_FDCWD, m.str('/tmp'), 0, 0xfff, sx], 0),
    'statx(AT_FDCWD, "/tmp", AT_STATX_SYNC_AS_STAT, STATX_ALL, {stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFDIR|S_ISVTX|0777, stx_size=4096, ...}) = 0',
  );
  assert.equal(
    trace(m, NR.statx, [AT_FDCWD, m.str('/nope'), 0x100, 0x201, 0x3ffffff2c0n], -2),
    'statx(AT_FDCWD, "/nope", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW, STATX_TYPE|STATX_SIZE, 0x3ffffff2c0) = -1 ENOENT (No such file or directory)',
  );
  assert.equal(
    trace(m, NR.statx, [99, m.str(''), 0xffffffff, 0xffffffff, 0], -22),
    'statx(99, "", AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR|AT_SYMLINK_FOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH|AT_RECURSIVE|0xffff00ff, STATX_ALL|STATX_MNT_ID|STATX_DIOALIGN|0xffffc000, NULL) = -1 EINVAL (Invalid argument)',
  );
});

test('path calls: links, renames, modes, access, cwd, getdents64', () => {
  const m = new FakeMemory();
  assert.equal(trace(m, NR.mkdirat, [AT_FDCWD, m.str('/tmp/exp/d'), 0o755], 0), 'mkdirat(AT_FDCWD, "/tmp/exp/d", 0755)   = 0');
  assert.equal(trace(m, NR.unlinkat, [AT_FDCWD, m.str('/tmp/exp/d'), 0x200], 0), 'unlinkat(AT_FDCWD, "/tmp/exp/d", AT_REMOVEDIR) = 0');
  assert.equal(trace(m, NR.symlinkat, [m.str('target'), AT_FDCWD, m.str('/tmp/exp/lnk')], 0), 'symlinkat("target", AT_FDCWD, "/tmp/exp/lnk") = 0');
  const buf = m.alloc(64);
  assert.equal(
    trace(m, NR.readlinkat, [AT_FDCWD, m.str('/tmp/exp/lnk'), buf, 4096], 6, () => m.write(buf, latin1('target'))),
    'readlinkat(AT_FDCWD, "/tmp/exp/lnk", "target", 4096) = 6',
  );
  assert.equal(trace(m, NR.linkat, [AT_FDCWD, m.str('/a'), AT_FDCWD, m.str('/b'), 0x400], 0), 'linkat(AT_FDCWD, "/a", AT_FDCWD, "/b", AT_SYMLINK_FOLLOW) = 0');
  assert.equal(
    trace(m, NR.renameat2, [AT_FDCWD, m.str('/a'), AT_FDCWD, m.str('/b'), 0xe], -22),
    'renameat2(AT_FDCWD, "/a", AT_FDCWD, "/b", RENAME_EXCHANGE|RENAME_WHITEOUT|0x8) = -1 EINVAL (Invalid argument)',
  );
  assert.equal(trace(m, NR.faccessat, [AT_FDCWD, m.str('/etc/passwd'), 0], 0), 'faccessat(AT_FDCWD, "/etc/passwd", F_OK) = 0');
  assert.equal(
    trace(m, NR.faccessat, [AT_FDCWD, m.str('/etc/passwd'), 15], -22),
    'faccessat(AT_FDCWD, "/etc/passwd", R_OK|W_OK|X_OK|0x8) = -1 EINVAL (Invalid argument)',
  );
  assert.equal(
    trace(m, NR.faccessat2, [AT_FDCWD, m.str('/etc/passwd'), 1, 0x200], -13),
    'faccessat2(AT_FDCWD, "/etc/passwd", X_OK, AT_EACCESS) = -1 EACCES (Permission denied)',
  );
  assert.equal(trace(m, NR.fchmodat, [AT_FDCWD, m.str('/f'), 0o4755], 0), 'fchmodat(AT_FDCWD, "/f", 04755)         = 0');
  assert.equal(trace(m, NR.fchownat, [AT_FDCWD, m.str('/f'), 0, 0xffffffff, 0], 0), 'fchownat(AT_FDCWD, "/f", 0, -1, 0)      = 0');
  assert.equal(
    trace(m, NR.mknodat, [AT_FDCWD, m.str('/x'), 0o27777, 0x102], -20),
    'mknodat(AT_FDCWD, "/x", S_IFCHR|S_ISUID|S_ISGID|S_ISVTX|0777, makedev(0x1, 0x2)) = -1 ENOTDIR (Not a directory)',
  );
  assert.equal(trace(m, NR.mknodat, [AT_FDCWD, m.str('/x'), 0o10600, 0], 0), 'mknodat(AT_FDCWD, "/x", S_IFIFO|0600)   = 0');
  const times = m.struct(32, [
    [0, 8, 1700000000],
    [8, 8, 5],
    [24, 8, (1 << 30) - 1],
  ]);
  assert.equal(
    trace(m, NR.utimensat, [AT_FDCWD, m.str('/f'), times, 0], 0),
    'utimensat(AT_FDCWD, "/f", [{tv_sec=1700000000, tv_nsec=5} /* 2023-11-14T22:13:20.000000005+0000 */, UTIME_NOW], 0) = 0',
  );
  assert.equal(trace(m, NR.utimensat, [1, 0, 0, 0], 0), 'utimensat(1, NULL, NULL, 0)             = 0');
  assert.equal(trace(m, NR.chdir, [m.str('/tmp')], 0), 'chdir("/tmp")                           = 0');
  assert.equal(
    trace(m, NR.getcwd, [buf, 4096], 5, () => m.write(buf, latin1('/tmp\0'))),
    'getcwd("/tmp", 4096)                    = 5',
  );
  assert.equal(trace(m, NR.getcwd, [buf, 2], -34), line(`getcwd(0x${buf.toString(16)}, 2)`, '-1 ERANGE (Numerical result out of range)'));
  // Three linux_dirent64 records of 24 bytes each.
  const dents = m.alloc(4096);
  const fillDents = () => {
    for (let i = 0; i < 3; i++) m.write(dents + BigInt(i * 24 + 16), [24, 0]);
  };
  assert.equal(trace(m, NR.getdents64, [3, dents, 4096], 72, fillDents), line(`getdents64(3, 0x${dents.toString(16)} /* 3 entries */, 4096)`, `72`));
  assert.equal(trace(m, NR.getdents64, [3, dents, 4096], 0), line(`getdents64(3, 0x${dents.toString(16)} /* 0 entries */, 4096)`, `0`));
  assert.equal(trace(m, NR.getdents64, [99, dents, 4096], -9), line(`getdents64(99, 0x${dents.toString(16)}, 4096)`, `-1 EBADF (Bad file descriptor)`));
});

test('memory calls: hex results, PROT_/MAP_ flags and huge page sizes', () => {
  const m = new FakeMemory();
  assert.equal(
    trace(m, NR.mmap, [0, 8192, 3, 0x22, -1, 0], 0x3ff7ffe000n),
    'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x3ff7ffe000',
  );
  assert.equal(
    trace(m, NR.mmap, [0x10000, 4096, 5, 0x812, 3, 0x1000], 0x10000),
    'mmap(0x10000, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x1000) = 0x10000',
  );
  assert.equal(
    trace(m, NR.mmap, [0, 4096, 3, 0x2c040003, -1, 0], -9),
    'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED_VALIDATE|MAP_HUGETLB|11<<MAP_HUGE_SHIFT, -1, 0) = -1 EBADF (Bad file descriptor)',
  );
  // As strace on x86_64 printed it, less MAP_32BIT (0x40), which riscv64 does not have.
  assert.equal(
    trace(m, NR.mmap, [0, 4096, 0xffffffff, 0xffffffff, -1, 0], -22),
    'mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN|PROT_GROWSUP|0xfcfffff0, 0xf /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS|MAP_NORESERVE|MAP_POPULATE|MAP_NONBLOCK|MAP_GROWSDOWN|MAP_DENYWRITE|MAP_EXECUTABLE|MAP_LOCKED|MAP_STACK|MAP_HUGETLB|MAP_SYNC|MAP_FIXED_NOREPLACE|0x3e006c0|63<<MAP_HUGE_SHIFT, -1, 0) = -1 EINVAL (Invalid argument)',
  );
  assert.equal(trace(m, NR.mprotect, [0x10000, 4096, 0], 0), 'mprotect(0x10000, 4096, PROT_NONE)      = 0');
  assert.equal(trace(m, NR.munmap, [0x10000, 4096], 0), 'munmap(0x10000, 4096)                   = 0');
  assert.equal(trace(m, NR.madvise, [0x10000, 4096, 1234], -22), 'madvise(0x10000, 4096, 0x4d2 /* MADV_??? */) = -1 EINVAL (Invalid argument)');
  assert.equal(
    trace(m, NR.mremap, [0x10000, 4096, 8192, 3, 0x20000], -14),
    'mremap(0x10000, 4096, 8192, MREMAP_MAYMOVE|MREMAP_FIXED, 0x20000) = -1 EFAULT (Bad address)',
  );
  assert.equal(trace(m, NR.brk, [0], 0x2aaab000n), 'brk(NULL)                               = 0x2aaab000');
});

test('signals: sigaction (riscv64 layout), masks and their complements', () => {
  const m = new FakeMemory();
  const bit = (s: number) => 1n << BigInt(s - 1);
  const act = m.u64s([0x1234, 0x10000004, bit(2) | bit(17)]);
  assert.equal(
    trace(m, NR.rt_sigaction, [2, act, 0, 8], 0),
    'rt_sigaction(SIGINT, {sa_handler=0x1234, sa_mask=[INT CHLD], sa_flags=SA_RESTART|SA_SIGINFO}, NULL, 8) = 0',
  );
  const old = m.alloc(24);
  const ign = m.u64s([1, 0, 0xffffffffffffffffn]);
  assert.equal(
    trace(m, NR.rt_sigaction, [10, ign, old, 8], 0),
    'rt_sigaction(SIGUSR1, {sa_handler=SIG_IGN, sa_mask=~[], sa_flags=0}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0',
  );
  const dfl = m.u64s([0, 0xc8000803, ~(bit(32) | bit(33)) & 0xffffffffffffffffn]);
  assert.equal(
    trace(m, NR.rt_sigaction, [64, dfl, 0, 8], 0),
    'rt_sigaction(SIGRT_32, {sa_handler=SIG_DFL, sa_mask=~[RTMIN RT_1], sa_flags=SA_ONSTACK|SA_NODEFER|SA_RESETHAND|SA_NOCLDSTOP|SA_NOCLDWAIT|0x800}, NULL, 8) = 0',
  );
  assert.equal(trace(m, NR.rt_sigaction, [99, 0, 0, 8], -22), 'rt_sigaction(99, NULL, NULL, 8)         = -1 EINVAL (Invalid argument)');
  assert.equal(trace(m, NR.rt_sigaction, [2, 8, 0, 8], -14), 'rt_sigaction(SIGINT, 0x8, NULL, 8)      = -1 EFAULT (Bad address)');
  const set = (v: bigint) => m.u64s([v]);
  assert.equal(trace(m, NR.rt_sigprocmask, [1, set(bit(32) | bit(33)), 0, 8], 0), 'rt_sigprocmask(SIG_UNBLOCK, [RTMIN RT_1], NULL, 8) = 0');
  const oset = m.alloc(8);
  assert.equal(
    trace(m, NR.rt_sigprocmask, [2, set(((1n << 64n) - 1n) & ~(bit(9) | bit(19))), oset, 8], 0),
    'rt_sigprocmask(SIG_SETMASK, ~[KILL STOP], [], 8) = 0',
  );
  assert.equal(
    trace(m, NR.rt_sigprocmask, [7, set((1n << 42n) - 1n), 0, 8], -22),
    'rt_sigprocmask(0x7 /* SIG_??? */, ~[RT_11 RT_12 RT_13 RT_14 RT_15 RT_16 RT_17 RT_18 RT_19 RT_20 RT_21 RT_22 RT_23 RT_24 RT_25 RT_26 RT_27 RT_28 RT_29 RT_30 RT_31 RT_32], NULL, 8) = -1 EINVAL (Invalid argument)',
  );
  assert.equal(
    trace(m, NR.rt_sigprocmask, [7, set((1n << 41n) - 1n), 0, 8], -22),
    'rt_sigprocmask(0x7 /* SIG_??? */, [HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS RTMIN RT_1 RT_2 RT_3 RT_4 RT_5 RT_6 RT_7 RT_8 RT_9], NULL, 8) = -1 EINVAL (Invalid argument)',
  );
  const s3 = set(3n);
  assert.equal(
    trace(m, NR.rt_sigprocmask, [7, s3, 0, 16], -22),
    line(`rt_sigprocmask(0x7 /* SIG_??? */, 0x${s3.toString(16)}, NULL, 16)`, `-1 EINVAL (Invalid argument)`),
  );
  assert.equal(trace(m, NR.kill, [0, 0], 0), 'kill(0, 0)                              = 0');
  assert.equal(trace(m, NR.kill, [99999, 70], -3), 'kill(99999, 70)                         = -1 ESRCH (No such process)');
  assert.equal(trace(m, NR.tgkill, [99999, 99999, 34], -3), 'tgkill(99999, 99999, SIGRT_2)           = -1 ESRCH (No such process)');
  // rt_sigreturn reads the mask to restore out of the signal frame at sp.
  const frame = m.alloc(1024);
  m.write(frame + 168n, [2, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(trace(m, NR.rt_sigreturn, [0], -4, undefined, frame), 'rt_sigreturn({mask=[INT]})              = -1 EINTR (Interrupted system call)');
});

test('execve, clone, clone3 and exit', () => {
  const m = new FakeMemory();
  const argv = m.u64s([m.str('ls'), m.str('-l'), 0]);
  const envp = m.u64s([m.str('A=1'), m.str('B=2'), m.str('C=3'), m.str('D=4'), 0]);
  assert.equal(trace(m, NR.execve, [m.str('/bin/ls'), argv, envp], 0), line(`execve("/bin/ls", ["ls", "-l"], 0x${envp.toString(16)} /* 4 vars */)`, `0`));
  const one = m.u64s([m.str('A=1'), 0]);
  const av2 = m.u64s([m.str('./t4'), m.str('a'), m.str('0123456789abcdef0123456789abcdefXYZ'), 0]);
  assert.equal(
    trace(m, NR.execve, [m.str('./t4'), av2, one], -2),
    line(`execve("./t4", ["./t4", "a", "0123456789abcdef0123456789abcdef"...], 0x${one.toString(16)} /* 1 var */)`, `-1 ENOENT (No such file or directory)`),
  );
  const x = m.str('x');
  const many = m.u64s([...Array(39).fill(x), 0]);
  assert.equal(
    trace(m, NR.execve, [m.str('/nonexist'), many, 0], -8),
    line(`execve("/nonexist", [${Array(32).fill('"x"').join(', ')}, ...], NULL)`, `-1 ENOEXEC (Exec format error)`),
  );
  assert.equal(trace(m, NR.execve, [m.str('/nonexist'), 0, 8], -14), 'execve("/nonexist", NULL, 0x8)          = -1 EFAULT (Bad address)');
  assert.equal(
    trace(m, NR.clone, [0x1200011, 0, 0, 0, 0x3ff7f8ea10n], 14282),
    'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x3ff7f8ea10) = 14282',
  );
  assert.equal(trace(m, NR.clone, [0x4111, 0x3fff000n, 0, 0, 0], 42), 'clone(child_stack=0x3fff000, flags=CLONE_VM|CLONE_VFORK|SIGCHLD) = 42');
  assert.equal(
    trace(m, NR.clone, [0xffffffffffffff00n, 0, 0, 0, 0], -22),
    'clone(child_stack=NULL, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_PIDFD|CLONE_PTRACE|CLONE_VFORK|CLONE_PARENT|CLONE_THREAD|CLONE_NEWNS|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_UNTRACED|CLONE_CHILD_SETTID|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET|CLONE_IO|CLONE_CLEAR_SIGHAND|CLONE_INTO_CGROUP|0xfffffffc00400000, parent_tid=NULL, tls=NULL, child_tidptr=NULL) = -1 EINVAL (Invalid argument)',
  );
  const ptid = m.alloc(8);
  const args = m.struct(88, [
    [0, 8, 0x104100],
    [24, 8, ptid],
    [32, 8, 17],
  ]);
  assert.equal(
    trace(m, NR.clone3, [args, 88], 14786, () => m.write(ptid, [0xc2, 0x39, 0, 0])),
    line(
      `clone3({flags=CLONE_VM|CLONE_VFORK|CLONE_PARENT_SETTID, parent_tid=0x${ptid.toString(16)}, exit_signal=SIGCHLD, stack=NULL, stack_size=0} => {parent_tid=[14786]}, 88)`,
      `14786`,
    ),
  );
  assert.equal(trace(m, NR.clone3, [0, 88], -14), 'clone3(NULL, 88)                        = -1 EFAULT (Bad address)');
  assert.equal(traceNoReturn(traceEnter({ nr: NR.exit_group, args: [0n] }, m)), 'exit_group(0)                           = ?');
  assert.equal(traceNoReturn(traceEnter({ nr: NR.exit, args: [U(-1)] }, m)), 'exit(-1)                                = ?');
});

test('wait4 and waitid decode statuses and siginfo', () => {
  const m = new FakeMemory();
  const st = m.alloc(8);
  const status = (v: number) => () => m.write(st, [v & 0xff, (v >> 8) & 0xff, 0, 0]);
  assert.equal(trace(m, NR.wait4, [-1, st, 0, 0], 14282, status(3 << 8)), 'wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 14282');
  assert.equal(trace(m, NR.wait4, [-1, st, 0, 0], 7, status(0x8b)), 'wait4(-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], 0, NULL) = 7');
  assert.equal(trace(m, NR.wait4, [-1, st, 0, 0], 7, status(9)), 'wait4(-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 7');
  assert.equal(trace(m, NR.wait4, [-1, st, 2, 0], 7, status(0x137f)), 'wait4(-1, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}], WSTOPPED, NULL) = 7');
  assert.equal(trace(m, NR.wait4, [-1, st, 8, 0], 7, status(0xffff)), 'wait4(-1, [{WIFCONTINUED(s)}], WCONTINUED, NULL) = 7');
  assert.equal(trace(m, NR.wait4, [14291, st, 1, 0], 0), line(`wait4(14291, 0x${st.toString(16)}, WNOHANG, NULL)`, `0`));
  assert.equal(
    trace(m, NR.wait4, [0, 0, 0xffffffff, 0], -22),
    'wait4(0, NULL, WNOHANG|WEXITED|WSTOPPED|WCONTINUED|WNOWAIT|__WCLONE|__WALL|__WNOTHREAD|0x1efffff0, NULL) = -1 EINVAL (Invalid argument)',
  );
  const ru = m.struct(144, [
    [0, 8, 0],
    [8, 8, 3014],
    [16, 8, 0],
    [24, 8, 726],
  ]);
  assert.equal(
    trace(m, NR.wait4, [14283, st, 0, ru], 14283, status(0)),
    'wait4(14283, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, {ru_utime={tv_sec=0, tv_usec=3014}, ru_stime={tv_sec=0, tv_usec=726}, ...}) = 14283',
  );
  const si = m.struct(128, [
    [0, 4, 17],
    [8, 4, 1],
    [16, 4, 14286],
    [20, 4, 0],
    [24, 4, 0],
  ]);
  assert.equal(
    trace(m, NR.waitid, [0, 0, si, 0x1000006, 0], 0),
    'waitid(P_ALL, 0, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=14286, si_uid=0, si_status=0, si_utime=0, si_stime=0}, WEXITED|WSTOPPED|WNOWAIT, NULL) = 0',
  );
  assert.equal(trace(m, NR.waitid, [9, 5, 0, 4, 0], -22), 'waitid(0x9 /* P_??? */, 5, NULL, WEXITED, NULL) = -1 EINVAL (Invalid argument)');
});

test('error returns: names and messages, restarts, unnamed numbers', () => {
  const m = new FakeMemory();
  const flock = (e: number) => trace(m, NR.flock, [1, 0], -e);
  assert.equal(flock(11), 'flock(1, 0)                             = -1 EAGAIN (Resource temporarily unavailable)');
  assert.equal(flock(95), 'flock(1, 0)                             = -1 EOPNOTSUPP (Operation not supported)');
  assert.equal(flock(133), 'flock(1, 0)                             = -1 EHWPOISON (Memory page has hardware error)');
  assert.equal(flock(41), 'flock(1, 0)                             = -1 (errno 41)');
  assert.equal(flock(513), 'flock(1, 0)                             = ? ERESTARTNOINTR (To be restarted)');
  assert.equal(flock(514), 'flock(1, 0)                             = ? ERESTARTNOHAND (To be restarted if no handler)');
  assert.equal(flock(515), 'flock(1, 0)                             = -1 ENOIOCTLCMD (Unknown error 515)');
  assert.equal(flock(4095), 'flock(1, 0)                             = -1 (errno 4095)');
  assert.equal(trace(m, NR.flock, [1, 2], 0), 'flock(1, LOCK_EX)                       = 0');
  // -4096 is not an error: it is an ordinary (if odd) value.
  assert.equal(trace(m, NR.lseek, [3, 0, 1], -4096), 'lseek(3, 0, SEEK_CUR)                   = -4096');
});

test('unknown and undecoded syscalls', () => {
  const m = new FakeMemory();
  assert.equal(trace(m, 0x1234, [1, 2, 3, 4, 5, 6], -38), 'syscall_0x1234(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)');
  assert.equal(trace(m, NR.sync, [0, 0, 0, 0, 0, 0], 0), 'sync()                                  = 0');
  assert.equal(trace(m, NR.fsync, [1], 0), 'fsync(1)                                = 0');
  assert.equal(trace(m, NR.getpid, [], 13579), 'getpid()                                = 13579');
  assert.equal(trace(m, NR.setgid, [0xffffffff], -22), 'setgid(-1)                              = -1 EINVAL (Invalid argument)');
  assert.equal(
    trace(m, NR.getxattr, [m.str('/tmp'), m.str('user.x'), 0x3fff0e60n, 10], -61),
    'getxattr("/tmp", "user.x", 0x3fff0e60, 10) = -1 ENODATA (No data available)',
  );
  assert.equal(
    trace(m, NR.mount, [m.str('none'), m.str('/nonexist'), m.str('tmpfs'), 0, 0], -20),
    'mount("none", "/nonexist", "tmpfs", 0, NULL) = -1 ENOTDIR (Not a directory)',
  );
  assert.deepEqual(undecoded(), []);
  // Every named syscall formats without throwing, whatever its registers hold.
  for (const nr of Object.values(NR)) {
    const line = trace(m, nr, [0x10000, 0x10008, 3, 0, 0x10010, 0], 0);
    assert.match(line, /^[a-z0-9_]+\(.*\) +=/);
  }
});

test('ioctl: terminal requests, conflicting names and the _IOC form', () => {
  const m = new FakeMemory();
  const tio = m.alloc(44);
  const fillTermios = () => m.write(tio, [0x00, 0x05, 0, 0, 0x05, 0, 0, 0, 0xbf, 0, 0, 0, 0x3b, 0x8a, 0, 0]);
  const sane =
    '{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}';
  assert.equal(trace(m, NR.ioctl, [0, 0x5401, tio], 0, fillTermios), line(`ioctl(0, TCGETS, ${sane})`, `0`));
  assert.equal(trace(m, NR.ioctl, [0, 0x5402, tio], 0), line(`ioctl(0, SNDCTL_TMR_START or TCSETS, ${sane})`, `0`));
  assert.equal(trace(m, NR.ioctl, [9, 0x5401, tio], -9), line(`ioctl(9, TCGETS, 0x${tio.toString(16)})`, `-1 EBADF (Bad file descriptor)`));
  const zero = m.alloc(44);
  assert.equal(
    trace(m, NR.ioctl, [99, 0x5404, zero], -9),
    'ioctl(99, SNDCTL_TMR_CONTINUE or TCSETSF, {c_iflag=, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|, c_cflag=B0|CS5|, c_lflag=, ...}) = -1 EBADF (Bad file descriptor)',
  );
  const all = m.struct(36, [
    [0, 4, 0xffffffff],
    [4, 4, 0xffffffff],
    [8, 4, 0xffffffff],
    [12, 4, 0xffffffff],
  ]);
  assert.equal(
    trace(m, NR.ioctl, [99, 0x5402, all], -9),
    'ioctl(99, SNDCTL_TMR_START or TCSETS, {c_iflag=IGNBRK|BRKINT|IGNPAR|PARMRK|INPCK|ISTRIP|INLCR|IGNCR|ICRNL|IUCLC|IXON|IXANY|IXOFF|IMAXBEL|IUTF8|0xffff8000, c_oflag=NL1|CR3|XTABS|BS1|VT1|FF1|OPOST|OLCUC|ONLCR|OCRNL|ONOCR|ONLRET|OFILL|OFDEL|0xffff0000, c_cflag=B4000000|B4000000<<IBSHIFT|CS8|CSTOPB|CREAD|PARENB|PARODD|HUPCL|CLOCAL|CMSPAR|CRTSCTS|0x2ff0e000, c_lflag=ISIG|ICANON|XCASE|ECHO|ECHOE|ECHOK|ECHONL|NOFLSH|IEXTEN|ECHOCTL|ECHOPRT|ECHOKE|FLUSHO|PENDIN|TOSTOP|EXTPROC|0xfffe2000, ...}) = -1 EBADF (Bad file descriptor)',
  );
  const ws = m.alloc(8);
  assert.equal(
    trace(m, NR.ioctl, [1, 0x5413, ws], 0, () => m.write(ws, [24, 0, 80, 0])),
    'ioctl(1, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0',
  );
  assert.equal(trace(m, NR.ioctl, [1, 0x5414, ws], 0), 'ioctl(1, TIOCSWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0');
  const pg = m.put([0xbe, 0x39, 0, 0]);
  assert.equal(trace(m, NR.ioctl, [0, 0x540f, pg], 0), 'ioctl(0, TIOCGPGRP, [14782])            = 0');
  assert.equal(trace(m, NR.ioctl, [0, 0x5410, pg], 0), 'ioctl(0, TIOCSPGRP, [14782])            = 0');
  assert.equal(trace(m, NR.ioctl, [0, 0x541b, m.alloc(4)], 0), 'ioctl(0, FIONREAD, [0])                 = 0');
  assert.equal(trace(m, NR.ioctl, [0, 0x540e, 0], -1), 'ioctl(0, TIOCSCTTY, 0)                  = -1 EPERM (Operation not permitted)');
  assert.equal(trace(m, NR.ioctl, [0, 0x5422], 0), 'ioctl(0, TIOCNOTTY)                     = 0');
  assert.equal(trace(m, NR.ioctl, [0, 0x540b, 0], 0), 'ioctl(0, TCFLSH, TCIFLUSH)              = 0');
  assert.equal(trace(m, NR.ioctl, [0, 0x540a, 1], 0), 'ioctl(0, TCXONC, TCOON)                 = 0');
  assert.equal(trace(m, NR.ioctl, [0, 0x1234, 0], -25), 'ioctl(0, _IOC(_IOC_NONE, 0x12, 0x34, 0), 0) = -1 ENOTTY (Inappropriate ioctl for device)');
  assert.equal(
    trace(m, NR.ioctl, [0, 0xc0105678, 0x1000], -25),
    'ioctl(0, _IOC(_IOC_READ|_IOC_WRITE, 0x56, 0x78, 0x10), 0x1000) = -1 ENOTTY (Inappropriate ioctl for device)',
  );
  assert.equal(
    trace(m, NR.ioctl, [0, 0x40045678, 0x1000], -25),
    'ioctl(0, _IOC(_IOC_WRITE, 0x56, 0x78, 0x4), 0x1000) = -1 ENOTTY (Inappropriate ioctl for device)',
  );
});

test('time: clocks, sleeps, timeofday, itimers', () => {
  const m = new FakeMemory();
  const ts = m.alloc(16);
  const fill = (sec: number, nsec: number) => () => m.write(ts, new Uint8Array(new BigInt64Array([BigInt(sec), BigInt(nsec)]).buffer));
  assert.equal(trace(m, NR.clock_gettime, [1, ts], 0, fill(4814, 268258605)), 'clock_gettime(CLOCK_MONOTONIC, {tv_sec=4814, tv_nsec=268258605}) = 0');
  assert.equal(trace(m, NR.clock_gettime, [99, ts], -22), line(`clock_gettime(0x63 /* CLOCK_??? */, 0x${ts.toString(16)})`, `-1 EINVAL (Invalid argument)`));
  assert.equal(trace(m, NR.clock_getres, [0, 0], 0), 'clock_getres(CLOCK_REALTIME, NULL)      = 0');
  const req = m.u64s([5, 0]),
    rem = m.alloc(16);
  assert.equal(trace(m, NR.nanosleep, [req, rem], 0), line(`nanosleep({tv_sec=5, tv_nsec=0}, 0x${rem.toString(16)})`, `0`));
  assert.equal(
    trace(m, NR.nanosleep, [req, rem], -516, () => m.write(rem, new Uint8Array(new BigInt64Array([3n, 996882488n]).buffer))),
    'nanosleep({tv_sec=5, tv_nsec=0}, {tv_sec=3, tv_nsec=996882488}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)',
  );
  assert.equal(
    trace(m, NR.clock_nanosleep, [1, 1, m.u64s([0, 1000]), 0], 0),
    'clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, {tv_sec=0, tv_nsec=1000}, NULL) = 0',
  );
  assert.equal(trace(m, NR.gettimeofday, [m.u64s([1795733713, 766832]), 0], 0), 'gettimeofday({tv_sec=1795733713, tv_usec=766832}, NULL) = 0');
  assert.equal(trace(m, NR.getitimer, [0, m.alloc(32)], 0), 'getitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=0}}) = 0');
  assert.equal(trace(m, NR.times, [m.alloc(32)], 1718567983), 'times({tms_utime=0, tms_stime=0, tms_cutime=0, tms_cstime=0}) = 1718567983');
});

test('process and resource calls', () => {
  const m = new FakeMemory();
  const rl = m.u64s([8192 * 1024, 0xffffffffffffffffn]);
  assert.equal(trace(m, NR.prlimit64, [0, 3, 0, rl], 0), 'prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0');
  assert.equal(
    trace(m, NR.prlimit64, [1234567, 4, m.u64s([1000, 1024]), 0], -3),
    'prlimit64(1234567, RLIMIT_CORE, {rlim_cur=1000, rlim_max=1024}, NULL) = -1 ESRCH (No such process)',
  );
  assert.equal(
    trace(m, NR.prlimit64, [0, 99, 0, rl], -22),
    line(`prlimit64(0, 0x63 /* RLIMIT_??? */, NULL, 0x${rl.toString(16)})`, `-1 EINVAL (Invalid argument)`),
  );
  assert.equal(
    trace(m, NR.getrlimit, [9, m.u64s([0xffffffffffffffffn, 0xffffffffffffffffn])], 0),
    'getrlimit(RLIMIT_AS, {rlim_cur=RLIM64_INFINITY, rlim_max=RLIM64_INFINITY}) = 0',
  );
  const uts = m.alloc(390);
  m.write(uts, latin1('Linux'));
  m.write(uts + 65n, latin1('vm'));
  assert.equal(trace(m, NR.uname, [uts], 0), 'uname({sysname="Linux", nodename="vm", ...}) = 0');
  assert.equal(trace(m, NR.umask, [0o22], 0o22), 'umask(022)                              = 022');
  assert.equal(trace(m, NR.umask, [0o777], 0), 'umask(0777)                             = 000');
  const si = m.struct(112, [
    [0, 8, 4815],
    [8, 8, 338752],
    [16, 8, 183264],
    [24, 8, 161184],
    [32, 8, 25276063744],
    [40, 8, 24689819648],
    [48, 8, 9166848],
    [56, 8, 1757184],
    [80, 2, 143],
    [104, 4, 1],
  ]);
  assert.equal(
    trace(m, NR.sysinfo, [si], 0),
    'sysinfo({uptime=4815, loads=[338752, 183264, 161184], totalram=25276063744, freeram=24689819648, sharedram=9166848, bufferram=1757184, totalswap=0, freeswap=0, procs=143, totalhigh=0, freehigh=0, mem_unit=1}) = 0',
  );
  assert.equal(trace(m, NR.set_tid_address, [0x3ff7f8ea10n], 13579), 'set_tid_address(0x3ff7f8ea10)           = 13579');
  assert.equal(trace(m, NR.set_robust_list, [0x3ff7f8ea20n], 0), 'set_robust_list(0x3ff7f8ea20, 0)        = 0');
  assert.equal(trace(m, NR.rseq, [0x1000, 32, 0, 0x53053053], -22), 'rseq(0x1000, 0x20, 0, 0x53053053)       = -1 EINVAL (Invalid argument)');
  const ids = [m.alloc(4), m.alloc(4), m.alloc(4)];
  assert.equal(trace(m, NR.getresuid, ids, 0), 'getresuid([0], [0], [0])                = 0');
  assert.equal(trace(m, NR.setresuid, [0xffffffff, 0, 0xffffffff], 0), 'setresuid(-1, 0, -1)                    = 0');
  assert.equal(trace(m, NR.getgroups, [0, 0], 0), 'getgroups(0, NULL)                      = 0');
  assert.equal(trace(m, NR.setgroups, [2, m.put([1, 0, 0, 0, 2, 0, 0, 0])], 0), 'setgroups(2, [1, 2])                    = 0');
  assert.equal(trace(m, NR.prctl, [15, m.str('myname')], 0), 'prctl(PR_SET_NAME, "myname")            = 0');
  assert.equal(trace(m, NR.prctl, [15, m.str('A'.repeat(63))], 0), 'prctl(PR_SET_NAME, "AAAAAAAAAAAAAAA"...) = 0');
  assert.equal(trace(m, NR.prctl, [3], 1), 'prctl(PR_GET_DUMPABLE)                  = 1 (SUID_DUMP_USER)');
  assert.equal(trace(m, NR.prctl, [38, 1, 0, 0, 0], 0), 'prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)  = 0');
  assert.equal(trace(m, NR.prctl, [1, 9], 0), 'prctl(PR_SET_PDEATHSIG, SIGKILL)        = 0');
  assert.equal(trace(m, NR.prctl, [2, m.put([9, 0, 0, 0])], 0), 'prctl(PR_GET_PDEATHSIG, [SIGKILL])      = 0');
  assert.equal(trace(m, NR.prctl, [23, 0], 1), 'prctl(PR_CAPBSET_READ, CAP_CHOWN)       = 1');
  assert.equal(trace(m, NR.prctl, [9999, 1, 2, 3, 4], -22), 'prctl(0x270f /* PR_??? */, 0x1, 0x2, 0x3, 0x4) = -1 EINVAL (Invalid argument)');
  assert.equal(trace(m, NR.sched_getaffinity, [0, 128, m.put([3])], 32), 'sched_getaffinity(0, 128, [0 1])        = 32');
  assert.equal(trace(m, NR.sched_getscheduler, [0], 0), 'sched_getscheduler(0)                   = 0 (SCHED_OTHER)');
  assert.equal(trace(m, NR.sched_setscheduler, [0, 3, m.alloc(4)], 0), 'sched_setscheduler(0, SCHED_BATCH, [0]) = 0');
  assert.equal(trace(m, NR.sched_get_priority_max, [1], 99), 'sched_get_priority_max(SCHED_FIFO)      = 99');
  assert.equal(trace(m, NR.sched_yield, [], 0), 'sched_yield()                           = 0');
});

test('futex operations', () => {
  const m = new FakeMemory();
  const f = 0x3ffffffeb8n;
  assert.equal(trace(m, NR.futex, [f, 0x80, 4, 0], -11), 'futex(0x3ffffffeb8, FUTEX_WAIT_PRIVATE, 4, NULL) = -1 EAGAIN (Resource temporarily unavailable)');
  assert.equal(trace(m, NR.futex, [f, 0x81, 1], 0), 'futex(0x3ffffffeb8, FUTEX_WAKE_PRIVATE, 1) = 0');
  assert.equal(
    trace(m, NR.futex, [f, 0x189, 4, 0, 0, 0xffffffff], -11),
    'futex(0x3ffffffeb8, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 4, NULL, FUTEX_BITSET_MATCH_ANY) = -1 EAGAIN (Resource temporarily unavailable)',
  );
  assert.equal(trace(m, NR.futex, [f, 10, 1, 0, 0, 0xff], 0), 'futex(0x3ffffffeb8, FUTEX_WAKE_BITSET, 1, 0xff) = 0');
  assert.equal(trace(m, NR.futex, [f, 4, 1, 2, f, 5], 0), 'futex(0x3ffffffeb8, FUTEX_CMP_REQUEUE, 1, 2, 0x3ffffffeb8, 5) = 0');
  assert.equal(
    trace(m, NR.futex, [f, 0x85, 1, 1, f, 0x04000001], 0),
    'futex(0x3ffffffeb8, FUTEX_WAKE_OP_PRIVATE, 1, 1, 0x3ffffffeb8, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1) = 0',
  );
  assert.equal(trace(m, NR.futex, [0, 0x82, 0], -38), 'futex(NULL, FUTEX_FD|FUTEX_PRIVATE_FLAG, 0) = -1 ENOSYS (Function not implemented)');
  assert.equal(trace(m, NR.futex, [0, 0x87], -14), 'futex(NULL, FUTEX_UNLOCK_PI_PRIVATE)    = -1 EFAULT (Bad address)');
  assert.equal(
    trace(m, NR.futex, [0, 0xffffff7f, 0, 0, 0, 0], -38),
    'futex(NULL, 0xffffff7f /* FUTEX_??? */, 0, NULL, NULL, 0) = -1 ENOSYS (Function not implemented)',
  );
});

test('polling, sockets and random numbers', () => {
  const m = new FakeMemory();
  const fds = m.struct(16, [
    [0, 4, 5],
    [4, 2, 1],
    [8, 4, 1],
    [12, 2, 6],
  ]);
  const zero = m.u64s([0, 0]);
  assert.equal(
    trace(m, NR.ppoll, [fds, 2, zero, 0, 8], 1, () => m.write(fds + 14n, [4, 0])),
    'ppoll([{fd=5, events=POLLIN}, {fd=1, events=POLLPRI|POLLOUT}], 2, {tv_sec=0, tv_nsec=0}, NULL, 8) = 1 ([{fd=1, revents=POLLOUT}], left {tv_sec=0, tv_nsec=0})',
  );
  assert.equal(trace(m, NR.ppoll, [fds, 1, zero, 0, 8], 0), 'ppoll([{fd=5, events=POLLIN}], 1, {tv_sec=0, tv_nsec=0}, NULL, 8) = 0 (Timeout)');
  assert.equal(trace(m, NR.ppoll, [m.struct(8, [[0, 4, 0xffffffff]]), 1, zero, 0, 8], 0), 'ppoll([{fd=-1}], 1, {tv_sec=0, tv_nsec=0}, NULL, 8) = 0 (Timeout)');
  const rset = m.put([0x09, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(
    trace(m, NR.pselect6, [4, rset, 0, 0, zero, 0], -9),
    'pselect6(4, [0 3], NULL, NULL, {tv_sec=0, tv_nsec=0}, NULL) = -1 EBADF (Bad file descriptor)',
  );
  const r = m.put([2, 0, 0, 0, 0, 0, 0, 0]),
    w = m.put([6, 0, 0, 0, 0, 0, 0, 0]);
  const sm = m.u64s([m.u64s([2]), 8]);
  assert.equal(
    trace(m, NR.pselect6, [3, r, w, 0, 0, sm], 2, () => m.write(r, [0])),
    'pselect6(3, [1], [1 2], NULL, NULL, {sigmask=[INT], sigsetsize=8}) = 2 (out [1 2])',
  );
  assert.equal(trace(m, NR.socket, [2, 0x80001, 6], 8), 'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 8');
  assert.equal(trace(m, NR.socket, [1, 0x802, 0], 9), 'socket(AF_UNIX, SOCK_DGRAM|SOCK_NONBLOCK, 0) = 9');
  assert.equal(trace(m, NR.socket, [16, 0x80003, 0], 13), 'socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 13');
  assert.equal(trace(m, NR.socket, [999, 99, 0], -22), 'socket(0x3e7 /* AF_??? */, SOCK_RAW|0x60 /* SOCK_??? */, 0) = -1 EINVAL (Invalid argument)');
  const rnd = m.alloc(40);
  assert.equal(
    trace(m, NR.getrandom, [rnd, 8, 1], 8, () => m.write(rnd, [0x50, 0x4d, 0x53, 0x8e, 0x58, 0x0c, 0xbc, 0xce])),
    'getrandom("\\x50\\x4d\\x53\\x8e\\x58\\x0c\\xbc\\xce", 8, GRND_NONBLOCK) = 8',
  );
  assert.equal(
    trace(m, NR.getrandom, [rnd, 8, 15], -22),
    line(`getrandom(0x${rnd.toString(16)}, 8, GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE|0x8)`, `-1 EINVAL (Invalid argument)`),
  );
});

test('signal delivery and exit lines', () => {
  assert.equal(formatSignalDelivery(11, { code: 1, addr: 0x10 }), '--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---');
  assert.equal(
    formatSignalDelivery(17, { code: 1, pid: 14282, uid: 0, status: 3, utime: 0, stime: 0 }),
    '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=14282, si_uid=0, si_status=3, si_utime=0, si_stime=0} ---',
  );
  assert.equal(
    formatSignalDelivery(17, { code: 2, pid: 14395, uid: 0, status: 11 }),
    '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=14395, si_uid=0, si_status=SIGSEGV, si_utime=0, si_stime=0} ---',
  );
  assert.equal(formatSignalDelivery(10, { code: 0, pid: 14394, uid: 0 }), '--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=14394, si_uid=0} ---');
  assert.equal(formatSignalDelivery(10, { code: -6, pid: 14394, uid: 0 }), '--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=14394, si_uid=0} ---');
  assert.equal(formatSignalDelivery(14, { code: 0x80 }), '--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---');
  assert.equal(formatSignalDelivery(4, { code: 0x80 }), '--- SIGILL {si_signo=SIGILL, si_code=SI_KERNEL, si_addr=NULL} ---');
  assert.equal(formatExit({ code: 0 }), '+++ exited with 0 +++');
  assert.equal(formatExit({ code: 3 }), '+++ exited with 3 +++');
  assert.equal(formatExit({ signal: 9 }), '+++ killed by SIGKILL +++');
  assert.equal(formatExit({ signal: 11, core: true }), '+++ killed by SIGSEGV (core dumped) +++');
});

test('a caller prefix ("[pid N] ") counts toward the result column', () => {
  const m = new FakeMemory();
  const rec = traceEnter({ nr: NR.sync, args: [] }, m);
  assert.equal('14108 ' + traceExit(rec, 0n, m, 6), '14108 sync()                            = 0');
  assert.equal('[pid  1234] ' + traceNoReturn(traceEnter({ nr: NR.exit_group, args: [0n] }, m), 12), '[pid  1234] exit_group(0)               = ?');
});

test('long strings are cut even when readCString refuses them', () => {
  const m = new RefusingMemory();
  const av = m.u64s([m.str('./t4'), m.str('0123456789abcdef0123456789abcdefXYZ'), m.str('0123456789abcdef0123456789abcdef'), 0]);
  assert.equal(
    trace(m, NR.execve, [m.str('./t4'), av, 0], -2),
    'execve("./t4", ["./t4", "0123456789abcdef0123456789abcdef"..., "0123456789abcdef0123456789abcdef"], NULL) = -1 ENOENT (No such file or directory)',
  );
  assert.equal(trace(m, NR.prctl, [15, m.str('A'.repeat(63))], 0), 'prctl(PR_SET_NAME, "AAAAAAAAAAAAAAA"...) = 0');
  const long = '/' + 'b'.repeat(200);
  assert.equal(trace(m, NR.chdir, [m.str(long)], -2), `chdir("${long}") = -1 ENOENT (No such file or directory)`);
});
