# vgic: the guest's GICv2 checked from inside, one PASS/FAIL line per check.
