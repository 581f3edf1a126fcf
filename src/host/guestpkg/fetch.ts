// Fetching with the host's apt-get under the private configuration: refresh
// the signed index, then download .deb files (apt checks each against the
// hashes in the signed Release, so nothing unverified reaches the rootfs).
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type AptConfig, findDebianMirror, keyringCandidates, writeAptConfig } from './aptconfig.js';
import { GuestPkgError, ROOTFS_HINT } from './errors.js';
import { GUEST_ARCH, GUEST_SUITE } from './packages.js';
import { formatBytes, type Progress } from './progress.js';
import { hasCommand, run } from './run.js';

export const INSTALL_TOOLS_HINT = `Install them with: apt-get install apt dpkg. ${ROOTFS_HINT}`;

/** Stops early, with what to install, when the host lacks apt-get or dpkg-deb. */
export function checkHostTools(): void {
  const missing = ['apt-get', 'apt-cache', 'dpkg-deb'].filter((c) => !hasCommand(c));
  if (missing.length > 0) {
    throw new GuestPkgError(`Fetching the guest packages needs ${missing.join(', ')}, not found on this host.`, INSTALL_TOOLS_HINT);
  }
}

/** Total size of the regular files directly or indirectly under `dir`. */
export function treeBytes(dir: string): number {
  let total = 0;
  if (!existsSync(dir)) return 0;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) total += treeBytes(p);
    else if (ent.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Shows growing byte counts of `dirs` as a status line while `work` runs. */
async function watchBytes<T>(progress: Progress, label: string, dirs: string[], work: Promise<T>): Promise<T> {
  const base = dirs.reduce((n, d) => n + treeBytes(d), 0);
  const timer = setInterval(() => {
    const now = dirs.reduce((n, d) => n + treeBytes(d), 0);
    progress.status(`  ${label}: ${formatBytes(Math.max(0, now - base))} received`);
  }, 250);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    progress.clearStatus();
  }
}

/** apt's "Get:3 http://m/debian trixie/main riscv64 Packages [9387 kB]" made short. */
export function condenseAptLine(line: string): string | undefined {
  const get = /^(Get|Hit|Ign|Err):\d+\s+\S+\s+(.*?)(?:\s+\[([^\]]+)\])?$/.exec(line);
  if (get) {
    const [, kind, what, size] = get;
    if (kind === 'Ign') return undefined; // retries and optional files: noise
    const verb = kind === 'Get' ? 'got' : kind === 'Hit' ? 'unchanged' : 'FAILED';
    return `  ${verb} ${what ?? ''}${size ? ` (${size})` : ''}`;
  }
  if (/^Fetched /.test(line)) return `  ${line}`;
  if (/^[EW]: /.test(line) && !/unsandboxed as root/.test(line)) return `  ${line}`;
  if (/^\s/.test(line) && line.trim() !== '') return `  ${line.trim()}`; // detail lines following an Err:
  return undefined;
}

const SIGNATURE_TROUBLE = /NO_PUBKEY|EXPKEYSIG|is not signed|couldn't be verified|signatures were invalid|Signed-By|OpenPGP signature verification failed/i;

/**
 * Writes the private apt configuration and refreshes its index, trying the
 * system's Debian keyrings in turn until one verifies the suite's Release.
 * With `offlineOk`, an update failure is tolerated if a previous index exists.
 */
export async function aptUpdate(aptDir: string, progress: Progress, offlineOk = false, keyrings = keyringCandidates()): Promise<AptConfig> {
  const mirror = findDebianMirror();
  if (keyrings.length === 0) {
    throw new GuestPkgError('No Debian archive keyring found on this host.', `Install it with: apt-get install debian-archive-keyring. ${ROOTFS_HINT}`);
  }
  let lastLines: string[] = [];
  for (const keyring of keyrings) {
    const cfg = writeAptConfig(aptDir, mirror, keyring);
    progress.line(`tuxglass: updating the ${GUEST_SUITE} ${GUEST_ARCH} package index from ${mirror} (keyring ${keyring})`);
    const res = await watchBytes(
      progress,
      'package index',
      [join(aptDir, 'lists')],
      run('apt-get', [...cfg.options, 'update'], {
        onLine: (l) => {
          const c = condenseAptLine(l);
          if (c) progress.line(c);
        },
      }),
    );
    const badSig = res.lines.some((l) => SIGNATURE_TROUBLE.test(l));
    // apt-get update exits 0 when an index could not be fetched; its messages tell.
    const failed = res.code !== 0 || res.lines.some((l) => /^(E:|Err:|W: Failed to fetch|W: Some index files failed)/.test(l));
    if (!failed && !badSig) return cfg;
    lastLines = res.lines;
    if (badSig) {
      progress.line(`tuxglass: ${keyring} does not verify the ${GUEST_SUITE} Release; trying another keyring`);
      continue;
    }
    if (offlineOk && hasIndex(aptDir)) {
      progress.line('tuxglass: could not refresh the package index; using the one already cached');
      return cfg;
    }
    throw new GuestPkgError(
      `apt-get update failed for ${mirror} ${GUEST_SUITE}:\n${tail(res.lines)}`,
      `Check the network connection to the Debian mirror. ${ROOTFS_HINT}`,
    );
  }
  throw new GuestPkgError(
    `The ${GUEST_SUITE} Release file could not be verified with any Debian keyring on this host:\n${tail(lastLines)}`,
    `Install a newer keyring: apt-get install debian-archive-keyring. ${ROOTFS_HINT}`,
  );
}

function hasIndex(aptDir: string): boolean {
  const lists = join(aptDir, 'lists');
  return existsSync(lists) && readdirSync(lists).some((n) => n.endsWith('_Packages') || n.includes('_Packages.'));
}

function tail(lines: string[], n = 6): string {
  return lines
    .filter((l) => /^(E:|W:|Err:|\s+\S)/.test(l))
    .slice(-n)
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The index record of one package (candidate version). */
export interface PackageRecord {
  name: string;
  version: string;
  architecture: string;
  size: number;
  installedSize: number; // kB, as in the control file
  sha256: string;
  filename: string; // path in the pool
}

/** The file name apt-get download gives a package (epoch colon escaped). */
export function debFileName(rec: Pick<PackageRecord, 'name' | 'version' | 'architecture'>): string {
  return `${rec.name}_${rec.version.replace(/:/g, '%3a')}_${rec.architecture}.deb`;
}

/** Downloads the packages into `debsDir` (already present, verified files are kept) and returns their paths. */
export async function aptDownload(cfg: AptConfig, records: PackageRecord[], debsDir: string, progress: Progress): Promise<string[]> {
  mkdirSync(debsDir, { recursive: true });
  const total = records.reduce((n, r) => n + r.size, 0);
  progress.line(
    `tuxglass: downloading ${records.length} package${records.length === 1 ? '' : 's'} (${formatBytes(total)}): ${records.map((r) => r.name).join(' ')}`,
  );
  const res = await watchBytes(
    progress,
    'packages',
    [debsDir],
    run('apt-get', [...cfg.options, 'download', ...records.map((r) => r.name)], {
      cwd: debsDir,
      onLine: (l) => {
        const c = condenseAptLine(l);
        if (c) progress.line(c);
      },
    }),
  );
  const paths = records.map((r) => join(debsDir, debFileName(r)));
  const missing = records.filter((_, i) => !existsSync(paths[i] as string));
  if (res.code !== 0 || missing.length > 0) {
    const which = missing.length > 0 ? missing.map((r) => `${r.name} ${r.version}`).join(', ') : records.map((r) => r.name).join(', ');
    throw new GuestPkgError(`Could not download ${which}:\n${tail(res.lines)}`, `Check the network connection to the Debian mirror. ${ROOTFS_HINT}`);
  }
  return paths;
}
