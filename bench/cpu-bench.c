/* Built by bench/cpu-loop.ts with -march=rv64gc.
 * A CPU-bound integer workload (sieve, CRC-32, insertion sort, 64-bit hash,
 * matrix multiply) for bench/cpu-loop.ts; also checks the results match. */
#include "../tests/guest/cpu/rt.h"

#define N 200000
static uint8_t sieve[N];
static uint32_t arr[3000];
static int64_t ma[40][40], mb[40][40], mc[40][40];

static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

int main(void) {
    uint64_t total = 0;
    for (int round = 0; round < 40; round++) {
        /* sieve */
        for (int i = 0; i < N; i++) sieve[i] = 1;
        int primes = 0;
        for (int i = 2; i < N; i++) {
            if (!sieve[i]) continue;
            primes++;
            for (int j = 2 * i; j < N; j += i) sieve[j] = 0;
        }
        total += primes;
        /* crc over the sieve */
        total += crc32(sieve, N / 4);
        /* insertion sort of a pseudo-random array */
        uint64_t x = 88172645463325252ull + round;
        for (int i = 0; i < 3000; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            arr[i] = (uint32_t)x;
        }
        for (int i = 1; i < 3000; i++) {
            uint32_t v = arr[i];
            int j = i - 1;
            while (j >= 0 && arr[j] > v) { arr[j + 1] = arr[j]; j--; }
            arr[j + 1] = v;
        }
        total += arr[0] + arr[1500] + arr[2999];
        /* 64-bit multiply-heavy hash */
        uint64_t h = 1469598103934665603ull;
        for (int i = 0; i < 300000; i++) { h ^= (uint64_t)i; h *= 1099511628211ull; }
        total += h;
        /* matrix multiply */
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < 40; j++) { ma[i][j] = i * 3 + j + round; mb[i][j] = i - j; }
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < 40; j++) {
                int64_t s = 0;
                for (int k = 0; k < 40; k++) s += ma[i][k] * mb[k][j];
                mc[i][j] = s;
            }
        total += (uint64_t)mc[7][13] + (uint64_t)mc[39][0];
    }
    show("total", total);
    return 0;
}
