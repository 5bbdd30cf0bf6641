#!/bin/sh
# Debian's armmp-lpae Linux (build/linux-arm32: `make linux-arm32`) in an
# AArch32 EL1 VM (`vigil,aarch32`, docs/config.md) of the arm64 vigil, on
# QEMU virt -cpu cortex-a57, 4 vCPUs, to an interactive shell (`make run
# GUEST=arm32`; test_aarch32_linux.py runs the same). Ctrl-A X quits.
#
#   tools/run-linux-aarch32.sh [--disk FILE] [--dry-run] [qemu args...]
#
# The zImage is the VM's `image` at 0x50000000 (its header checked as a
# zImage, and kept for SYSTEM_RESET at the size it gives), the initramfs
# at 0x58000000 (`initrd`); PL011, PL031 and the virtio-mmio blk, rng and net devices
# (the last three transports, which QEMU fills from the end) are passed
# through, as tools/run-linux.sh gives them to the default VM.
#
# Environment: VIGIL_BUILD (build/qemu-virt-arm64), VIGIL_LINUX_DIR
# (build/linux-arm32), QEMU (qemu-system-aarch64).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
QEMU=${QEMU:-qemu-system-aarch64}
VIGIL_BUILD=${VIGIL_BUILD:-$repo/build/qemu-virt-arm64}
case "$VIGIL_BUILD" in /*) ;; *) VIGIL_BUILD=$repo/$VIGIL_BUILD ;; esac
LINUX_DIR=${VIGIL_LINUX_DIR:-$repo/build/linux-arm32}
KERNEL=$LINUX_DIR/zImage
INITRD=$LINUX_DIR/initramfs.cpio.gz
KERNEL_AT=0x50000000
INITRD_AT=0x58000000

disk=""
dry=0
while [ $# -gt 0 ]; do
	case "$1" in
	--disk) [ $# -ge 2 ] || { echo "$0: --disk FILE" >&2; exit 2; }
		disk=$2; shift ;;
	--dry-run) dry=1 ;;
	*) break ;;
	esac
	shift
done

for f in "$KERNEL" "$INITRD" "$VIGIL_BUILD/vigil.bin"; do
	if [ ! -f "$f" ]; then
		echo "$0: $f not found (run make linux-arm32 and make)" >&2
		exit 1
	fi
done
if [ -z "$disk" ]; then
	disk=$LINUX_DIR/scratch.img
	[ -f "$disk" ] || truncate -s 16M "$disk"
fi

out=$repo/build/test-logs
mkdir -p "$out"
size=$(stat -c %s "$INITRD")
ksize=$(stat -c %s "$KERNEL")
cat >"$out/run-linux-aarch32.fragment.dts" <<DTS
/ {
	hypervisor {
		compatible = "vigil,hypervisor";
		vm@0 {
			compatible = "vigil,vm";
			label = "linux32";
			vcpus = <4>;
			memory = <0x0 0x50000000 0x0 0x30000000>;
			image = <0x0 $KERNEL_AT 0x0 $ksize>;
			initrd = <0x0 $INITRD_AT 0x0 $size>;
			bootargs = "console=ttyAMA0";
			devices = "/pl011@9000000", "/pl031@9010000",
				  "/virtio_mmio@a003e00", "/virtio_mmio@a003c00",
				  "/virtio_mmio@a003a00";
			vigil,aarch32;
		};
	};
};
DTS
VIGIL_ARCH=arm64 VIGIL_SMP=4 VIGIL_MEM=1G "$here/mkdtb.sh" \
	"$out/run-linux-aarch32.dtb" "$out/run-linux-aarch32.fragment.dts"

set -- "$QEMU" -machine virt,virtualization=on,gic-version=2 \
	-cpu cortex-a57 -smp 4 -m 1G -nographic -nic none \
	-dtb "$out/run-linux-aarch32.dtb" \
	-kernel "$VIGIL_BUILD/vigil.bin" \
	-device "loader,file=$KERNEL,addr=$KERNEL_AT" \
	-device "loader,file=$INITRD,addr=$INITRD_AT" \
	-drive "if=none,file=$disk,format=raw,id=d0" \
	-device virtio-blk-device,drive=d0 \
	-device virtio-rng-device \
	-netdev user,id=n0 \
	-device virtio-net-device,netdev=n0 "$@"
if [ "$dry" = 1 ]; then
	echo "$@"
	exit 0
fi
exec "$@"
