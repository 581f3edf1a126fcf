/* reboot(2): CAP_SYS_BOOT is checked before the magic numbers (EPERM as
 * nobody even with bad magic), bad magic is EINVAL, an unknown command is
 * EINVAL, CAD_ON/CAD_OFF succeed; POWER_OFF stops the machine, so nothing
 * after it is printed and the run ends with status 0. qemu-user would
 * pass these to the host kernel, which is not to be powered off. */
#include "tg.h"
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/reboot.h>

#define MAGIC1 LINUX_REBOOT_MAGIC1
#define MAGIC2 LINUX_REBOOT_MAGIC2

int main(void) {
    R(syscall(SYS_reboot, 0x12345678, MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, 0));
    R(syscall(SYS_reboot, MAGIC1, 0x12345678, LINUX_REBOOT_CMD_CAD_OFF, 0));
    R(syscall(SYS_reboot, MAGIC1, LINUX_REBOOT_MAGIC2C, 0x11111111, 0));
    R(syscall(SYS_reboot, MAGIC1, LINUX_REBOOT_MAGIC2A, LINUX_REBOOT_CMD_CAD_OFF, 0));
    R(syscall(SYS_reboot, MAGIC1, LINUX_REBOOT_MAGIC2B, LINUX_REBOOT_CMD_CAD_ON, 0));
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        if (setuid(65534) != 0) _exit(9);
        R(syscall(SYS_reboot, MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0));
        R(syscall(SYS_reboot, 0x12345678, 0, LINUX_REBOOT_CMD_POWER_OFF, 0));
        fflush(stdout);
        _exit(0);
    }
    printf("child status %d\n", child_status(p));
    fflush(stdout);
    R(syscall(SYS_reboot, MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0));
    printf("still running after power off\n");
    fflush(stdout);
    for (;;) pause();
}
