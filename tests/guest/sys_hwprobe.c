/* riscv_hwprobe(2) on our hart, as Documentation/arch/riscv/hwprobe.rst and
 * sys_hwprobe.c (6.12) define the answers: every key, unknown keys, cpu sets,
 * RISCV_HWPROBE_WHICH_CPUS, and the error rules. qemu-user answers for its
 * own emulated CPU (or not at all), so this runs under tuxglass only. */
#include "tg.h"
#include <stdint.h>
#include <elf.h>
#include <sys/auxv.h>
#include <sys/syscall.h>

struct pair { int64_t key; uint64_t value; };

static long hwprobe(struct pair *p, size_t n, size_t setsize, void *cpus, unsigned flags) {
    return syscall(258, p, n, setsize, cpus, flags);
}

typedef long (*vprobe_fn)(struct pair *, size_t, size_t, void *, unsigned);

/* __vdso_riscv_hwprobe, found through the vDSO's dynamic section as glibc does. */
static vprobe_fn vdso_hwprobe(void) {
    uintptr_t base = getauxval(AT_SYSINFO_EHDR);
    if (!base) return NULL;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
    const Elf64_Dyn *dyn = NULL;
    for (int i = 0; i < eh->e_phnum; i++) if (ph[i].p_type == PT_DYNAMIC) dyn = (const Elf64_Dyn *)(base + ph[i].p_vaddr);
    const Elf64_Sym *sym = NULL; const char *str = NULL; unsigned n = 0;
    for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_SYMTAB) sym = (const Elf64_Sym *)(base + dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_STRTAB) str = (const char *)(base + dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_HASH) n = ((const unsigned *)(base + dyn->d_un.d_ptr))[1];
    }
    for (unsigned i = 1; i < n; i++)
        if (!strcmp(str + sym[i].st_name, "__vdso_riscv_hwprobe")) return (vprobe_fn)(base + sym[i].st_value);
    return NULL;
}

/* The vDSO returns the raw kernel value: 0 or -errno. */
#define V(expr) printf("%s = %ld\n", #expr, (long)(expr))

/* The vDSO answers all-cpu (and, the cpus being the same, any cpu set)
 * queries from [vvar] with the syscall's values; flags go to the kernel. */
static void through_vdso(void) {
    vprobe_fn vp = vdso_hwprobe();
    printf("vdso hwprobe found: %d\n", vp != NULL);
    if (!vp) return;
    struct pair p[12];
    for (int i = 0; i < 12; i++) p[i] = (struct pair){i, 0xdead};
    p[10].key = 99; p[11].key = -3;
    V(vp(p, 12, 0, NULL, 0));
    for (int i = 0; i < 12; i++) printf("vdso key %lld = %#llx\n", (long long)p[i].key, (unsigned long long)p[i].value);
    uint64_t set = 2;
    struct pair q = {4, 0};
    V(vp(&q, 1, sizeof set, &set, 0));
    printf("vdso any set IMA_EXT_0 = %#llx\n", (unsigned long long)q.value);
    V(vp(&q, 1, 0, NULL, 2));
    struct pair w[2] = {{4, 3}, {3, 1}};
    set = 0;
    V(vp(w, 2, sizeof set, &set, 1));
    printf("vdso cpus with FD|C and IMA: %#llx\n", (unsigned long long)set);
}

int main(void) {
    struct pair p[12];
    for (int i = 0; i < 12; i++) p[i] = (struct pair){i, 0xdead};
    p[10].key = 99; p[11].key = -3;
    R(hwprobe(p, 12, 0, NULL, 0));
    for (int i = 0; i < 12; i++) printf("key %lld = %#llx\n", (long long)p[i].key, (unsigned long long)p[i].value);
    uint64_t set = 1;
    struct pair q = {4, 0};
    R(hwprobe(&q, 1, sizeof set, &set, 0));
    printf("cpu0 IMA_EXT_0 = %#llx\n", (unsigned long long)q.value);
    set = 2;
    R(hwprobe(&q, 1, sizeof set, &set, 0));
    R(hwprobe(&q, 1, 0, &set, 0));
    R(hwprobe(&q, 1, 8, NULL, 0));
    R(hwprobe(&q, 1, 0, NULL, 2));
    R(hwprobe((void *)8, 1, 0, NULL, 0));
    R(hwprobe(NULL, 0, 0, NULL, 0));
    /* Which cpus have FD and C? cpu 0. Which have V? none. */
    struct pair w[2] = {{4, 3}, {3, 1}};
    set = 0;
    R(hwprobe(w, 2, sizeof set, &set, 1));
    printf("cpus with FD|C and IMA: %#llx\n", (unsigned long long)set);
    struct pair v = {4, 4};
    set = 1;
    R(hwprobe(&v, 1, sizeof set, &set, 1));
    printf("cpus with V: %#llx\n", (unsigned long long)set);
    struct pair u[2] = {{77, 0}, {4, 1}};
    set = 1;
    R(hwprobe(u, 2, sizeof set, &set, 1));
    printf("unknown key: cpus %#llx, key %lld\n", (unsigned long long)set, (long long)u[0].key);
    R(hwprobe(w, 2, 0, &set, 1));
    R(hwprobe(w, 2, 8, NULL, 1));
    R(hwprobe(w, 2, 8, &set, 3));
    through_vdso();
    return 0;
}
