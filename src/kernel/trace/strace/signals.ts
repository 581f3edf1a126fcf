// Signal names and signal sets, as strace prints them on riscv64 (asm-generic
// numbering): SIGRTMIN is 32 and later real-time signals are SIGRT_n.
import { readBytes } from './mem.js';
import { ptr } from './fmt.js';
import type { UserMemory } from './types.js';

const NAMES = [
  '',
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGILL',
  'SIGTRAP',
  'SIGABRT',
  'SIGBUS',
  'SIGFPE',
  'SIGKILL',
  'SIGUSR1',
  'SIGSEGV',
  'SIGUSR2',
  'SIGPIPE',
  'SIGALRM',
  'SIGTERM',
  'SIGSTKFLT',
  'SIGCHLD',
  'SIGCONT',
  'SIGSTOP',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGURG',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGVTALRM',
  'SIGPROF',
  'SIGWINCH',
  'SIGIO',
  'SIGPWR',
  'SIGSYS',
  'SIGRTMIN',
];
const SIGRTMIN = 32,
  SIGRTMAX = 64;
/** Size of the kernel's sigset_t on riscv64, in bytes. */
export const NSIG_BYTES = 8;

/** "SIGINT", "SIGRT_3", or undefined for a number no signal has. */
export function sigName(sig: number): string | undefined {
  if (sig > 0 && sig < NAMES.length) return NAMES[sig];
  if (sig > SIGRTMIN && sig <= SIGRTMAX) return `SIGRT_${sig - SIGRTMIN}`;
  return undefined;
}

/** A signal number argument: its name, else the number in decimal. */
export function signal(sig: number): string {
  return sigName(sig) ?? String(sig);
}

/** "[INT CHLD]"; when two thirds or more are set, the complement: "~[RTMIN RT_1]". */
export function sigset(mask: bigint, bits = 64): string {
  const all = (1n << BigInt(bits)) - 1n;
  let m = mask & all;
  let pop = 0;
  for (let v = m; v; v &= v - 1n) pop++;
  let s = '';
  if (pop >= Math.floor((bits * 2) / 3)) {
    s = '~';
    m = ~m & all;
  }
  const names: string[] = [];
  for (let i = 0; i < bits; i++) {
    if (!((m >> BigInt(i)) & 1n)) continue;
    const n = i + 1;
    names.push(n < NAMES.length ? NAMES[n]!.slice(3) : n <= SIGRTMAX ? `RT_${n - SIGRTMIN}` : String(n));
  }
  return `${s}[${names.join(' ')}]`;
}

/** A sigset_t in user memory of `size` bytes; strace shows only sizes it understands. */
export function printSigsetAt(mem: UserMemory, addr: bigint, size: bigint | number = NSIG_BYTES): string {
  if (addr === 0n) return 'NULL';
  const n = Number(size);
  if (n !== NSIG_BYTES) return ptr(addr);
  const b = readBytes(mem, addr, n);
  if (!b) return ptr(addr);
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return sigset(v, n * 8);
}
