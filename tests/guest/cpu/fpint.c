/* The hart's side of F/D: FP instructions in hot loops (so compiled code
 * calls the FPU too), values crossing between integer and FP registers
 * (fmv, fcvt, compares), and fcsr flags seen through the CSRs. */
#include "rt.h"

static uint64_t bits(double d) { uint64_t u; __builtin_memcpy(&u, &d, 8); return u; }
static double fsqrt(double d) { double r; __asm__("fsqrt.d %0, %1" : "=f"(r) : "f"(d)); return r; }

int main(void) {
    double acc = 0.5, p = 1.0;
    int64_t isum = 0;
    uint64_t h = 0;
    for (int i = 1; i <= 2000; i++) {
        double d = (double)i;                 /* fcvt.d.w */
        acc = acc * 1.0001 + d / 7.0;         /* fmul, fdiv, fadd (or fmadd) */
        p = fsqrt(d) + p * 0.5;      /* fsqrt */
        isum += (int64_t)(acc / 3.0);         /* fcvt.l.d (rtz) */
        h = h * 31 + bits(acc) + (acc > p) + (d == 1000.0); /* fmv.x.d, flt, feq */
        float f = (float)d * 0.25f;           /* single precision */
        h ^= (uint64_t)(uint32_t)(int32_t)f;  /* fcvt.w.s */
    }
    show("acc", bits(acc));
    show("p", bits(p));
    show("isum", (uint64_t)isum);
    show("hash", h);
    uint64_t flags;
    __asm__ volatile("csrw fflags, zero\n fdiv.d ft0, %1, %2\n frflags %0" : "=r"(flags) : "f"(1.0), "f"(0.0) : "ft0");
    show("div0 flags", flags);
    __asm__ volatile("csrw fflags, zero\n fadd.d ft0, %1, %2\n frflags %0" : "=r"(flags) : "f"(1.0), "f"(1e-30) : "ft0");
    show("inexact flags", flags);
    int64_t big;
    __asm__ volatile("fcvt.l.d %0, %1, rtz" : "=r"(big) : "f"(-9.3e18));
    show("fcvt.l.d", (uint64_t)big);
    __asm__ volatile("fcvt.l.d %0, %1, rtz" : "=r"(big) : "f"(1e300));
    show("fcvt.l.d sat", (uint64_t)big);
    double back;
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(back) : "r"(0x400921fb54442d18ull));
    show("fmv.d.x", bits(back * 2.0));
    return 0;
}
