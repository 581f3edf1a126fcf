// The external suites (LTP syscalls, riscv-tests, pjdfstest, busybox's
// testsuite) under qemu-user and tuxglass, against the known-failures list.
// npm test runs each suite's representative slice; TUXGLASS_SUITES_FULL=1
// runs every test (an hour or more on two cores; `npm run suites -- --full`
// does the same with a table at the end).
//
// Fails when a test that passes under qemu-user (Linux) fails under
// tuxglass and is not in tests/suites/known-failures.txt, when tuxglass
// fails on the host side, or when a listed test passes now (trim the list).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO } from '../diff/harness.js';
import { KNOWN_FAILURES, SUITES } from './index.js';
import { formatReport, runSuites } from './runner.js';

const full = process.env['TUXGLASS_SUITES_FULL'] === '1';

for (const spec of SUITES) {
  test(`${spec.name}: ${full ? 'every test' : 'the representative slice'} under qemu-user and tuxglass`, async (t) => {
    const report = await runSuites({ suites: [spec], full, knownFile: join(REPO, KNOWN_FAILURES), print: (l) => t.diagnostic(l) });
    if (report.skip) {
      t.skip(report.skip);
      return;
    }
    for (const l of formatReport(report)) t.diagnostic(l);
    assert.deepEqual(report.crashes, [], 'tuxglass failed on the host side');
    assert.deepEqual(
      report.newFailures.map((c) => `${c.id}: ${c.tuxglass.status} ${c.tuxglass.line ?? ''}`),
      [],
      `pass under qemu-user, fail under tuxglass, and not in ${KNOWN_FAILURES}`,
    );
    assert.deepEqual(
      report.stale.filter((s) => s.error).map((s) => `${s.entry.id} (line ${s.entry.line}): ${s.now}`),
      [],
      `listed in ${KNOWN_FAILURES} but passing now: remove the line`,
    );
    const ran = report.suites[0]?.sides.tuxglass?.outcomes.size ?? 0;
    assert.ok(ran > 0, 'the slice ran no test');
  });
}
