#!/bin/sh
# Boot vigil with a test guest on QEMU virt (EL2, GICv2), interactively
# (Ctrl-A X quits). The system tests start QEMU through this script too, so
# `make run` and `make test` run the same machine.
#
#   tools/run-qemu.sh BUILD_DIR GUEST [extra qemu args, e.g. -dtb host.dtb]
#   tools/run-qemu.sh --dumpdtb FILE   write the DTB QEMU generates for this
#                                      machine (tools/mkdtb.sh edits it)
#   tools/run-qemu.sh --native BUILD_DIR GUEST [qemu args]
#                                      run the guest alone, at EL1 on QEMU's
#                                      own GICv2 (no virtualization=on): the
#                                      baseline that tells guest bugs from
#                                      vigil bugs. Guests carry an Image
#                                      header, so -kernel loads them at
#                                      0x50000000 with x0 = DTB; PSCI is
#                                      QEMU's, over HVC; the guest library
#                                      prints to the PL011 itself. With
#                                      arm32 the guest carries a zImage
#                                      header instead: QEMU loads it at
#                                      0x40010000 with r2 = DTB and enters
#                                      it in SVC mode; it copies itself to
#                                      its link address (0x50000000,
#                                      tests/guests/lib/start.S).
#
# Environment: VIGIL_SMP (default 4) and VIGIL_MEM (default 1G) size the
# machine; VIGIL_GUEST_ADDR (default 0x50000000) is where the guest image
# goes (a guest linked elsewhere, e.g. hello_high above 4 GiB); QEMU (default qemu-system-aarch64). VIGIL_MACHINE=raspi4b runs
# QEMU 10's Raspberry Pi 4 instead (tools/fetch-qemu10.sh, Debian's
# bcm2711-rpi-4-b.dtb from build/guest-cache; 4 CPUs and 960 MiB, fixed):
# vigil.bin at 0x80000, the guest at 0x10000000, vigil's console on the
# mini UART (the second serial port) on stdout, the PL011 not connected.
# VIGIL_ARCH=arm32, or a BUILD_DIR ending in -arm32, runs the ARMv7
# machine instead: a Cortex-A15
# on qemu-system-arm, which enters vigil.bin (a zImage) in HYP mode at
# 0x40010000 with r2 = DTB.
#
# vigil.bin carries an arm64 Image header, so QEMU enters it at EL2 at
# 0x40080000 with x0 = DTB (placed at RAM base + 128 MiB = 0x48000000 with
# 1G). The guest image is loaded at 0x50000000, clear of both.
set -eu

for a in "${1:-}" "${2:-}"; do
	case "$a" in
	*-arm32 | *-arm32/) VIGIL_ARCH=arm32 ;;
	esac
done
if [ "${VIGIL_ARCH:-arm64}" = arm32 ]; then
	QEMU=${QEMU:-qemu-system-arm}
	CPU=cortex-a15
else
	QEMU=${QEMU:-qemu-system-aarch64}
	CPU=cortex-a57
fi
SMP=${VIGIL_SMP:-4}
MEM=${VIGIL_MEM:-1G}
GUEST_ADDR=${VIGIL_GUEST_ADDR:-0x50000000}
MACHINE=virt,virtualization=on,gic-version=2
# QEMU 10 (tools/fetch-qemu10.sh, unpacked, not installed) would try the
# host's audio modules of QEMU 7.2 and warn: no audio.
case $("$QEMU" --version | head -1) in
*"version "[1-9][0-9].*) set -- "$@" -audio none ;;
esac

usage() {
	echo "usage: $0 [--native] BUILD_DIR GUEST [qemu args...] | --dumpdtb FILE" >&2
	exit 2
}

[ $# -ge 2 ] || usage

if [ "$1" = "--dumpdtb" ]; then
	exec "$QEMU" -machine "$MACHINE,dumpdtb=$2" -cpu "$CPU" \
		-smp "$SMP" -m "$MEM" -nographic -nic none
fi

native=0
if [ "$1" = "--native" ]; then
	native=1
	shift
	[ $# -ge 2 ] || usage
fi

build=$1
guest=$2
shift 2

if [ $native = 1 ]; then
	if [ ! -f "$build/guests/$guest.bin" ]; then
		echo "$0: $build/guests/$guest.bin not found (run make)" >&2
		exit 1
	fi
	exec "$QEMU" -machine virt,gic-version=2 -cpu "$CPU" \
		-smp "$SMP" -m "$MEM" -nographic -nic none \
		-kernel "$build/guests/$guest.bin" "$@"
fi

if [ "${VIGIL_MACHINE:-virt}" = raspi4b ]; then
	top=$(cd "$(dirname "$0")/.." && pwd)
	[ "$QEMU" != qemu-system-aarch64 ] || QEMU=$("$top/tools/fetch-qemu10.sh")
	dtb=$(ls "$top"/build/guest-cache/kernel/usr/lib/linux-image-*/broadcom/bcm2711-rpi-4-b.dtb 2>/dev/null | head -1)
	if [ -z "$dtb" ]; then
		echo "$0: bcm2711-rpi-4-b.dtb not found (tools/fetch-guest.sh)" >&2
		exit 1
	fi
	# `-dtb FILE` first among the extra arguments: that DTB instead
	# (Debian's with a /hypervisor node, say).
	if [ "${1:-}" = -dtb ] && [ $# -ge 2 ]; then
		dtb=$2
		shift 2
	fi
	exec "$QEMU" -machine raspi4b -dtb "$dtb" -display none -audio none \
		-serial null -serial stdio \
		-kernel "$build/vigil.bin" \
		-device "loader,file=$build/guests/$guest.bin,addr=0x10000000" \
		"$@"
fi

for f in "$build/vigil.bin" "$build/guests/$guest.bin"; do
	if [ ! -f "$f" ]; then
		echo "$0: $f not found (run make)" >&2
		exit 1
	fi
done

exec "$QEMU" -machine "$MACHINE" -cpu "$CPU" -smp "$SMP" -m "$MEM" \
	-nographic -nic none \
	-kernel "$build/vigil.bin" \
	-device "loader,file=$build/guests/$guest.bin,addr=$GUEST_ADDR" \
	"$@"
