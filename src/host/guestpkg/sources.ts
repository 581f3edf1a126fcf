// Parsing of the host's apt sources, only to learn which Debian mirror the
// host already uses. Pure functions: the caller reads the files.
import { parseControlStanzas } from './control.js';

/** One repository entry from either sources format. */
export interface AptSource {
  types: string[]; // deb, deb-src
  uris: string[];
  suites: string[];
  components: string[];
  enabled: boolean;
}

/** deb822 format (sources.list.d/*.sources): blank-line separated stanzas of `Field: value`. */
export function parseDeb822Sources(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of parseControlStanzas(text)) {
    const f = stanza;
    const words = (k: string): string[] => (f.get(k) ?? '').split(/\s+/).filter((w) => w !== '');
    const enabled = (f.get('enabled') ?? 'yes').trim().toLowerCase() !== 'no';
    out.push({ types: words('types'), uris: words('uris'), suites: words('suites'), components: words('components'), enabled });
  }
  return out;
}

/** One-line format (sources.list): `deb [opt=val ...] uri suite component...`. */
export function parseOneLineSources(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const type = /^(\S+)\s+/.exec(line);
    if (!type || type[1] === undefined) continue;
    line = line.slice(type[0].length);
    if (line.startsWith('[')) {
      const end = line.indexOf(']');
      if (end < 0) continue;
      line = line.slice(end + 1).trim();
    }
    const [uri, suite, ...components] = line.split(/\s+/);
    if (uri === undefined || suite === undefined) continue;
    out.push({ types: [type[1]], uris: [uri], suites: [suite], components, enabled: true });
  }
  return out;
}

const DEBIAN_SUITE =
  /^(stable|testing|unstable|sid|experimental|oldstable|oldoldstable|buster|bullseye|bookworm|trixie|forky|duke)(-updates|-backports|-proposed-updates)?$/;

/**
 * The first URI that serves the main Debian archive: a binary (`deb`) source
 * over the network, whose suites are Debian's and are not -security (the security
 * archive has no Packages for a whole suite).
 */
export function pickDebianMirror(sources: readonly AptSource[]): string | undefined {
  for (const s of sources) {
    if (!s.enabled || !s.types.includes('deb')) continue;
    if (s.suites.length === 0 || s.suites.some((x) => x.includes('security'))) continue;
    if (!s.suites.some((x) => DEBIAN_SUITE.test(x))) continue;
    for (const uri of s.uris) {
      // Network URIs only; apt itself resolves mirror lists (as Debian's
      // cloud images configure) and tor+ transports.
      if (!/^((tor|mirror)\+)?https?:\/\/|^mirror\+file:/.test(uri)) continue;
      if (/security/.test(uri)) continue;
      return uri.replace(/\/+$/, '');
    }
  }
  return undefined;
}
