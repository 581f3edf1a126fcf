// The suites, in the order the table lists them.
import { busybox } from './busybox.js';
import { ltp } from './ltp.js';
import { pjdfstest } from './pjdfstest.js';
import { riscv } from './riscv.js';
import type { SuiteSpec } from './suite.js';

export const SUITES: readonly SuiteSpec[] = [ltp, riscv, pjdfstest, busybox];

/** The known-failures list, relative to the repository root. */
export const KNOWN_FAILURES = 'tests/suites/known-failures.txt';
