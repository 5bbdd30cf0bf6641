#!/bin/sh
# Unpack a Debian package into a folder without installing it, for what
# cannot be co-installed with the host's own (libfdt-dev:arm64 and
# libfdt-dev:amd64 conflict, and the host unit tests need the latter).
#   tools/fetch-deb.sh PACKAGE[:ARCH] DEST_DIR
set -eu
pkg=$1
dest=$2
mkdir -p "$dest/.debs"
cd "$dest/.debs"
if ! ls ./*.deb >/dev/null 2>&1; then
	apt-get download "$pkg" >/dev/null 2>&1 || {
		# The package lists may be missing on a fresh machine.
		apt-get update -q >/dev/null
		apt-get download "$pkg"
	}
fi
for d in ./*.deb; do
	dpkg-deb -x "$d" ..
done
