// The known-failures list: tests that pass under qemu-user (Linux) and fail
// under tuxglass, each with a category and a reason. One line per test:
//
//   SUITE | TEST | CATEGORY | why
//
// TEST may itself contain " | " (busybox test names are free text): the
// first field is the suite, the last two are the category and the why, and
// everything between is the test. '#' starts a comment line.
//
// A listed test that passes again is reported so the list can be trimmed:
// an error, except for the categories below, whose result depends on how
// loaded the host is (a warning there).
import { readFileSync } from 'node:fs';

export interface KnownFailure {
  suite: string;
  id: string;
  category: string;
  why: string;
  line: number;
}

/** Categories whose tests may pass or fail with the host's load: stale entries only warn. */
export const LOAD_DEPENDENT = new Set(['speed', 'flaky']);

export function readKnown(file: string): Map<string, KnownFailure> {
  const known = new Map<string, KnownFailure>();
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((raw, i) => {
    const l = raw.trim();
    if (l === '' || l.startsWith('#')) return;
    const f = l.split(' | ');
    if (f.length < 4) throw new Error(`${file}:${i + 1}: want SUITE | TEST | CATEGORY | why, got: ${l}`);
    const suite = f[0]!.trim(),
      why = f[f.length - 1]!.trim(),
      category = f[f.length - 2]!.trim();
    const id = f.slice(1, -2).join(' | ').trim();
    const key = `${suite}|${id}`;
    if (known.has(key)) throw new Error(`${file}:${i + 1}: ${suite} ${id} is listed twice`);
    if (!/^[a-z][a-z0-9-]*$/.test(category)) throw new Error(`${file}:${i + 1}: the category is one lower-case word, got: ${category}`);
    if (why === '') throw new Error(`${file}:${i + 1}: every entry says why`);
    known.set(key, { suite, id, category, why, line: i + 1 });
  });
  return known;
}

export function knownKey(suite: string, id: string): string {
  return `${suite}|${id}`;
}
