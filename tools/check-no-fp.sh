#!/bin/sh
# Fail if vigil's image touches FP/SIMD registers where it must not
# (DESIGN §6.1, docs/design.md "FP/SIMD"): hypervisor code is built
# -mgeneral-regs-only so a guest's FP state survives every exit.
#
# AArch64 (the objdump of an aarch64 ELF): no write of an FP/SIMD register
# outside the functions allowed below. Stores of q/v registers only read FP
# state and are fine, as are compares. Allowed writers:
#   arch_call_fp_safe          restores the guest's q0-q7 it saved
#   fpsimd_zero                clears FP/SIMD for a vCPU being reset
#   snprintf, vsnprintf        picolibc: called only through
#                              arch_call_fp_safe once guests run
#   fdt_open_into,             libfdt: used while building a guest's DTB,
#   fdt_splice_mem_rsv_,       before that guest's vCPUs have any FP state
#   fdt_appendprop_addrrange   (at boot, or at SYSTEM_RESET of that VM);
#                              what it leaves in a pCPU is zeroed when the
#                              vCPU there is reset (fpsimd_zero)
#
# AArch32 (an ARM ELF: arm32's HYP image, A32 and T32 code): no VFP or
# Advanced SIMD instruction, reading or writing, anywhere but in
# vfp_reset_state (arch/arm/arm32/vfp.S: zeroes the registers for a vCPU
# being reset), and there only VMRS, VMSR and VMOV. vigil keeps no guard
# (arch/arm/arm32/cpu.c), so newlib and libfdt must not touch them
# either. That is every V-prefixed mnemonic (VMOV, VLDR, VPUSH, VMRS, ...
# in UAL), the pre-UAL F-prefixed ones (FLDD, FMXR, ...), and coprocessor
# instructions to p10/p11.
set -eu
objdump=$1
elf=$2
if "$objdump" -f "$elf" | grep -q 'architecture: arm\b\|elf32-littlearm'; then
	bad=$("$objdump" -d --no-show-raw-insn "$elf" | awk -F'\t' '
		/^[0-9a-f]+ <.*>:$/ { fn = $0; sub(/.*</, "", fn); sub(/>:$/, "", fn); next }
		NF >= 2 {
			m = $2; sub(/[ .].*/, "", m); ops = $3
			if (fn == "vfp_reset_state" && m ~ /^(vmrs|vmsr|vmov)$/)
				next
			if (m ~ /^v[a-z]/ || m ~ /^f(ld|st|mx|mr|mdr|mrd|cpy|abs|neg|add|sub|mul|div|cmp|sqrt|si|ui|to|cvt|nmul|mac|msc|nmac|nmsc)/)
				print fn ": " $0
			else if (m ~ /^(mcr|mrc|mcrr|mrrc|ldc|stc|cdp)/ && ops ~ /^p1[01],/)
				print fn ": " $0
		}')
else
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
fi
if [ -n "$bad" ]; then
	echo "check-no-fp: $elf uses FP/SIMD registers:" >&2
	echo "$bad" | head -20 >&2
	exit 1
fi
