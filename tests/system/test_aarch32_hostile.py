# SPDX-License-Identifier: MIT
"""test_arm32_hostile.py under the arm64 vigil (issue 18): the A32
hostile guest (build/qemu-virt-arm32/guests/hostile32.bin) in an
AArch32 EL1 VM (`vigil,aarch32`, HCR_EL2.RW = 0) on QEMU virt -cpu
cortex-a57, beside the A32 bystander in a second AArch32 VM: the same
configuration as test_hostile.py's, the same cases and the same
assertions, test_arm32_hostile.py's own test functions run on this
module's fixtures.

Every abort and undefined instruction vigil injects here goes through
the AArch32 injection trampoline (QEMU's exception return never loads
the AArch32 SPSR: arch/arm/arm64/vcpu.c, docs/arm32.md), so the guest's
exact checks of SPSR, LR and the fault registers after each one are the
trampoline's test.
"""
import pytest

import vigil_qemu
from test_arm32_hostile import (  # noqa: F401 (the tests)
    CASES, test_case, test_each_reset_call_resets_the_vm_exactly_once,
    test_each_vm_gets_its_own_boot_seeds_and_new_ones_after_a_reset,
    test_guest_prints_exactly_the_expected_cases,
    test_summary_counts_every_case_of_every_boot,
    test_vigil_counters_are_exactly_what_the_guest_provoked)
from test_arm32_hostile import CASE_LINE, TIMEOUT
from test_hostile import (  # noqa: F401
    BYSTANDER_IPA, BYSTANDER_MS, DMA_FRAGMENT, DMA_OPT_IN, FRAGMENT,
    run_outlasting, test_a_spoofed_vigil_line_carries_the_vm_prefix,
    test_bystander_check, test_bystander_kept_running_through_the_hostile_run,
    test_bystander_provoked_nothing,
    test_bystander_secret_never_reaches_the_console, test_bystander_summary,
    test_console_control_characters_come_out_as_question_marks,
    test_guest_sees_no_unexpected_exception_or_timeout,
    test_the_dma_write_is_what_breaks_the_bystander_canary,
    test_the_hostile_vm_resets_while_the_bystander_runs,
    test_vigil_stays_up_and_powers_off_after_the_last_vm,
    test_vigil_stays_up_through_the_dma_run,
    test_with_the_opt_in_both_vms_run,
    test_without_a_dma_device_the_bystander_canary_is_intact,
    test_without_the_opt_in_the_dma_configuration_is_refused)
from test_aarch32_guests import BUILD32, BUILD64, need
from vigil_qemu import with_env

GUEST = "../../qemu-virt-arm32/guests/hostile32"
ENV = {"VIGIL_BUILD": str(BUILD64), "VIGIL_ARCH": "arm64"}


def aarch32(fragment):
    """Both VMs of a test_hostile.py fragment AArch32 at EL1."""
    out = fragment.replace('compatible = "vigil,vm";',
                           'compatible = "vigil,vm";\n\t\t\tvigil,aarch32;')
    assert out.count("vigil,aarch32;") == 2
    return out


def _boot(name, fragment, extra=()):
    need(BUILD64 / "vigil.bin", BUILD32 / "guests/hostile32.bin",
         BUILD32 / "guests/bystander.bin")
    dtb = vigil_qemu.make_dtb(name, aarch32(fragment))
    return vigil_qemu.run_vigil(
        name, guest=GUEST, dtb=dtb, smp=4, timeout=TIMEOUT,
        qemu_args=["-device", f"loader,file={BUILD32}/guests/bystander.bin"
                   f",addr={BYSTANDER_IPA:#x}", *extra])


@pytest.fixture(scope="module")
def hostile():
    def boot(ms):
        return _boot("test_aarch32_hostile", FRAGMENT.replace(
            f"bystander.ms={BYSTANDER_MS}", f"bystander.ms={ms}"))

    run = with_env(ENV, lambda: run_outlasting(boot, 0))
    results = {}
    for _, text in run.guest_lines("hostile"):
        m = CASE_LINE.match(text)
        if m:
            results.setdefault(m.group(1), []).append(
                (m.group(2), m.group(3).strip()))
    return run, results


@pytest.fixture(scope="module")
def dma():
    return with_env(ENV, lambda: _boot(
        "test_aarch32_hostile-dma", DMA_FRAGMENT,
        ["-device", "virtio-rng-device"]))


@pytest.fixture(scope="module")
def dma_refused():
    assert DMA_OPT_IN in DMA_FRAGMENT
    return with_env(ENV, lambda: _boot(
        "test_aarch32_hostile-dma-refused",
        DMA_FRAGMENT.replace(DMA_OPT_IN, ""),
        ["-device", "virtio-rng-device"]))


def test_every_injection_went_through_the_trampoline(hostile):
    """Both AArch32 VMs get a trampoline; none ended anywhere but at its
    landing."""
    run, _ = hostile
    assert len(run.matching(r"vigil: vm\d: AArch32 injection trampoline "
                            r"at IPA 0x[0-9a-f]+ \(QEMU\)$")) == 2, \
        run.describe()
    assert not run.matching(r"trampoline ended at"), run.describe()
