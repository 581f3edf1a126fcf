/* A minimal program for the ELF parser tests: built -static (ET_EXEC),
 * -static-pie (ET_DYN) and dynamically linked (PT_INTERP). */
#include <stdio.h>

static __thread int tls_counter = 3; /* gives the static builds a PT_TLS */

int main(void) {
    printf("hello %d\n", tls_counter++);
    return 0;
}
