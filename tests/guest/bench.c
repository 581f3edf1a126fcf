/* tuxglass's CPU benchmark: deterministic, CPU-bound work that exercises the
 * hart's hot paths (64-bit ALU, loads/stores, calls and returns, indirect
 * calls, doubles, libc string routines). It prints one checksum per part and
 * a total, so two runs can be checked to have computed the same thing.
 * Sized to take a few seconds under qemu-riscv64-static. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t h) { /* a 64-bit finaliser: multiplies, shifts, xors */
    h ^= h >> 33; h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

static uint64_t hash_buffer(void) {
    enum { N = 1 << 16 };
    static uint64_t buf[N];
    uint64_t s = 1;
    for (int i = 0; i < N; i++) buf[i] = s = mix(s + (uint64_t)i);
    uint64_t h = 0;
    for (int round = 0; round < 2000; round++)
        for (int i = 0; i < N; i++) h = mix(h ^ buf[i]) + (uint64_t)round;
    return h;
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static uint64_t sort_ints(void) {
    enum { N = 200000 };
    int *v = malloc(N * sizeof *v);
    uint64_t s = 42, h = 0;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++) { s = mix(s); v[i] = (int)(s >> 33) - (1 << 30); }
        qsort(v, N, sizeof *v, cmp_int);
        for (int i = 0; i < N; i++) {
            if (i && v[i - 1] > v[i]) return 0; /* not sorted: a wrong checksum */
            h = h * 1000003 + (uint64_t)(uint32_t)v[i];
        }
    }
    free(v);
    return h;
}

static uint64_t fib(int n) { return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2); }

static uint64_t matmul(void) {
    enum { N = 200 };
    static double a[N][N], b[N][N], c[N][N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (double)((i * 7 + j * 3) % 17) / 8.0 - 1.0;
            b[i][j] = (double)((i * 5 + j * 11) % 13) / 4.0 - 1.5;
        }
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                double sum = 0;
                for (int k = 0; k < N; k++) sum += a[i][k] * b[k][j];
                c[i][j] = sum;
            }
        memcpy(a, c, sizeof a); /* feed the product back in */
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) a[i][j] /= 64.0;
    }
    uint64_t h = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            uint64_t bits;
            memcpy(&bits, &c[i][j], 8);
            h = mix(h ^ bits);
        }
    return h;
}

static uint64_t strings(void) {
    enum { N = 1 << 16 };
    static char src[N], dst[N];
    for (int i = 0; i < N; i++) src[i] = (char)('a' + i % 26);
    uint64_t h = 0;
    for (int round = 0; round < 12000; round++) {
        size_t len = N - 1 - (size_t)(round * 97) % 4096;
        src[len] = 0;
        memcpy(dst, src, len + 1);
        h = h * 31 + strlen(dst) + (unsigned char)dst[round % 100];
        memmove(dst + 1, dst, len / 2);
        h += (unsigned char)dst[len / 3];
        src[len] = 'x';
    }
    return h;
}

int main(void) {
    uint64_t parts[5] = {hash_buffer(), sort_ints(), fib(37), matmul(), strings()};
    static const char *names[5] = {"hash", "qsort", "fib", "matmul", "strings"};
    uint64_t total = 0;
    for (int i = 0; i < 5; i++) {
        printf("%-8s %016llx\n", names[i], (unsigned long long)parts[i]);
        total = mix(total ^ parts[i]);
    }
    printf("checksum %016llx\n", (unsigned long long)total);
    return 0;
}
