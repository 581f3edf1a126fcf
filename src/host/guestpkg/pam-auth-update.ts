// What libpam-runtime's postinst does with pam-auth-update(8): writes the
// shared PAM stacks /etc/pam.d/common-* that su, login and runuser
// @include, from the templates in /usr/share/pam/ and the profiles in
// /usr/share/pam-configs/ enabled by default. Without them every PAM
// service fails ("su: Critical error - immediate abort"). Pure: text in,
// text out (rootfs.ts does the file system).
//
// The rules pam-auth-update applies, per stack type:
// - profiles sorted by Priority, highest first; those with `Default: no`
//   are left out, and session-noninteractive leaves out those marked
//   Session-Interactive-Only;
// - in each block, the first profile's `<Type>-Initial` lines and the
//   last one's `<Type>-Final` lines where it has them, else `<Type>`;
// - in the Primary block `success=end` becomes a jump over the rest of
//   the block and the pam_deny after it;
// - an empty Primary block becomes `[default=1] pam_permit.so`, so the
//   pam_deny fallback is still jumped over;

export interface PamProfile {
  name: string;
  enabled: boolean;
  priority: number;
  interactiveOnly: boolean;
  /** Field name (as "Auth-Type", "Auth", "Auth-Initial") to value; multi-line values keep their lines. */
  fields: ReadonlyMap<string, string>;
}

/** The stacks libpam-runtime manages: file suffix, profile field prefix, template variable prefix. */
export const PAM_STACKS: ReadonlyArray<{ file: string; field: string; variable: string; nonInteractive: boolean }> = [
  { file: 'auth', field: 'Auth', variable: 'auth', nonInteractive: false },
  { file: 'account', field: 'Account', variable: 'account', nonInteractive: false },
  { file: 'password', field: 'Password', variable: 'password', nonInteractive: false },
  { file: 'session', field: 'Session', variable: 'session', nonInteractive: false },
  { file: 'session-noninteractive', field: 'Session', variable: 'session_nonint', nonInteractive: true },
];

/** A pam-configs file: RFC 822-like fields, continuation lines indented. */
export function parsePamProfile(name: string, text: string): PamProfile {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (/^\s/.test(line) && last !== undefined) {
      const prev = fields.get(last) ?? '';
      fields.set(last, prev === '' ? line.trim() : `${prev}\n${line.trim()}`);
      continue;
    }
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    last = m[1] as string;
    fields.set(last, (m[2] as string).trim());
  }
  return {
    name,
    enabled: (fields.get('Default') ?? 'yes').toLowerCase() === 'yes',
    priority: Number(fields.get('Priority') ?? '0') || 0,
    interactiveOnly: (fields.get('Session-Interactive-Only') ?? 'no').toLowerCase() === 'yes',
    fields,
  };
}

/**
 * One stack's module lines: the control with the white space after it kept
 * as the profile has it, then the module, a space and its arguments (so a
 * module without arguments keeps a trailing space, as pam-auth-update
 * writes it).
 */
function moduleLines(value: string | undefined): { control: string; sep: string; module: string }[] {
  if (value === undefined) return [];
  return value
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^(\[[^\]]*\]|\S+)(\s+)(\S+)\s*(.*)$/.exec(l);
      return m ? { control: m[1] as string, sep: m[2] as string, module: `${m[3] as string} ${m[4] as string}` } : { control: l, sep: '\t', module: '' };
    });
}

/** A block's lines: the first profile's -Initial variant and the last's -Final one where they have them. */
function blockLines(field: string, profiles: readonly PamProfile[]): { control: string; sep: string; module: string }[] {
  const out: { control: string; sep: string; module: string }[] = [];
  profiles.forEach((p, i) => {
    const initial = i === 0 ? p.fields.get(`${field}-Initial`) : undefined;
    const final = i === profiles.length - 1 ? p.fields.get(`${field}-Final`) : undefined;
    out.push(...moduleLines(initial ?? final ?? p.fields.get(field)));
  });
  return out;
}

/** The text of /etc/pam.d/common-<stack.file> from its template and the profiles. */
export function pamCommonFile(template: string, stack: (typeof PAM_STACKS)[number], profiles: readonly PamProfile[]): string {
  const type = stack.field.toLowerCase();
  const chosen = profiles
    .filter((p) => p.enabled && !(stack.nonInteractive && p.interactiveOnly) && p.fields.has(`${stack.field}-Type`))
    .sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  const block = (kind: string) => chosen.filter((p) => p.fields.get(`${stack.field}-Type`) === kind);

  const primaryLines = blockLines(stack.field, block('Primary'));
  const primary =
    primaryLines.length === 0
      ? [`${type}\t[default=1]\t\t\tpam_permit.so`]
      : primaryLines.map((l, i) => `${type}\t${l.control.replace(/success=end/, `success=${primaryLines.length - i}`)}${l.sep}${l.module}`);
  const additional = blockLines(stack.field, block('Additional')).map((l) => `${type}\t${l.control}${l.sep}${l.module}`);

  const out: string[] = [];
  for (const line of template.split('\n')) {
    if (line === `$${stack.variable}_primary`) out.push(...primary);
    else if (line === `$${stack.variable}_additional`) out.push(...additional);
    else out.push(line);
  }
  return out.join('\n');
}
