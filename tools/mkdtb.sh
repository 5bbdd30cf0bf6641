#!/bin/sh
# Make a host DTB for vigil: QEMU's own DTB for the machine that
# tools/run-qemu.sh starts (same VIGIL_SMP / VIGIL_MEM), with a dts fragment
# merged in, e.g. a /hypervisor node (docs/config.md):
#
#   tools/mkdtb.sh OUT.dtb FRAGMENT.dts     (FRAGMENT "-" reads stdin)
#   tools/run-qemu.sh build/qemu-virt-arm64 hello -dtb OUT.dtb
#
# The fragment is appended to the decompiled DTB; a `/ { ... };` block in it
# merges into the root. OUT.dts is kept next to OUT.dtb for reading.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 OUT.dtb FRAGMENT.dts|-" >&2
	exit 2
fi
out=$1
frag=$2
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$here/run-qemu.sh" --dumpdtb "$tmp/qemu.dtb" >"$tmp/qemu.log" 2>&1 || {
	cat "$tmp/qemu.log" >&2
	echo "$0: QEMU could not dump its DTB" >&2
	exit 1
}
dtc -q -I dtb -O dts -o "$tmp/qemu.dts" "$tmp/qemu.dtb"
{
	cat "$tmp/qemu.dts"
	echo
	echo "/* ---- merged by $0 from $frag ---- */"
	cat "$frag"
} >"${out%.dtb}.dts"
dtc -q -I dts -O dtb -o "$out" "${out%.dtb}.dts"
