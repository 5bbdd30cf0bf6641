# SPDX-License-Identifier: MIT
# The guest side of the Linux interrupt storm (tests/system/test_linux_storm.py).
# Busybox sh, typed into the guest as /tmp/storm.sh and run in the
# background while the test pushes bytes into the console and a TCP stream
# into virtio-net:
#
#   sh /tmp/storm.sh SECONDS RNG_BYTES NET_HOST NET_PORT IRQ...
#
# For SECONDS it runs, all at once:
#   churn  rewrites /proc/irq/N/smp_affinity_list of every IRQ given,
#          round-robin over single CPUs and CPU sets, every few ms;
#   blk    reads the virtio disk with dd iflag=direct in 4 KiB blocks, a
#          1 MiB chunk per pass, chunk after chunk, and writes
#          `CHUNK MD5` per pass to /tmp/storm/blk.md5 for the test to
#          compare with the disk image's;
#   rng    reads RNG_BYTES from /dev/hwrng, pass after pass;
#   ipi    re-pins a busy task to CPU 0, 1, 2, 3 in turn (IPIs for the
#          migrations, TLB and scheduler kicks);
#   net    connects to NET_HOST:NET_PORT (the test, through QEMU's user
#          networking) with busybox nc, again and again; the test sends a
#          fresh block of random bytes on each connection and closes it;
#          the md5 of each block received goes, one line per connection,
#          to /tmp/storm/net.md5 for the test to compare with its own.
# Every pass runs under `timeout`: a pass that does not finish in PASS_LIMIT
# seconds is a stall (killed: exit status >= 128), counted, and the loop
# goes on; a pass that ends with an error or wrong data is bad. slowest_ms
# is the longest pass (QEMU's GICv2 strands an edge SPI pending across a
# retarget until it moves back: natively that shows as slow passes). At the end each
# worker writes one result line into /tmp/storm/ and the script prints them
# all, sorted, then `storm: done`:
#
#   storm blk passes=P bad=B stalls=S slowest_ms=T
#   storm churn writes=W errors=E
#   storm ipi hops=H errors=E
#   storm net passes=P bad=B stalls=S slowest_ms=T
#   storm rng passes=P bad=B stalls=S bytes=N slowest_ms=T
set -u -o pipefail
SECONDS_WANTED=$1
RNG_BYTES=$2
NET_HOST=$3
NET_PORT=$4
shift 4
IRQS="$*"
PASS_LIMIT=30
OUT=/tmp/storm
rm -rf $OUT
mkdir -p $OUT

# Whole seconds since boot, without a fork.
now() {
	read -r up _ </proc/uptime
	echo "${up%.*}"
}

# Hundredths of a second since boot (uptime has two decimals).
now_cs() {
	read -r up _ </proc/uptime
	frac=${up#*.}
	echo $((${up%.*} * 100 + ${frac#0}))
}

start=$(now)
end=$((start + SECONDS_WANTED))

churn() {
	writes=0 errors=0
	while [ "$(now)" -lt $end ]; do
		for set in 0 1 2 3 0-1 2-3 0-3 1,3 1-2 0,2; do
			for irq in $IRQS; do
				if echo $set >/proc/irq/$irq/smp_affinity_list
				then
					writes=$((writes + 1))
				else
					errors=$((errors + 1))
				fi
			done
			usleep 2000
		done
	done
	echo "storm churn writes=$writes errors=$errors" >$OUT/churn
}

blk() {
	passes=0 bad=0 stalls=0 chunk=0 slowest=0
	chunks=$(($(cat /sys/block/vda/size) / 2048))
	while [ "$(now)" -lt $end ]; do
		t0=$(now_cs)
		sum=$(timeout $PASS_LIMIT dd if=/dev/vda bs=4096 iflag=direct \
			skip=$((chunk * 256)) count=256 2>/dev/null | md5sum)
		rc=$?
		dt=$(($(now_cs) - t0))
		[ $dt -gt $slowest ] && slowest=$dt
		if [ $rc -ge 128 ]; then
			stalls=$((stalls + 1)) # killed by timeout
		elif [ $rc -ne 0 ]; then
			bad=$((bad + 1))
		else
			passes=$((passes + 1))
			echo "$chunk ${sum%% *}" >>$OUT/blk.md5
		fi
		chunk=$(((chunk + 1) % chunks))
	done
	echo "storm blk passes=$passes bad=$bad stalls=$stalls" \
		"slowest_ms=$((slowest * 10))" >$OUT/blk
}

rng() {
	passes=0 bad=0 stalls=0 bytes=0 slowest=0
	while [ "$(now)" -lt $end ]; do
		t0=$(now_cs)
		n=$(timeout $PASS_LIMIT head -c $RNG_BYTES /dev/hwrng | wc -c)
		rc=$?
		dt=$(($(now_cs) - t0))
		[ $dt -gt $slowest ] && slowest=$dt
		bytes=$((bytes + n))
		if [ $rc -ge 128 ]; then
			stalls=$((stalls + 1))
		elif [ $rc -ne 0 ] || [ "$n" -ne "$RNG_BYTES" ]; then
			bad=$((bad + 1))
		else
			passes=$((passes + 1))
		fi
	done
	echo "storm rng passes=$passes bad=$bad stalls=$stalls bytes=$bytes" \
		"slowest_ms=$((slowest * 10))" >$OUT/rng
}

ipi() {
	hops=0 errors=0
	(while :; do :; done) &
	busy=$!
	while [ "$(now)" -lt $end ]; do
		for c in 0 1 2 3; do
			if taskset -p -c $c $busy >/dev/null; then
				hops=$((hops + 1))
			else
				errors=$((errors + 1))
			fi
			usleep 1000
		done
	done
	kill $busy
	echo "storm ipi hops=$hops errors=$errors" >$OUT/ipi
}

net() {
	passes=0 bad=0 stalls=0 slowest=0
	while [ "$(now)" -lt $end ]; do
		t0=$(now_cs)
		sum=$(timeout $PASS_LIMIT nc $NET_HOST $NET_PORT </dev/null |
			md5sum)
		rc=$?
		dt=$(($(now_cs) - t0))
		[ $dt -gt $slowest ] && slowest=$dt
		echo "${sum%% *}" >>$OUT/net.md5
		if [ $rc -ge 128 ]; then
			stalls=$((stalls + 1))
		elif [ $rc -ne 0 ]; then
			bad=$((bad + 1))
		else
			passes=$((passes + 1))
		fi
	done
	echo "storm net passes=$passes bad=$bad stalls=$stalls" \
		"slowest_ms=$((slowest * 10))" >$OUT/net
}

churn &
net &
blk &
rng &
ipi &
wait
cat $OUT/blk $OUT/churn $OUT/ipi $OUT/net $OUT/rng
echo "storm: done"
