#!/bin/sh
# Fail if vigil's image writes an FP/SIMD register (DESIGN §6.1): EL2 code is
# built -mgeneral-regs-only so a guest's FP state survives every exit
# untouched. Stores of q/v registers (picolibc's variadic prologues save
# q0-q7) only read FP state and are allowed, as are compares.
set -eu
objdump=$1
elf=$2
bad=$("$objdump" -d --no-show-raw-insn "$elf" | awk -F'\t' '
	NF >= 3 {
		m = $2; gsub(/ /, "", m); ops = $3
		if (m ~ /^st/ || m ~ /^fcmp/ || m ~ /^fccmp/) next
		if (ops ~ /^[qdsbh][0-9]+(,|$)/ || ops ~ /^v[0-9]+\./ || ops ~ /^\{v[0-9]+/)
			print
	}')
if [ -n "$bad" ]; then
	echo "check-no-fp: $elf writes FP/SIMD registers:" >&2
	echo "$bad" | head -20 >&2
	exit 1
fi
