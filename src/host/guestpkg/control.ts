// Debian control-file syntax (deb822): the format of apt's sources.list.d
// entries, package records and Release files. Pure.

/** Stanzas as maps of lower-cased field name to value (continuation lines joined by "\n"). */
export function parseControlStanzas(text: string): Map<string, string>[] {
  const stanzas: Map<string, string>[] = [];
  let cur = new Map<string, string>();
  let last: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.startsWith('#')) continue; // comments may sit inside a stanza
    if (raw.trim() === '') {
      if (cur.size > 0) stanzas.push(cur);
      cur = new Map();
      last = undefined;
      continue;
    }
    if (/^\s/.test(raw)) {
      if (last !== undefined) cur.set(last, `${cur.get(last) ?? ''}\n${raw.trim()}`);
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    last = raw.slice(0, colon).trim().toLowerCase();
    cur.set(last, raw.slice(colon + 1).trim());
  }
  if (cur.size > 0) stanzas.push(cur);
  return stanzas;
}
