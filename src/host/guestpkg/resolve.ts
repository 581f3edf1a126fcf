// Resolving the package set with apt: a simulated install against the empty
// dpkg status gives every package the named ones depend on, with the
// versions apt chose; one apt-cache call then gives their index records.
import type { AptConfig } from './aptconfig.js';
import { parseControlStanzas } from './control.js';
import { GuestPkgError, ROOTFS_HINT } from './errors.js';
import type { PackageRecord } from './fetch.js';
import { GUEST_ARCH, GUEST_SUITE } from './packages.js';
import { run } from './run.js';

/** apt's "E: Unable to locate package foo" and friends, as the names they blame. */
export function missingPackages(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const m = /^E: (?:Unable to locate package|Package '?([^' ]+)'? has no installation candidate)\s*(\S*)/.exec(l);
    if (m) out.push((m[1] ?? m[2] ?? '').trim());
  }
  return out.filter((n) => n !== '');
}

/** The names and versions apt would install for `names` on an empty system. */
export async function simulateInstall(cfg: AptConfig, names: readonly string[]): Promise<Map<string, string>> {
  const res = await run('apt-get', [...cfg.options, '-s', '--no-install-recommends', 'install', ...names]);
  const missing = missingPackages(res.lines);
  if (missing.length > 0) {
    throw new GuestPkgError(
      `Package${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (${GUEST_ARCH}) not available from the ${GUEST_SUITE} index.`,
      `It may have been renamed or removed from ${GUEST_SUITE}. ${ROOTFS_HINT}`,
    );
  }
  if (res.code !== 0) {
    const why = res.lines
      .filter((l) => /^(E:| )/.test(l))
      .slice(-8)
      .join('\n');
    throw new GuestPkgError(`apt could not resolve the guest package set:\n${why}`, ROOTFS_HINT);
  }
  const out = new Map<string, string>();
  for (const l of res.lines) {
    const m = /^Inst (\S+) (?:\[[^\]]*\] )?\((\S+)/.exec(l);
    if (m) out.set(m[1] as string, m[2] as string);
  }
  return out;
}

/** Index records of `names`, at the versions given (the candidate when absent). */
export async function showPackages(cfg: AptConfig, names: readonly string[], versions?: ReadonlyMap<string, string>): Promise<PackageRecord[]> {
  const res = await run('apt-cache', [...cfg.options, 'show', '--no-all-versions', ...names]);
  const byName = new Map<string, Map<string, string>>();
  for (const s of parseControlStanzas(res.lines.join('\n'))) {
    const n = s.get('package');
    if (n === undefined) continue;
    const want = versions?.get(n);
    if (want !== undefined && s.get('version') !== want && byName.has(n)) continue;
    byName.set(n, s);
  }
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length > 0) {
    throw new GuestPkgError(
      `Package${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (${GUEST_ARCH}) not in the ${GUEST_SUITE} index.`,
      `It may have been renamed or removed from ${GUEST_SUITE}. ${ROOTFS_HINT}`,
    );
  }
  return names.map((name) => {
    const s = byName.get(name) as Map<string, string>;
    return {
      name,
      version: s.get('version') ?? '',
      architecture: s.get('architecture') ?? GUEST_ARCH,
      size: Number(s.get('size') ?? 0),
      installedSize: Number(s.get('installed-size') ?? 0),
      sha256: s.get('sha256') ?? '',
      filename: s.get('filename') ?? '',
    };
  });
}
