/* The hart's extensions, told three ways that must agree, "no more, no
 * less": riscv_hwprobe's RISCV_HWPROBE_KEY_IMA_EXT_0 bit (Linux 6.12's
 * uapi/asm/hwprobe.h), the extension's name on /proc/cpuinfo's isa line
 * (arch/riscv/kernel/cpu.c), and whether one of its instructions executes
 * or raises SIGILL. qemu-user answers hwprobe and cpuinfo for another CPU
 * (or not at all), so this runs under tuxglass only. Instructions are
 * written as raw encodings: the compiler's -march is plain rv64gc. */
#include "tg.h"
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>
#include <sys/syscall.h>

static volatile int faulted;

/* Skip the faulting instruction (2 or 4 bytes) and note the fault. */
static void on_sigill(int sig, siginfo_t *si, void *ctx) {
    (void)sig; (void)si;
    ucontext_t *uc = ctx;
    uint16_t first = *(uint16_t *)uc->uc_mcontext.__gregs[REG_PC];
    uc->uc_mcontext.__gregs[REG_PC] += (first & 3) == 3 ? 4 : 2;
    faulted = 1;
}

static uint64_t scratch[8] __attribute__((aligned(64)));

/* Run one instruction (a0 = a1 = &scratch, a2 = 1); 1 if it executed. */
#define RUNS(enc)                                                              \
    static int run_##enc(void) {                                               \
        faulted = 0;                                                           \
        __asm__ volatile("mv a0, %0\n mv a1, %0\n li a2, 1\n .4byte " #enc     \
                         : : "r"(scratch) : "a0", "a1", "a2", "ft0", "fa1", "memory"); \
        return !faulted;                                                       \
    }
#define RUNS16(enc)                                                            \
    static int run_##enc(void) {                                               \
        faulted = 0;                                                           \
        __asm__ volatile("mv a0, %0\n mv a1, %0\n li a2, 1\n .2byte " #enc "\n .2byte 0x0001" \
                         : : "r"(scratch) : "a0", "a1", "a2", "ft0", "fa1", "memory"); \
        return !faulted;                                                       \
    }

RUNS16(0x0001)      /* c.nop (C, Zca) */
RUNS(0x00007057)    /* vsetvli zero, zero, e8, m1 (V) */
RUNS(0x20c5a533)    /* sh1add a0, a1, a2 (Zba) */
RUNS(0x40c5f533)    /* andn a0, a1, a2 (Zbb) */
RUNS(0x28c59533)    /* bset a0, a1, a2 (Zbs) */
RUNS(0x0ac59533)    /* clmul a0, a1, a2 (Zbc) */
RUNS(0x08c5c533)    /* pack a0, a1, a2 (Zbkb) */
RUNS(0x28c5c533)    /* xperm8 a0, a1, a2 (Zbkx) */
RUNS(0x3ac58533)    /* aes64ds a0, a1, a2 (Zknd) */
RUNS(0x0045a00f)    /* cbo.zero (a1) (Zicboz) */
RUNS(0x00059007)    /* flh ft0, 0(a1) (Zfh) */
RUNS(0xf2180053)    /* fli.d ft0, 1.0 (Zfa) */
RUNS(0x00500033)    /* ntl.all = add zero, zero, t0 (Zihintntl) */
RUNS(0x0ec5d533)    /* czero.eqz a0, a1, a2 (Zicond) */
RUNS(0x0100000f)    /* pause (Zihintpause) */
RUNS(0x81c5c573)    /* mop.r.0 a0, a1 (Zimop) */
RUNS16(0x9d75)      /* c.not a0 (Zcb) */
RUNS16(0x2582)      /* c.fldsp fa1, 0(sp) (Zcd) */
RUNS16(0x6081)      /* c.mop.1 (Zcmop) */
RUNS(0x00d00073)    /* wrs.nto (Zawrs) */
RUNS(0x28c5a52f)    /* amocas.w a0, a2, (a1) (Zacas) */

struct probe { const char *name; int bit; int (*runs)(void); };
static const struct probe PROBES[] = {
    {"c", 1, run_0x0001}, {"v", 2, run_0x00007057}, {"zba", 3, run_0x20c5a533}, {"zbb", 4, run_0x40c5f533},
    {"zbs", 5, run_0x28c59533}, {"zicboz", 6, run_0x0045a00f}, {"zbc", 7, run_0x0ac59533},
    {"zbkb", 8, run_0x08c5c533}, {"zbkx", 10, run_0x28c5c533}, {"zknd", 11, run_0x3ac58533},
    {"zfh", 27, run_0x00059007}, {"zihintntl", 29, run_0x00500033}, {"zfa", 32, run_0xf2180053},
    {"zacas", 34, run_0x28c5a52f}, {"zicond", 35, run_0x0ec5d533}, {"zihintpause", 36, run_0x0100000f},
    {"zimop", 42, run_0x81c5c573}, {"zca", 43, run_0x0001}, {"zcb", 44, run_0x9d75}, {"zcd", 45, run_0x2582},
    {"zcmop", 47, run_0x6081}, {"zawrs", 48, run_0x00d00073},
};

/* Whether the isa line names the extension: a letter of the single-letter
 * part, or an underscore-separated multi-letter name. */
static int in_isa(const char *isa, const char *name) {
    if (!name[1]) {
        for (const char *p = isa + 4; *p && *p != '_'; p++) if (*p == name[0]) return 1;
        return 0;
    }
    size_t n = strlen(name);
    for (const char *p = strchr(isa, '_'); p; p = strchr(p + 1, '_'))
        if (!strncmp(p + 1, name, n) && (p[1 + n] == '_' || p[1 + n] == 0)) return 1;
    return 0;
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_sigill;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGILL, &sa, NULL);

    struct { int64_t key; uint64_t value; } pair = {4, 0};
    R(syscall(258, &pair, 1, 0, NULL, 0));
    char line[512] = "", isa[512] = "", hart_isa[512] = "";
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        if (!strncmp(line, "isa\t\t: ", 7) && !isa[0]) sscanf(line + 7, "%511s", isa);
        if (!strncmp(line, "hart isa\t: ", 11) && !hart_isa[0]) sscanf(line + 11, "%511s", hart_isa);
    }
    if (f) fclose(f);
    printf("isa: %s\n", isa);
    CHECK(!strcmp(isa, hart_isa));
    for (size_t i = 0; i < sizeof PROBES / sizeof PROBES[0]; i++) {
        const struct probe *p = &PROBES[i];
        int hw = (int)((pair.value >> p->bit) & 1), ci = in_isa(isa, p->name), ex = p->runs();
        printf("%-12s hwprobe %d cpuinfo %d executes %d%s\n", p->name, hw, ci, ex, hw == ci && ci == ex ? "" : "  MISMATCH");
    }
    return 0;
}
