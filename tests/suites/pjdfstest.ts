// pjdfstest: each .t file is a shell script printing TAP ("1..N", then
// "ok K" or "not ok K - tried ..., expected ..., got ..."). It runs as root
// in a fresh directory on a tmpfs /tmp, as the suite's own run.sh runs it.
// A file is a unit; each check is an outcome ("chmod/00.t:12"), and the file
// itself is one too (did it run all its checks?).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cut, lastLines, wholeRunProblem, type Outcome, type SuiteSpec, type Unit, type UnitRun } from './suite.js';

// The tests name their files with \`openssl md5\` of random bytes, and the
// guest root has no openssl; this prints what \`openssl md5\` prints for
// stdin, from md5sum. Without it, namegen_len() in misc.sh loops forever.
const OPENSSL = `#!/bin/sh
[ "$1" = md5 ] || { echo "openssl stand-in: only 'md5' (from md5sum)" >&2; exit 1; }
echo "(stdin)= $(md5sum | cut -d' ' -f1)"
`;

const RUN =
  'mountpoint -q /tmp || mount -t tmpfs -o mode=1777 tmpfs /tmp; ' + 'w=$(mktemp -d /tmp/pjd.XXXXXX) && cd "$w" && exec /bin/sh "/opt/pjdfstest/tests/$0"';

export const pjdfstest: SuiteSpec = {
  name: 'pjdfstest',
  tarball: 'pjdfstest-riscv64.tar.zst',
  from: 'opt/pjdfstest',
  to: 'opt/pjdfstest',
  treeEnv: 'TUXGLASS_PJDFSTEST_ROOT',
  timeoutSeconds: 600,
  extraFiles: [{ path: 'usr/local/bin/openssl', text: OPENSSL, mode: 0o755 }],
  units(tree: string): Unit[] {
    const units: Unit[] = [];
    const tests = join(tree, 'tests');
    for (const dir of readdirSync(tests).sort()) {
      if (!statSync(join(tests, dir)).isDirectory()) continue;
      for (const f of readdirSync(join(tests, dir)).sort()) {
        if (!f.endsWith('.t')) continue;
        const id = `${dir}/${f}`;
        units.push({ id, argv: ['/bin/sh', '-c', RUN, id] });
      }
    }
    return units;
  },
  // Small files (3 to 14 checks) from each system call's folder.
  slice: ['chmod/12.t', 'chown/02.t', 'ftruncate/01.t', 'link/04.t', 'mkdir/02.t', 'open/02.t', 'symlink/01.t', 'truncate/01.t', 'unlink/02.t'],
  outcomes(unit: Unit, run: UnitRun): Outcome[] {
    const out: Outcome[] = [];
    let plan: number | undefined;
    let ran = 0;
    for (const raw of run.output.split('\n')) {
      const l = raw.trim();
      const p = /^1\.\.(\d+)$/.exec(l);
      if (p) {
        plan ??= Number(p[1]);
        continue;
      }
      const m = /^(not )?ok (\d+)\b(.*)$/.exec(l);
      if (!m) continue;
      ran++;
      const todo = /#\s*TODO/i.test(m[3]!);
      const id = `${unit.id}:${m[2]}`;
      out.push(m[1] && !todo ? { id, status: 'FAIL', line: cut(l) } : { id, status: 'PASS' });
    }
    const whole = wholeRunProblem(unit.id, run);
    if (whole) out.push(whole);
    else if (plan === undefined || ran < plan) {
      out.push({
        id: unit.id,
        status: 'BROK',
        unit: true,
        line: cut(`ran ${ran} of ${plan ?? '?'} checks, status ${run.status}: ${lastLines(run.output, 1)}`),
      });
    } else out.push({ id: unit.id, status: 'PASS', unit: true });
    return out;
  },
};
