/* Deaths by hardware exception. The first argument picks one:
 *   segv     jump to an unmapped address: killed by SIGSEGV (status 139)
 *   ill      execute .word 0, an illegal instruction: killed by SIGILL (132)
 *   ill-handled, ebreak-handled   the same trap caught by a handler, which
 *            prints si_code and whether si_addr is the faulting pc */
#include "tg.h"
#include <signal.h>
#include <stdint.h>

extern char ill_insn[], ebreak_insn[];
static volatile uintptr_t expect_pc;

static void on_trap(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    printf("caught sig=%d code=%d addr_is_pc=%d\n", sig, si->si_code,
           (uintptr_t)si->si_addr == expect_pc);
    _exit(0);
}

static void do_ill(void) {
    __asm__ volatile(".globl ill_insn\nill_insn: .word 0");
}
static void do_ebreak(void) {
    __asm__ volatile(".globl ebreak_insn\nebreak_insn: ebreak");
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    printf("mode %s\n", mode);
    if (strcmp(mode, "segv") == 0) {
        void (*volatile fn)(void) = (void (*)(void))0x1000; /* below mmap_min_addr */
        fn();
    } else if (strcmp(mode, "ill") == 0) {
        do_ill();
    } else if (strcmp(mode, "ill-handled") == 0 || strcmp(mode, "ebreak-handled") == 0) {
        struct sigaction sa = {0};
        sa.sa_sigaction = on_trap;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGILL, &sa, NULL);
        sigaction(SIGTRAP, &sa, NULL);
        if (mode[0] == 'i') { expect_pc = (uintptr_t)ill_insn; do_ill(); }
        else { expect_pc = (uintptr_t)ebreak_insn; do_ebreak(); }
    } else {
        fprintf(stderr, "crash: unknown mode\n");
        return 2;
    }
    printf("survived\n");
    return 1;
}
