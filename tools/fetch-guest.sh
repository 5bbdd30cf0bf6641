#!/bin/sh
# Fetch the Linux guest from Debian, once: the arm64 kernel and
# busybox-static:arm64, with `apt-get download` + `dpkg-deb -x` (nothing is
# installed into the host). Cached under build/guest-cache/; a second run only
# re-copies the Image. See docs/linux-guest.md.
#
#   tools/fetch-guest.sh
#
# Output:
#   build/linux/Image            raw arm64 Image (header magic "ARM\x64" at 56)
#   build/linux/kernel.release   "<uname -r> <package> <debian version>"
#   build/guest-cache/kernel/    the kernel package unpacked (modules, config)
#   build/guest-cache/busybox/   busybox-static:arm64 unpacked
#
# Environment:
#   VIGIL_LINUX_PKG  kernel package to fetch (default: whatever the
#                    linux-image-arm64:arm64 meta-package depends on now,
#                    e.g. linux-image-6.1.0-56-arm64:arm64). The first fetch
#                    pins it: delete build/guest-cache/kernel to change it.
#   VIGIL_ARCH=arm32 the ARMv7 guest instead: linux-image-armmp-lpae:armhf's
#                    kernel and busybox-static:armhf, cached under
#                    build/guest-cache-arm32/, the zImage (magic 0x016f2818
#                    at 0x24) as build/linux-arm32/zImage.
set -eu

cd "$(dirname "$0")/.."
if [ "${VIGIL_ARCH:-arm64}" = arm32 ]; then
	CACHE=build/guest-cache-arm32
	OUT=build/linux-arm32
	DEB_ARCH=armhf
	FLAVOUR=armmp-lpae
	IMAGE=zImage
else
	CACHE=build/guest-cache
	OUT=build/linux
	DEB_ARCH=arm64
	FLAVOUR=arm64
	IMAGE=Image
fi
mkdir -p "$CACHE/debs" "$OUT"

# apt-get download PKG into $CACHE/debs; update the lists once if they are
# missing (a fresh machine) and retry.
download() {
	(cd "$CACHE/debs" && apt-get download -q "$1" 2>/dev/null) || {
		echo "fetch-guest: $1 not in the package lists; apt-get update" >&2
		apt-get update -q >/dev/null
		(cd "$CACHE/debs" && apt-get download -q "$1")
	}
}

# The versioned kernel package (linux-image-6.1.0-N-arm64:arm64, or
# -armmp-lpae:armhf) that the meta-package points at today.
resolve_kernel_pkg() {
	if [ -n "${VIGIL_LINUX_PKG:-}" ]; then
		echo "$VIGIL_LINUX_PKG"
		return
	fi
	dep=$(apt-cache depends linux-image-$FLAVOUR:$DEB_ARCH 2>/dev/null |
		sed -n "s/^ *Depends: \\(linux-image-[0-9].*-$FLAVOUR\\)\\(:$DEB_ARCH\\)\\{0,1\\}\$/\\1/p" |
		head -n 1)
	if [ -z "$dep" ]; then
		apt-get update -q >/dev/null
		dep=$(apt-cache depends linux-image-$FLAVOUR:$DEB_ARCH |
			sed -n "s/^ *Depends: \\(linux-image-[0-9].*-$FLAVOUR\\)\\(:$DEB_ARCH\\)\\{0,1\\}\$/\\1/p" |
			head -n 1)
	fi
	if [ -z "$dep" ]; then
		echo "fetch-guest: cannot resolve linux-image-$FLAVOUR:$DEB_ARCH" >&2
		exit 1
	fi
	echo "$dep:$DEB_ARCH"
}

# unpack NAME PKG: download PKG and unpack it into $CACHE/NAME, atomically
# (a half-unpacked tree is never taken for a cached one).
unpack() {
	name=$1
	pkg=$2
	[ -f "$CACHE/$name/.done" ] && return 0
	base=${pkg%%:*}
	rm -f "$CACHE/debs/${base}_"*.deb
	download "$pkg"
	deb=$(ls "$CACHE/debs/${base}_"*.deb)
	rm -rf "$CACHE/${name:?}.tmp" "$CACHE/${name:?}"
	echo "fetch-guest: unpacking $(basename "$deb")"
	dpkg-deb -x "$deb" "$CACHE/$name.tmp"
	echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" \
		>"$CACHE/$name.tmp/.done"
	mv "$CACHE/$name.tmp" "$CACHE/$name"
	rm -f "$deb"
}

if [ ! -f "$CACHE/kernel/.done" ]; then
	unpack kernel "$(resolve_kernel_pkg)"
fi
unpack busybox busybox-static:$DEB_ARCH

set -- "$CACHE"/kernel/boot/vmlinuz-*
vmlinuz=$1
release=${vmlinuz##*/vmlinuz-}

# Debian 6.1's vmlinuz is already the raw Image; older/newer ones may be
# gzip-compressed (magic 1f 8b). Check the arm64 header magic either way.
# An armhf vmlinuz is a zImage: it decompresses itself.
tmp="$OUT/$IMAGE.tmp"
if [ "$IMAGE" = zImage ]; then
	cp "$vmlinuz" "$tmp"
	magic=$(od -An -tx4 -j36 -N4 "$tmp" | tr -d ' ')
	if [ "$magic" != 016f2818 ]; then
		rm -f "$tmp"
		echo "fetch-guest: $vmlinuz is not an ARM zImage (magic $magic)" >&2
		exit 1
	fi
	mv "$tmp" "$OUT/zImage"
	echo "$release $(cat "$CACHE/kernel/.done")" >"$OUT/kernel.release"
	echo "fetch-guest: $OUT/zImage is Linux $(cat "$OUT/kernel.release")"
	exit 0
fi
if [ "$(od -An -tx1 -N2 "$vmlinuz" | tr -d ' ')" = "1f8b" ]; then
	gzip -dc "$vmlinuz" >"$tmp"
else
	cp "$vmlinuz" "$tmp"
fi
magic=$(od -An -c -j56 -N4 "$tmp" | tr -d ' ')
if [ "$magic" != 'ARMd' ]; then
	rm -f "$tmp"
	echo "fetch-guest: $vmlinuz is not an arm64 Image (magic '$magic')" >&2
	exit 1
fi
mv "$tmp" "$OUT/Image"
echo "$release $(cat "$CACHE/kernel/.done")" >"$OUT/kernel.release"
echo "fetch-guest: $OUT/Image is Linux $(cat "$OUT/kernel.release")"
