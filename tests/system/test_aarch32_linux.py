# SPDX-License-Identifier: MIT
"""Debian's armmp-lpae Linux (build/linux-arm32, `make linux-arm32`) in a
`vigil,aarch32` VM of the arm64 vigil (issue 18): AArch32 at EL1 on QEMU
virt -cpu cortex-a57, 4 vCPUs, with the devices test_arm32_linux.py
passes through (PL011, PL031, virtio-mmio blk/rng/net). The zImage is
the VM's `image` at 0x50000000 (its header checked as a zImage), the
initramfs is at 0x58000000 (`initrd`). One boot; then
test_arm32_linux.py's own checks, imported and run on this file's `guest`
fixture; the machine is tools/run-linux-aarch32.sh's (`make run
GUEST=arm32`): the banner in SVC mode, nproc, the virtio disk's md5, the timer
and IPIs on every CPU and every virtio SPI, a clean dmesg, and `poweroff
-f` after vigil's counters with 0 lost.
"""
import pytest

import vigil_qemu
from linux_guest import LinuxGuest
from test_arm32_linux import disk  # noqa: F401 (a fixture)
# In test_arm32_linux.py's order (pytest runs them as imported here):
# poweroff last.
from test_arm32_linux import \
    test_boots_in_svc_mode_to_the_prompt_with_the_banner  # noqa: F401
from test_arm32_linux import test_nproc_prints_4  # noqa: F401
from test_arm32_linux import \
    test_reading_the_virtio_disk_gives_the_known_md5  # noqa: F401
from test_arm32_linux import \
    test_interrupts_count_on_every_cpu_and_every_virtio_spi  # noqa: F401
from test_arm32_linux import \
    test_dmesg_has_no_warning_bug_oops_or_stall  # noqa: F401
from test_arm32_linux import \
    test_poweroff_f_ends_qemu_after_vigils_counters  # noqa: F401

LINUX_DIR = vigil_qemu.REPO / "build" / "linux-arm32"
BUILD64 = vigil_qemu.REPO / "build" / "qemu-virt-arm64"

RUN = vigil_qemu.REPO / "tools" / "run-linux-aarch32.sh"


def linux_guest(name, disk_path):
    """A LinuxGuest of tools/run-linux-aarch32.sh (`make run GUEST=arm32`):
    its /hypervisor fragment, the guest images in RAM where it says."""
    missing = [p for p in (LINUX_DIR / "zImage",
                           LINUX_DIR / "initramfs.cpio.gz",
                           BUILD64 / "vigil.bin") if not p.is_file()]
    if missing:
        pytest.fail(f"not built: {', '.join(map(str, missing))} "
                    "(run make linux-arm32 and make)")
    return LinuxGuest(name, ["--disk", disk_path], program=RUN,
                      env={"VIGIL_BUILD": str(BUILD64)})


@pytest.fixture(scope="module")
def guest(disk):  # noqa: F811 (test_arm32_linux's fixture)
    g = linux_guest("test_aarch32_linux", disk[0])
    try:
        yield g.boot()
    finally:
        g.close()
