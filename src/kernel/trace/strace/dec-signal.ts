// Decoders for signal calls.
import type { Call, DecoderTable } from './call.js';
import { ptr } from './fmt.js';
import { readStruct } from './mem.js';
import { flags, xval } from './xlat.js';
import { printSigsetAt, signal } from './signals.js';
import { printSigaction } from './struct-proc.js';
import { printSiginfoAt } from './siginfo.js';
import { printTimespec } from './struct-time.js';
import { SIGPROCMASK_HOW, SS_FLAGS } from './tables-signal.js';

/**
 * riscv64's rt_sigframe at the user sp: siginfo (128 bytes), then ucontext
 * whose uc_sigmask follows uc_flags, uc_link and the 24-byte uc_stack.
 */
const FRAME_SIGMASK = 128 + 8 + 8 + 24;

/** stack_t on riscv64: ss_sp @0, ss_flags i32 @8, ss_size @16. */
function printStack(c: Call, addr: bigint): string {
  if (addr === 0n) return 'NULL';
  const v = readStruct(c.mem, addr, 24);
  if (!v) return ptr(addr);
  return `{ss_sp=${ptr(v.u64(0))}, ss_flags=${flags(SS_FLAGS, v.u32(8), 'SS_???')}, ss_size=${v.u64(16)}}`;
}

export const signalDecoders: DecoderTable = {
  rt_sigaction: {
    enter(c) {
      c.push(signal(c.int(0)), printSigaction(c.mem, c.a(1)));
    },
    exit(c) {
      c.push(c.failed ? ptr(c.a(2)) : printSigaction(c.mem, c.a(2)));
      c.pushUlong(3);
    },
  },
  rt_sigprocmask: {
    enter(c) {
      c.push(xval(SIGPROCMASK_HOW, c.uint(0), 'SIG_???'), printSigsetAt(c.mem, c.a(1), c.a(3)));
    },
    exit(c) {
      c.push(c.failed ? ptr(c.a(2)) : printSigsetAt(c.mem, c.a(2), c.a(3)));
      c.pushUlong(3);
    },
  },
  rt_sigreturn: {
    enter(c) {
      if (c.sp === undefined) return;
      const at = c.sp + BigInt(FRAME_SIGMASK);
      const text = printSigsetAt(c.mem, at);
      c.push(`{mask=${text}}`);
    },
  },
  rt_sigsuspend: {
    enter(c) {
      c.push(printSigsetAt(c.mem, c.a(0), c.a(1)));
      c.pushUlong(1);
    },
  },
  rt_sigpending: {
    exit(c) {
      c.push(c.failed ? ptr(c.a(0)) : printSigsetAt(c.mem, c.a(0), c.a(1)));
      c.pushUlong(1);
    },
  },
  rt_sigtimedwait: {
    enter: (c) => c.push(printSigsetAt(c.mem, c.a(0), c.a(3))),
    exit(c) {
      c.push(c.failed ? ptr(c.a(1)) : printSiginfoAt(c.mem, c.a(1)), printTimespec(c.mem, c.a(2)));
      c.pushUlong(3);
    },
  },
  rt_sigqueueinfo: {
    enter(c) {
      c.pushInt(0);
      c.push(signal(c.int(1)), printSiginfoAt(c.mem, c.a(2)));
    },
  },
  rt_tgsigqueueinfo: {
    enter(c) {
      c.pushInt(0);
      c.pushInt(1);
      c.push(signal(c.int(2)), printSiginfoAt(c.mem, c.a(3)));
    },
  },
  sigaltstack: {
    enter: (c) => c.push(printStack(c, c.a(0))),
    exit: (c) => c.push(c.failed ? ptr(c.a(1)) : printStack(c, c.a(1))),
  },
};
