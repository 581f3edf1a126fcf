// The syscall coverage report behind `tuxglass syscalls`: how many numbers of
// the table are implemented, partial or ENOSYS, then one line per number
// with its name, status and note, all read from the table.
import { SYSCALL_NUMBERS, SYSCALL_TABLE, type SyscallStatus } from './table.js';
import { UTS_MACHINE, UTS_RELEASE } from '../version.js';

export const STATUS_LABEL: Readonly<Record<SyscallStatus, string>> = { implemented: 'implemented', partial: 'partial', enosys: 'ENOSYS' };

export function syscallCounts(): Record<SyscallStatus, number> {
  const n: Record<SyscallStatus, number> = { implemented: 0, partial: 0, enosys: 0 };
  for (const nr of SYSCALL_NUMBERS) n[SYSCALL_TABLE[nr].status]++;
  return n;
}

/** The report, one line each, ending in a newline. */
export function formatCoverage(): string {
  const counts = syscallCounts();
  const nameWidth = Math.max(...SYSCALL_NUMBERS.map((nr) => SYSCALL_TABLE[nr].name.length));
  const statusWidth = Math.max(...Object.values(STATUS_LABEL).map((s) => s.length));
  const lines = [`${UTS_MACHINE} system calls of Linux ${UTS_RELEASE.replace(/^(\d+\.\d+).*/, '$1')}: ${SYSCALL_NUMBERS.length}`];
  for (const s of ['implemented', 'partial', 'enosys'] as const) lines.push(`  ${STATUS_LABEL[s].padEnd(statusWidth)} ${String(counts[s]).padStart(3)}`);
  lines.push('');
  for (const nr of SYSCALL_NUMBERS) {
    const e = SYSCALL_TABLE[nr];
    const line = `${String(nr).padStart(3)}  ${e.name.padEnd(nameWidth)}  ${STATUS_LABEL[e.status].padEnd(statusWidth)}  ${e.note}`;
    lines.push(line.trimEnd());
  }
  return lines.join('\n') + '\n';
}
