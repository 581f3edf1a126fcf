/* Nanoseconds are whole numbers everywhere (issue 11 §1b.1): in wall-clock
 * mode (no --seed) the guest's clock keeps up with the host's, and a timeout
 * written back by pselect6/select or a time printed by /proc/PID/sched must
 * still be a whole count of ns. Prints bad=0 when every value is in range
 * and every fraction in /proc/self/sched has exactly six decimals. */
#include <stdio.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <string.h>
int main(void) {
    int bad = 0, fd[2];
    pipe(fd);
    for (int i = 0; i < 200; i++) {
        fd_set r; FD_ZERO(&r); FD_SET(fd[0], &r);
        struct timespec ts = {0, 1234567 + i * 1001};
        int n = pselect(fd[0] + 1, &r, NULL, NULL, &ts, NULL);
        if (n != 0 || ts.tv_nsec < 0 || ts.tv_nsec > 999999999) bad++;
        struct timeval tv = {0, 777 + i};
        n = select(fd[0] + 1, &r, NULL, NULL, &tv);
        if (tv.tv_usec < 0 || tv.tv_usec > 999999) bad++;
    }
    char buf[8192]; int f = open("/proc/self/sched", O_RDONLY); int len = read(f, buf, sizeof buf - 1); buf[len > 0 ? len : 0] = 0;
    /* every number with a fraction has exactly 6 decimals (ns as ms.ns) */
    for (char *p = buf; (p = strchr(p, '.')); p++) { int d = 0; char *q = p + 1; while (*q >= '0' && *q <= '9') { d++; q++; } if (d && d != 6) { bad++; } }
    printf("bad=%d\n", bad);
    return 0;
}
