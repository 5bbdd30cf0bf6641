/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arch_vcpu.h"
#include "console.h"
#include "hvcall.h"
#include "hypercall.h"
#include "percpu.h"
#include "vgic.h"
#include "vm.h"

/* Write a guest's buffer to the console, each line prefixed "<vm>| ". */
static int64_t hc_console_write(struct vcpu *v, uint64_t ipa, uint64_t len)
{
	char out[VIGIL_CONSOLE_MAX * 2 + VM_MAX_NAME * 4];
	char buf[VIGIL_CONSOLE_MAX];
	size_t n = 0, plen = strlen(v->vm->name);
	bool at_line_start = true;

	if (len > VIGIL_CONSOLE_MAX)
		return SMCCC_INVALID;
	/* A copy: the guest's buffer may cross a page, or not be RAM. */
	if (vm_copy_from_guest(v->vm, buf, ipa, len))
		return SMCCC_INVALID;
	for (uint64_t i = 0; i < len; i++) {
		char c = buf[i];

		if (at_line_start) {
			memcpy(out + n, v->vm->name, plen);
			n += plen;
			out[n++] = '|';
			out[n++] = ' ';
			at_line_start = false;
		}
		/* Only printable bytes: a guest must not drive the terminal. */
		if (c == '\n')
			at_line_start = true;
		else if (c < 0x20 || c > 0x7e)
			c = '?';
		out[n++] = c;
		if (n > sizeof(out) - VM_MAX_NAME - 4)
			break;
	}
	if (n)
		console_write(out, n);
	return (int64_t)len;
}

/* The calls that change state or print: only with the LRs synced. */
static __noinline void hvcall_handle_synced(struct vcpu *v, uint32_t fn)
{
	int64_t ret;

	if (psci_handle(v, fn))
		return;
	switch (fn) {
	case VIGIL_HC_DEBUG_DUMP:
		vgic_debug_dump(v);
		ret = SMCCC_SUCCESS;
		break;
	case VIGIL_HC_CONSOLE_WRITE:
		ret = hc_console_write(v, vcpu_get_reg(v, 1),
				       vcpu_get_reg(v, 2));
		break;
	default:
		ret = SMCCC_NOT_SUPPORTED;
		break;
	}
	vcpu_set_reg(v, 0, (vreg_t)ret);
}

/* Every call but VIGIL_HC_VERSION: out of line, so that the version call
 * pays for no stack frame. */
static __noinline bool hvcall_handle_other(struct vcpu *v, uint32_t fn,
					   bool lrs_loaded)
{
	/* The PSCI calls answered from constants may be answered with the
	 * LRs loaded too. */
	if (psci_handle_const(v, fn))
		;
	else if (lrs_loaded)
		return false;
	else
		hvcall_handle_synced(v, fn);
	this_cpu()->hvc_calls++;
	return true;
}

bool hvcall_handle(struct vcpu *v, bool lrs_loaded)
{
	uint32_t fn = (uint32_t)vcpu_get_reg(v, 0);

	if (fn != VIGIL_HC_VERSION)
		return hvcall_handle_other(v, fn, lrs_loaded);
	vcpu_set_reg(v, 0, VIGIL_ABI_VERSION);
	this_cpu()->hvc_calls++;
	return true;
}
