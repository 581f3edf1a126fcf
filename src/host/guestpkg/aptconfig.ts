// A private apt configuration under <cache>/apt: its own sources list, lists,
// archive cache and an empty dpkg status, so the host's apt state is never
// read or changed and no host package leaks into the guest's resolution.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GuestPkgError, ROOTFS_HINT } from './errors.js';
import { GUEST_ARCH, GUEST_COMPONENT, GUEST_SUITE } from './packages.js';
import { type AptSource, parseDeb822Sources, parseOneLineSources, pickDebianMirror } from './sources.js';

export const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** The host's apt sources, in the order apt itself reads them. */
export function readHostSources(etcApt = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const list = join(etcApt, 'sources.list');
  if (existsSync(list)) out.push(...parseOneLineSources(readText(list)));
  const dir = join(etcApt, 'sources.list.d');
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name);
      if (name.endsWith('.sources')) out.push(...parseDeb822Sources(readText(file)));
      else if (name.endsWith('.list')) out.push(...parseOneLineSources(readText(file)));
    }
  }
  return out;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The Debian mirror to fetch from: $TUXGLASS_DEBIAN_MIRROR, else the host's own. */
export function findDebianMirror(): string {
  const env = process.env['TUXGLASS_DEBIAN_MIRROR'];
  if (env !== undefined && env !== '') return env.replace(/\/+$/, '');
  const uri = pickDebianMirror(readHostSources());
  if (uri === undefined) {
    throw new GuestPkgError(
      'No Debian archive mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d/.',
      `Set TUXGLASS_DEBIAN_MIRROR to the URI of a Debian archive mirror (one that serves ${GUEST_SUITE}/${GUEST_COMPONENT} for ${GUEST_ARCH}). ${ROOTFS_HINT}`,
    );
  }
  return uri;
}

/**
 * Keyrings that may verify the Debian archive, best first: the archive
 * keyring, then per-release keys of the guest suite, then any other Debian
 * archive key file on the system. Verification itself stays with apt.
 */
export function keyringCandidates(): string[] {
  const out: string[] = [];
  const add = (f: string): void => {
    if (!out.includes(f) && existsSync(f)) out.push(f);
  };
  add(DEFAULT_KEYRING);
  const dirs = ['/usr/share/keyrings', '/etc/apt/trusted.gpg.d'];
  const files = dirs.flatMap((d) =>
    existsSync(d)
      ? readdirSync(d)
          .sort()
          .map((n) => join(d, n))
      : [],
  );
  const keyFile = /\.(gpg|asc)$/;
  for (const f of files) if (keyFile.test(f) && f.includes(`debian-archive-${GUEST_SUITE}`) && !f.includes('security')) add(f);
  for (const f of files) if (keyFile.test(f) && /debian-archive-/.test(f) && !f.includes('removed')) add(f);
  return out;
}

export interface AptConfig {
  dir: string;
  mirror: string;
  keyring: string;
  /** `-o` options that point apt-get/apt-cache at the private state. */
  options: string[];
}

/** Writes the private configuration and returns the apt options that use it. */
export function writeAptConfig(dir: string, mirror: string, keyring: string): AptConfig {
  const lists = join(dir, 'lists');
  const cache = join(dir, 'cache');
  const parts = join(dir, 'sources.list.d');
  const prefParts = join(dir, 'preferences.d');
  for (const d of [join(lists, 'partial'), join(cache, 'archives', 'partial'), parts, prefParts]) mkdirSync(d, { recursive: true });
  const sourcesFile = join(dir, 'sources.list');
  writeFileSync(sourcesFile, `deb [arch=${GUEST_ARCH} signed-by=${keyring}] ${mirror} ${GUEST_SUITE} ${GUEST_COMPONENT}\n`);
  const prefs = join(dir, 'preferences');
  writeFileSync(prefs, '');
  const status = join(dir, 'status');
  writeFileSync(status, ''); // empty dpkg status: nothing counts as installed
  const options = [
    `Dir::State::Lists=${lists}`,
    `Dir::State::status=${status}`,
    `Dir::Cache=${cache}`,
    `Dir::Etc::SourceList=${sourcesFile}`,
    `Dir::Etc::SourceParts=${parts}`,
    `Dir::Etc::Preferences=${prefs}`,
    `Dir::Etc::PreferencesParts=${prefParts}`,
    `APT::Architecture=${GUEST_ARCH}`,
    `APT::Architectures=${GUEST_ARCH}`,
    'APT::Get::List-Cleanup=1',
    // The private state has no lock file; the host's locks are not ours to take.
    'Debug::NoLocking=1',
  ].flatMap((o) => ['-o', o]);
  return { dir, mirror, keyring, options };
}
