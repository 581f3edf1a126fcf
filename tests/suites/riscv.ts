// riscv-tests (rv64ui/um/ua/uf/ud/uc/zba/zbb/zbs) built as Linux user
// programs: exit 0 is a pass, any other status the number of the failing
// test case. Each program is tiny, so a unit is a batch of them run by one
// guest shell, one result line each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalName } from './ltp.js';
import { lastLines, wholeRunProblem, type Outcome, type SuiteSpec, type Unit, type UnitRun } from './suite.js';

const BATCH = 25;
const MARK = 'RISCV-TEST';

// Each program's status on its own line; the shell's own report of a fatal signal goes to stderr.
const LOOP = `for t in "$@"; do /opt/riscv-tests/bin/$t; echo "${MARK} $t $?"; done`;

export const riscv: SuiteSpec = {
  name: 'riscv-tests',
  tarball: 'riscv-tests-riscv64.tar.zst',
  from: '.',
  to: 'opt/riscv-tests',
  treeEnv: 'TUXGLASS_RISCV_TESTS_ROOT',
  timeoutSeconds: 120,
  units(tree: string): Unit[] {
    const names = readFileSync(join(tree, 'list'), 'utf8')
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const units: Unit[] = [];
    for (let i = 0; i < names.length; i += BATCH) {
      const batch = names.slice(i, i + BATCH);
      units.push({ id: `${batch[0]}..${batch[batch.length - 1]}`, argv: ['/bin/sh', '-c', LOOP, 'sh', ...batch] });
    }
    return units;
  },
  slice: ['*'],
  outcomes(unit: Unit, run: UnitRun): Outcome[] {
    const names = unit.argv.slice(4);
    const seen = new Map<string, number>();
    for (const l of run.output.split('\n')) {
      const m = new RegExp(`^${MARK} (\\S+) (\\d+)$`).exec(l.trim());
      if (m) seen.set(m[1]!, Number(m[2]));
    }
    const whole = wholeRunProblem(unit.id, run);
    return names.map((id): Outcome => {
      const rc = seen.get(id);
      if (rc === undefined) {
        return whole ? { id, status: whole.status, line: whole.line } : { id, status: 'BROK', line: `no result: ${lastLines(run.output, 1)}` };
      }
      if (rc === 0) return { id, status: 'PASS' };
      return { id, status: 'FAIL', line: rc >= 128 ? `killed by ${signalName(rc - 128)}` : `failed test case ${rc}` };
    });
  },
};
