/* FP loads and stores move raw bits (no arithmetic): FLD/FSD keep every
 * pattern, NaN payloads included, and FLW NaN-boxes (upper half all ones). */
#include "rt.h"

static uint64_t m[8] __attribute__((aligned(8)));

int main(void) {
    static const uint64_t pats[] = {0, 0x8000000000000000ull, 0x7ff0000000000001ull, 0x7ff8dead0000beefull,
                                    0x3ff0000000000000ull, 0xffffffffffffffffull, 0x0000000000000001ull};
    for (int i = 0; i < 7; i++) {
        m[0] = pats[i];
        __asm__ volatile("fld ft0, 0(%0)\n fsd ft0, 8(%0)\n flw ft1, 0(%0)\n fsd ft1, 16(%0)\n"
                         "flw ft2, 4(%0)\n fsw ft2, 24(%0)\n fsw ft0, 28(%0)\n"
                         "fld fa0, 0(%0)\n fsd fa0, 32(%0)" : : "r"(m) : "ft0", "ft1", "ft2", "fa0", "memory");
        show("fsd", m[1]); show("flw boxed", m[2]); show("fsw", m[3]); show("fld c", m[4]);
    }
    /* misaligned FP access */
    uint8_t *b = (uint8_t *)m;
    m[5] = 0x1122334455667788ull; m[6] = 0x99aabbccddeeff00ull;
    __asm__ volatile("fld ft0, 3(%0)\n fsd ft0, 1(%0)\n flw ft1, 5(%0)\n fsw ft1, 14(%0)"
                     : : "r"(b + 40) : "ft0", "ft1", "memory");
    show("m5", m[5]); show("m6", m[6]);
    return 0;
}
