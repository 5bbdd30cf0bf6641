# SPDX-License-Identifier: MIT
"""The A32 semantics and cp15 guests under the arm64 vigil (issue 18), in
an AArch32 EL1 VM (`vigil,aarch32`) on QEMU virt -cpu cortex-a57:
test_arm32_semantics.py's and test_arm32_cp15.py's assertions, their own
test functions run on this module's fixtures, where they hold for an
AArch32 EL1 under an AArch64 EL2 as for ARMv7's PL1 under HYP.
"""
import pytest

import vigil_qemu
from test_aarch32_guests import BUILD32, BUILD64, need
from vigil_qemu import with_env
from test_arm32_cp15 import CHECK_LINE as CP15_LINE
from test_arm32_cp15 import (  # noqa: F401 (the tests)
    test_cp15_check_passes, test_cp15_powers_off_with_nothing_unexpected,
    test_cp15_prints_exactly_its_checks_and_summary,
    test_vigil_injected_exactly_two_aborts_and_one_undef)
from test_arm32_semantics import (  # noqa: F401 (the tests)
    test_aarch32_psci_details_are_exact)
from test_semantics import (  # noqa: F401 (the tests)
    CHECK_LINE, SMPS, TIMEOUT, test_checks_pass_or_fail_as_qemu_is_known_to,
    test_every_expected_check_and_no_other,
    test_no_spurious_unhandled_or_unexpected,
    test_summary_counts_every_check, test_system_off_ends_qemu_with_status_0,
    test_vigil_lost_no_passthrough_interrupt)

ENV = {"VIGIL_BUILD": str(BUILD64), "VIGIL_ARCH": "arm64"}


def one_vm(vcpus):
    """vm0 as the default VM has it on QEMU virt (docs/config.md), its
    RAM 256 MiB at 0x50000000, AArch32 at EL1."""
    return f"""
/ {{
	hypervisor {{
		compatible = "vigil,hypervisor";
		vm@0 {{
			compatible = "vigil,vm";
			vcpus = <{vcpus}>;
			memory = <0x0 0x50000000 0x0 0x10000000>;
			devices = "/pl011@9000000", "/pl031@9010000";
			vigil,aarch32;
		}};
	}};
}};
"""


def run_a32(name, guest, smp, timeout):
    need(BUILD64 / "vigil.bin", BUILD32 / f"guests/{guest}.bin")

    def boot():
        dtb = vigil_qemu.make_dtb(name, one_vm(smp), smp=smp)
        return vigil_qemu.run_vigil(
            name, guest=f"../../qemu-virt-arm32/guests/{guest}", dtb=dtb,
            smp=smp, timeout=timeout)

    return with_env(ENV, boot)


@pytest.fixture(scope="module", params=SMPS, ids=lambda n: f"vigil-smp{n}")
def semantics(request):
    smp = request.param
    run = run_a32(f"test_aarch32_semantics-smp{smp}", "semantics", smp,
                  TIMEOUT)
    results = {}
    for text in run.texts():
        m = CHECK_LINE.match(text)
        if m:
            results.setdefault(m.group(1), []).append(
                (m.group(2), m.group(3).strip()))
    return "vigil", smp, run, results


@pytest.fixture(scope="module")
def cp15():
    return run_a32("test_aarch32_cp15", "cp15", 4, 60)


def test_the_guest_is_aarch32_under_the_arm64_vigil(semantics):
    _, smp, run, _ = semantics
    assert run.matching(r"semantics: under vigil, \d+ vcpus"), \
        run.describe()
    assert len(run.matching(rf"vigil: {smp} CPUs online, 1 VM\(s\)")) == 1, \
        run.describe()
    assert len(run.matching(r"vigil: vigil \S+ on \S+: EL2, ")) == 1, \
        run.describe()


def test_cp15_guest_ran_under_the_arm64_vigil(cp15):
    assert len(cp15.matching(r"vigil: vigil \S+ on \S+: EL2, ")) == 1, \
        cp15.describe()
    assert [m for m in map(CP15_LINE.match, cp15.texts()) if m], \
        cp15.describe()
