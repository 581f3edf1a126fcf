/* Ordinary compiled code: loops, recursion, switch jump tables, function
 * pointers, 128-bit arithmetic, sorting and hashing. */
#include "rt.h"

static uint32_t arr[500];
static uint8_t sieve[20000];

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int classify(int v) {
    switch (v & 15) {
    case 0: return 11; case 1: return 23; case 2: return 5; case 3: return 17;
    case 4: return 2; case 5: return 99; case 6: return 31; case 7: return 8;
    case 8: return 45; case 9: return 3; case 10: return 77; default: return -v;
    }
}

static uint64_t add1(uint64_t x) { return x + 1; }
static uint64_t dbl(uint64_t x) { return x * 2; }
static uint64_t sq(uint64_t x) { return x * x; }

int main(void) {
    int primes = 0;
    for (int i = 2; i < 20000; i++) sieve[i] = 1;
    for (int i = 2; i < 20000; i++)
        if (sieve[i]) { primes++; for (int j = 2 * i; j < 20000; j += i) sieve[j] = 0; }
    show("primes", primes);
    show("fib20", fib(20));

    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 500; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; arr[i] = (uint32_t)x; }
    for (int i = 1; i < 500; i++) {
        uint32_t v = arr[i]; int j = i - 1;
        while (j >= 0 && arr[j] > v) { arr[j + 1] = arr[j]; j--; }
        arr[j + 1] = v;
    }
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < 500; i++) { h ^= arr[i]; h *= 1099511628211ull; }
    show("sorted hash", h);

    int64_t cs = 0;
    for (int i = -50; i < 50; i++) cs = cs * 7 + classify(i);
    show("switch", (uint64_t)cs);

    uint64_t (*fns[3])(uint64_t) = {add1, dbl, sq};
    uint64_t v = 3;
    for (int i = 0; i < 20; i++) v = fns[i % 3](v);
    show("fnptr", v);

    unsigned __int128 p = (unsigned __int128)0xfedcba9876543210ull * 0x123456789abcdefull;
    show("u128 hi", (uint64_t)(p >> 64)); show("u128 lo", (uint64_t)p);
    __int128 s = (__int128)(int64_t)0x8000000000000000ull * -3;
    show("i128 hi", (uint64_t)((unsigned __int128)s >> 64)); show("i128 lo", (uint64_t)s);

    int64_t q = 0;
    for (int64_t a = -1000000007; a < 1000000007; a += 99999989)
        for (int64_t b = -7; b <= 7; b += 3) q = q * 3 + a / b + a % b;
    show("divmod", (uint64_t)q);
    uint64_t big = 0xffffffffffffffffull;
    show("udiv big", big / 0x100000001ull); show("urem big", big % 0x123456789ull);
    show("udiv big2", 0xfedcba9876543210ull / 0xfedcba987ull); show("urem big2", 0xfedcba9876543210ull % 0x8000000000000001ull);
    put_dec(-1234567890123456789ll); put_char('\n');
    return 0;
}
