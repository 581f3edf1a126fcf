// Signal numbers, default actions and the sigaction table (Linux, riscv64).
export const SIGHUP = 1,
  SIGINT = 2,
  SIGQUIT = 3,
  SIGILL = 4,
  SIGTRAP = 5,
  SIGABRT = 6,
  SIGBUS = 7,
  SIGFPE = 8,
  SIGKILL = 9,
  SIGUSR1 = 10,
  SIGSEGV = 11,
  SIGUSR2 = 12,
  SIGPIPE = 13,
  SIGALRM = 14,
  SIGTERM = 15,
  SIGSTKFLT = 16,
  SIGCHLD = 17,
  SIGCONT = 18,
  SIGSTOP = 19,
  SIGTSTP = 20,
  SIGTTIN = 21,
  SIGTTOU = 22,
  SIGURG = 23,
  SIGXCPU = 24,
  SIGXFSZ = 25,
  SIGVTALRM = 26,
  SIGPROF = 27,
  SIGWINCH = 28,
  SIGIO = 29,
  SIGPWR = 30,
  SIGSYS = 31,
  SIGRTMIN = 32,
  NSIG = 64;

export const SIG_DFL = 0,
  SIG_IGN = 1;
export const SA_NOCLDSTOP = 1,
  SA_NOCLDWAIT = 2,
  SA_SIGINFO = 4,
  SA_RESTORER = 0x04000000,
  SA_ONSTACK = 0x08000000,
  SA_RESTART = 0x10000000,
  SA_NODEFER = 0x40000000,
  SA_RESETHAND = 0x80000000;

export const SI_USER = 0,
  SI_KERNEL = 0x80,
  SI_QUEUE = -1,
  SI_TKILL = -6;
export const SEGV_MAPERR = 1,
  SEGV_ACCERR = 2,
  ILL_ILLOPC = 1,
  BUS_ADRALN = 1,
  TRAP_BRKPT = 1;
export const CLD_EXITED = 1,
  CLD_KILLED = 2,
  CLD_DUMPED = 3,
  CLD_TRAPPED = 4,
  CLD_STOPPED = 5,
  CLD_CONTINUED = 6;

export type DefaultAction = 'term' | 'core' | 'ign' | 'stop' | 'cont';

export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS:
      return 'core';
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
      return 'ign';
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
      return 'stop';
    case SIGCONT:
      return 'cont';
    default:
      return 'term';
  }
}

export const sigbit = (sig: number) => 1n << BigInt(sig - 1);
export const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);

export interface SigAction {
  handler: number;
  flags: number;
  mask: bigint;
  restorer: number;
}

/** The handler table, shared by CLONE_SIGHAND threads. */
export class SigHand {
  users = 1;
  actions: SigAction[] = [];
  constructor() {
    for (let i = 0; i <= NSIG; i++) this.actions.push({ handler: SIG_DFL, flags: 0, mask: 0n, restorer: 0 });
  }
  clone(): SigHand {
    const s = new SigHand();
    s.actions = this.actions.map((a) => ({ ...a }));
    return s;
  }
  /** execve: caught signals go back to default, ignored ones stay ignored. */
  resetForExec(): void {
    for (const a of this.actions) {
      if (a.handler !== SIG_IGN) a.handler = SIG_DFL;
      a.flags = 0;
      a.mask = 0n;
      a.restorer = 0;
    }
  }
}

/** What the kernel knows about one pending signal (for siginfo). */
export interface SigInfo {
  signo: number;
  code: number;
  errno?: number;
  pid?: number;
  uid?: number;
  addr?: number;
  status?: number;
  utime?: number;
  stime?: number;
  value?: bigint;
  /** A POSIX timer's signal: its id and overrun, and how taking it re-arms the timer (posix-timers.ts). */
  timerId?: number;
  overrun?: number;
  rearm?: () => void;
  /** SIGIO-style signals (F_SETSIG): si_band, the poll bits, and si_fd. */
  band?: number;
  fd?: number;
}

export const SIGNAL_NAMES = [
  '',
  'HUP',
  'INT',
  'QUIT',
  'ILL',
  'TRAP',
  'ABRT',
  'BUS',
  'FPE',
  'KILL',
  'USR1',
  'SEGV',
  'USR2',
  'PIPE',
  'ALRM',
  'TERM',
  'STKFLT',
  'CHLD',
  'CONT',
  'STOP',
  'TSTP',
  'TTIN',
  'TTOU',
  'URG',
  'XCPU',
  'XFSZ',
  'VTALRM',
  'PROF',
  'WINCH',
  'IO',
  'PWR',
  'SYS',
];
