#!/bin/bash
# Boot the Linux guest (build/linux/Image + initramfs.cpio.gz, made by
# `make linux`) on QEMU virt, interactively (Ctrl-A X quits). The Linux
# system tests start QEMU through this script too.
#
#   tools/run-linux.sh [options] [-- extra qemu args]
#
#   --native        (default) Linux straight on QEMU's virt machine at EL1,
#                   no vigil: the baseline the vigil run is compared with
#   --vigil         the same kernel, initramfs and devices under vigil
#                   (build/qemu-virt-arm64/vigil.bin, or $VIGIL_BUILD): QEMU
#                   enters vigil at EL2, the Image is loaded at 0x50000000
#                   for vigil's default VM, which takes the -initrd and the
#                   -append line the boot loader (QEMU) hands over
#   --icount        add -icount shift=0: one instruction = one virtual ns,
#                   so the guest's clock counts instructions (repeatable)
#   --disk FILE     raw image for the virtio-blk disk (default
#                   build/linux/scratch.img, 16 MiB of zeros, made if missing)
#   --append ARGS   more kernel command-line arguments
#   --hostfwd H:G   forward TCP port H on the host's 127.0.0.1 to port G of
#                   the guest's virtio-net (user networking: the guest is
#                   10.0.2.15 once it ran udhcpc); may be given more than once
#   --dry-run       print the QEMU command line instead of running it
#
# Environment: VIGIL_SMP (default 4), VIGIL_MEM (default 1G), QEMU (default
# qemu-system-aarch64), VIGIL_LINUX_DIR (default build/linux).
# VIGIL_MACHINE=raspi4b with --vigil: QEMU 10's Raspberry Pi 4 instead
# (tools/run-qemu.sh says how): vigil's default VM gets the four CPUs and
# the PL011, Linux's console (ttyAMA0); no virtio devices (the Pi has
# none); the PL011 on stdio, vigil's mini UART written to stdout too.
# VIGIL_ARCH=arm32 (or a VIGIL_BUILD ending in -arm32): the ARMv7 guest,
# build/linux-arm32/zImage and its initramfs (VIGIL_ARCH=arm32
# tools/fetch-guest.sh), on a Cortex-A15 with qemu-system-arm; under vigil
# the zImage is loaded at 0x50000000 as the Image is.
#
# The machine is tools/run-qemu.sh's (virt, GICv2, cortex-a57) with the
# devices of issue 4 as virtio-mmio transports: virtio-blk, virtio-rng and
# virtio-net on user networking. QEMU's default NIC wants a PXE ROM that is
# not installed, hence -nic none and the explicit virtio-net-device.
#
# A mode is only its machine and boot arguments (the `case "$mode"` below);
# devices and options are shared, so the vigil mode boots the same kernel,
# initramfs and devices with vigil.bin as -kernel and the guest images put
# in RAM with -device loader.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
case "${VIGIL_BUILD:-}" in *-arm32 | *-arm32/) VIGIL_ARCH=arm32 ;; esac
if [ "${VIGIL_ARCH:-arm64}" = arm32 ]; then
	QEMU=${QEMU:-qemu-system-arm}
	CPU=cortex-a15
	LINUX_DIR=${VIGIL_LINUX_DIR:-$repo/build/linux-arm32}
	KERNEL=$LINUX_DIR/zImage
	VIGIL_BUILD=${VIGIL_BUILD:-$repo/build/qemu-virt-arm32}
else
	QEMU=${QEMU:-qemu-system-aarch64}
	CPU=cortex-a57
	LINUX_DIR=${VIGIL_LINUX_DIR:-$repo/build/linux}
	KERNEL=$LINUX_DIR/Image
fi
SMP=${VIGIL_SMP:-4}
MEM=${VIGIL_MEM:-1G}
INITRD=$LINUX_DIR/initramfs.cpio.gz
CMDLINE="console=ttyAMA0"
VIGIL_BUILD=${VIGIL_BUILD:-$repo/build/qemu-virt-arm64}
case "$VIGIL_BUILD" in /*) ;; *) VIGIL_BUILD=$repo/$VIGIL_BUILD ;; esac
VIGIL_BIN=$VIGIL_BUILD/vigil.bin

usage() {
	sed -n '/^#   tools/,/^# Environment/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

mode=native
icount=0
disk=""
dry=0
netdev="user,id=n0"
while [ $# -gt 0 ]; do
	case "$1" in
	--native) mode=native ;;
	--vigil) mode=vigil ;;
	--icount) icount=1 ;;
	--disk) [ $# -ge 2 ] || usage; disk=$2; shift ;;
	--disk=*) disk=${1#--disk=} ;;
	--append) [ $# -ge 2 ] || usage; CMDLINE="$CMDLINE $2"; shift ;;
	--append=*) CMDLINE="$CMDLINE ${1#--append=}" ;;
	--hostfwd) [ $# -ge 2 ] || usage; fwd=$2; shift ;&
	--hostfwd=*)
		[ "${fwd:-}" ] || fwd=${1#--hostfwd=}
		case "$fwd" in
		[0-9]*:[0-9]*) ;;
		*) echo "$0: --hostfwd wants HOSTPORT:GUESTPORT, not $fwd" >&2
		   exit 2 ;;
		esac
		netdev="$netdev,hostfwd=tcp:127.0.0.1:${fwd%%:*}-:${fwd#*:}"
		fwd="" ;;
	--dry-run) dry=1 ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) echo "$0: unknown option $1" >&2; usage ;;
	esac
	shift
done

need=("$KERNEL" "$INITRD")
[ "$mode" = vigil ] && need+=("$VIGIL_BIN")
for f in "${need[@]}"; do
	if [ ! -f "$f" ]; then
		echo "$0: $f not found (run make linux)" >&2
		exit 1
	fi
done

if [ -z "$disk" ]; then
	disk=$LINUX_DIR/scratch.img
	[ -f "$disk" ] || truncate -s 16M "$disk"
elif [ ! -f "$disk" ]; then
	echo "$0: disk image $disk not found" >&2
	exit 1
fi

# ---- machine and boot arguments, per mode ----------------------------------
case "$mode" in
native)
	machine=(-machine "virt,gic-version=2")
	boot=(-kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE")
	;;
vigil)
	machine=(-machine "virt,virtualization=on,gic-version=2")
	boot=(-kernel "$VIGIL_BIN"
		-device "loader,file=$KERNEL,addr=0x50000000"
		-initrd "$INITRD" -append "$CMDLINE")
	;;
esac

if [ "${VIGIL_MACHINE:-virt}" = raspi4b ]; then
	[ "$mode" = vigil ] || { echo "$0: raspi4b runs --vigil only" >&2; exit 2; }
	[ "$QEMU" != qemu-system-aarch64 ] || QEMU=$("$here/fetch-qemu10.sh")
	dtb=$(ls "$repo"/build/guest-cache/kernel/usr/lib/linux-image-*/broadcom/bcm2711-rpi-4-b.dtb 2>/dev/null | head -1)
	[ -n "$dtb" ] || { echo "$0: bcm2711-rpi-4-b.dtb not found (tools/fetch-guest.sh)" >&2; exit 1; }
	cmd=("$QEMU" -machine raspi4b -dtb "$dtb" -display none -audio none
		-serial stdio -serial file:/dev/stdout
		-kernel "$VIGIL_BIN"
		-device "loader,file=$KERNEL,addr=0x10000000"
		-initrd "$INITRD" -append "$CMDLINE" "$@")
	[ "$icount" = 1 ] && cmd+=(-icount shift=0)
	if [ "$dry" = 1 ]; then
		printf '%q ' "${cmd[@]}"
		echo
		exit 0
	fi
	exec "${cmd[@]}"
fi

# ---- shared by every mode ---------------------------------------------------
opts=(-cpu "$CPU" -smp "$SMP" -m "$MEM" -nographic -nic none)
[ "$icount" = 1 ] && opts+=(-icount shift=0)
devices=(
	-drive "if=none,file=$disk,format=raw,id=d0"
	-device "virtio-blk-device,drive=d0"
	-device virtio-rng-device
	-netdev "$netdev"
	-device "virtio-net-device,netdev=n0"
)

cmd=("$QEMU" "${machine[@]}" "${opts[@]}" "${boot[@]}" "${devices[@]}" "$@")
if [ "$dry" = 1 ]; then
	printf '%q ' "${cmd[@]}"
	echo
	exit 0
fi
exec "${cmd[@]}"
