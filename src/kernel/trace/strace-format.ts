// Renders system calls, signals and exits in strace's own output format, for
// `tuxglass run --strace` and later tools. Kernel code: no host dependencies.
//
// Like strace, a call is decoded in two halves: traceEnter() prints what the
// caller passed in (paths, written buffers, argv) before the kernel can change
// it; traceExit() adds what the kernel wrote back and the return value.
import { Call, type Decoder } from './strace/call.js';
import { decoderFor, syscallName } from './strace/registry.js';
import { ERRNO_NAMES } from './strace/errnames.js';
import { hex, oct, u64 } from './strace/fmt.js';
import { signal } from './strace/signals.js';
import { formatSiginfo } from './strace/siginfo.js';
import type { SyscallEvent, UserMemory } from './strace/types.js';

export type { SyscallEvent, UserMemory } from './strace/types.js';

/** What traceEnter captured; opaque to callers. */
export interface EnterRecord {
  readonly call: Call;
  readonly decoder: Decoder;
}

/** strace puts " = " at column 39 (0-based), counting any "[pid N] " prefix. */
const RESULT_COLUMN = 39;

/** How strace reports the kernel-internal restart codes a tracer can see. */
const RESTARTS: ReadonlyMap<number, string> = new Map([
  [512, 'ERESTARTSYS (To be restarted if SA_RESTART is set)'],
  [513, 'ERESTARTNOINTR (To be restarted)'],
  [514, 'ERESTARTNOHAND (To be restarted if no handler)'],
  [516, 'ERESTART_RESTARTBLOCK (Interrupted by signal)'],
]);

export function traceEnter(ev: SyscallEvent, mem: UserMemory): EnterRecord {
  const call = new Call(ev.nr, syscallName(ev.nr), ev.args, mem, ev.sp);
  const decoder = decoderFor(ev.nr);
  decoder.enter?.(call);
  return { call, decoder };
}

function callText(c: Call): string {
  return `${c.name}(${c.parts.join(', ')})`;
}

function padded(text: string, column: number): string {
  return text.padEnd(RESULT_COLUMN - column);
}

function resultText(c: Call): string {
  if (c.failed) {
    const errno = Number(-c.ret);
    const restart = RESTARTS.get(errno);
    if (restart) return `? ${restart}`;
    const known = ERRNO_NAMES.get(errno);
    return known ? `-1 ${known[0]} (${known[1]})` : `-1 (errno ${errno})`;
  }
  const v = c.retStyle === 'hex' ? hex(u64(c.ret)) : c.retStyle === 'oct' ? oct(u64(c.ret)) : String(c.ret);
  return v + c.retNote;
}

/**
 * The whole line once the call returned. `ret` is a0 after the call (signed).
 * `column` is the width of any prefix the caller prints before the line
 * (e.g. "[pid  1234] "), which strace counts when aligning " = ".
 */
export function traceExit(rec: EnterRecord, ret: bigint, mem: UserMemory, column = 0): string {
  const c = rec.call;
  c.mem = mem;
  c.setResult(ret);
  rec.decoder.exit?.(c);
  return `${padded(callText(c), column)} = ${resultText(c)}`;
}

/** For calls that never return (exit, exit_group, a successful execve's old image). */
export function traceNoReturn(rec: EnterRecord, column = 0): string {
  return `${padded(callText(rec.call), column)} = ?`;
}

export interface SignalInfo {
  code: number;
  pid?: number;
  uid?: number;
  addr?: number;
  status?: number;
  utime?: number;
  stime?: number;
}

/** "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---" */
export function formatSignalDelivery(sig: number, info: SignalInfo): string {
  return `--- ${signal(sig)} ${formatSiginfo({ signo: sig, ...info })} ---`;
}

/** "+++ exited with 0 +++", "+++ killed by SIGSEGV (core dumped) +++" */
export function formatExit(status: { code?: number; signal?: number; core?: boolean }): string {
  if (status.signal !== undefined) return `+++ killed by ${signal(status.signal)}${status.core ? ' (core dumped)' : ''} +++`;
  return `+++ exited with ${status.code ?? 0} +++`;
}
