# cp15: A32 only. The CP15 accesses the arm32 vigil traps (ACTLR, the
# implementation-defined registers, the PMU), SMC from the guest, and the
# undefined-instruction entry vigil injects. tests/system/test_arm32_cp15.py.
cp15_ARCHES := arm32
