#!/bin/sh
# QEMU 10 (bookworm-backports) unpacked under build/qemu10/, for the
# raspi4b machine (QEMU 7.2 has none) and for running the virt tests on a
# GIC model without the old bugs (issue 13). Nothing is installed and the
# system's apt sources are left alone: a temporary apt configuration (its
# own source list, package lists and cache, all under build/qemu10/apt)
# adds bookworm-backports for this one download.
#   tools/fetch-qemu10.sh        prints the path of qemu-system-aarch64
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dest=$top/build/qemu10
bin=$dest/root/usr/bin/qemu-system-aarch64
pkgs="qemu-system-arm qemu-system-common qemu-system-data"

if [ -x "$bin" ] && [ -f "$dest/.done" ]; then
	echo "$bin"
	exit 0
fi

apt=$dest/apt
rm -rf "$apt" "$dest/root" "$dest/debs"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dest/debs"
cat >"$apt/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
EOF
# Only the backports list is read, so the newest version apt sees is the
# backport; sourceparts=- keeps /etc/apt/sources.list.d out.
set -- -o Dir::Etc::sourcelist="$apt/sources.list" \
	-o Dir::Etc::sourceparts=- \
	-o Dir::State::Lists="$apt/lists" \
	-o Dir::Cache="$apt/cache" \
	-o APT::Get::List-Cleanup=0 \
	-o APT::Sandbox::User=root
apt-get -q "$@" update >&2
cd "$dest/debs"
# shellcheck disable=SC2086 # the package names are separate words
apt-get -q "$@" download $pkgs >&2
for d in ./*.deb; do
	dpkg-deb -x "$d" "$dest/root"
done
"$bin" --version | head -1 | grep -q 'version 10\.' || {
	echo "fetch-qemu10: $bin is not QEMU 10" >&2
	exit 1
}
touch "$dest/.done"
echo "$bin"
