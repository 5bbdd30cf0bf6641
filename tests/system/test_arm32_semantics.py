# SPDX-License-Identifier: MIT
"""test_semantics.py's GICv2 and PSCI semantics guest built for A32, under
the arm32 vigil (Cortex-A15, HYP mode) and natively on qemu-system-arm's
own GICv2 and PSCI, on the same 1, 2, 3, 4 and 8 vCPUs (each run takes a
few seconds, so every count keeps its boot) with the same assertions,
imported from test_semantics.py: every expected check exactly once, each
PASS but QEMU's known deviations (natively) and QEMU's virtual CPU
interface's (under vigil), which FAIL exactly as described there.

Where AArch32 differs the guest calls the SMC32 IDs (tests/guests/
semantics: PSCI_FN_WIDE) and checks more, asserted here exactly:
- PSCI_FEATURES: no SMC64 ID is supported, and each one called answers
  NOT_SUPPORTED (SMCCC: SMC64 is for AArch64 callers); the SMC32 IDs vigil
  supports are counted (10: PSCI 1.1's mandatory ones, CPU_SUSPEND,
  MIGRATE_INFO_TYPE, SYSTEM_RESET2; QEMU 7.2 has no SYSTEM_RESET2: 9);
- CPU_SUSPEND through its SMC64 ID is NOT_SUPPORTED (smc64=-1), the
  SMC32 one with a 32-bit entry point suspends;
- an SMC32 AFFINITY_INFO has no Aff3: level 3 is INVALID_PARAMETERS
  under vigil (QEMU answers ON for every level above 0, its deviation);
- SYSTEM_RESET2's vendor type is refused through the SMC32 ID.
"""
import re

import pytest

import vigil_qemu
from test_arm32_hello import BUILD, run_native, with_arm32
from test_semantics import (  # noqa: F401 (the tests)
    CHECK_LINE, SMPS, TIMEOUT, test_checks_pass_or_fail_as_qemu_is_known_to,
    test_every_expected_check_and_no_other,
    test_no_spurious_unhandled_or_unexpected,
    test_summary_counts_every_check, test_system_off_ends_qemu_with_status_0,
    test_vigil_lost_no_passthrough_interrupt)

PARAMS = [pytest.param(("vigil", n), id=f"vigil-smp{n}") for n in SMPS] + \
    [pytest.param(("native", n), id=f"native-smp{n}",
                  marks=pytest.mark.native) for n in SMPS]

# The SMC32 PSCI functions supported: VERSION, CPU_SUSPEND, CPU_OFF,
# CPU_ON, AFFINITY_INFO, MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET,
# PSCI_FEATURES, and under vigil SYSTEM_RESET2; of the 22 function
# numbers 0-0x15 in both conventions, the rest NOT_SUPPORTED.
A32_DETAILS = {
    "vigil": {
        "psci_features": r"^supported=10 not-supported=34 bad-mandatory=0 "
                         r"bad-not-supported=0 first-bad=0x0$",
        "cpu_suspend_invalid": r"^reserved-bit=-2 level3=-2 smc64=-1$",
        "affinity_info_on": r" level4=-2 level3=-2 others-wrong=0$",
        "affinity_info_off": r" level4=-2 level3=-2 others-wrong=0$",
        "system_reset2_types": r"^features=0 arch-type1=-2 vendor=-2$",
    },
    "native": {
        "psci_features": r"^supported=9 not-supported=35 bad-mandatory=0 "
                         r"bad-not-supported=0 first-bad=0x0$",
        "cpu_suspend_invalid": r"^reserved-bit=-2 level3=-2 smc64=-1$",
        # QEMU's deviation (test_semantics.py): every level above 0 ON.
        "affinity_info_on": r" level4=0 level3=0 others-wrong=0$",
        "affinity_info_off": r" level4=0 level3=0 others-wrong=0$",
        "system_reset2_types": r"^features=-1 arch-type1=-1 vendor=-1$",
    },
}


@pytest.fixture(scope="module", params=PARAMS)
def semantics(request):
    env, smp = request.param
    for f in (BUILD / "vigil.bin", BUILD / "guests/semantics.bin"):
        if not f.is_file():
            pytest.fail(f"not built: {f} (run make ARCH=arm32)")
    name = f"test_arm32_semantics-{env}-smp{smp}"
    if env == "native":
        run = run_native(name, "semantics", smp=smp, timeout=TIMEOUT)
    else:
        run = with_arm32(lambda: vigil_qemu.run_vigil(
            name, guest="semantics", smp=smp, timeout=TIMEOUT))
    results = {}
    for text in run.texts():
        m = CHECK_LINE.match(text)
        if m:
            results.setdefault(m.group(1), []).append(
                (m.group(2), m.group(3).strip()))
    return env, smp, run, results


def test_the_guest_is_aarch32_on_the_expected_platform(semantics):
    env, smp, run, _ = semantics
    assert run.matching(r"semantics: (under vigil|native), \d+ vcpus"), \
        run.describe()
    if env == "vigil":
        assert len(run.matching(rf"vigil: {smp} CPUs online, 1 VM\(s\)")) \
            == 1, run.describe()
        assert len(run.matching(r"vigil: vigil \S+ on \S+: HYP, ")) == 1, \
            run.describe()


@pytest.mark.parametrize("check", sorted(A32_DETAILS["vigil"]))
def test_aarch32_psci_details_are_exact(semantics, check):
    env, _, run, results = semantics
    got = results.get(check, [])
    assert len(got) == 1, run.describe()
    assert re.search(A32_DETAILS[env][check], got[0][1]), \
        f"{check}: {got[0]}{run.describe()}"
