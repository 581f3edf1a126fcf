// What a system call handler returns: a value for a0 (a result, or -errno),
// or one of two typed outcomes that are not values at all. They are distinct
// symbols, so no number can be mistaken for them and the compiler sees every
// place that must pass them on.

/**
 * The task went to sleep on a wait queue (or was stopped) and the call runs
 * again from the start when it is woken: the ecall is re-executed, as Linux's
 * wait loops re-check their condition. What it must remember across the
 * sleep is in the task's restart state (restart.ts).
 */
export const BLOCKED: unique symbol = Symbol('BLOCKED');
export type Blocked = typeof BLOCKED;

/**
 * The handler set the task's registers itself and the ecall does not return
 * a value: execve (a new image), rt_sigreturn (the interrupted context), exit.
 */
export const NORETURN: unique symbol = Symbol('NORETURN');
export type NoReturn = typeof NORETURN;

export type SyscallResult = number | Blocked | NoReturn;
