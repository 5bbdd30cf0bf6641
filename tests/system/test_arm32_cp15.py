# SPDX-License-Identifier: MIT
"""The cp15 guest (tests/guests/cp15, A32 only) under the arm32 vigil: the
CP15 accesses vigil traps and emulates (arch/arm/arm32/traps.c: ACTLR,
L2CTLR/L2ECTLR, the PMU through arch/arm/pmu.c), SMC from the guest, and
the one undefined instruction vigil injects (a PMU event counter past
PMCR.N); a 16-bit T32 MMIO load emulated (the PC steps by 2: a step of 4
lands mid-function and the guest faults), and the two A32 MMIO accesses
without a syndrome (post-indexed LDR, LDRD) refused with an external
abort each: vigil's counters on the guest's pCPU are exactly 2 aborts and
1 undef.

Natively (`native`: the guest alone in SVC mode on qemu-system-arm, no
virtualization=on) the same checks run against QEMU's Cortex-A15: those
about vigil's own emulation fail there, each exactly as NATIVE_DEVIATIONS
describes, which shows the vigil run's answers are vigil's; the rest pass.
"""
import re

import pytest

import vigil_qemu
from test_arm32_hello import BUILD, run_native, vigil_only, with_arm32

CHECKS = ["actlr", "l2ctlr", "pmcr_to_apsr_nzcv",
          "pmu_counter_past_n_undef", "pmu_cycles", "pmu_nsh_virtual", "smc_psci_version", "unknown_call",
          "thumb_mmio_load", "mmio_writeback_abort", "mmio_ldrd_abort"]
CHECK_LINE = re.compile(r"^cp15 ([a-z0-9_]+): (PASS|FAIL)\b(.*)$")
SUMMARY = re.compile(r"^cp15: (\d+) passed, (\d+) failed$")
STATS = re.compile(r".*vigil: stats cpu(\d+): exits=\d+ hvc=\d+ "
                   r"aborts_injected=(\d+) undefs_injected=(\d+)")


# What QEMU 7.2's Cortex-A15 answers without vigil, where vigil answers
# otherwise (target/arm/helper.c): ACTLR is a constant 0 (the CPU's
# reset_auxcr), writes ignored; an event counter that is not implemented
# is RAZ/WI, not UNDEFINED; SMC is UNDEFINED without EL3 (virt's
# secure=off); and an access without a syndrome is simply done, as there
# is no stage 2 to abort it.
NATIVE_DEVIATIONS = {
    "actlr": r"^read=0x0 after=0x0$",
    "pmu_counter_past_n_undef": r"^sel=\d+ faulted=0 ",
    "smc_psci_version": r"^0x84000000 undefined$",
    "mmio_writeback_abort": r"^faulted=0 ",
    "mmio_ldrd_abort": r"^faulted=0 ",
}


@pytest.fixture(scope="module", params=[
    "vigil", pytest.param("native", marks=pytest.mark.native)])
def cp15(request):
    f = BUILD / "guests" / "cp15.bin"
    if not f.is_file():
        pytest.fail(f"not built: {f} (run make ARCH=arm32)")
    if request.param == "native":
        return run_native("test_arm32_cp15-native", "cp15", smp=4,
                          timeout=60)
    return with_arm32(lambda: vigil_qemu.run_vigil(
        "test_arm32_cp15", guest="cp15", smp=4, timeout=60))


def _verdict(run, check):
    return "FAIL" if run.native and check in NATIVE_DEVIATIONS else "PASS"


@pytest.mark.parametrize("check", CHECKS)
def test_cp15_check_passes(cp15, check):
    got = [m for m in map(CHECK_LINE.match, cp15.texts())
           if m and m.group(1) == check]
    assert len(got) == 1, cp15.describe()
    assert got[0].group(2) == _verdict(cp15, check), got[0].group(0)
    if got[0].group(2) == "FAIL":
        assert re.search(NATIVE_DEVIATIONS[check], got[0].group(3).strip()), \
            got[0].group(0)


def test_cp15_prints_exactly_its_checks_and_summary(cp15):
    names = sorted(m.group(1) for m in map(CHECK_LINE.match, cp15.texts())
                   if m)
    assert names == sorted(CHECKS), cp15.describe()
    sums = [m for m in map(SUMMARY.match, cp15.texts()) if m]
    assert len(sums) == 1, cp15.describe()
    failed = sum(_verdict(cp15, c) == "FAIL" for c in CHECKS)
    assert sums[0].groups() == (str(len(CHECKS) - failed), str(failed)), \
        cp15.describe()


def test_cp15_powers_off_with_nothing_unexpected(cp15):
    assert not cp15.timed_out and not cp15.panicked, cp15.describe()
    assert cp15.exitstatus == 0, cp15.describe()
    assert not [t for t in cp15.texts() if "UNEXPECTED" in t], \
        cp15.describe()


def test_vigil_injected_exactly_two_aborts_and_one_undef(cp15):
    vigil_only(cp15)
    stats = {int(m.group(1)): (int(m.group(2)), int(m.group(3)))
             for m in map(STATS.match, cp15.lines) if m}
    assert stats == {0: (2, 1), 1: (0, 0), 2: (0, 0), 3: (0, 0)}, stats
