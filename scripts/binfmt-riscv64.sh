#!/bin/sh
# Register qemu-riscv64-static with binfmt_misc, with the P (preserve argv[0])
# and F (fix-binary) flags. F: the kernel opens the interpreter at registration
# time, so riscv64 programs also run inside a chroot that has no qemu of its
# own. P: busybox runs applets by exec'ing /proc/self/exe with argv[0] set to
# the applet name, which is lost without it. E.g.
#   chroot ROOTFS /bin/busybox sh -c '...'
# That is how the differential tests get a real Linux kernel as reference.
# Idempotent. Exits 0 with a message when registration is not possible, so
# the tests that need it skip and say why.
set -u

BINFMT=/proc/sys/fs/binfmt_misc
NAME=qemu-riscv64
# ELF64, little endian, e_machine 243 (EM_RISCV); the mask ignores the OS ABI
# byte and the low bit of e_type (ET_EXEC and ET_DYN both match).
MAGIC='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00'
MASK='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'

say() { echo "binfmt-riscv64: $*"; }

QEMU=$(command -v qemu-riscv64-static 2>/dev/null || true)
if [ -z "$QEMU" ]; then
  say "qemu-riscv64-static not found (apt-get install qemu-user-static); not registered"
  exit 0
fi
QEMU=$(readlink -f "$QEMU")

if [ ! -e "$BINFMT/register" ]; then
  if ! mount -t binfmt_misc binfmt_misc "$BINFMT" 2>/dev/null; then
    say "binfmt_misc is not mounted and cannot be mounted here (needs root, or the container forbids it); not registered"
    exit 0
  fi
fi

# An enabled entry for riscv64 with the F flag already does the job
# (whatever its name, e.g. one installed by binfmt-support).
for entry in "$BINFMT"/*; do
  case "${entry##*/}" in register|status) continue ;; esac
  [ -r "$entry" ] || continue
  if grep -q '^magic 7f454c460201010000000000000000000200f300' "$entry" 2>/dev/null; then
    if grep -q '^enabled' "$entry" && grep -q '^flags:.*P' "$entry" && grep -q '^flags:.*F' "$entry"; then
      say "already registered: ${entry##*/} ($(sed -n 's/^interpreter //p' "$entry"))"
      exit 0
    fi
    # Registered without P and F (or disabled): it would not work inside a chroot,
    # so replace it with a fix-binary entry.
    if ! echo -1 > "$entry" 2>/dev/null; then
      say "${entry##*/} is registered without the P and F flags and cannot be replaced here; not registered"
      exit 0
    fi
    say "removed ${entry##*/} (registered without the P and F flags)"
  fi
done

if [ "$(cat "$BINFMT/status" 2>/dev/null)" = "disabled" ]; then
  echo 1 > "$BINFMT/status" 2>/dev/null || true
fi

if printf '%s' ":$NAME:M::$MAGIC:$MASK:$QEMU:PF" > "$BINFMT/register" 2>/dev/null; then
  say "registered $NAME -> $QEMU (flags PF)"
else
  say "could not write $BINFMT/register (needs root, or the container forbids it); not registered"
fi
exit 0
