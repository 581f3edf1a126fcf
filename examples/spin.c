/* A CPU-bound loop: run two at different nice levels and watch top.
 * Build: riscv64-linux-gnu-gcc -static -O2 -o spin examples/spin.c       */
int main(void) {
    volatile unsigned long x = 0;
    for (;;) x++;
}
