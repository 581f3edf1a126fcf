// Start-up of dynamically linked Debian programs: the same command in a
// chroot of the guest root under qemu-riscv64-static (binfmt_misc) and under
// tuxglass, several times each; the median wall time of each, and their
// ratio. tuxglass's wall time includes starting Node and the kernel, so the
// guest's own time (from --stats) is printed beside it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRootfsDir } from '../src/host/guestpkg/index.js';
import { REPO, spawnWithTimeout } from '../tests/diff/harness.js';

const RUNS = 5;
const COMMANDS: ReadonlyArray<{ label: string; argv: string[] }> = [
  { label: '/bin/true', argv: ['/bin/true'] },
  { label: 'bash -c true', argv: ['/bin/bash', '-c', 'true'] },
  { label: 'ps aux', argv: ['/bin/ps', 'aux'] },
];

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export async function wall(cmd: string, args: string[], timeoutMs = 120_000): Promise<{ seconds: number; stderr: string; status: number }> {
  const start = performance.now();
  const r = await spawnWithTimeout(cmd, args, { timeoutMs });
  return { seconds: (performance.now() - start) / 1000, stderr: r.stderr.toString(), status: r.status };
}

/** argv in a chroot of the guest root under qemu-user: a private mount namespace with /proc mounted, as the tools expect (ps reads it). */
export function qemuChroot(root: string, argv: string[], timeoutMs = 120_000): ReturnType<typeof wall> {
  return wall(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount -t proc proc "$0/proc" && exec chroot "$0" /usr/bin/env -i PATH=/usr/bin:/usr/sbin "$@"',
      root,
      ...argv,
    ],
    timeoutMs,
  );
}

/** Whether the qemu chroot reference can run here; the reason when not. */
export function chrootProblem(root: string): string | undefined {
  if (!existsSync(join(root, 'usr/bin/bash'))) return `no guest root at ${root} (run: node bin/tuxglass.js fetch)`;
  if (process.getuid?.() !== 0 || spawnSync('chroot', [root, '/bin/true']).status !== 0) {
    return 'the qemu reference needs root and qemu-riscv64-static registered with binfmt_misc (scripts/binfmt-riscv64.sh)';
  }
  return undefined;
}

/** Prints the start-up table; returns problems found (a failed run), never judging speed. */
export async function benchStartup(): Promise<string[]> {
  const root = defaultRootfsDir();
  const why = chrootProblem(root);
  if (why) return [`startup: ${why}`];
  const problems: string[] = [];
  console.log('');
  console.log(`start-up, median of ${RUNS}   qemu chroot   tuxglass wall   tuxglass guest   wall ratio   guest ratio`);
  for (const c of COMMANDS) {
    const q: number[] = [],
      t: number[] = [],
      g: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const qr = await qemuChroot(root, c.argv);
      if (qr.status !== 0) problems.push(`startup: ${c.label} failed under qemu: ${qr.stderr.trim()}`);
      q.push(qr.seconds);
      const tr = await wall(process.execPath, [join(REPO, 'bin', 'tuxglass.js'), 'run', '--stats', '--', ...c.argv]);
      if (tr.status !== 0) problems.push(`startup: ${c.label} failed under tuxglass: ${tr.stderr.trim().slice(-500)}`);
      t.push(tr.seconds);
      const s = /tuxglass: instructions=\d+ seconds=([\d.]+)/.exec(tr.stderr);
      if (s) g.push(Number(s[1]));
    }
    const qm = median(q),
      tm = median(t),
      gm = g.length ? median(g) : NaN;
    console.log(
      `${c.label.padEnd(24)} ${qm.toFixed(3).padStart(9)} s ${tm.toFixed(3).padStart(13)} s ${gm.toFixed(3).padStart(14)} s ${(tm / qm).toFixed(2).padStart(11)}x ${(gm / qm).toFixed(2).padStart(12)}x`,
    );
  }
  return problems;
}
