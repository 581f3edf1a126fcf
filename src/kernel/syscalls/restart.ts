// A sleeping system call's restart state (Linux's struct restart_block, with
// the ERESTART* choice beside it). A call that returns BLOCKED is executed
// again from the start when its task is woken; what it must remember across
// the sleep lives in `task.sys`, one variant per kind of call. The variant is
// the call's own: a re-run recognises its state by `kind` (and `nr`), and a
// signal handler, exit or ptrace reads the common fields only.
import type { Task } from '../sched/task.js';
import type { FutexWaiter } from '../futex/core.js';
import type { KernIpcPerm } from '../ipc/util.js';
import type { FifoWait } from '../fs/fifo.js';
import type { FileLock } from '../fs/locks.js';

/**
 * How a caught signal ends the sleep (signal(7)):
 * - 'sys': restarted if the handler has SA_RESTART, else EINTR (ERESTARTSYS);
 * - 'never': EINTR after any handler (ERESTARTNOHAND, ERESTART_RESTARTBLOCK);
 * - 'nointr': always restarted (ERESTARTNOINTR).
 */
export type Restart = 'sys' | 'never' | 'nointr';

interface Sleeping {
  /** The call that sleeps (a7 at its ecall). */
  nr: number;
  restart: Restart;
}

/** Slept on a wait queue with nothing to remember: the re-run checks its condition again (pipes, wait4, accept...). */
export interface WaitState extends Sleeping {
  kind: 'wait';
}

/** nanosleep, clock_nanosleep: the absolute deadline, and whether its timer fired (restart_block.nanosleep). */
export interface NanosleepState extends Sleeping {
  kind: 'nanosleep';
  deadline: number;
  fired: boolean;
}

/** rt_sigsuspend: the temporary mask is in force (the old one is in task.savedMask). */
export interface SigsuspendState extends Sleeping {
  kind: 'sigsuspend';
}

/** rt_sigtimedwait: when the wait times out (Infinity without a timeout). */
export interface SigtimedwaitState extends Sleeping {
  kind: 'sigtimedwait';
  deadline: number;
}

/**
 * ppoll, pselect6 (restart_block.poll): the deadline, where the time left
 * goes back to, whether the timeout was zero, and whether its timer is armed.
 */
export interface PollState extends Sleeping {
  kind: 'poll';
  deadline: number;
  tsAddr: number;
  zero: boolean;
  armed: boolean;
}

/** epoll_pwait, epoll_pwait2: the deadline, and whether its timer is armed. */
export interface EpollState extends Sleeping {
  kind: 'epoll';
  deadline: number;
  armed: boolean;
}

/** futex, futex_waitv (restart_block.futex): the queued waiters, whose flags tell a wake from a timeout. */
export interface FutexState extends Sleeping {
  kind: 'futex';
  waiters: FutexWaiter[];
}

/** clone/clone3 with CLONE_VFORK: the child the parent waits for (until it execs or exits). */
export interface VforkState extends Sleeping {
  kind: 'vfork';
  child: Task;
}

/** write and its kin: the bytes already written before the sleep (a partial write returns them). */
export interface WriteState extends Sleeping {
  kind: 'write';
  progress: number;
}

/** read of a terminal in non-canonical mode: VTIME's deadline, the input seen, the timer armed. */
export interface TtyReadState extends Sleeping {
  kind: 'tty_read';
  deadline: number;
  seen: number;
  timer: number;
}

/** openat: an open of a FIFO may sleep for its partner; `wait` is that sleep once begun. */
export interface FifoOpenState extends Sleeping {
  kind: 'fifo_open';
  wait: FifoWait | null;
}

/** msgsnd, msgrcv, semop, semtimedop: the object slept on (gone: EIDRM), and semtimedop's deadline. */
export interface IpcState extends Sleeping {
  kind: 'ipc';
  obj: KernIpcPerm;
  deadline: number | undefined;
}

/** mq_timedsend, mq_timedreceive: when the wait times out (Infinity without a timeout). */
export interface MqState extends Sleeping {
  kind: 'mq';
  deadline: number;
}

/** flock, fcntl(F_SETLKW/F_OFD_SETLKW): the lock waited behind (deadlock detection follows it; null for flock). */
export interface FileLockState extends Sleeping {
  kind: 'filelock';
  blocker: FileLock | null;
}

/**
 * The call is done but its disk requests finish later in virtual time: the
 * task waits in D state (io_schedule) until `until`, then returns `result`
 * without running the call again (block/genhd.ts sets Task.ioWaitUntil).
 */
export interface IoWaitState extends Sleeping {
  kind: 'iowait';
  result: number;
  until: number;
}

export type SyscallState =
  | IoWaitState
  | FileLockState
  | WaitState
  | NanosleepState
  | SigsuspendState
  | SigtimedwaitState
  | PollState
  | EpollState
  | FutexState
  | VforkState
  | WriteState
  | TtyReadState
  | FifoOpenState
  | IpcState
  | MqState;

/** Bytes a sleeping write had moved before it slept (returned if a signal ends it). */
export function progressOf(s: SyscallState): number {
  return s.kind === 'write' ? s.progress : 0;
}
