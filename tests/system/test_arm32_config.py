# SPDX-License-Identifier: MIT
"""test_config.py's bad /hypervisor configurations under the arm32 vigil,
with the same assertions, imported: one line naming the node and the
problem, the boot stops there, no guest runs, vigil powers off. The cases
are test_config.py's, with the arm32 profile's own words where they name
the profile: vigil's image at 0x40010000 (where QEMU loads a zImage) and
the ARM zImage header (include/arch_image.h).

And the cases of an AArch32 guest's 32-bit boot arguments, on a 5 GiB
machine (RAM 0x40000000-0x17fffffff): its entry, DTB (r2) and initrd must
lie below 4 GiB (config_boot_ram_end()). A VM with no RAM there, an entry
or an initrd above, each stop the boot; a VM whose RAM spans 4 GiB boots
with its DTB below (test_arm32_hello.py's "above-4g").
"""
import dataclasses

import pytest

import vigil_qemu
from test_arm32_hello import BUILD, with_arm32
from test_config import (  # noqa: F401 (the tests)
    CASES, Case, hello_vm0, hypervisor, test_no_guest_runs,
    test_one_line_names_the_node_and_the_problem, test_the_boot_stops_there,
    test_vigil_powers_the_machine_off, vm, VM1)

# The problem, where the arm32 profile words it its own way.
ARM32_PROBLEMS = {
    "memory-overlaps-vigil":
        r"memory 0x40000000-0x40ffffff overlaps vigil's image "
        r"0x40010000-0x[0-9a-f]+$",
    "image-missing-where-image-says":
        r"image at 0x50400000 has no ARM zImage header "
        r"\(magic 0x00000000\): image missing$",
}

SPANS_4G = "memory = <0x0 0xe0000000 0x0 0x40000000>;"  # to 0x11fffffff
# (case, QEMU's RAM)
AARCH32_CASES = [
    (Case("aarch32-no-ram-below-4gib",
          hypervisor(vm("vm@0", "vcpus = <1>;",
                        "memory = <0x1 0x0 0x0 0x10000000>;")),
          "/hypervisor/vm@0",
          r"memory 0x100000000-0x10fffffff has less than 4 MiB below "
          r"4 GiB, where an AArch32 guest's entry and DTB must lie$"), "5G"),
    (Case("aarch32-only-2mib-below-4gib",
          hypervisor(vm("vm@0", "vcpus = <1>;",
                        "memory = <0x0 0xffe00000 0x0 0x10000000>;")),
          "/hypervisor/vm@0",
          r"memory 0xffe00000-0x10fdfffff has less than 4 MiB below "
          r"4 GiB, where an AArch32 guest's entry and DTB must lie$"), "5G"),
    (Case("aarch32-entry-above-4gib",
          hypervisor(vm("vm@0", "vcpus = <1>;", SPANS_4G,
                        "entry = <0x1 0x0>;")),
          "/hypervisor/vm@0",
          r"entry 0x100000000 lies above 4 GiB: an AArch32 guest starts "
          r"with 32-bit addresses$"), "5G"),
    (Case("aarch32-initrd-above-4gib",
          hypervisor(vm("vm@0", "vcpus = <1>;", SPANS_4G,
                        "entry = <0x0 0xe0000000>;",
                        "initrd = <0x0 0xffe00000 0x0 0x400000>;")),
          "/hypervisor/vm@0",
          r"initrd 0xffe00000\+0x400000 reaches above 4 GiB, out of an "
          r"AArch32 guest's reach$"), "5G"),
]

PARAMS = [pytest.param((dataclasses.replace(
    c, problem=ARM32_PROBLEMS.get(c.name, c.problem)), None), id=c.name)
    for c in CASES] + [pytest.param(c, id=c[0].name) for c in AARCH32_CASES]


@pytest.fixture(scope="module", params=PARAMS)
def refused(request):
    case, mem = request.param
    if not (BUILD / "vigil.bin").is_file():
        pytest.fail(f"not built: {BUILD / 'vigil.bin'} (run make ARCH=arm32)")
    name = f"test_arm32_config-{case.name}"

    def boot():
        fragment, qemu_args = case.fragment, []
        if case.loaders:
            props, qemu_args = case.loaders()
            fragment = hypervisor(hello_vm0(), vm("vm@1", *VM1, *props))
        dtb = vigil_qemu.make_dtb(name, fragment)
        return vigil_qemu.run_vigil(name, guest="hello", dtb=dtb, smp=4,
                                    qemu_args=qemu_args)

    return case, with_arm32(boot, mem)
