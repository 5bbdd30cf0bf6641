# SPDX-License-Identifier: MIT
"""Debian's arm64 Linux in vigil's default VM on QEMU 10's raspi4b (no
/hypervisor node): the four CPUs, the RAM after vigil's, and the PL011 as
its console, with the guest DTB derived from Debian's bcm2711-rpi-4-b.dtb
(core/guest_dtb.c: the devices the VM owns; the PL011's clocks, pin
configuration and Bluetooth child, which name providers the VM does not
have, rewritten or dropped). One boot (tools/run-linux.sh with
VIGIL_MACHINE=raspi4b), every check on it; vigil's own lines come on the
mini UART, muxed onto the same stdio.
"""
import re
import subprocess

import pytest

import vigil_qemu
from linux_guest import (BANNER, DMESG_BAD, LINUX_DIR, SMP, LinuxGuest,
                         parse_interrupts, rows_named)

RPI4_BUILD = vigil_qemu.REPO / "build" / "rpi4-arm64"
VIGIL_PT = re.compile(r"vigil: vm0 passthrough: taken=(\d+) "
                      r"deactivated=(\d+) held=(\d+) lost=(\d+)")


@pytest.fixture(scope="module")
def guest():
    for p in (LINUX_DIR / "Image", LINUX_DIR / "initramfs.cpio.gz"):
        if not p.is_file():
            pytest.fail(f"not built: {p} (run make linux)")
    g = LinuxGuest("test_rpi4_linux", ["--vigil"],
                   env={"VIGIL_MACHINE": "raspi4b"})
    try:
        g.boot()
        yield g
    finally:
        g.close()


def test_boots_to_the_shell_on_4_vcpus(guest):
    out = guest.output()
    assert "vigil 0.1 on Raspberry Pi 4 Model B" in out, guest.describe()
    assert re.search(r"VM 0 'vm0': 4 vCPUs, RAM 0x10000000-0x3bffffff",
                     out), guest.describe()
    assert f"{BANNER} (" in out and "4 CPUs)" in out, guest.describe()
    _, n = guest.sh("nproc")
    assert n.strip() == str(SMP), n


def test_console_is_the_passthrough_pl011(guest):
    _, out = guest.sh("cat /proc/tty/driver/ttyAMA")
    assert re.search(r"^0: uart:PL011 rev\d mmio:0xFE201000 irq:\d+",
                     out, re.M), out
    _, dt = guest.sh("cat /sys/firmware/devicetree/base/soc/"
                     "serial@7e201000/clock-names | tr '\\0' ' '; echo; "
                     "ls /sys/firmware/devicetree/base/soc/serial@7e201000/; "
                     "cat /sys/firmware/devicetree/base/vigil-uartclk/"
                     "compatible")
    assert "uartclk apb_pclk" in dt, dt
    assert "bluetooth" not in dt and "pinctrl-0" not in dt, dt
    assert "fixed-clock" in dt, dt


def test_timer_and_ipis_count_on_every_cpu(guest):
    _, before = guest.sh("cat /proc/interrupts")
    guest.sh("for c in 1 2 3 4; do (n=0; while [ $n -lt 3000 ]; do "
             "n=$((n+1)); done) & done; wait")
    _, after = guest.sh("cat /proc/interrupts")
    a, b = parse_interrupts(before), parse_interrupts(after)
    timer = rows_named(b, "arch_timer")
    assert len(timer) == 1, after
    (label, (counts, _)), = timer.items()
    assert len(counts) == SMP, after
    grew = [n - o for n, o in zip(counts, a[label][0])]
    assert all(d > 0 for d in grew), f"arch_timer per CPU grew {grew}\n{after}"
    ipis = {k: v for k, v in b.items() if k.startswith("IPI")}
    per_cpu = [sum(v[0][c] for v in ipis.values()) for c in range(SMP)]
    assert all(n > 0 for n in per_cpu), f"IPIs per CPU {per_cpu}\n{after}"
    for name in ("Rescheduling", "Function"):
        row = [v[0] for v in ipis.values() if v[1].startswith(name)]
        assert row and sum(row[0]) > 0, f"{name} IPIs\n{after}"
    # The console's own SPI, passed through, counted too.
    uart = rows_named(b, "uart-pl011")
    assert uart and sum(next(iter(uart.values()))[0]) > 0, after


def test_dmesg_is_clean(guest):
    _, out = guest.sh("dmesg")
    bad = [ln for ln in out.split("\n")
           if any(re.search(p, ln) for p in DMESG_BAD)]
    assert not bad, "\n".join(bad)


def test_poweroff_f_ends_qemu_after_vigils_counters(guest):
    assert guest.poweroff() == 0, guest.describe()
    out = guest.output()
    m = VIGIL_PT.search(out)
    assert m, f"no passthrough counters{guest.describe()}"
    taken, done, held, lost = map(int, m.groups())
    assert taken > 0 and lost == 0 and taken == done + held, m.group(0)
    assert out.rindex("last VM off: powering off") > out.rindex(BANNER), \
        guest.describe()


# ---- make sdcard's directory, booted as the Pi's firmware would ----------

@pytest.fixture(scope="module")
def sdcard(tmp_path_factory):
    """tools/mksdcard.py's boot directory, with the VM given the first PL011
    (QEMU's raspi4b has no UART3), booted the way the firmware boots it:
    vigil.bin at 0x80000, the DTB at 0x08000000, guest.img at 0x10000000."""
    out = tmp_path_factory.mktemp("sdcard")
    dtb = next(vigil_qemu.REPO.glob("build/guest-cache/kernel/usr/lib/"
                                    "linux-image-*/broadcom/"
                                    "bcm2711-rpi-4-b.dtb"))
    subprocess.run(["/usr/bin/python3", str(vigil_qemu.REPO / "tools" /
                                             "mksdcard.py"),
                    "--uart", "/soc/serial@7e201000", str(out),
                    str(RPI4_BUILD / "vigil.bin"), str(LINUX_DIR / "Image"),
                    str(LINUX_DIR / "initramfs.cpio.gz"), str(dtb)],
                   check=True, capture_output=True)
    qemu = subprocess.run([str(vigil_qemu.REPO / "tools" /
                                "fetch-qemu10.sh")], check=True,
                          capture_output=True, text=True).stdout.strip()
    g = LinuxGuest("test_rpi4_linux-sdcard", [
        "-machine", "raspi4b", "-dtb", out / "bcm2711-rpi-4-b.dtb",
        "-display", "none", "-audio", "none",
        "-serial", "stdio", "-serial", "file:/dev/stdout",
        "-kernel", out / "vigil.bin",
        "-device", f"loader,file={out / 'guest.img'},addr=0x10000000"],
        program=qemu)
    try:
        g.boot()
        yield g, out
    finally:
        g.close()


def test_sdcard_directory_boots_linux_from_its_hypervisor_node(sdcard):
    g, out = sdcard
    assert sorted(p.name for p in out.iterdir()) == [
        "bcm2711-rpi-4-b.dtb", "config.txt", "guest.img", "vigil.bin"]
    config = (out / "config.txt").read_text()
    for line in ("arm_64bit=1", "enable_gic=1", "kernel=vigil.bin",
                 "initramfs guest.img 0x10000000"):
        assert line in config.split("\n"), config
    assert (out / "vigil.bin").read_bytes() == \
        (RPI4_BUILD / "vigil.bin").read_bytes()
    text = g.output()
    assert re.search(r"VM 0 'linux': 4 vCPUs, RAM 0x10000000-0x2fffffff, "
                     r"entry 0x10000000", text), g.describe()
    _, n = g.sh("nproc")
    assert n.strip() == "4", n
    assert g.poweroff() == 0, g.describe()
    assert "last VM off: powering off" in g.output(), g.describe()
