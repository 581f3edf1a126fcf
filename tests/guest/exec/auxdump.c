/* Prints the shape of the initial stack this process was started with:
 * where argv/envp strings, AT_EXECFN and AT_RANDOM sit relative to each
 * other, and the auxv entry types in order. Run with a fixed argv/envp and
 * compare with the kernel's own layout. Addresses are printed as offsets. */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

int main(int argc, char **argv, char **envp) {
    uintptr_t sp = (uintptr_t)(argv - 1); /* argc sits just below argv[] */
    uintptr_t a0 = (uintptr_t)argv[0];
    int envc = 0;
    while (envp[envc]) envc++;
    Elf64_auxv_t *aux = (Elf64_auxv_t *)(envp + envc + 1);
    printf("argc %d sp%%16 %lu sp_off %ld arg0%%16 %lu\n", argc, (unsigned long)(sp % 16),
           (long)(sp - a0), (unsigned long)(a0 % 16));
    printf("envp_after_argv %d auxv_after_envp %d\n",
           (char **)envp == argv + argc + 1, (void *)aux == (void *)(envp + envc + 1));
    for (int i = 0; i < argc; i++) printf("arg %d off %ld \"%s\"\n", i, (long)((uintptr_t)argv[i] - a0), argv[i]);
    for (int i = 0; i < envc; i++) printf("env %d off %ld \"%s\"\n", i, (long)((uintptr_t)envp[i] - a0), envp[i]);
    uintptr_t auxEnd = 0;
    for (Elf64_auxv_t *a = aux;; a++) {
        printf("auxv %lu\n", (unsigned long)a->a_type);
        if (a->a_type == AT_NULL) { auxEnd = (uintptr_t)(a + 1); break; }
    }
    uintptr_t execfn = getauxval(AT_EXECFN), rnd = getauxval(AT_RANDOM), plat = getauxval(AT_PLATFORM);
    printf("execfn \"%s\" off %ld\n", (char *)execfn, (long)(execfn - a0));
    printf("random off %ld random_minus_auxend %ld\n", (long)(rnd - a0), (long)(rnd - auxEnd));
    printf("platform %s\n", plat ? (char *)plat : "(none)");
    /* Distance from the end of the execfn string to the next page boundary. */
    uintptr_t top = execfn + strlen((char *)execfn) + 1;
    printf("execfn_end_to_page %lu\n", (unsigned long)((4096 - top % 4096) % 4096));
    printf("pagesz %lu\n", getauxval(AT_PAGESZ));
    return 0;
}
