/* User-mode CSRs: the FP control and status registers in every access form,
 * and the counters (only their monotonicity is comparable with Linux). */
#include "rt.h"

#define RD(name, csr) static uint64_t name(void) { uint64_t r; __asm__ volatile("csrr %0, " csr : "=r"(r)); return r; }
RD(rd_fflags, "fflags") RD(rd_frm, "frm") RD(rd_fcsr, "fcsr")
RD(rd_cycle, "cycle") RD(rd_time, "time") RD(rd_instret, "instret")

int main(void) {
    uint64_t r;
    __asm__ volatile("csrrw %0, fcsr, %1" : "=r"(r) : "r"((uint64_t)0xff)); show("fcsr old", r);
    show("fcsr", rd_fcsr()); show("frm", rd_frm()); show("fflags", rd_fflags());
    __asm__ volatile("csrrw %0, fcsr, %1" : "=r"(r) : "r"((uint64_t)0xffffffffffffff00ull)); show("fcsr high bits", rd_fcsr());
    __asm__ volatile("csrrwi %0, frm, 3" : "=r"(r)); show("frm old", r); show("fcsr", rd_fcsr());
    __asm__ volatile("csrrsi %0, fflags, 0x15" : "=r"(r)); show("fflags old", r); show("fcsr", rd_fcsr());
    __asm__ volatile("csrrci %0, fflags, 0x5" : "=r"(r)); show("fflags old", r); show("fflags", rd_fflags());
    __asm__ volatile("csrrs %0, fcsr, %1" : "=r"(r) : "r"((uint64_t)0xe0)); show("fcsr old", r); show("fcsr", rd_fcsr());
    __asm__ volatile("csrrc %0, frm, %1" : "=r"(r) : "r"((uint64_t)0x5)); show("frm old", r); show("frm", rd_frm());
    __asm__ volatile("csrrs %0, fflags, zero" : "=r"(r)); show("fflags read", r);
    __asm__ volatile("fsrm %0, %1" : "=r"(r) : "r"((uint64_t)1)); show("fsrm old", r);
    __asm__ volatile("fsflags %0, %1" : "=r"(r) : "r"((uint64_t)0x3f)); show("fsflags old", r);
    show("fcsr", rd_fcsr());
    __asm__ volatile("csrwi fcsr, 0");
    show("fcsr zero", rd_fcsr());

    uint64_t i1 = rd_instret(), c1 = rd_cycle(), t1 = rd_time();
    volatile uint64_t sink = 0;
    for (int i = 0; i < 1000; i++) sink += i;
    uint64_t i2 = rd_instret(), c2 = rd_cycle(), t2 = rd_time();
    show("instret grows", i2 > i1);
    show("cycle grows", c2 > c1);
    show("time monotonic", t2 >= t1);
    return (int)(sink & 0);
}
