// The `tuxglass run` command as a user meets it: --strace output in strace's
// format, --stats, exit statuses, --add, and errors for missing programs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRootfsDir } from '../../src/host/guestpkg/index.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(REPO, 'bin', 'tuxglass.js');
const rootfs = defaultRootfsDir();
const skip = existsSync(join(rootfs, 'bin', 'busybox')) ? false : `no guest root at ${rootfs} (run: node bin/tuxglass.js fetch)`;

function run(args: string[], input = '') {
  const r = spawnSync(process.execPath, [CLI, 'run', '--rootfs', rootfs, ...args], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, TERM: 'linux' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--strace prints each syscall in strace format', { skip }, () => {
  const r = run(['--strace', '--', '/bin/busybox', 'cat', '/etc/hostname']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'tuxglass\n');
  assert.match(r.stderr, /^openat\(AT_FDCWD, "\/etc\/hostname", O_RDONLY(\|O_LARGEFILE)?\) = 3$/m);
  // busybox cat copies with sendfile (the kernel moves the bytes).
  assert.match(r.stderr, /^sendfile\(1, 3, NULL, \d+\) += 9$/m);
  assert.match(r.stderr, /^close\(3\) += 0$/m);
  assert.match(r.stderr, /^exit_group\(0\) += \?$/m);
  assert.match(r.stderr, /^\+\+\+ exited with 0 \+\+\+$/m);
});

test('--strace follows children and shows their data', { skip }, () => {
  const r = run(['--strace', '--', '/bin/busybox', 'sh', '-c', 'echo hi | /bin/busybox tr a-z A-Z']);
  assert.equal(r.stdout, 'HI\n');
  assert.match(r.stderr, /^\[pid +\d+\] write\(1, "hi\\n", 3\) += 3$/m);
  assert.match(r.stderr, /^\[pid +\d+\] execve\("\/bin\/busybox", \["\/bin\/busybox", "tr", "a-z", "A-Z"\], 0x[0-9a-f]+ \/\* \d+ vars \*\/\) += 0$/m);
  assert.match(r.stderr, /--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_EXITED, /);
});

test('--strace shows errors with errno names', { skip }, () => {
  const r = run(['--strace', '--', '/bin/busybox', 'cat', '/nope']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^openat\(AT_FDCWD, "\/nope", O_RDONLY(\|O_LARGEFILE)?\) += -1 ENOENT \(No such file or directory\)$/m);
});

test('--stats reports instructions and syscalls', { skip }, () => {
  const r = run(['--stats', '--', '/bin/busybox', 'true']);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /^tuxglass: instructions=\d+ seconds=[\d.]+ mips=[\d.]+ syscalls=\d+ enosys=\d+$/m);
});

// bin/tuxglass.js compiles the bundle with the V8 code cache the last run left; V8 itself says
// whether it took it (cachedDataRejected: another source or other flags). Made by one run, taken by the next.
const BUNDLE = join(REPO, 'dist', 'src', 'host', 'cli.bundle.cjs');
const noBundle =
  existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= statSync(join(REPO, 'dist', 'src', 'host', 'cli.js')).mtimeMs
    ? false
    : 'no up-to-date CLI bundle (node scripts/bundle.js; npm test makes it)';
test('a run starts from the V8 code cache the run before made', { skip: skip || noBundle }, () => {
  assert.equal(run(['--', '/bin/busybox', 'true']).status, 0);
  const r = run(['--stats', '--', '/bin/busybox', 'true']);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /^tuxglass: v8_code_cache=accepted$/m);
});

test('exit statuses pass through, 128+N for a signal', { skip }, () => {
  assert.equal(run(['--', '/bin/busybox', 'sh', '-c', 'exit 7']).status, 7);
  // The program is PID 1: as a container's init, it takes no signal it has no handler for, SIGKILL
  // and SIGSTOP included (sig_task_ignored); a fault it cannot handle kills it (force_sig_info).
  const ignored = run(['--', '/bin/busybox', 'sh', '-c', 'kill -SEGV $$; kill -9 $$; kill -STOP $$; kill -TERM 1; echo alive']);
  assert.deepEqual([ignored.status, ignored.stdout], [0, 'alive\n']);
  const trapped = run(['--', '/bin/busybox', 'sh', '-c', 'trap "echo got TERM; exit 3" TERM; kill -TERM $$; sleep 1']);
  assert.deepEqual([trapped.status, trapped.stdout], [3, 'got TERM\n']);
});

// exec_binprm allows five rewrites: five #! scripts ending in an ELF run, a sixth is ELOOP (checked
// natively on Linux 6.18 with the same chain ending in /bin/echo).
test('#! chains: five scripts run, six are ELOOP', { skip }, () => {
  const r = run([
    '--',
    '/bin/bash',
    '-c',
    [
      'cd /tmp',
      "printf '#!/bin/echo\\n' > s0",
      'for i in 1 2 3 4 5; do printf "#!/tmp/s$((i-1))\\n" > s$i; done',
      'chmod +x s0 s1 s2 s3 s4 s5',
      './s4 arg; echo "rc=$?"',
      './s5 arg; echo "rc=$?"',
    ].join('; '),
  ]);
  assert.equal(r.stdout, '/tmp/s0 /tmp/s1 /tmp/s2 /tmp/s3 ./s4 arg\nrc=0\nrc=126\n', r.stderr);
  assert.match(r.stderr, /\.\/s5: \/tmp\/s4: bad interpreter: Too many levels of symbolic links/);
});

// df and free agree: the root is a tmpfs whose default limits are half of RAM, in blocks and in
// inodes (shmem_default_max_blocks/_inodes), and each instance counts its own inodes.
test('df and free: the root tmpfs is half of RAM; df -i counts per file system', { skip }, () => {
  const r = run([
    '--mem',
    '512M',
    '--',
    '/bin/sh',
    '-c',
    [
      "free | awk '/^Mem:/ { print $2 }'",
      "df / | awk 'NR == 2 { print $2 }'",
      'mkdir /tmp/t',
      'mount -t tmpfs -o nr_inodes=50 none /tmp/t',
      'touch /tmp/t/a /tmp/t/b',
      "df -i /tmp/t /dev/shm | awk 'NR > 1 { print $2, $3 }'",
    ].join('; '),
  ]);
  assert.equal(r.stdout, '524288\n262144\n50 3\n65536 1\n', r.stderr);
});

test('missing and non-executable programs', { skip }, () => {
  const a = run(['--', '/no/such']);
  assert.equal(a.status, 127);
  assert.match(a.stderr, /No such file or directory/);
  const b = run(['--', '/etc/passwd']);
  assert.equal(b.status, 126);
  assert.match(b.stderr, /Permission denied/);
});

test('--add puts a host file into the guest', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tuxglass-add-'));
  const f = join(dir, 'script');
  writeFileSync(f, '#!/bin/sh\necho "added $1"\n');
  chmodSync(f, 0o755);
  const r = run(['--add', `${f}:/bin/added`, '--', '/bin/added', 'ok']);
  assert.equal(r.stdout, 'added ok\n');
  assert.equal(r.status, 0);
  // Missing directories on the way are made.
  const d = run(['--add', `${f}:/opt/new/bin/added`, '--', '/opt/new/bin/added', 'deep']);
  assert.equal(d.stdout, 'added deep\n');
});

test('stdin reaches the guest', { skip }, () => {
  const r = run(['--', '/bin/busybox', 'sh', '-c', 'while read a b; do echo "$b $a"; done'], 'x 1\ny 2\n');
  assert.equal(r.stdout, '1 x\n2 y\n');
});

test('a program name without a slash is looked for in the guest PATH, as execvp does', { skip }, () => {
  const r = run(['--', 'busybox', 'echo', 'found']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'found\n');
  // argv[0] stays as given; the program is the file PATH found (sh is dash in Debian).
  const w = run(['--', 'sh', '-c', 'echo $0; readlink /proc/$$/exe']);
  assert.equal(w.stdout, 'sh\n/usr/bin/dash\n');
  const n = run(['--', 'no-such-command']);
  assert.equal(n.status, 127);
  assert.equal(n.stderr, 'tuxglass: no-such-command: command not found\n');
});

test('--mem 8G: the guest sees 8 GiB while the host holds only what it touched', { skip }, () => {
  const r = run([
    '--mem',
    '8G',
    '--stats',
    '--',
    '/bin/busybox',
    'sh',
    '-c',
    'head -1 /proc/meminfo; /bin/busybox dd if=/dev/zero of=/dev/shm/f bs=1M count=64 2>/dev/null; grep Shmem: /proc/meminfo',
  ]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^MemTotal: +8388608 kB\n/);
  assert.match(r.stdout, /^Shmem: +65536 kB$/m);
  const rss = Number(/host_max_rss_kb=(\d+)/.exec(r.stderr)?.[1]);
  // Node and the kernel take a few hundred MB at most; a RAM backed in full would be 2 GiB or more.
  assert.ok(rss > 0 && rss < 1024 * 1024, `host peak RSS ${rss} kB`);
});

test('--mem: sizes outside 16M..64G or not in whole pages are usage errors', { skip }, () => {
  for (const bad of ['8X', '100G', '1000', '15M', '-1G', '4097K']) {
    const r = run([`--mem=${bad}`, '--', '/bin/true']);
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, /^tuxglass run: --mem .*\nTry 'tuxglass --help'\.\n$/, bad);
  }
  const ok = run(['--mem', '64G', '--', '/bin/busybox', 'head', '-1', '/proc/meminfo']);
  assert.match(ok.stdout, /^MemTotal: +67108864 kB\n/);
});

test("options are parsed strictly up to the program name; what follows is the guest's", { skip }, () => {
  const u = run(['--nope', '/bin/true']);
  assert.equal(u.status, 2);
  assert.match(u.stderr, /Unknown option '--nope'/);
  const m = run(['--strace=yes', '/bin/true']);
  assert.equal(m.status, 2);
  // Options after the program name go to it, with or without --.
  assert.equal(run(['/bin/busybox', 'echo', '--mem', '-n']).stdout, '--mem -n\n');
  assert.equal(run(['--cpus=2', '--', 'busybox', 'nproc']).stdout, '2\n');
});
