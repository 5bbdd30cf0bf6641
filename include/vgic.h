/* SPDX-License-Identifier: MIT */
/* Placeholder until the vGIC lands (issue 3): per-vCPU and per-VM state. */
#ifndef VIGIL_VGIC_H
#define VIGIL_VGIC_H

struct vgic_vcpu {
	int unused;
};

struct vgic_dist {
	int unused;
};

#endif
