#!/bin/sh
# Install every Debian package vigil needs, idempotently: add the foreign
# architectures whose static libraries we link, run `apt-get update` at most
# once, and install only what is missing.
set -eu

PKGS="gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu picolibc-aarch64-linux-gnu
libfdt-dev:HOSTARCH device-tree-compiler qemu-system-arm
python3-pytest python3-pexpect cpio clang libclang-rt-14-dev clang-format
spin gnuplot-nox"

PKGS=$(echo "$PKGS" | sed "s/HOSTARCH/$(dpkg --print-architecture)/")

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$SUDO dpkg --add-architecture arm64
	need_update=1
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi

echo "deps: installing$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
