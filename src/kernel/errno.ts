// Linux errno values (asm-generic, as on riscv64). Syscalls return -E*.
export const EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7,
  ENOEXEC = 8, EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14,
  ENOTBLK = 15, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21,
  EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28,
  ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35,
  ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENOMSG = 42, EIDRM = 43,
  ENODATA = 61, ETIME = 62, EOVERFLOW = 75, EBADFD = 77, EILSEQ = 84, ENOTSOCK = 88,
  EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92, EPROTONOSUPPORT = 93,
  EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETUNREACH = 101,
  ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, ETIMEDOUT = 110,
  ECONNREFUSED = 111, EALREADY = 114, EINPROGRESS = 115, ECANCELED = 125, EPROTO = 71,
  ESOCKTNOSUPPORT = 94, ENETDOWN = 100, ECONNABORTED = 103, ESHUTDOWN = 108, EHOSTUNREACH = 113;

/** Kernel-internal: restart the syscall after a signal handler if SA_RESTART (Linux ERESTARTSYS). */
export const ERESTARTSYS = 512;
/** Kernel-internal: always restart transparently (Linux ERESTARTNOINTR). */
export const ERESTARTNOINTR = 513;
/** Kernel-internal: restart via restart_syscall (nanosleep's remaining time). */
export const ERESTART_RESTARTBLOCK = 516;

/**
 * Kernel-internal return of a syscall handler: the task was put to sleep on a wait
 * queue and the syscall is executed again from the start when it is woken
 * (the ecall is re-run, as Linux's wait loops re-check their condition).
 */
export const BLOCKED = -100000;
