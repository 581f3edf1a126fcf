/* The F and D extensions: arithmetic printed exactly (%a and %.17g), NaN
 * (RISC-V produces the canonical quiet NaN, so its sign is fixed), infinities,
 * signed zero, subnormals, the saturating float->int conversions, min/max,
 * compare, classify, sqrt and fused multiply-add. */
#include "tg.h"
#include <float.h>
#include <math.h>
#include <stdint.h>

static void pd(const char *what, double x) {
    uint64_t bits; memcpy(&bits, &x, 8);
    printf("%s = %a %.17g [%016llx]\n", what, x, x, (unsigned long long)bits);
}
static void pf(const char *what, float x) {
    uint32_t bits; memcpy(&bits, &x, 4);
    printf("%s = %a %.9g [%08x]\n", what, (double)x, (double)x, bits);
}

#define CVT(name, insn, T, S)                                                  \
    static T name(S x) { T r; __asm__ volatile(insn " %0, %1, rtz" : "=r"(r) : "f"(x)); return r; }
CVT(cvt_w_d, "fcvt.w.d", int64_t, double) CVT(cvt_wu_d, "fcvt.wu.d", int64_t, double)
CVT(cvt_l_d, "fcvt.l.d", int64_t, double) CVT(cvt_lu_d, "fcvt.lu.d", uint64_t, double)
CVT(cvt_w_s, "fcvt.w.s", int64_t, float) CVT(cvt_lu_s, "fcvt.lu.s", uint64_t, float)

static uint64_t fclass_d(double x) { uint64_t r; __asm__ volatile("fclass.d %0, %1" : "=r"(r) : "f"(x)); return r; }
static uint64_t fclass_s(float x) { uint64_t r; __asm__ volatile("fclass.s %0, %1" : "=r"(r) : "f"(x)); return r; }
static double fmin_d(double a, double b) { double r; __asm__ volatile("fmin.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
static double fmax_d(double a, double b) { double r; __asm__ volatile("fmax.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
static double fsgnjn(double a, double b) { double r; __asm__ volatile("fsgnjn.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
static double fsgnjx(double a, double b) { double r; __asm__ volatile("fsgnjx.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }

/* A single-precision value not NaN-boxed in a D register must read as the
 * canonical NaN. */
static float unboxed(void) {
    float r;
    uint64_t bits = 0x000000003f800000ULL; /* upper half not all ones */
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(r) : "r"(bits));
    return r;
}

int main(void) {
    volatile double zero = 0.0, one = 1.0, three = 3.0, two = 2.0, neg = -1.0;
    volatile double inf = INFINITY, big = DBL_MAX, tiny = DBL_MIN, sub = 4.9e-324;
    volatile float f3 = 3.0f, f1 = 1.0f, fbig = FLT_MAX;
    pd("1/3", one / three);
    pd("2/3", two / three);
    pd("sqrt 2", sqrt(two));
    pd("0.1+0.2", 0.1 + (volatile double)0.2);
    pd("1e308*10", big * 10);
    pd("-1/0", neg / zero);
    pd("0/0", zero / zero);
    pd("inf-inf", inf - inf);
    pd("sqrt -1", sqrt(neg));
    pd("-0", -zero);
    pd("0*-1", zero * neg);
    pd("-0+0", -zero + zero);
    pd("-0-0", -zero - zero);
    pd("1/-inf", one / -inf);
    pd("min subnormal", sub);
    pd("subnormal/2", sub / 2);
    pd("DBL_MIN/4", tiny / 4);
    pd("subnormal*2^60", sub * 0x1p60);
    pd("fma(1/3,3,-1)", fma(one / three, three, -one));
    pd("1/3*3-1", one / three * three - one);
    pd("fma(inf,0,1)", fma(inf, zero, one));
    pd("float->double 1/3f", (double)(f1 / f3));
    pf("1/3f", f1 / f3);
    pf("sqrtf 2", sqrtf((float)two));
    pf("FLT_MAX*2", fbig * 2);
    pf("(float)DBL_MAX", (float)big);
    pf("(float)1e-50", (float)(volatile double)1e-50);
    pf("fmaf", fmaf(f1 / f3, f3, -f1));
    pf("unboxed", unboxed());
    pd("fmin(-0,+0)", fmin_d(zero, -zero));
    pd("fmax(-0,+0)", fmax_d(-zero, zero));
    pd("fmin(nan,1)", fmin_d(zero / zero, one));
    pd("fmax(nan,nan)", fmax_d(zero / zero, zero / zero));
    pd("fsgnjn(2,-1)", fsgnjn(two, neg));
    pd("fsgnjx(-2,-1)", fsgnjx(-two, neg));
    pd("floor(-2.5)", floor(-2.5 + zero));
    pd("round(2.5)", round(2.5 + zero));
    pd("trunc(-2.7)", trunc(-2.7 + zero));
    pd("ldexp", ldexp(one, -1074));
    pd("exp(1)", exp(one));
    pd("log(3)", log(three));
    pd("sin(1)", sin(one));
    pd("pow(2,0.5)", pow(two, 0.5));

    double cv[] = {0.0, -0.0, 1.5, -1.5, 2147483647.5, 2147483648.0, -2147483649.0,
                   4294967296.0, 9.3e18, -9.3e18, 1.9e19, INFINITY, -INFINITY, NAN, -NAN};
    for (size_t i = 0; i < sizeof cv / sizeof cv[0]; i++)
        printf("cvt %a: w=%lld wu=%llx l=%lld lu=%llx class=%llx\n", cv[i],
               (long long)cvt_w_d(cv[i]), (unsigned long long)cvt_wu_d(cv[i]),
               (long long)cvt_l_d(cv[i]), (unsigned long long)cvt_lu_d(cv[i]),
               (unsigned long long)fclass_d(cv[i]));
    float fv[] = {-1.0f, 3e9f, -3e9f, NAN, INFINITY};
    for (size_t i = 0; i < sizeof fv / sizeof fv[0]; i++)
        printf("cvt.s %a: w=%lld lu=%llx class=%llx\n", (double)fv[i], (long long)cvt_w_s(fv[i]),
               (unsigned long long)cvt_lu_s(fv[i]), (unsigned long long)fclass_s(fv[i]));
    printf("class: sub=%llx -sub=%llx -0=%llx snan=%llx\n", (unsigned long long)fclass_d(sub),
           (unsigned long long)fclass_d(-sub), (unsigned long long)fclass_d(-zero),
           (unsigned long long)fclass_d(__builtin_nans("")));
    volatile double nan = zero / zero;
    printf("compare nan: eq=%d lt=%d le=%d ne=%d self-eq=%d\n", nan == one, nan < one,
           nan <= one, nan != one, nan == nan);
    printf("compare zeros: eq=%d lt=%d\n", zero == -zero, -zero < zero);
    /* int -> float conversions that must round. */
    volatile int64_t l = (1LL << 53) + 1;
    volatile uint64_t ul = UINT64_MAX;
    pd("(double)(2^53+1)", (double)l);
    pd("(double)UINT64_MAX", (double)ul);
    pf("(float)16777217", (float)(volatile int32_t){16777217});
    /* A loop that accumulates rounding error, as a checksum. */
    double acc = 0;
    for (int i = 1; i <= 100000; i++) acc += 1.0 / ((double)i * i);
    pd("basel", acc);
    return 0;
}
