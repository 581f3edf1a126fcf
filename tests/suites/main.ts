// `npm run suites -- [options]`: LTP syscalls, riscv-tests, pjdfstest and
// busybox's testsuite under qemu-user and tuxglass, with the table and the
// comparison against tests/suites/known-failures.txt. Exit status 1 when a
// test that passes on Linux fails here and is not listed, when tuxglass
// failed on the host side, or when a listed test passes now.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../diff/harness.js';
import { SUITES, KNOWN_FAILURES } from './index.js';
import { formatReport, reportFailed, reportJson, runSuites } from './runner.js';
import type { Side } from './sides.js';

const HELP = `usage: npm run suites -- [options]
  --full             every test (default: the representative slice npm test runs;
                     TUXGLASS_SUITES_FULL=1 does the same)
  --suite NAME       only this suite (repeatable): ${SUITES.map((s) => s.name).join(', ')}
  --only REGEX       only units whose id matches
  --jobs N           concurrent runs per side (default: the number of cores)
  --timeout SECONDS  per unit (default: the suite's own, 120 to 600)
  --mem SIZE         tuxglass --mem
  --side SIDE        qemu or tuxglass only (no comparison)
  --json FILE        write every outcome as JSON
  --logs DIR         keep the output of every unit that did not pass
  --results FILE     append each unit's outcomes to FILE (JSON lines) as it ends
environment: TUXGLASS_SUITES (folder of the .tar.zst files; default: shared/suites
  beside the repo or an ancestor), TUXGLASS_SUITES_CACHE (unpacked copies; default
  .cache/suites), TUXGLASS_LTP_ROOT, TUXGLASS_PJDFSTEST_ROOT, TUXGLASS_RISCV_TESTS_ROOT,
  TUXGLASS_BUSYBOX_TESTSUITE_ROOT (an already-built tree instead of a tarball)`;

async function main(argv: string[]): Promise<number> {
  let full = process.env['TUXGLASS_SUITES_FULL'] === '1';
  const names: string[] = [];
  let only: RegExp | undefined, jobs: number | undefined, timeout: number | undefined, mem: string | undefined;
  let sides: Side[] | undefined, json: string | undefined, logs: string | undefined, results: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--full':
        full = true;
        break;
      case '--suite':
        names.push(val());
        break;
      case '--only':
        only = new RegExp(val());
        break;
      case '--jobs':
        jobs = Number(val());
        break;
      case '--timeout':
        timeout = Number(val());
        break;
      case '--mem':
        mem = val();
        break;
      case '--side': {
        const s = val();
        if (s !== 'qemu' && s !== 'tuxglass') throw new Error(`--side qemu or tuxglass, got ${s}`);
        sides = [s];
        break;
      }
      case '--json':
        json = val();
        break;
      case '--logs':
        logs = val();
        break;
      case '--results':
        results = val();
        break;
      case '-h':
      case '--help':
        console.log(HELP);
        return 0;
      default:
        throw new Error(`unknown option ${a}\n${HELP}`);
    }
  }
  const suites = names.length
    ? names.map((n) => {
        const s = SUITES.find((x) => x.name === n);
        if (!s) throw new Error(`no suite ${n} (${SUITES.map((x) => x.name).join(', ')})`);
        return s;
      })
    : SUITES;
  const start = performance.now();
  const report = await runSuites({
    suites,
    full,
    only,
    jobs,
    timeoutSeconds: timeout,
    mem,
    sides,
    knownFile: join(REPO, KNOWN_FAILURES),
    logDir: logs,
    resultsFile: results,
  });
  for (const l of formatReport(report)) console.log(l);
  console.log(`suites: ${full ? 'full run' : 'slice'} took ${((performance.now() - start) / 1000).toFixed(0)} s`);
  if (json) writeFileSync(json, reportJson(report));
  if (report.skip) return 0;
  return reportFailed(report) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (c) => {
    process.exitCode = c;
  },
  (e) => {
    console.error(`suites: ${(e as Error).message}`);
    process.exitCode = 2;
  },
);
