// `tuxglass boot`: packing the guest root into an initramfs, boot-to-shell
// wall time (from starting tuxglass until the shell has run a first command:
// init=/bin/sh, and busybox init's inittab shell), median of 3, and the
// host's peak memory (VmHWM of the tuxglass process) for a booted machine
// with --mem 256M sitting idle at its shell. Figures only.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRootfsDir } from '../src/host/guestpkg/index.js';
import { ensureInitramfs } from '../src/host/initramfs.js';
import { REPO } from '../tests/diff/harness.js';

const RUNS = 3;
const MARK = 'boot-marker-42';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Boot, type a command, and time until its output appears; then measure VmHWM after `idleMs`, and stop. */
function bootToShell(root: string, append: string[], idleMs = 0): Promise<{ seconds: number; hwmKb: number } | string> {
  return new Promise((resolve) => {
    const start = performance.now();
    const c = spawn(
      process.execPath,
      [join(REPO, 'bin', 'tuxglass.js'), 'boot', '--mem', '256M', '--rootfs', root, ...append.flatMap((a) => ['--append', a])],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '',
      done = false;
    const timer = setTimeout(() => {
      finish(`timed out; output: ${out.slice(-500)}`);
    }, 180_000);
    const finish = (r: { seconds: number; hwmKb: number } | string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      c.kill('SIGKILL');
      resolve(r);
    };
    c.stdin.on('error', () => {});
    c.stdin.write(`echo boot-marker-$((6*7))\n`);
    c.stdout.on('data', (d) => {
      out += d;
      if (!out.includes(MARK)) return;
      const seconds = (performance.now() - start) / 1000;
      setTimeout(() => {
        const m = /^VmHWM:\s+(\d+) kB$/m.exec(existsSync(`/proc/${c.pid}/status`) ? readFileSync(`/proc/${c.pid}/status`, 'utf8') : '');
        finish({ seconds, hwmKb: m ? Number(m[1]) : NaN });
      }, idleMs);
    });
    c.on('close', () => finish(`exited before the marker; output: ${out.slice(-500)}`));
  });
}

/** Prints the boot table; returns problems found (a failed run), never judging speed. */
export async function benchBoot(): Promise<string[]> {
  const root = defaultRootfsDir();
  if (!existsSync(join(root, 'etc/inittab'))) return [`boot: no guest root with busybox init at ${root} (run: node bin/tuxglass.js fetch)`];
  const problems: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tuxglass-bench-initramfs-'));
  try {
    const p = await ensureInitramfs(root, dir);
    console.log('');
    console.log(
      `initramfs pack      ${(p.ms / 1000).toFixed(2)} s (${p.files} entries, ${(p.bytes! / 1048576).toFixed(1)} MB cpio, ${(p.compressed! / 1048576).toFixed(1)} MB gzip'd)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // A first boot fills the initramfs cache; it is not counted.
  const warm = await bootToShell(root, ['init=/bin/sh']);
  if (typeof warm === 'string') return [`boot: ${warm}`];
  for (const [label, append] of [
    ['init=/bin/sh', ['init=/bin/sh']],
    ['busybox init', []],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await bootToShell(root, [...append]);
      if (typeof r === 'string') {
        problems.push(`boot (${label}): ${r}`);
        break;
      }
      times.push(r.seconds);
    }
    if (times.length) console.log(`boot to shell, ${label.padEnd(13)} ${median(times).toFixed(2)} s wall (median of ${times.length})`);
  }
  const idle = await bootToShell(root, [], 3000);
  if (typeof idle === 'string') problems.push(`boot (idle): ${idle}`);
  else console.log(`host peak memory    ${(idle.hwmKb / 1024).toFixed(0)} MB VmHWM (booted, idle at the shell, --mem 256M)`);
  return problems;
}
