// PTRACE_GET_SYSCALL_INFO: struct ptrace_syscall_info for the stop the tracee is in.
// Layout: op (u8), pad, arch (u32), instruction_pointer, stack_pointer, then
// entry { nr, args[6] } or exit { rval (s64), is_error (u8) }.
import type { Task } from '../sched/task.js';
import { StructWriter } from '../syscalls/uaccess.js';

export const PTRACE_SYSCALL_INFO_NONE = 0,
  PTRACE_SYSCALL_INFO_ENTRY = 1,
  PTRACE_SYSCALL_INFO_EXIT = 2;
/** AUDIT_ARCH_RISCV64: EM_RISCV | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE. */
const AUDIT_ARCH_RISCV64 = 0xc00000f3;

/** The struct, and how many bytes of it are meaningful (what the call returns). */
export function syscallInfo(t: Task): { buf: Uint8Array; size: number } {
  const p = t.ptrace!;
  const c = t.ctx;
  const w = new StructWriter(88);
  const reg = (i: number) => (BigInt(c.xh[i] >>> 0) << 32n) | BigInt(c.xl[i] >>> 0);
  w.u32(4, AUDIT_ARCH_RISCV64)
    .u64(8, BigInt.asUintN(64, BigInt(c.pc)))
    .u64(16, reg(2));
  if (p.kind === 'sysenter') {
    w.buf[0] = PTRACE_SYSCALL_INFO_ENTRY;
    w.u64(24, reg(17));
    w.u64(32, (BigInt(p.origA0[1] >>> 0) << 32n) | BigInt(p.origA0[0] >>> 0));
    for (let i = 1; i < 6; i++) w.u64(32 + i * 8, reg(10 + i));
    return { buf: w.buf, size: 80 };
  }
  if (p.kind === 'sysexit') {
    w.buf[0] = PTRACE_SYSCALL_INFO_EXIT;
    const rval = BigInt.asIntN(64, reg(10));
    w.i64(24, rval);
    w.buf[32] = rval < 0n && rval >= -4095n ? 1 : 0;
    return { buf: w.buf, size: 33 };
  }
  w.buf[0] = PTRACE_SYSCALL_INFO_NONE;
  return { buf: w.buf, size: 24 };
}
