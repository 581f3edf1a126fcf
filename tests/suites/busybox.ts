// busybox's testsuite (from Debian's busybox 1.37 source) against the
// busybox-static binary shipped beside it. `runtest APPLET` runs one applet's
// tests (old-style APPLET/ scripts and new-style APPLET.tests) and prints
// "PASS: name", "FAIL: name", "SKIPPED: name" or "UNTESTED: name" for each.
// A unit is an applet, run in a copy of the suite on a tmpfs /tmp as the
// suite's own run.sh does; each test is an outcome ("sed/sed n command"), and
// the applet's run is one too (did runtest reach its end?).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cut, lastLines, wholeRunProblem, type Outcome, type SuiteSpec, type Unit, type UnitRun } from './suite.js';

const DONE = 'RUNTEST-DONE';
const RUN =
  'mountpoint -q /tmp || mount -t tmpfs -o mode=1777 tmpfs /tmp; ' +
  'rm -rf /tmp/bb && cp -a /opt/busybox /tmp/bb && cd /tmp/bb/testsuite || exit 1; ' +
  `./runtest "$0" 2>&1; echo "${DONE} $?"`;

export const busybox: SuiteSpec = {
  name: 'busybox',
  tarball: 'busybox-testsuite-riscv64.tar.zst',
  from: 'opt/busybox',
  to: 'opt/busybox',
  treeEnv: 'TUXGLASS_BUSYBOX_TESTSUITE_ROOT',
  timeoutSeconds: 600,
  units(tree: string): Unit[] {
    const ts = join(tree, 'testsuite');
    const applets = new Set<string>();
    for (const f of readdirSync(ts)) {
      if (f.endsWith('.tests')) applets.add(f.slice(0, -'.tests'.length));
      else if (statSync(join(ts, f)).isDirectory()) applets.add(f);
    }
    return [...applets].sort().map((a) => ({ id: a, argv: ['/bin/sh', '-c', RUN, a] }));
  },
  // Applets whose tests are few and quick (runtest's own set-up, ~270 execs, dominates).
  slice: ['basename', 'cat', 'dirname', 'echo', 'pwd'],
  outcomes(unit: Unit, run: UnitRun): Outcome[] {
    const out: Outcome[] = [];
    const ids = new Map<string, number>();
    let done = false;
    for (const raw of run.output.split('\n')) {
      const l = raw.trimEnd();
      if (l.startsWith(`${DONE} `)) {
        done = true;
        continue;
      }
      const m = /^(PASS|FAIL|SKIPPED|UNTESTED): (.*)$/.exec(l);
      if (!m) continue;
      // Test names repeat now and then within an applet: number the repeats.
      const base = `${unit.id}/${m[2]!.trim()}`;
      const n = (ids.get(base) ?? 0) + 1;
      ids.set(base, n);
      const id = n === 1 ? base : `${base} #${n}`;
      const status = m[1] === 'PASS' ? 'PASS' : m[1] === 'FAIL' ? 'FAIL' : 'CONF';
      out.push(status === 'FAIL' ? { id, status, line: cut(l) } : { id, status });
    }
    const whole = wholeRunProblem(unit.id, run);
    if (whole) out.push(whole);
    else if (!done)
      out.push({ id: unit.id, status: 'BROK', unit: true, line: cut(`runtest did not finish (status ${run.status}): ${lastLines(run.output, 1)}`) });
    else out.push({ id: unit.id, status: 'PASS', unit: true });
    return out;
  },
};
