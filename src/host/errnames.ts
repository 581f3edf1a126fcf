// strerror for the few errors the CLI reports itself.
const MSG: Record<number, string> = {
  1: 'Operation not permitted', 2: 'No such file or directory', 8: 'Exec format error', 12: 'Cannot allocate memory',
  13: 'Permission denied', 20: 'Not a directory', 21: 'Is a directory', 22: 'Invalid argument', 7: 'Argument list too long',
  40: 'Too many levels of symbolic links', 80: 'Accessing a corrupted shared library',
};
export function errnoMessage(e: number): string { return MSG[e] ?? `error ${e}`; }
