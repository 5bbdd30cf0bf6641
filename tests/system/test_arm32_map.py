# SPDX-License-Identifier: MIT
"""The arm32 vigil's own map (arch/arm/arm32/mmu.c, arch_mmu_map()) built
from the DTB: a GIC frame HYP's 4 GiB cannot reach, or one in the 2 MiB
that hold the mm_map() window (0xffc00000), stops the boot with one
config error line on the DTB's console, before any guest runs, instead of
a fault in HYP mode when the GIC driver touches it. The working map (RAM
below and above MM_LINEAR_LIMIT, the console, the GIC) is what every other
arm32 test boots on; test_arm32_hello's high-ram case covers the window.
"""
import pytest

import vigil_qemu
from test_arm32_hello import BUILD, with_arm32

# QEMU virt's GIC node, its four frames (GICD, GICC, GICH, GICV) moved
# one at a time.
GIC_FRAMES = [0x08000000, 0x08010000, 0x08030000, 0x08040000]
CASES = [
    ("gicd-past-4g", 0, 0x1_08000000),
    ("gicv-in-window", 3, 0xffc00000),
]


def gic_fragment(frame, addr):
    cells = []
    for i, base in enumerate(GIC_FRAMES):
        a = addr if i == frame else base
        cells += [a >> 32, a & 0xffffffff, 0, 0x10000]
    reg = " ".join(f"0x{c:x}" for c in cells)
    return f"/ {{\n\tintc@8000000 {{\n\t\treg = <{reg}>;\n\t}};\n}};\n"


@pytest.fixture(scope="module", params=CASES, ids=lambda c: c[0])
def stopped(request):
    name, frame, addr = request.param
    f = BUILD / "vigil.bin"
    if not f.is_file():
        pytest.fail(f"not built: {f} (run make ARCH=arm32)")
    run_name = f"test_arm32_map-{name}"

    def boot():
        dtb = vigil_qemu.make_dtb(run_name, gic_fragment(frame, addr))
        return vigil_qemu.run_vigil(run_name, guest="hello", dtb=dtb,
                                    smp=4, timeout=30)

    return addr, with_arm32(boot)


def test_the_gic_driver_never_touches_the_frame(stopped):
    _, run = stopped
    assert not run.matching(r"vigil: GICv2"), run.describe()


def test_boot_stops_with_one_config_error_line(stopped):
    _, run = stopped
    assert not run.panicked and not run.timed_out, run.describe()
    errors = run.matching(r"vigil: config error: (.*)$")
    assert len(errors) == 1, run.describe()
    assert errors[0].group(1).startswith("/memory: RAM and devices "), \
        run.describe()
    assert len(run.matching(r"vigil: boot stopped\s*$")) == 1, \
        run.describe()


def test_no_guest_runs(stopped):
    _, run = stopped
    assert not run.matching(r"starting guests"), run.describe()
    assert not run.guest_lines(), run.describe()
