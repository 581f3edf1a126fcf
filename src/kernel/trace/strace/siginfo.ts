// siginfo_t, as strace prints it in "--- SIGCHLD {...} ---" lines and waitid.
import type { UserMemory } from './types.js';
import { readStruct } from './mem.js';
import { ptr } from './fmt.js';
import { xname } from './xlat.js';
import { signal } from './signals.js';
import { CLD_EXITED, SIGNAL_CODES, SI_CODES, SI_KERNEL, SI_MESGQ, SI_QUEUE, SI_TIMER, SI_TKILL, SI_USER } from './tables-signal.js';

export interface SiginfoFields {
  signo: number;
  code: number;
  errno?: number;
  pid?: number;
  uid?: number;
  addr?: number | bigint;
  status?: number;
  utime?: number | bigint;
  stime?: number | bigint;
  timerid?: number;
  overrun?: number;
  value?: number | bigint;
  band?: number | bigint;
  fd?: number;
}

const FAULT_SIGNALS = new Set([4, 5, 7, 8, 11]); // ILL TRAP BUS FPE SEGV
const SIGCHLD = 17,
  SIGIO = 29,
  SIGSYS = 31;

function codeName(signo: number, code: number): string {
  const specific = code > 0 && code !== SI_KERNEL ? SIGNAL_CODES[signo] : undefined;
  return (specific && xname(specific, code)) ?? xname(SI_CODES, code) ?? String(code);
}

export function formatSiginfo(si: SiginfoFields): string {
  const f = [`si_signo=${signal(si.signo)}`, `si_code=${codeName(si.signo, si.code)}`];
  if (si.errno) f.push(`si_errno=${si.errno}`);
  const sender = () => f.push(`si_pid=${si.pid ?? 0}`, `si_uid=${si.uid ?? 0}`);
  const value = () => f.push(`si_int=${Number(BigInt.asIntN(32, BigInt(si.value ?? 0)))}`, `si_ptr=${ptr(si.value ?? 0)}`);
  const code = si.code;
  if (code === SI_USER || code === SI_TKILL) sender();
  else if (code === SI_QUEUE || code === SI_MESGQ) {
    sender();
    value();
  } else if (code === SI_TIMER) {
    f.push(`si_timerid=${si.timerid ?? 0}`, `si_overrun=${si.overrun ?? 0}`);
    value();
  } else if (code === SI_KERNEL) {
    if (FAULT_SIGNALS.has(si.signo)) f.push(`si_addr=${ptr(si.addr ?? 0)}`);
  } else if (code > 0) {
    if (si.signo === SIGCHLD) {
      sender();
      const st = si.status ?? 0;
      f.push(`si_status=${code === CLD_EXITED ? st : signal(st)}`, `si_utime=${si.utime ?? 0}`, `si_stime=${si.stime ?? 0}`);
    } else if (FAULT_SIGNALS.has(si.signo)) f.push(`si_addr=${ptr(si.addr ?? 0)}`);
    else if (si.signo === SIGIO) f.push(`si_band=${si.band ?? 0}`, `si_fd=${si.fd ?? 0}`);
    else if (si.signo === SIGSYS) f.push(`si_call_addr=${ptr(si.addr ?? 0)}`);
  }
  return `{${f.join(', ')}}`;
}

/** riscv64 siginfo_t in memory (128 bytes); an empty one (si_signo 0, after WNOHANG) is "{}". */
export function printSiginfoAt(mem: UserMemory, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const v = readStruct(mem, addr, 128);
  if (!v) return ptr(addr);
  const signo = v.i32(0);
  if (signo === 0) return '{}';
  return formatSiginfo({
    signo,
    errno: v.i32(4),
    code: v.i32(8),
    pid: v.i32(16),
    uid: v.u32(20),
    status: v.i32(24),
    utime: v.i64(32),
    stime: v.i64(40),
    addr: v.u64(16),
    timerid: v.i32(16),
    overrun: v.i32(20),
    value: v.u64(24),
    band: v.i64(16),
    fd: v.i32(24),
  });
}
