#!/bin/sh
# The layering rules of docs/design.md ("Layers and seams"), checked on the
# sources and on the built objects:
#   1. the portable folders (core sched softirq vgic gic) include no header
#      that lives under arch/, and name no AArch64 EL2 register (*_EL2) nor
#      a general-purpose register x0..x30, in code or in comments;
#   2. gic/ is a leaf: its objects call nothing defined in vgic/, core/ or
#      sched/;
#   3. arch/arm/<arch>/ calls into the portable folders only through the
#      run loop's and the traps' entry points (and the console to report).
# Usage: tools/check-layers.sh BUILD_DIR (e.g. build/qemu-virt-arm64) [ARCH]
set -eu

build=${1:?usage: $0 BUILD_DIR [ARCH]}
arch=${2:-arm64}
portable="core sched softirq vgic gic"
fail=0

complain() {
	echo "check-layers: $*"
	fail=1
}

# 1a. Headers found under arch/ (by the name portable code would include).
arch_headers=$(cd arch && find . -name '*.h' | sed 's|.*/include/||' | sort -u)
for dir in $portable; do
	for f in "$dir"/*.c "$dir"/*.h; do
		[ -e "$f" ] || continue
		for h in $(sed -n 's/^#include "\(.*\)"/\1/p' "$f"); do
			if echo "$arch_headers" | grep -qx "$h"; then
				complain "$f includes $h, a header under arch/"
			fi
		done
	done
done

# 1b. AArch64 register names.
hits=$(grep -nE '[A-Za-z0-9]+_EL2\b|\bx([0-9]|[12][0-9]|30)\b' \
	$(for d in $portable; do ls "$d"/*.c "$d"/*.h 2>/dev/null; done) || true)
if [ -n "$hits" ]; then
	echo "$hits" | sed 's/^/check-layers: AArch64 register named: /'
	fail=1
fi

# 2 and 3 need the objects.
# The objects of the current sources (a build dir may keep the object of
# a source since removed).
objs() {
	for d in "$@"; do
		for o in "$build/obj/$d"/*.o; do
			src=${o#"$build/obj/"}
			[ -e "$o" ] && [ -e "${src%.o}" ] && echo "$o"
		done
	done
}
[ -n "$(objs core)" ] || {
	echo "check-layers: no objects under $build/obj (build first)"
	exit 1
}

defined_in() {
	nm --defined-only -g $(objs "$@") | awk 'NF == 3 { print $3 }' | sort -u
}
called_by() {
	nm -u $(objs "$@") | awk '{ print $NF }' | sort -u
}

defined_in vgic core sched >/tmp/check-layers.$$.above
bad=$(called_by gic | comm -12 - /tmp/check-layers.$$.above | tr '\n' ' ')
[ -z "$bad" ] || complain "gic/ calls up into vgic/, core/ or sched/: $bad"

# The entry points an arch port may call: boot, the hypervisor's own IRQ
# (the idle loop's), and the console to report what it cannot handle.
allowed="boot_primary boot_secondary irq_handle_all printk panic console_init"
defined_in $portable >/tmp/check-layers.$$.portable
for s in $(called_by "arch/arm/$arch" | comm -12 - /tmp/check-layers.$$.portable); do
	case " $allowed " in
	*" $s "*) ;;
	*) complain "arch/arm/$arch calls $s: only $allowed are its way in" ;;
	esac
done
rm -f /tmp/check-layers.$$.*

if [ "$fail" -ne 0 ]; then
	echo "check-layers: FAILED (docs/design.md, Layers and seams)"
	exit 1
fi
echo "check-layers: $portable portable; gic/ a leaf; arch/arm/$arch enters" \
	"through $allowed"
