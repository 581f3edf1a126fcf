// Records of what the cache holds: a manifest of the packages in the root,
// and a stamp written last, whose presence and content say the root is
// complete and matches this tuxglass version and package set.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { PackageRecord } from './fetch.js';
import { GUEST_ARCH, GUEST_PACKAGES, GUEST_SUITE, ROOTFS_LAYOUT_VERSION } from './packages.js';

export interface Manifest {
  suite: string;
  architecture: string;
  mirror: string;
  created: string;
  rootfsBytes: number;
  applets: number;
  packages: Array<{ name: string; version: string; size: number; installedSize: number; sha256: string }>;
}

export function writeManifest(file: string, m: Manifest): void {
  writeFileSync(file, `${JSON.stringify(m, null, 2)}\n`);
}

export function readManifest(file: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

export function manifestPackages(records: readonly PackageRecord[]): Manifest['packages'] {
  return records.map((r) => ({ name: r.name, version: r.version, size: r.size, installedSize: r.installedSize, sha256: r.sha256 }));
}

/** The stamp content expected for this build of tuxglass. */
export function expectedStamp(tuxglassVersion: string): string {
  return JSON.stringify({ tuxglass: tuxglassVersion, layout: ROOTFS_LAYOUT_VERSION, suite: GUEST_SUITE, arch: GUEST_ARCH, packages: GUEST_PACKAGES });
}

export function stampMatches(file: string, tuxglassVersion: string): boolean {
  return existsSync(file) && readFileSync(file, 'utf8').trim() === expectedStamp(tuxglassVersion);
}

export function writeStamp(file: string, tuxglassVersion: string): void {
  writeFileSync(file, `${expectedStamp(tuxglassVersion)}\n`);
}
