// Runs suites under qemu-user and tuxglass and compares them.
//
// Per suite: the units run under qemu-user first, then under tuxglass, each
// side as a pool of `jobs` concurrent runs (so each side's wall time is its
// own). A test that passes under qemu-user and not under tuxglass must be on
// the known-failures list; one that is not fails the run, and so does a
// tuxglass host crash anywhere.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultRootfsDir, ensureRootfs } from '../../src/host/guestpkg/index.js';
import { knownKey, LOAD_DEPENDENT, readKnown, type KnownFailure } from './known.js';
import { linkTree, suitesDir, unpacked } from './locate.js';
import { referenceProblem, runUnit, stopAll, type Side, type SideOptions } from './sides.js';
import type { Outcome, SuiteSpec, Unit, UnitRun } from './suite.js';

export interface RunnerOptions {
  suites: readonly SuiteSpec[];
  /** Every unit; else the suites' slices. */
  full: boolean;
  /** Only units whose id matches. */
  only?: RegExp;
  jobs?: number;
  /** Per unit, for every suite (else each suite's own). */
  timeoutSeconds?: number;
  mem?: string;
  sides?: readonly Side[];
  knownFile: string;
  /** Where to keep the whole output of every unit that did not pass. */
  logDir?: string;
  /** A JSON-lines file that gets each unit's outcomes as soon as it ends (a long run that is stopped keeps what it did). */
  resultsFile?: string;
  print?: (line: string) => void;
}

export interface SideResult {
  outcomes: Map<string, Outcome>;
  /** Which unit each outcome came from. */
  unitOf: Map<string, string>;
  /** The side's wall time, its pool's start to end. */
  wallSeconds: number;
  /** Each unit's own time. */
  unitSeconds: Map<string, number>;
}

export interface Comparison {
  suite: string;
  id: string;
  qemu: Outcome;
  tuxglass: Outcome;
  known?: KnownFailure;
}

export interface SuiteResult {
  name: string;
  units: number;
  sides: Partial<Record<Side, SideResult>>;
  /** Pass under qemu-user, not under tuxglass. */
  linuxOnly: Comparison[];
}

export interface Report {
  suites: SuiteResult[];
  /** Host-side failures of tuxglass: the most urgent. */
  crashes: string[];
  /** Linux-only failures not on the list. */
  newFailures: Comparison[];
  /** Listed tests that pass now, and list entries Linux no longer passes. */
  stale: { entry: KnownFailure; now: string; error: boolean }[];
  /** Why the run could not happen at all (no suites, no reference). */
  skip?: string;
}

/** Runs fn over items, at most `jobs` at once, in order of items. */
async function pool<T>(items: readonly T[], jobs: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
}

function selectUnits(spec: SuiteSpec, all: Unit[], o: RunnerOptions): Unit[] {
  let units = all;
  if (!o.full && !spec.slice.includes('*')) {
    const want = new Set(spec.slice);
    units = all.filter((u) => want.has(u.id));
  }
  if (o.only) units = units.filter((u) => o.only!.test(u.id));
  return units;
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 120);
}

export async function runSuites(o: RunnerOptions): Promise<Report> {
  const print = o.print ?? ((l: string) => console.log(l));
  const report: Report = { suites: [], crashes: [], newFailures: [], stale: [] };
  const known = readKnown(o.knownFile);
  const jobs = o.jobs ?? availableParallelism();
  const sides = o.sides ?? ['qemu', 'tuxglass'];

  const found = suitesDir();
  const trees = new Map<SuiteSpec, string>();
  for (const spec of o.suites) {
    const env = process.env[spec.treeEnv];
    if (env) {
      trees.set(spec, env);
      continue;
    }
    if (!found.dir) {
      report.skip = found.why;
      return report;
    }
    const tarball = join(found.dir, spec.tarball);
    if (!existsSync(tarball)) {
      report.skip = `${tarball} is missing`;
      return report;
    }
    trees.set(spec, join(unpacked(tarball), spec.from));
  }

  let rootfs = defaultRootfsDir();
  if (!existsSync(join(rootfs, 'bin', 'sh'))) {
    try {
      rootfs = await ensureRootfs({ quiet: true });
    } catch (e) {
      report.skip = `no guest root: ${(e as Error).message.split('\n')[0]}`;
      return report;
    }
  }
  const work = mkdtempSync(join(tmpdir(), 'tuxglass-suites-'));
  // Stopped from outside: end the units still running and remove the scratch tree, then die of the signal.
  const onSignal = (sig: NodeJS.Signals) => {
    stopAll();
    rmSync(work, { recursive: true, force: true });
    process.kill(process.pid, sig);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const side: SideOptions = { root: join(work, 'root'), scratch: join(work, 'scratch'), mem: o.mem };
  try {
    // One guest root for every side and suite: the Debian root plus each suite where it belongs, as hard links.
    linkTree(rootfs, side.root);
    for (const [spec, tree] of trees) {
      linkTree(tree, join(side.root, spec.to));
      // New files only (unlinked first): the tree is hard links to the cache, never to be written through.
      for (const f of spec.extraFiles ?? []) {
        const p = join(side.root, f.path);
        mkdirSync(dirname(p), { recursive: true });
        rmSync(p, { force: true });
        writeFileSync(p, f.text, { mode: f.mode });
      }
    }
    mkdirSync(side.scratch, { recursive: true });
    if (sides.includes('qemu')) {
      const why = await referenceProblem(side);
      if (why) {
        report.skip = why;
        return report;
      }
    }
    if (o.logDir) mkdirSync(o.logDir, { recursive: true });

    for (const spec of o.suites) {
      const units = selectUnits(spec, spec.units(trees.get(spec)!), o);
      const result: SuiteResult = { name: spec.name, units: units.length, sides: {}, linuxOnly: [] };
      report.suites.push(result);
      for (const s of sides) {
        const res: SideResult = { outcomes: new Map(), unitOf: new Map(), wallSeconds: 0, unitSeconds: new Map() };
        const start = performance.now();
        let doneCount = 0;
        await pool(units, jobs, async (u) => {
          const run: UnitRun = await runUnit(s, u.cpus ? { ...side, cpus: u.cpus } : side, u.argv, o.timeoutSeconds ?? u.timeoutSeconds ?? spec.timeoutSeconds);
          res.unitSeconds.set(u.id, run.seconds);
          const outs = spec.outcomes(u, run);
          for (const out of outs) {
            res.outcomes.set(out.id, out);
            res.unitOf.set(out.id, u.id);
          }
          doneCount++;
          if (o.resultsFile) {
            appendFileSync(
              o.resultsFile,
              JSON.stringify({ suite: spec.name, side: s, unit: u.id, status: run.status, timedOut: run.timedOut, seconds: run.seconds, outcomes: outs }) +
                '\n',
            );
          }
          const bad = outs.filter((x) => x.status !== 'PASS' && x.status !== 'CONF');
          if (o.logDir && (bad.length > 0 || run.status !== 0)) {
            writeFileSync(
              join(o.logDir, `${spec.name}.${s}.${safeName(u.id)}.log`),
              `# ${u.argv.join(' ')}\n# status ${run.status}${run.timedOut ? ' (timed out)' : ''}, ${run.seconds.toFixed(1)} s\n${run.output}`,
            );
          }
          if (s === 'tuxglass') {
            for (const b of bad) {
              if (b.status === 'CRASH') report.crashes.push(`${spec.name} ${b.id}: ${b.line}`);
            }
          }
          if (o.full && (doneCount % 100 === 0 || doneCount === units.length)) {
            print(`  ${spec.name} ${s}: ${doneCount}/${units.length} units, ${((performance.now() - start) / 1000).toFixed(0)} s`);
          }
        });
        res.wallSeconds = (performance.now() - start) / 1000;
        result.sides[s] = res;
      }
      compare(spec, result, known, report);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(work, { recursive: true, force: true });
  }
  return report;
}

function compare(spec: SuiteSpec, result: SuiteResult, known: Map<string, KnownFailure>, report: Report): void {
  const ref = result.sides.qemu,
    tg = result.sides.tuxglass;
  if (!ref || !tg) return;
  for (const [id, q] of ref.outcomes) {
    const k = known.get(knownKey(spec.name, id));
    let t = tg.outcomes.get(id);
    if (!t) {
      // Not reached under tuxglass: its unit's own outcome (a timeout, a crash) stands for it.
      const unit = ref.unitOf.get(id);
      const u = unit !== undefined && unit !== id ? tg.outcomes.get(unit) : undefined;
      if (u && u.status !== 'PASS') continue;
      t = { id, status: 'FAIL', line: 'not reported under tuxglass' };
    }
    if (q.status === 'PASS' && t.status !== 'PASS') {
      const c: Comparison = { suite: spec.name, id, qemu: q, tuxglass: t, known: k };
      result.linuxOnly.push(c);
      if (!k) report.newFailures.push(c);
    } else if (k && t.status === 'PASS') {
      report.stale.push({ entry: k, now: 'passes under tuxglass', error: !LOAD_DEPENDENT.has(k.category) });
    } else if (k && q.status !== 'PASS') {
      report.stale.push({ entry: k, now: `does not pass under qemu-user here (${q.status}${q.line ? `: ${q.line}` : ''})`, error: false });
    }
  }
}

/** The issue's table, and what the run found. */
export function formatReport(r: Report): string[] {
  const out: string[] = [];
  if (r.skip) {
    out.push(`suites: not run: ${r.skip}`);
    return out;
  }
  const head = ['suite', 'tests', 'qemu-user PASS', 'tuxglass PASS', 'Linux-only fails (new)', 'qemu wall s', 'tuxglass wall s'];
  const rows: string[][] = [head];
  for (const s of r.suites) {
    const q = s.sides.qemu,
      t = s.sides.tuxglass;
    const ids = new Set<string>();
    const unitLevel = (side: SideResult | undefined, id: string) => side?.unitOf.get(id) === id && side.outcomes.get(id)?.unit === true;
    for (const side of [q, t]) for (const id of side?.outcomes.keys() ?? []) if (!unitLevel(side, id)) ids.add(id);
    const pass = (side: SideResult | undefined) => (side ? [...side.outcomes.values()].filter((x) => !x.unit && x.status === 'PASS').length : 0);
    const fresh = s.linuxOnly.filter((c) => !c.known).length;
    rows.push([
      s.name,
      String(ids.size),
      q ? String(pass(q)) : '-',
      t ? String(pass(t)) : '-',
      q && t ? `${s.linuxOnly.length} (${fresh})` : '-',
      q ? q.wallSeconds.toFixed(0) : '-',
      t ? t.wallSeconds.toFixed(0) : '-',
    ]);
  }
  const widths = head.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) out.push(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  if (r.crashes.length) {
    out.push('', `tuxglass host-side failures (${r.crashes.length}):`);
    for (const c of r.crashes) out.push(`  ${c}`);
  }
  if (r.newFailures.length) {
    out.push('', `pass under qemu-user, fail under tuxglass, and not in the known-failures list (${r.newFailures.length}):`);
    for (const c of r.newFailures) out.push(`  ${c.suite} | ${c.id} | ${c.tuxglass.status} | ${c.tuxglass.line ?? ''}`);
  }
  const staleErr = r.stale.filter((s) => s.error),
    staleWarn = r.stale.filter((s) => !s.error);
  if (staleErr.length) {
    out.push('', `listed as known failures but passing now: trim the list (${staleErr.length}):`);
    for (const s of staleErr) out.push(`  ${s.entry.suite} | ${s.entry.id} (line ${s.entry.line}): ${s.now}`);
  }
  if (staleWarn.length) {
    out.push('', `warning: known-failure entries that did not fail this time (load-dependent, or Linux did not pass them here) (${staleWarn.length}):`);
    for (const s of staleWarn) out.push(`  ${s.entry.suite} | ${s.entry.id} [${s.entry.category}] (line ${s.entry.line}): ${s.now}`);
  }
  const verdict = reportFailed(r) ? 'FAILED' : 'ok';
  out.push(
    '',
    `suites: ${verdict}: ${r.newFailures.length} new failure(s), ${r.crashes.length} host crash(es), ${staleErr.length} stale known-failure entr${staleErr.length === 1 ? 'y' : 'ies'}`,
  );
  return out;
}

export function reportFailed(r: Report): boolean {
  return r.crashes.length > 0 || r.newFailures.length > 0 || r.stale.some((s) => s.error);
}

/** The full results as JSON (for triage scripts). */
export function reportJson(r: Report): string {
  return JSON.stringify(
    {
      skip: r.skip,
      crashes: r.crashes,
      suites: r.suites.map((s) => ({
        name: s.name,
        units: s.units,
        sides: Object.fromEntries(
          Object.entries(s.sides).map(([k, v]) => [
            k,
            {
              wallSeconds: v.wallSeconds,
              unitSeconds: Object.fromEntries(v.unitSeconds),
              outcomes: [...v.outcomes.values()],
            },
          ]),
        ),
        linuxOnly: s.linuxOnly.map((c) => ({ id: c.id, qemu: c.qemu.status, tuxglass: c.tuxglass.status, line: c.tuxglass.line, known: c.known?.category })),
      })),
    },
    null,
    1,
  );
}
