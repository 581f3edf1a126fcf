// Differential testing: run the same riscv64 command under the reference
// (Linux answering the syscalls, through qemu-riscv64-static registered with
// binfmt_misc, inside a chroot) and under the tuxglass CLI, and compare
// stdout, stderr and exit status byte for byte.
//
// Each test file gets two scratch copies of the guest root (cp -a, so file
// times, modes and ownership are the same in both): one the reference chroots
// into, one tuxglass boots from (the CLI copies it again per run). Reference
// cases run in a private mount namespace with their own empty /tmp bound over
// the copy's /tmp, so what one case writes there is invisible to the next,
// and cases can run concurrently.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';

/** The repository root (this file runs as dist/tests/diff/harness.js). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The environment the CLI promises its guest, and the reference gets via env -i. */
export const GUEST_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'TERM=linux'];

// A hang detector, not a speed limit: generous, since a loaded 2-core machine runs these slowly.
export const DEFAULT_TIMEOUT_MS = 60_000;

/** A host file to place in the guest root before the run. */
export interface AddFile {
  host: string;
  guest: string;
}

export interface RunOptions {
  input?: string | Buffer;
  add?: AddFile[];
  timeoutMs?: number;
}

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  /** The exit status, or 128+N when killed by signal N. */
  status: number;
  timedOut: boolean;
}

export interface DiffEnv {
  /** Why the reference cannot run here; undefined when it can. */
  skip?: string;
  rootfs: string;
  refRoot: string;
  tgRoot: string;
  scratch: string;
  cleanup(): void;
}

function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The guest root: the cached default one, fetched on first use. */
async function findRootfs(): Promise<string> {
  const mod = await import('../../src/host/guestpkg/index.js');
  const dir = mod.defaultRootfsDir();
  if (existsSync(join(dir, 'bin', 'busybox'))) return dir;
  return mod.ensureRootfs({ quiet: true });
}

/**
 * Sets up the reference for one test file: checks what it needs, makes the
 * scratch copies and runs a trivial command through the chroot. Never throws:
 * when something is missing, `skip` says what.
 */
export async function prepareDiff(label: string): Promise<DiffEnv> {
  const env: DiffEnv = { rootfs: '', refRoot: '', tgRoot: '', scratch: '', cleanup() {} };
  const skip = (why: string): DiffEnv => {
    env.cleanup();
    env.skip = why;
    return env;
  };
  if (process.platform !== 'linux') return skip('the reference needs a Linux host');
  if (process.getuid?.() !== 0) return skip('the reference needs root (chroot, mount namespaces)');
  for (const cmd of ['chroot', 'unshare', 'bash', 'cp', 'qemu-riscv64-static']) {
    if (!hasCommand(cmd)) return skip(`the reference needs ${cmd} on the host`);
  }
  try {
    env.rootfs = await findRootfs();
  } catch (e) {
    return skip(`no guest root filesystem: ${(e as Error).message.split('\n')[0]}`);
  }
  env.scratch = mkdtempSync(join(tmpdir(), `tuxglass-diff-${label}-`));
  env.cleanup = () => {
    if (env.scratch) rmSync(env.scratch, { recursive: true, force: true });
  };
  env.refRoot = join(env.scratch, 'ref');
  env.tgRoot = join(env.scratch, 'tg');
  for (const dest of [env.refRoot, env.tgRoot]) {
    mkdirSync(dest);
    const cp = spawnSync('cp', ['-a', `${env.rootfs}/.`, dest], { encoding: 'utf8' });
    if (cp.status !== 0) return skip(`cp -a of the guest root failed: ${cp.stderr.trim()}`);
  }
  // Mount points for /dev and /proc, should the root lack them.
  for (const d of ['tmp', 'dev', 'proc']) mkdirSync(join(env.refRoot, d), { recursive: true });
  const probe = await runReference(env, ['/bin/busybox', 'true'], { timeoutMs: 30_000 });
  if (probe.status !== 0) {
    const msg = probe.stderr.toString().trim() || 'no message';
    const hint = /exec format error/i.test(msg) ? '; register qemu-riscv64-static with binfmt_misc, flags PF: sh scripts/binfmt-riscv64.sh' : '';
    return skip(`the reference chroot does not work here (status ${probe.status}: ${msg})${hint}`);
  }
  // Busybox's shell runs applets by exec'ing /proc/self/exe with argv[0] set
  // to the applet name; binfmt_misc keeps that argv[0] only with the P flag.
  const argv0 = await runReference(env, ['/bin/busybox', 'sh', '-c', 'echo ok | cat'], { timeoutMs: 30_000 });
  if (argv0.stdout.toString() !== 'ok\n') {
    return skip('the reference loses argv[0] on exec: register qemu-riscv64-static with binfmt_misc ' + 'flags PF (preserve-argv0, fix-binary), not F alone');
  }
  return env;
}

let caseCounter = 0;

function copyInto(host: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(host, dest);
  chmodSync(dest, statSync(host).mode & 0o7777);
}

// Runs inside the private mount namespace, before chroot (in a fresh IPC
// namespace too: System V ids start empty, as on a booted tuxglass). Inherited fds above
// 2 are closed so the guest starts with 0-2 only, as under tuxglass; no core
// files; Linux's usual umask.
const REF_WRAPPER = `
set -e
root=$1; casetmp=$2; shift 2
for f in /proc/$$/fd/*; do n=\${f##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done
mount --bind "$casetmp" "$root/tmp"
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
ulimit -c 0
umask 022
exec chroot "$root" /bin/busybox env -i ${GUEST_ENV.join(' ')} "$@"
`;

/**
 * Runs argv in the reference chroot. Files added under /tmp go to this run's
 * private /tmp; others into the shared reference copy.
 */
export async function runReference(env: DiffEnv, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const caseTmp = join(env.scratch, 'cases', String(++caseCounter));
  mkdirSync(caseTmp, { recursive: true });
  chmodSync(caseTmp, statSync(join(env.refRoot, 'tmp')).mode & 0o7777);
  for (const a of opts.add ?? []) {
    const dest = a.guest.startsWith('/tmp/') ? join(caseTmp, a.guest.slice(5)) : join(env.refRoot, a.guest);
    copyInto(a.host, dest);
  }
  try {
    const r = await spawnWithTimeout(
      'unshare',
      ['--mount', '--ipc', '--propagation', 'private', 'bash', '-c', REF_WRAPPER, 'ref-wrapper', env.refRoot, caseTmp, ...argv],
      opts,
    );
    // qemu-user announces a guest's core dump on stderr; Linux does not (and
    // with RLIMIT_CORE 0 there should be none).
    r.stderr = Buffer.from(r.stderr.toString('latin1').replace(/^qemu: uncaught target signal \d+ \([^)]*\) - core dumped\n/gm, ''), 'latin1');
    return r;
  } finally {
    rmSync(caseTmp, { recursive: true, force: true });
  }
}

// After a few tuxglass runs have hung, the rest get a short timeout: a kernel
// that hangs on something common must fail the suite quickly, not stall it.
let tuxglassTimeouts = 0;
const HUNG_LIMIT = 2;
const SHORT_TIMEOUT_MS = 15_000;

/** Runs argv under the tuxglass CLI, booted from the scratch copy of the root. */
export async function runTuxglass(env: DiffEnv, argv: string[], opts: RunOptions & { extraArgs?: string[] } = {}): Promise<RunResult> {
  const args = [join(REPO, 'bin', 'tuxglass.js'), 'run', '--rootfs', env.tgRoot, ...(opts.extraArgs ?? [])];
  for (const a of opts.add ?? []) args.push('--add', `${a.host}:${a.guest}`);
  let timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (tuxglassTimeouts >= HUNG_LIMIT) timeoutMs = Math.min(timeoutMs, SHORT_TIMEOUT_MS);
  const r = await spawnWithTimeout(process.execPath, [...args, '--', ...argv], { ...opts, timeoutMs });
  if (r.timedOut) tuxglassTimeouts++;
  return r;
}

/**
 * Spawns a command in its own process group, feeds it stdin, collects its
 * output, and kills the whole group when the time is up.
 */
export function spawnWithTimeout(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: { ...process.env, TERM: 'linux' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {
      /* the program did not read all its input */
    });
    child.stdin.end(opts.input ?? '');
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) killGroup();
      const status = code ?? 128 + (signal ? osConstants.signals[signal] : 0);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status, timedOut });
    });
  });
}

/** What a case must show under the reference, to prove the case tests what it says. */
export interface Expect {
  status?: number;
  stdout?: string | RegExp;
  stderr?: string | RegExp;
}

export interface DiffCase extends RunOptions {
  name: string;
  argv: string[];
  /** Checked against the reference; status defaults to 0. */
  expect?: Expect;
  /** Files for the reference instead of `add`, where Linux must judge a different file. */
  refAdd?: AddFile[];
}

/** Bytes as a string that keeps every byte (for diffs that show binary output). */
export function text(b: Buffer): string {
  return b.toString('latin1');
}

function view(r: RunResult) {
  return { status: r.status, stdout: text(r.stdout), stderr: text(r.stderr) };
}

function checkPart(what: string, actual: string, want: string | RegExp | undefined): void {
  if (want === undefined) return;
  if (typeof want === 'string') assert.equal(actual, want, `reference ${what}`);
  else assert.match(actual, want, `reference ${what}`);
}

/**
 * One differential case as two subtests: the reference must meet the case's
 * expectations (so a case cannot pass vacuously), then tuxglass must produce
 * exactly what the reference produced.
 */
export async function diffCase(t: TestContext, env: DiffEnv, c: DiffCase): Promise<void> {
  let ref: RunResult | undefined;
  await t.test('reference', async (tt) => {
    const r = await runReference(env, c.argv, { ...c, add: c.refAdd ?? c.add });
    assert.ok(!r.timedOut, `reference timed out after ${(c.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`);
    const v = view(r);
    if (process.env.TUXGLASS_DIFF_VERBOSE) tt.diagnostic(JSON.stringify(v));
    assert.equal(v.status, c.expect?.status ?? 0, `reference exit status (stderr: ${v.stderr})`);
    checkPart('stdout', v.stdout, c.expect?.stdout);
    checkPart('stderr', v.stderr, c.expect?.stderr);
    ref = r;
  });
  await t.test('tuxglass matches', async (tt) => {
    if (!ref) {
      tt.skip('no comparison: the reference run failed, and its own subtest reports that failure');
      return;
    }
    const r = await runTuxglass(env, c.argv, c);
    assert.ok(
      !r.timedOut,
      'tuxglass timed out ' + `(stdout so far: ${JSON.stringify(text(r.stdout).slice(-300))}, stderr: ${JSON.stringify(text(r.stderr).slice(-300))})`,
    );
    assert.deepEqual(view(r), view(ref));
  });
}
