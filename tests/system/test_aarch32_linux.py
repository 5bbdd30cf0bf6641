# SPDX-License-Identifier: MIT
"""Debian's armmp-lpae Linux (build/linux-arm32, `make linux-arm32`) in a
`vigil,aarch32` VM of the arm64 vigil (issue 18): AArch32 at EL1 on QEMU
virt -cpu cortex-a57, 4 vCPUs, with the devices test_arm32_linux.py
passes through (PL011, PL031, virtio-mmio blk/rng/net). The zImage is
entered at 0x50000000 (`entry`: on arm64 a VM with vigil,aarch32 takes no
`image`), the initramfs is at 0x58000000 (`initrd`). One boot; then
test_arm32_linux.py's own checks, imported and run on this file's `guest`
fixture: the banner in SVC mode, nproc, the virtio disk's md5, the timer
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
KERNEL_AT = 0x50000000
INITRD_AT = 0x58000000

# QEMU virt: a -device virtio-*-device takes the last free transport, so
# blk, rng and net (in that order) sit at 0xa003e00, 0xa003c00, 0xa003a00.
FRAGMENT = """
/ {{
	hypervisor {{
		compatible = "vigil,hypervisor";
		vm@0 {{
			compatible = "vigil,vm";
			label = "linux32";
			vcpus = <4>;
			memory = <0x0 0x50000000 0x0 0x30000000>;
			entry = <0x0 0x{kernel:x}>;
			initrd = <0x0 0x{initrd:x} 0x0 0x{size:x}>;
			bootargs = "console=ttyAMA0";
			devices = "/pl011@9000000", "/pl031@9010000",
				  "/virtio_mmio@a003e00", "/virtio_mmio@a003c00",
				  "/virtio_mmio@a003a00";
			vigil,aarch32;
		}};
	}};
}};
"""


def linux_guest(name, disk_path):
    """A LinuxGuest of tools/run-linux.sh's vigil mode on arm64, with this
    file's DTB fragment and the guest images in RAM where it says."""
    zimage, initrd = LINUX_DIR / "zImage", LINUX_DIR / "initramfs.cpio.gz"
    missing = [p for p in (zimage, initrd, BUILD64 / "vigil.bin")
               if not p.is_file()]
    if missing:
        pytest.fail(f"not built: {', '.join(map(str, missing))} "
                    "(run make linux-arm32 and make)")
    dtb = vigil_qemu.make_dtb(name, FRAGMENT.format(
        kernel=KERNEL_AT, initrd=INITRD_AT, size=initrd.stat().st_size))
    args = ["-machine", "virt,virtualization=on,gic-version=2",
            "-cpu", "cortex-a57", "-smp", "4", "-m", "1G",
            "-nographic", "-nic", "none", "-dtb", str(dtb),
            "-kernel", str(BUILD64 / "vigil.bin"),
            "-device", f"loader,file={zimage},addr=0x{KERNEL_AT:x}",
            "-device", f"loader,file={initrd},addr=0x{INITRD_AT:x}",
            "-drive", f"if=none,file={disk_path},format=raw,id=d0",
            "-device", "virtio-blk-device,drive=d0",
            "-device", "virtio-rng-device",
            "-netdev", "user,id=n0",
            "-device", "virtio-net-device,netdev=n0"]
    return LinuxGuest(name, args, program="qemu-system-aarch64")


@pytest.fixture(scope="module")
def guest(disk):  # noqa: F811 (test_arm32_linux's fixture)
    g = linux_guest("test_aarch32_linux", disk[0])
    try:
        yield g.boot()
    finally:
        g.close()
