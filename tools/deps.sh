#!/bin/sh
# Install every Debian package vigil needs, idempotently: add the foreign
# architectures whose static libraries we link (arm64 and armhf for the
# hypervisor's libfdt, i386 for the 32-bit unit tests; tools/fetch-deb.sh
# unpacks the first two), run
# `apt-get update` at most once, and install only what is missing.
#
# The 32-bit unit tests (make unit32) need gcc -m32's libraries, not
# gcc-multilib: that one conflicts with gcc-aarch64-linux-gnu (installing it
# removes the cross compiler) for its one file, /usr/include/asm, which the
# Makefile gives the -m32 build in its own folder instead.
set -eu

PKGS="gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu picolibc-aarch64-linux-gnu
libfdt-dev:HOSTARCH device-tree-compiler qemu-system-arm
python3-pytest python3-pexpect cpio clang libclang-rt-14-dev clang-format
spin gnuplot-nox lib32gcc-12-dev libc6-dev-i386
gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi"

PKGS=$(echo "$PKGS" | sed "s/HOSTARCH/$(dpkg --print-architecture)/")

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

need_update=""
for a in arm64 armhf i386; do
	if ! dpkg --print-foreign-architectures | grep -qx $a; then
		$SUDO dpkg --add-architecture $a
		need_update=1
	fi
done

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	# A new foreign architecture needs its package lists for
	# tools/fetch-deb.sh's apt-get download.
	[ -z "$need_update" ] || $SUDO apt-get update -q
	echo "deps: all packages present"
	exit 0
fi

echo "deps: installing$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
