// The 128-byte siginfo_t as riscv64 user space reads it.
import type { SigInfo } from './signals.js';
import { SIGCHLD, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP } from './signals.js';

export function writeSigInfo(dv: DataView, off: number, info: SigInfo): void {
  dv.setInt32(off, info.signo, true);
  dv.setInt32(off + 4, info.errno ?? 0, true);
  dv.setInt32(off + 8, info.code, true);
  const s = info.signo;
  if (s === SIGSEGV || s === SIGBUS || s === SIGILL || s === SIGFPE || s === SIGTRAP) {
    if (info.addr !== undefined && info.code > 0) dv.setBigUint64(off + 16, BigInt(info.addr), true);
    return;
  }
  if (info.code === -2 /* SI_TIMER */ && info.timerId !== undefined) {
    // _timer: si_tid, si_overrun, si_value (the overrun is the one known when the signal was taken).
    dv.setInt32(off + 16, info.timerId, true);
    dv.setInt32(off + 20, info.overrun ?? 0, true);
    dv.setBigUint64(off + 24, info.value ?? 0n, true);
    return;
  }
  if (info.band !== undefined) {
    // _sigpoll: si_band, si_fd.
    dv.setBigInt64(off + 16, BigInt(info.band), true);
    dv.setInt32(off + 24, info.fd ?? 0, true);
    return;
  }
  dv.setInt32(off + 16, info.pid ?? 0, true);
  dv.setInt32(off + 20, info.uid ?? 0, true);
  if (s === SIGCHLD) {
    dv.setInt32(off + 24, info.status ?? 0, true);
    dv.setBigInt64(off + 32, BigInt(info.utime ?? 0), true);
    dv.setBigInt64(off + 40, BigInt(info.stime ?? 0), true);
  } else if (info.value !== undefined) {
    dv.setBigUint64(off + 24, info.value, true);
  }
}
