/* Floating-point environment: the dynamic rounding mode (frm) changes
 * results, instructions with a static rounding mode ignore it, and the
 * accrued exception flags (fflags) are set exactly by the operations that
 * raise them. Values go through volatile so GCC cannot fold them. */
#include "tg.h"
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>

static const struct { const char *n; int m; } modes[] = {
    {"nearest", FE_TONEAREST}, {"upward", FE_UPWARD},
    {"downward", FE_DOWNWARD}, {"towardzero", FE_TOWARDZERO}};

static void flags(const char *what) {
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("%s flags:%s%s%s%s%s\n", what, f & FE_INVALID ? " invalid" : "",
           f & FE_DIVBYZERO ? " divbyzero" : "", f & FE_OVERFLOW ? " overflow" : "",
           f & FE_UNDERFLOW ? " underflow" : "", f & FE_INEXACT ? " inexact" : "");
    feclearexcept(FE_ALL_EXCEPT);
}

static double fadd_rup(double a, double b) {
    double r; __asm__ volatile("fadd.d %0, %1, %2, rup" : "=f"(r) : "f"(a), "f"(b)); return r;
}
static double fadd_rdn(double a, double b) {
    double r; __asm__ volatile("fadd.d %0, %1, %2, rdn" : "=f"(r) : "f"(a), "f"(b)); return r;
}
static double fadd_rmm(double a, double b) {
    double r; __asm__ volatile("fadd.d %0, %1, %2, rmm" : "=f"(r) : "f"(a), "f"(b)); return r;
}

int main(void) {
    volatile double one = 1.0, three = 3.0, two = 2.0, neg = -1.0, zero = 0.0;
    volatile double big = DBL_MAX, tiny = DBL_MIN, half_ulp = 0x1p-53;
    for (size_t i = 0; i < 4; i++) {
        printf("fesetround(%s) = %d, fegetround matches: %d\n", modes[i].n,
               fesetround(modes[i].m), fegetround() == modes[i].m);
        printf("  1/3=%a -1/3=%a sqrt2=%a\n", one / three, neg / three, sqrt(two));
        printf("  1+2^-53=%a (float)(1/3)=%a big+big=%a\n", one + half_ulp,
               (double)(float)(one / three), big + big);
        printf("  rint(2.5)=%a rint(-2.5)=%a lrint(-1.5)=%ld nearbyint(0.5)=%a\n",
               rint(2.5 + zero), rint(-2.5 + zero), lrint(-1.5 + zero), nearbyint(0.5 + zero));
        printf("  fma=%a (float)1e-45=%a\n", fma(one / three, three, -one),
               (double)(float)(volatile double){1e-46});
        printf("  static rup=%a rdn=%a rmm=%a\n", fadd_rup(one, half_ulp),
               fadd_rdn(one, half_ulp), fadd_rmm(one, half_ulp));
        uint64_t frm;
        __asm__ volatile("frrm %0" : "=r"(frm));
        printf("  frm=%llu\n", (unsigned long long)frm);
    }
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
    flags("none");
    volatile double r;
    r = one + two; flags("1+2");
    r = one / three; flags("1/3");
    r = one / zero; flags("1/0");
    r = zero / zero; flags("0/0");
    r = sqrt(neg); flags("sqrt(-1)");
    r = big * two; flags("max*2");
    r = tiny * tiny; flags("min*min");
    r = tiny / 2; flags("min/2");
    r = 0x1p-1074 * one; flags("subnormal*1");
    volatile float nf = __builtin_nansf("");
    volatile double qn = __builtin_nan("");
    r = nf + 1.0f; flags("snan+1");
    r = qn + one; flags("qnan+1");
    r = (qn < one); flags("qnan<1");
    r = (qn == one); flags("qnan==1");
    volatile long l = (long)(volatile double){1e30}; flags("(long)1e30");
    (void)l; (void)r;
    /* fflags and frm live together in fcsr. */
    uint64_t old, fc;
    __asm__ volatile("fscsr %0, %1" : "=r"(old) : "r"(0xffUL));
    __asm__ volatile("frcsr %0" : "=r"(fc));
    printf("fcsr after writing 0xff = %llx\n", (unsigned long long)fc);
    __asm__ volatile("fsflags %0, %1" : "=r"(old) : "r"(0UL));
    __asm__ volatile("frcsr %0" : "=r"(fc));
    printf("old fflags = %llx, fcsr = %llx\n", (unsigned long long)old, (unsigned long long)fc);
    __asm__ volatile("fscsr %0, %1" : "=r"(old) : "r"(0UL));
    fenv_t env;
    fesetround(FE_UPWARD);
    feholdexcept(&env);
    r = one / three;
    printf("held flags: %d\n", fetestexcept(FE_INEXACT) != 0);
    fesetenv(FE_DFL_ENV);
    printf("default env round nearest: %d, flags: %d\n", fegetround() == FE_TONEAREST,
           fetestexcept(FE_ALL_EXCEPT));
    return 0;
}
