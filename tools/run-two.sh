#!/bin/bash
# Two Linux VMs side by side under vigil (make run-two, or make run VMS=2):
# the kernel and initramfs of `make linux` in each, 2 vCPUs each (pCPUs 0-1
# and 2-3), 256 MiB of RAM each, their own virtio devices, and a vUART each
# as the console. The machine has 6 GiB: 'one' lives at 0x50000000, 'two'
# wholly above 4 GiB, at 0x140000000 (issue 14: a board such as Juno has
# most of its RAM there; vigil's map and stage 2 reach it). Interactively, Ctrl-A three times moves the keyboard to
# the other VM; under QEMU's -nographic Ctrl-A is QEMU's escape key too, so
# type Ctrl-A Ctrl-A for each (six presses), and Ctrl-A X quits QEMU.
#
#   tools/run-two.sh [--dry-run] [-- extra qemu args]
#
#   vm0 'one': virtio-blk (build/linux/scratch.img) and virtio-net
#   vm1 'two': virtio-rng and its own virtio-blk (build/linux/scratch1.img)
#
# Environment: VIGIL_BUILD (default build/qemu-virt-arm64), VIGIL_LINUX_DIR
# (default build/linux), VIGIL_TWO_APPEND (more kernel arguments, both VMs),
# QEMU. The DTB is QEMU's for the machine plus the /hypervisor node below,
# written to $VIGIL_BUILD/two-vms.dtb (and .dts).
#
# Each virtio device sits on a chosen transport (QEMU virt's
# virtio-mmio-bus.N is /virtio_mmio@a000000 + N * 0x200, INTID 48 + N): the
# VMs' transports lie in different 4 KiB pages, since stage 2 maps pages.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
QEMU=${QEMU:-qemu-system-aarch64}
LINUX_DIR=${VIGIL_LINUX_DIR:-$repo/build/linux}
VIGIL_BUILD=${VIGIL_BUILD:-$repo/build/qemu-virt-arm64}
case "$VIGIL_BUILD" in /*) ;; *) VIGIL_BUILD=$repo/$VIGIL_BUILD ;; esac
KERNEL=$LINUX_DIR/Image
INITRD=$LINUX_DIR/initramfs.cpio.gz
APPEND=${VIGIL_TWO_APPEND:-}
export VIGIL_SMP=4 VIGIL_MEM=6G

dry=0
while [ $# -gt 0 ]; do
	case "$1" in
	--dry-run) dry=1 ;;
	--) shift; break ;;
	*) echo "$0: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

for f in "$KERNEL" "$INITRD" "$VIGIL_BUILD/vigil.bin"; do
	if [ ! -f "$f" ]; then
		echo "$0: $f not found (run make all linux)" >&2
		exit 1
	fi
done
for d in scratch scratch1; do
	[ -f "$LINUX_DIR/$d.img" ] || truncate -s 16M "$LINUX_DIR/$d.img"
done

# RAM: vm0 0x50000000, vm1 0x60000000, 256 MiB each; the kernel at the
# base, the initramfs 128 MiB above it.
size=$(stat -c %s "$INITRD")
cells=$(printf '0x0 %#x' "$size")
dtb=$VIGIL_BUILD/two-vms.dtb
frag=$(mktemp)
trap 'rm -f "$frag"' EXIT
cat >"$frag" <<EOF
/ {
	hypervisor {
		compatible = "vigil,hypervisor";
		vm@0 {
			compatible = "vigil,vm";
			label = "one";
			vcpus = <2>;
			cpu-affinity = <0 1>;
			memory = <0x0 0x50000000 0x0 0x10000000>;
			initrd = <0x0 0x58000000 $cells>;
			bootargs = "console=ttyAMA0 vigil.vm=one${APPEND:+ $APPEND}";
			devices = "/virtio_mmio@a003e00", "/virtio_mmio@a003c00";
			vigil,dma-unrestricted;
		};
		vm@1 {
			compatible = "vigil,vm";
			label = "two";
			vcpus = <2>;
			cpu-affinity = <2 3>;
			memory = <0x1 0x40000000 0x0 0x10000000>;
			initrd = <0x1 0x48000000 $cells>;
			bootargs = "console=ttyAMA0 vigil.vm=two${APPEND:+ $APPEND}";
			devices = "/virtio_mmio@a002e00", "/virtio_mmio@a002c00";
			vigil,dma-unrestricted;
		};
	};
};
EOF
"$here/mkdtb.sh" "$dtb" "$frag"

cmd=("$QEMU" -machine "virt,virtualization=on,gic-version=2"
	-cpu cortex-a57 -smp 4 -m 6G -nographic -nic none
	-kernel "$VIGIL_BUILD/vigil.bin" -dtb "$dtb"
	-device "loader,file=$KERNEL,addr=0x50000000"
	-device "loader,file=$INITRD,addr=0x58000000"
	-device "loader,file=$KERNEL,addr=0x140000000"
	-device "loader,file=$INITRD,addr=0x148000000"
	-drive "if=none,file=$LINUX_DIR/scratch.img,format=raw,id=d0"
	-device "virtio-blk-device,drive=d0,bus=virtio-mmio-bus.31"
	-netdev user,id=n0
	-device "virtio-net-device,netdev=n0,bus=virtio-mmio-bus.30"
	-device "virtio-rng-device,bus=virtio-mmio-bus.23"
	-drive "if=none,file=$LINUX_DIR/scratch1.img,format=raw,id=d1"
	-device "virtio-blk-device,drive=d1,bus=virtio-mmio-bus.22"
	"$@")
if [ "$dry" = 1 ]; then
	printf '%q ' "${cmd[@]}"
	echo
	exit 0
fi
exec "${cmd[@]}"
