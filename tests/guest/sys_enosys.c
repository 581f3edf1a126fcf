// Calls each syscall number given on the command line with zero arguments
// and prints "NR RESULT ERRNO", one line each. The syscall-table test passes
// the numbers the table calls ENOSYS: each must fail with ENOSYS through the
// real ecall path.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    long nr = strtol(argv[i], NULL, 10);
    errno = 0;
    long r = syscall(nr, 0L, 0L, 0L, 0L, 0L, 0L);
    printf("%ld %ld %d\n", nr, r, r < 0 ? errno : 0);
  }
  return 0;
}
