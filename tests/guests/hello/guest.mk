# hello: boots every vCPU, checks faults on unmapped and hypervisor memory.
