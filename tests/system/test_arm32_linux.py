# SPDX-License-Identifier: MIT
"""Debian's armmp-lpae Linux (build/linux-arm32: `VIGIL_ARCH=arm32
tools/fetch-guest.sh` and tools/mkinitramfs.py, which `make linux-arm32`
runs) in the arm32 vigil's default VM on 4 vCPUs, with the devices of
test_linux.py passed through (PL011, PL031, virtio-mmio blk/rng/net).
One boot, to the busybox prompt; then test_linux.py's checks on it:
nproc, the timer and IPIs counted on every CPU, every virtio SPI, 16 MiB
of known content read from the virtio disk, a clean dmesg, and
`poweroff -f` ending QEMU after vigil's counters.
"""
import hashlib
import os
import random
import re

import pytest

import vigil_qemu
from linux_guest import (BANNER, DMESG_BAD, SMP, LinuxGuest,
                         parse_interrupts, rows_named)

LINUX_DIR = vigil_qemu.REPO / "build" / "linux-arm32"
BUILD = vigil_qemu.REPO / "build" / "qemu-virt-arm32"
DISK_SIZE = 16 << 20
DISK_SEED = 32
VIGIL_PT = re.compile(r"vigil: vm0 passthrough: taken=(\d+) "
                      r"deactivated=(\d+) held=(\d+) lost=(\d+)")


@pytest.fixture(scope="module")
def disk():
    """16 MiB of seeded random bytes; (path, md5)."""
    vigil_qemu.LOG_DIR.mkdir(parents=True, exist_ok=True)
    data = random.Random(DISK_SEED).randbytes(DISK_SIZE)
    path = vigil_qemu.LOG_DIR / "test_arm32_linux-disk.img"
    path.write_bytes(data)
    return path, hashlib.md5(data).hexdigest()


@pytest.fixture(scope="module")
def guest(disk):
    missing = [p for p in (LINUX_DIR / "zImage",
                           LINUX_DIR / "initramfs.cpio.gz",
                           BUILD / "vigil.bin") if not p.is_file()]
    if missing:
        pytest.fail(f"not built: {', '.join(map(str, missing))} "
                    "(run make linux-arm32 and make ARCH=arm32)")
    saved = os.environ.get("VIGIL_ARCH")
    os.environ["VIGIL_ARCH"] = "arm32"
    g = LinuxGuest("test_arm32_linux", ["--vigil", "--disk", disk[0]])
    try:
        yield g.boot()
    finally:
        g.close()
        if saved is None:
            os.environ.pop("VIGIL_ARCH", None)
        else:
            os.environ["VIGIL_ARCH"] = saved


def test_boots_in_svc_mode_to_the_prompt_with_the_banner(guest):
    out = guest.output()
    assert re.search(rf"{BANNER} \(\S+-armmp-lpae, 4 CPUs\)", out), \
        guest.describe()
    assert "CPU: All CPU(s) started in SVC mode." in out, guest.describe()
    # /init's own complaints: an insmod that failed, or a module's init
    # sections not freed in time (tools/mkinitramfs.py, INIT_FREED_A32).
    assert not re.search(r"^init: ", out.replace("\r", ""), re.M), \
        guest.describe()


def test_nproc_prints_4(guest):
    _, out = guest.sh("nproc")
    assert out.strip() == "4", out


def test_reading_the_virtio_disk_gives_the_known_md5(guest, disk):
    _, out = guest.sh(f"head -c {DISK_SIZE} /dev/vda | md5sum")
    assert out.split()[0] == disk[1], out


def test_interrupts_count_on_every_cpu_and_every_virtio_spi(guest):
    _, before = guest.sh("cat /proc/interrupts")
    guest.sh("echo 3 >/proc/sys/vm/drop_caches; "
             "dd if=/dev/vda of=/dev/null bs=64k count=16 2>/dev/null")
    guest.sh("head -c 4096 /dev/hwrng >/dev/null")
    guest.sh("udhcpc -i eth0 -n -q -t 5 >/dev/null 2>&1")
    guest.sh("for c in 1 2 3 4; do (n=0; while [ $n -lt 4000 ]; do "
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
    assert ipis and all(n > 0 for n in per_cpu), \
        f"IPIs per CPU {per_cpu}\n{after}"

    _, drivers = guest.sh("ls -l /sys/bus/virtio/devices/*/driver")
    found = dict(re.findall(r"/(virtio\d+)/driver -> .*/(\w+)$", drivers,
                            re.M))
    assert sorted(found.values()) == ["virtio_blk", "virtio_net",
                                      "virtio_rng"], drivers
    for dev, drv in found.items():
        rows = rows_named(b, dev)
        assert len(rows) == 1, f"{dev} ({drv}) has no SPI row\n{after}"
        (label, (counts, desc)), = rows.items()
        assert desc.startswith("GIC-0"), f"{dev} is not a GIC SPI\n{after}"
        assert sum(counts) > sum(a[label][0]), \
            f"{dev} ({drv}) SPI did not count\n{before}\n{after}"


def test_dmesg_has_no_warning_bug_oops_or_stall(guest):
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
    assert out.index("reboot: Power down") < m.start(), guest.describe()
    assert "last VM off: powering off" in out, guest.describe()
