# SPDX-License-Identifier: MIT
"""Configuration errors in the /hypervisor node stop the boot cleanly: one
line naming the node and the problem, no guest runs, and vigil powers the
machine off by itself."""
import pytest

import vigil_qemu

# The VM's RAM covers 0x40000000-0x41000000, which holds vigil at 0x40080000.
OVERLAP_VIGIL = """
/ {
	hypervisor {
		compatible = "vigil,hypervisor";
		vm@0 {
			compatible = "vigil,vm";
			label = "hello";
			vcpus = <4>;
			memory = <0x0 0x40000000 0x0 0x1000000>;
		};
	};
};
"""

CONFIG_ERROR = r"config error: /hypervisor/vm@0: memory .*overlaps vigil"


@pytest.fixture(scope="module")
def overlap():
    name = "test_config-memory-overlaps-vigil"
    dtb = vigil_qemu.make_dtb(name, OVERLAP_VIGIL)
    return vigil_qemu.run_vigil(name, guest="hello", dtb=dtb, smp=4)


def test_vm_memory_overlapping_vigil_is_reported_in_one_line(overlap):
    assert len(overlap.matching(CONFIG_ERROR)) == 1, overlap.describe()


def test_vm_memory_overlapping_vigil_runs_no_guest(overlap):
    assert overlap.guest_lines() == [], overlap.describe()
    assert not overlap.matching(r"vcpu \d+ up"), overlap.describe()


def test_config_error_powers_the_machine_off(overlap):
    assert not overlap.timed_out and not overlap.panicked, overlap.describe()
    assert overlap.exitstatus == 0, overlap.describe()
