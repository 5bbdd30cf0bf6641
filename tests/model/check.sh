#!/bin/sh
# Check the Promela model of vigil's migration and softirq protocols
# (tests/model/vigil.pml) with spin, exhaustively: every configuration below
# must verify with "errors: 0" on a completed search, and every mutant (a
# protocol broken on purpose, -DBREAK_*) must be caught. Any other outcome
# fails, with the counterexample trail printed.
#
#   tests/model/check.sh          the bounded set for make test (~30 s)
#   tests/model/check.sh --full   every configuration at full bounds
#                                 (minutes, several GiB of memory)
#
# Environment: MODEL_OUT (default build/model), SPIN (default spin), PAN_CC
# (default gcc: not CC, which the top Makefile sets to the cross compiler).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${MODEL_OUT:-build/model}
SPIN=${SPIN:-spin}
PAN_CC=${PAN_CC:-gcc}
full=0
[ "${1:-}" = "--full" ] && full=1

if ! command -v "$SPIN" >/dev/null 2>&1; then
	echo "model-check: $SPIN not found (Debian package spin: make deps)" >&2
	exit 1
fi
mkdir -p "$out"
cp "$here/vigil.pml" "$out/vigil.pml"
cd "$out"

failed=0

# run NAME EXPECT MODE [-DNAME=VALUE...]
#   EXPECT: pass (verified, search complete) or fail (a violation found)
#   MODE:   safety (assertions, invalid end states) or liveness (the LTL
#           claim unbind_ends, acceptance cycles under weak fairness)
run() {
	name=$1 expect=$2 mode=$3
	shift 3
	dir=$name
	rm -rf "$dir"
	mkdir -p "$dir"
	cp vigil.pml "$dir/"
	start=$(date +%s)
	if ! (cd "$dir" && "$SPIN" -a "$@" vigil.pml >spin.log 2>&1); then
		echo "model-check: $name: spin -a failed:"
		cat "$dir/spin.log"
		failed=1
		return
	fi
	if [ "$mode" = liveness ]; then
		cflags="-DNFAIR=3"
		pflags="-a -f"
	else
		cflags="-DSAFETY -DNOCLAIM"
		pflags=""
	fi
	# Mutants fail within a few thousand states: no need to optimise.
	opt=-O1
	[ "$expect" = fail ] && opt=-O0
	if ! (cd "$dir" && $PAN_CC $opt -w $cflags -o pan pan.c 2>cc.log); then
		echo "model-check: $name: compiling pan.c failed:"
		cat "$dir/cc.log"
		failed=1
		return
	fi
	(cd "$dir" && ./pan -m1000000 $pflags >pan.log 2>&1) || true
	secs=$(($(date +%s) - start))
	errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$dir/pan.log")
	states=$(sed -n 's/^ *\([0-9][0-9]*\) states, stored.*/\1/p' "$dir/pan.log")
	errors=${errors:-?}
	states=${states:-?}
	what=$(grep -m1 -E '^pan:1: ' "$dir/pan.log" | sed 's/^pan:1: //' || true)
	incomplete=0
	grep -q -E 'Search not completed|max search depth too small|out of memory' \
		"$dir/pan.log" && incomplete=1
	if [ "$expect" = pass ]; then
		if [ "$errors" = 0 ] && [ $incomplete = 0 ]; then
			echo "model-check: $name: verified, $states states, errors: 0 (${secs} s)"
			return
		fi
		echo "model-check: $name: FAILED ($states states, errors: $errors): $what"
		if [ "$errors" = 0 ] && [ $incomplete = 1 ]; then
			echo "model-check: $name: the search did not complete:"
			grep -E 'Search not completed|depth|memory' "$dir/pan.log" | head -5
		fi
		if [ -f "$dir/vigil.pml.trail" ]; then
			echo "model-check: $name: counterexample (spin -t -p $* vigil.pml in $out/$dir):"
			(cd "$dir" && "$SPIN" -t -p "$@" vigil.pml 2>&1 | tail -60)
		fi
		failed=1
	else
		if [ "$errors" != 0 ] && [ "$errors" != "?" ]; then
			echo "model-check: mutant $name caught: $what (${secs} s)"
			return
		fi
		echo "model-check: mutant $name NOT caught ($states states): the model no longer checks what it should"
		failed=1
	fi
}

# The protocols: GIC-400 (HW = 1 LRs) and QEMU 7.2 (per-CPU active state,
# HW = 0 LRs, deactivation through GICD_ICACTIVER). Bounds: NFIRES device
# edges, NWRITES ITARGETSR writes, NRESETS SYSTEM_RESETs, NPENDS ISPENDR
# writes (vigil.pml's header).
if [ $full = 1 ]; then
	run gic400-full pass safety -DQEMU_GIC=0 -DNPENDS=1 -DNWRITES=2
	run qemu-full pass safety -DQEMU_GIC=1 -DNPENDS=1 -DNWRITES=2
	run gic400-exits pass safety -DQEMU_GIC=0 -DNPENDS=0 -DNEXITS=1
	run gic400-quick-full pass safety -DQEMU_GIC=0 -DNPENDS=1 -DNQUICK=1
	run unbind-gic400-full pass liveness -DQEMU_GIC=0 -DNPENDS=1
	run unbind-qemu-full pass liveness -DQEMU_GIC=1 -DNPENDS=1
else
	run migrate-gic400 pass safety -DQEMU_GIC=0 -DNPENDS=0 -DNWRITES=2
	run migrate-qemu pass safety -DQEMU_GIC=1 -DNPENDS=0 -DNWRITES=2
	run repend-gic400 pass safety -DQEMU_GIC=0 -DNPENDS=1 -DNWRITES=1
	run unbind-gic400 pass liveness -DQEMU_GIC=0 -DNPENDS=0
	run quick-gic400 pass safety -DQEMU_GIC=0 -DNPENDS=0 -DNQUICK=1
fi

# Mutants: each breaks one rule of the protocol the way a plausible code
# change would; the model must report it (vigil.pml's header says how).
# make test runs one per kind of property; --full runs them all.
run break-migrating-guard fail safety -DBREAK_MIGRATING_GUARD -DNPENDS=0
run break-scheduled fail safety -DBREAK_SCHEDULED -DQEMU_GIC=1 -DNPENDS=0
run break-idle-softirq fail liveness -DBREAK_IDLE_SOFTIRQ -DNPENDS=0
run break-irq-reentry fail safety -DBREAK_IRQ_REENTRY -DNPENDS=0
run break-run-here fail safety -DBREAK_RUN_HERE -DQEMU_GIC=1 -DNPENDS=0
run break-flush-light fail safety -DBREAK_FLUSH_LIGHT -DNPENDS=1 -DNWRITES=1
run break-inject-here fail safety -DBREAK_INJECT_HERE -DQEMU_GIC=1 -DNPENDS=0
if [ $full = 1 ]; then
	run break-running fail safety -DBREAK_RUNNING -DNPENDS=0
	run break-handover fail safety -DBREAK_HANDOVER -DNPENDS=0
	run break-reroute fail safety -DBREAK_REROUTE -DNPENDS=0
	run break-stop-race fail safety -DBREAK_STOP_RACE -DNPENDS=0
	run break-hw-repend fail safety -DBREAK_HW_REPEND -DNPENDS=1 \
		-DNWRITES=1
fi

if [ $failed != 0 ]; then
	echo "model-check: FAILED"
	exit 1
fi
echo "model-check: all configurations verified, all mutants caught"
