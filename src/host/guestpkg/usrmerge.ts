// Debian's merged /usr: /bin, /sbin and /lib are links into /usr, so a file a
// package ships as /bin/x lives at /usr/bin/x. Pure path mapping.

/** Top-level directories that are links into /usr in a merged root. */
export const MERGED_DIRS: readonly string[] = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

/** The path (relative, no leading slash) a package path ends up at in a merged root. */
export function mergedPath(rel: string): string {
  const clean = rel.replace(/^\.?\/+/, '');
  const slash = clean.indexOf('/');
  const top = slash < 0 ? clean : clean.slice(0, slash);
  return MERGED_DIRS.includes(top) ? `usr/${clean}` : clean;
}
