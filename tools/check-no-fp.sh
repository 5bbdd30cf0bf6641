#!/bin/sh
# Fail if vigil's image writes an FP/SIMD register outside the functions
# allowed below (DESIGN §6.1, docs/design.md "FP/SIMD"): EL2 code is built
# -mgeneral-regs-only so a guest's FP state survives every exit. Stores of
# q/v registers only read FP state and are fine, as are compares.
#
# Allowed writers:
#   arch_call_fp_safe          restores the guest's q0-q7 it saved
#   fpsimd_zero                clears FP/SIMD for a vCPU being reset
#   snprintf, vsnprintf        picolibc: called only through
#                              arch_call_fp_safe once guests run
#   fdt_open_into,             libfdt: used while building a guest's DTB,
#   fdt_splice_mem_rsv_,       before that guest's vCPUs have any FP state
#   fdt_appendprop_addrrange   (at boot, or at SYSTEM_RESET of that VM);
#                              what it leaves in a pCPU is zeroed when the
#                              vCPU there is reset (fpsimd_zero)
set -eu
objdump=$1
elf=$2
allowed="arch_call_fp_safe fpsimd_zero snprintf vsnprintf fdt_open_into fdt_splice_mem_rsv_ fdt_appendprop_addrrange"
bad=$("$objdump" -d --no-show-raw-insn "$elf" | awk -F'\t' -v allowed="$allowed" '
	BEGIN { n = split(allowed, a, " "); for (i = 1; i <= n; i++) ok[a[i]] = 1 }
	/^[0-9a-f]+ <.*>:$/ { fn = $0; sub(/.*</, "", fn); sub(/>:$/, "", fn); next }
	NF >= 3 {
		if (fn in ok) next
		m = $2; gsub(/ /, "", m); ops = $3
		if (m ~ /^st/ || m ~ /^fcmp/ || m ~ /^fccmp/) next
		if (ops ~ /^[qdsbh][0-9]+(,|$)/ || ops ~ /^v[0-9]+\./ || ops ~ /^\{v[0-9]+/)
			print fn ": " $0
	}')
if [ -n "$bad" ]; then
	echo "check-no-fp: $elf writes FP/SIMD registers:" >&2
	echo "$bad" | head -20 >&2
	exit 1
fi
