# SPDX-License-Identifier: MIT
"""The hostile guest on QEMU 10's raspi4b, beside the bystander, as
test_hostile.py runs them on QEMU virt: every bad input the hostile guest
tries gives it a guest fault (or the error its case expects), the
bystander notices nothing, and vigil stays up.

The host DTB is Debian's bcm2711-rpi-4-b.dtb with a /hypervisor node: the
hostile VM on pCPUs 0-1 with RAM 0x10000000-0x1fffffff, the bystander on
pCPUs 2-3 with 0x20000000-0x2fffffff and the PL011 (the Pi has no PL031).
The guests' Pi addresses are in tests/guests/hostile/hostile.h and
bystander.c (GUEST_PLATFORM_RPI4, platforms/rpi4/platform.mk).
"""
import re
import subprocess

import pytest

import test_hostile as virt
import vigil_qemu

RPI4_BUILD = vigil_qemu.REPO / "build" / "rpi4-arm64"
BYSTANDER_IPA = 0x20000000
# The Pi's firmware puts both seeds in /chosen; QEMU's raspi4b does not, so
# the test's DTB carries them (vigil derives each VM's own from them).
FRAGMENT = f"""
/ {{
	chosen {{
		rng-seed = [52 50 49 34 2d 72 6e 67 2d 73 65 65 64 2d 30 31
			    02 03 05 07 0b 0d 11 13 17 1d 1f 25 29 2b 2f 35];
		kaslr-seed = <0x50693420 0x6b61736c>;
	}};
	hypervisor {{
		compatible = "vigil,hypervisor";
		vm@0 {{
			compatible = "vigil,vm";
			label = "hostile";
			vigil,console = "hypercall";
			vcpus = <2>;
			cpu-affinity = <0 1>;
			memory = <0x0 0x10000000 0x0 0x10000000>;
		}};
		vm@1 {{
			compatible = "vigil,vm";
			label = "bystander";
			vcpus = <2>;
			cpu-affinity = <2 3>;
			memory = <0x0 {BYSTANDER_IPA:#x} 0x0 0x10000000>;
			entry = <0x0 {BYSTANDER_IPA:#x}>;
			devices = "/soc/serial@7e201000";
			bootargs = "bystander.ms={virt.BYSTANDER_MS}";
		}};
	}};
}};
"""

# tests/guests/hostile/memory.c `targets` under GUEST_PLATFORM_RPI4.
_ALL = virt._ALL
MEM_TARGETS = {
    "gicc_mapped_xn": "fetch",
    "gicc_past_8k": "ldr-w str-w",
    "gich": "ldr-w ldr-x str-w fetch",
    "gich_lr0": "ldr-w str-w",
    "gicv": "ldr-w str-w fetch",
    "gicv_dir": "ldr-w str-w",
    "vigil_console": "ldr-w strb str-w",
    "uart_other_vm": "ldr-w str-w",
    "pcie_bridge": "ldr-w str-w",
    "unmapped": _ALL,
    "vigil_pool": "ldr-w str-w fetch",
    "vigil_image": _ALL,
    "vigil_image_4m": "ldr-w str-w",
    "host_dtb": "ldr-w str-w",
    "other_vm_image": "ldr-w str-w fetch",
    "other_vm_canary": "ldr-w ldr-x ldp str-w fetch",
    "free_ram": "ldr-w str-w fetch",
    "ram_top": "ldr-w str-w",
    "above_ram": "ldr-w str-w",
    "high_pcie_window": "ldr-w str-w",
    "ipa_top_page": "ldr-w str-w",
}
_VIRT_MEM = {f"mem.{t}.{a}" for t, acc in virt.MEM_TARGETS.items()
             for a in acc.split()}
CASES = ([c for c in virt.CASES if c not in _VIRT_MEM]
         + [f"mem.{t}.{a}" for t, acc in MEM_TARGETS.items()
            for a in acc.split()])
BYSTANDER_CHECKS = [c.replace("rtc_", "uart_")
                    for c in virt.BYSTANDER_CHECKS]


@pytest.fixture(scope="module")
def hostile():
    name = "test_rpi4_hostile"
    debian = next(vigil_qemu.REPO.glob(
        "build/guest-cache/kernel/usr/lib/linux-image-*/broadcom/"
        "bcm2711-rpi-4-b.dtb"))
    vigil_qemu.LOG_DIR.mkdir(parents=True, exist_ok=True)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts",
                          str(debian)], check=True, capture_output=True,
                         text=True).stdout
    dtb = vigil_qemu.LOG_DIR / f"{name}.dtb"
    bystander = RPI4_BUILD / "guests" / "bystander.bin"
    assert bystander.is_file(), f"not built: {bystander} (make PLATFORM=rpi4)"

    def boot(ms):
        fragment = FRAGMENT.replace(f"bystander.ms={virt.BYSTANDER_MS}",
                                    f"bystander.ms={ms}")
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                        str(dtb), "-"], input=dts + fragment, check=True,
                       text=True)
        return vigil_qemu.run_vigil(
            name, guest="hostile", dtb=dtb, timeout=virt.TIMEOUT,
            machine="raspi4b", build=RPI4_BUILD,
            qemu_args=["-device",
                       f"loader,file={bystander},addr={BYSTANDER_IPA:#x}"])

    run = virt.run_outlasting(boot, 0)
    results = {}
    for _, text in run.guest_lines("hostile"):
        m = virt.CASE_LINE.match(text)
        if m:
            results.setdefault(m.group(1), []).append(
                (m.group(2), m.group(3).strip()))
    return run, results


@pytest.mark.parametrize("case", CASES)
def test_case(hostile, case):
    run, results = hostile
    got = results.get(case, [])
    assert len(got) == 1, \
        f"case {case!r} printed {len(got)} times{run.describe()}"
    assert got[0][0] == "PASS", f"{case}: {got[0][0]} {got[0][1]}"


def test_guest_prints_exactly_the_expected_cases(hostile):
    run, results = hostile
    assert len(CASES) == len(set(CASES))
    assert sorted(results) == sorted(CASES), run.describe()


def test_summary_counts_every_case(hostile):
    run, _ = hostile
    sums = [m for m in map(virt.SUMMARY.match, run.guest_texts()) if m]
    assert len(sums) == 1, run.describe()
    assert (int(sums[0].group(1)), int(sums[0].group(2))) == \
        (len(CASES), 0), run.describe()


def test_guest_sees_no_unexpected_exception_or_timeout(hostile):
    virt.test_guest_sees_no_unexpected_exception_or_timeout(hostile)


def test_vigil_counters_are_exactly_what_the_hostile_guest_provoked(hostile):
    virt.test_vigil_counters_are_exactly_what_the_hostile_guest_provoked(
        hostile)


def test_bystander_provoked_nothing(hostile):
    virt.test_bystander_provoked_nothing(hostile)


def test_vigil_stays_up_and_powers_off_after_the_last_vm(hostile):
    virt.test_vigil_stays_up_and_powers_off_after_the_last_vm(hostile)


@pytest.mark.parametrize("check", BYSTANDER_CHECKS)
def test_bystander_check(hostile, check):
    virt.test_bystander_check(hostile, check)


def test_bystander_summary(hostile):
    run, _ = hostile
    sums = [m for m in map(virt.BYSTANDER_SUMMARY.match,
                           (t for _, t in run.guest_lines("bystander"))) if m]
    assert len(sums) == 1, run.describe()
    assert (int(sums[0].group(1)), int(sums[0].group(2))) == \
        (len(BYSTANDER_CHECKS), 0), run.describe()


def test_bystander_kept_running_through_the_hostile_run(hostile):
    virt.test_bystander_kept_running_through_the_hostile_run(hostile)


def test_bystander_secret_never_reaches_the_console(hostile):
    virt.test_bystander_secret_never_reaches_the_console(hostile)


def test_the_hostile_vm_resets_while_the_bystander_runs(hostile):
    virt.test_the_hostile_vm_resets_while_the_bystander_runs(hostile)


def test_each_vm_gets_its_own_boot_seeds_and_new_ones_after_a_reset(hostile):
    virt.test_each_vm_gets_its_own_boot_seeds_and_new_ones_after_a_reset(
        hostile)


def test_each_reset_call_resets_the_vm_exactly_once(hostile):
    virt.test_each_reset_call_resets_the_vm_exactly_once(hostile)


def test_the_bystanders_device_is_the_pl011(hostile):
    run, _ = hostile
    assert run.matching(r"bystander\| bystander uart_passthrough: PASS "
                        r"periphid0=17 faulted=0$"), run.describe()
    assert not re.search(r"hostile\| hostile dma\.", run.output)
