// What a suite is to the runner: units of work (one guest command each),
// and how one unit's output turns into test outcomes.
//
// A unit is what runs in one guest: an LTP runtest line, one pjdfstest .t
// file, one busybox applet's tests, a batch of riscv-tests. A unit yields one
// or more outcomes; each outcome is one line of the table and of the
// known-failures list. Where a unit holds many checks (pjdfstest, busybox),
// it also yields an outcome for itself (did it finish?) so a hang is one
// line, and checks it never reached are not compared.

/** The verdict on one test, under one kernel. */
export type Status =
  | 'PASS'
  | 'FAIL' // the test said so (TFAIL, not ok, FAIL:, a non-zero status)
  | 'BROK' // the test could not set itself up (LTP's TBROK)
  | 'WARN' // passed with warnings (LTP's TWARN)
  | 'CONF' // skipped: the system lacks what it needs (LTP's TCONF, busybox UNTESTED/SKIPPED)
  | 'TIMEOUT' // killed by the runner's per-unit timeout
  | 'CRASH'; // the host side failed: tuxglass exited 70 or reported an internal error

export interface Outcome {
  id: string;
  status: Status;
  /** The first failing line of the output (or why), for anything but PASS and CONF. */
  line?: string;
  /** A unit-level outcome: when it is not PASS, the unit's checks that are missing are not compared. */
  unit?: boolean;
}

/** What one run of a unit produced. */
export interface UnitRun {
  /** stdout and stderr, in the order they arrived. */
  output: string;
  status: number;
  timedOut: boolean;
  seconds: number;
  timeoutSeconds: number;
  /** tuxglass only: the host side failed (exit 70, internal error). */
  hostCrash?: string;
}

export interface Unit {
  /** Unique within the suite; the unit-level outcome's id where there is one. */
  id: string;
  /** The guest command. */
  argv: string[];
  /** Per-unit timeout (seconds), when the runner's default does not fit. */
  timeoutSeconds?: number;
  /** Harts tuxglass boots for this unit (--cpus), for a test that needs more than one; the reference has the host's. */
  cpus?: number;
}

export interface SuiteSpec {
  name: string;
  /** The tarball in the suites folder. */
  tarball: string;
  /** The folder inside the unpacked tarball that goes into the guest root, and where it goes. */
  from: string;
  to: string;
  /** An environment variable that names an already-built tree to use instead of the tarball. */
  treeEnv: string;
  /**
   * The per-unit timeout: a hang detector, not a speed limit. Generous, since
   * a loaded 2-core host runs a shell-heavy unit (hundreds of execs) slowly
   * under either kernel.
   */
  timeoutSeconds: number;
  /** Files of the runner's own that the suite needs in the guest root (both sides), by guest path. */
  extraFiles?: readonly { path: string; text: string; mode: number }[];
  /** Every unit, given the unpacked tree on the host. */
  units(tree: string): Unit[];
  /** The representative slice that `npm test` runs: unit ids. */
  slice: readonly string[];
  /** A unit's outcomes from its run. */
  outcomes(unit: Unit, run: UnitRun): Outcome[];
}

/** The first line that matches, trimmed and cut to a readable length. */
export function firstLine(output: string, re: RegExp): string | undefined {
  for (const l of output.split('\n')) if (re.test(l)) return cut(l.trim());
  return undefined;
}

export function lastLines(output: string, n: number): string {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-n)
    .join(' / ');
}

export function cut(s: string, n = 240): string {
  return s.length > n ? `${s.slice(0, n)}...` : s;
}

/** The outcome of a unit whose run went wrong as a whole, or undefined when it ran to its end. */
export function wholeRunProblem(id: string, run: UnitRun): Outcome | undefined {
  if (run.hostCrash) return { id, status: 'CRASH', line: run.hostCrash, unit: true };
  if (run.timedOut) {
    const tail = lastLines(run.output, 1);
    return { id, status: 'TIMEOUT', line: cut(`timed out after ${run.timeoutSeconds} s${tail ? `; last output: ${tail}` : ''}`), unit: true };
  }
  return undefined;
}
