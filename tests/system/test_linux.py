# SPDX-License-Identifier: MIT
"""The Linux guest under vigil (issue 4), and natively on QEMU virt without
vigil as the baseline: every check runs in both modes.

One boot per mode (module-scoped fixture) of build/linux/Image with
build/linux/initramfs.cpio.gz through tools/run-linux.sh, to the busybox
prompt; the tests then type commands through pexpect and read the answers.
Further boots: `reboot -f` twice in a row (PSCI SYSTEM_RESET under vigil),
and one with --icount that measures the cost of reaching the prompt.
Consoles are logged to build/test-logs/test_linux-<mode>*.log, and the
measured numbers go to build/test-logs/linux-boot.json.

The console driver is tests/system/linux_guest.py.
"""
import hashlib
import json
import random
import re
import time

import pytest

import linux_guest
import vigil_qemu
from linux_guest import (BANNER, CMD_TIMEOUT, DMESG_BAD, LINUX_DIR, PROMPT,
                         RC, SMP, LinuxGuest, parse_interrupts, rows_named)

MODULES = ["virtio_mmio", "virtio_blk", "virtio_rng", "failover",
           "net_failover", "virtio_net"]

DISK_SIZE = 16 << 20
DISK_SEED = 0x76696769  # "vigi"
HWRNG_BYTES = 1 << 20


def report(capsys, text):
    linux_guest.report(capsys, "test_linux", text)


MODES = ["native", "vigil"]


def save_numbers(**numbers):
    path = vigil_qemu.LOG_DIR / "linux-boot.json"
    old = json.loads(path.read_text()) if path.is_file() else {}
    old.update(numbers)
    path.write_text(json.dumps(old, indent=2, sort_keys=True) + "\n")


@pytest.fixture(scope="module")
def images():
    missing = [p for p in (LINUX_DIR / "Image",
                           LINUX_DIR / "initramfs.cpio.gz") if not p.is_file()]
    if missing:
        pytest.fail(f"not built: {', '.join(map(str, missing))} "
                    "(run make linux)")
    release = (LINUX_DIR / "kernel.release").read_text().split()[0]
    return release


@pytest.fixture(scope="module")
def disk():
    """16 MiB of seeded random bytes; (path, md5)."""
    vigil_qemu.LOG_DIR.mkdir(parents=True, exist_ok=True)
    data = random.Random(DISK_SEED).randbytes(DISK_SIZE)
    path = vigil_qemu.LOG_DIR / "test_linux-disk.img"
    path.write_bytes(data)
    return path, hashlib.md5(data).hexdigest()


@pytest.fixture(scope="module", params=MODES)
def guest(request, images, disk):
    mode = request.param
    g = LinuxGuest(f"test_linux-{mode}", [f"--{mode}", "--disk", disk[0]])
    g.mode = mode
    try:
        yield g.boot()
    finally:
        g.close()


def test_boots_to_the_shell_prompt_with_the_banner(guest, images, capsys):
    assert BANNER in guest.output(), guest.describe()
    assert f"({images}, {SMP} CPUs)" in guest.output(), guest.describe()
    report(capsys, f"Linux {images}: {guest.mode} boot to the prompt took "
           f"{guest.boot_seconds:.2f} s wall")
    save_numbers(kernel=images,
                 **{f"{guest.mode}_wall_s": round(guest.boot_seconds, 2)})


def test_init_loaded_the_virtio_modules_without_error(guest):
    assert "insmod" not in guest.output(), guest.describe()
    _, out = guest.sh("lsmod")
    loaded = {ln.split()[0] for ln in out.split("\n")[1:] if ln.strip()}
    assert set(MODULES) <= loaded, out


def test_nproc_prints_4(guest):
    _, out = guest.sh("nproc")
    assert out.strip() == str(SMP)


def test_reading_the_virtio_disk_gives_the_known_md5(guest, disk):
    _, out = guest.sh(f"head -c {DISK_SIZE} /dev/vda | md5sum")
    assert out.split()[0] == disk[1], out


def test_hwrng_is_virtio_and_gives_1_mib(guest):
    _, out = guest.sh("cat /sys/class/misc/hw_random/rng_current")
    assert out.strip().startswith("virtio_rng"), out
    _, out = guest.sh(f"head -c {HWRNG_BYTES} /dev/hwrng | wc -c")
    assert out.strip() == str(HWRNG_BYTES), out


def test_virtio_net_gets_a_dhcp_lease_from_user_networking(guest):
    _, out = guest.sh("udhcpc -i eth0 -n -q -t 5")
    assert "lease of 10.0.2.15" in out, out
    _, out = guest.sh("ip -4 addr show eth0")
    assert "inet 10.0.2.15/24" in out, out


def test_interrupts_count_on_every_cpu_and_every_virtio_spi(guest):
    _, before = guest.sh("cat /proc/interrupts")
    # Work for every device and every CPU: uncached disk reads, entropy,
    # a DHCP exchange, and four busy shells that the scheduler spreads.
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
    assert ipis, after
    per_cpu = [sum(v[0][c] for v in ipis.values()) for c in range(SMP)]
    assert all(n > 0 for n in per_cpu), f"IPIs per CPU {per_cpu}\n{after}"
    for name in ("Rescheduling", "Function"):
        row = [v[0] for v in ipis.values() if v[1].startswith(name)]
        assert row and sum(row[0]) > 0, f"{name} IPIs\n{after}"

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

    uart = rows_named(b, "uart-pl011")
    assert uart and sum(next(iter(uart.values()))[0]) > 0, after


def test_ctrl_c_interrupts_a_foreground_command(guest):
    guest.child.sendline("sleep 60; echo __RC=$?")
    time.sleep(1)
    guest.child.sendintr()
    # The shell kills the job: no marker, just a new prompt.
    idx = guest._expect([RC, PROMPT], 10, "Ctrl-C of sleep 60")
    assert idx == 1, guest.describe()
    rc, out = guest.sh("echo alive")
    assert out.strip() == "alive"


def test_dmesg_has_no_warning_bug_oops_stall_or_nobody_cared(guest):
    _, out = guest.sh("dmesg")
    bad = [ln for ln in out.split("\n")
           if any(re.search(p, ln) for p in DMESG_BAD)]
    assert not bad, "\n".join(bad)


def _guest_dts(guest):
    """The DTB the guest booted with (/sys/firmware/fdt), as dtc's source
    and its warnings."""
    import base64
    import subprocess
    _, out = guest.sh("base64 /sys/firmware/fdt", timeout=CMD_TIMEOUT)
    blob = base64.b64decode("".join(out.split()))
    path = vigil_qemu.LOG_DIR / f"test_linux-{guest.mode}-guest.dtb"
    path.write_bytes(blob)
    r = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", str(path)],
                       capture_output=True, text=True, check=True)
    return r.stdout, r.stderr


def test_guest_dtb_shows_exactly_what_the_vm_owns(guest):
    """vigil's generated guest DTB (issue 4): dtc reads it without a
    warning; memory is the VM's RAM; four cpus with MPIDRs 0-3 and PSCI
    through HVC; the GIC shows only distributor and CPU interface (no
    GICH/GICV, no maintenance interrupt, no GICv2m frame); the passthrough
    devices and nothing else of the host (no PCIe, flash, fw-cfg, GPIO);
    /chosen carries the bootargs and the initrd; no /hypervisor node.
    Natively the same reads show QEMU's own tree, which has all of those."""
    dts, warnings = _guest_dts(guest)
    host_only = ["pcie@", "flash@", "fw-cfg@", "pl061@", "v2m@",
                 "gpio-keys"]
    if guest.mode == "native":
        for name in host_only:
            assert name in dts, name
        return
    assert warnings == "", warnings
    assert "memory@50000000 {" in dts
    assert re.search(r"memory@50000000 \{[^}]*reg = <0x00 0x50000000 "
                     r"0x00 0x30000000>", dts), dts
    cpus = re.findall(r"cpu@(\d+) \{[^}]*?reg = <0x0?(\d+)>", dts)
    assert sorted(cpus) == [(str(i), str(i)) for i in range(SMP)], cpus
    assert re.search(r'psci \{[^}]*method = "hvc"', dts), dts
    gic = re.search(r"intc@8000000 \{(.*?)\n\t\};", dts, re.S).group(1)
    assert "reg = <0x00 0x8000000 0x00 0x1000 0x00 0x8010000 0x00 " \
        "0x2000>;" in gic, gic
    assert "interrupts" not in gic, gic
    for name in host_only + ["hypervisor"]:
        assert name not in dts, name
    for name in ["pl011@9000000", "pl031@9010000", "virtio_mmio@a000000",
                 "virtio_mmio@a003e00", "timer {", "psci {"]:
        assert name in dts, name
    chosen = re.search(r"chosen \{(.*?)\};", dts, re.S).group(1)
    assert 'bootargs = "console=ttyAMA0' in chosen, chosen
    assert "linux,initrd-start" in chosen and "linux,initrd-end" in chosen


def test_cpu3_goes_offline_and_online_and_runs_tasks_again(guest):
    """CPU hotplug: PSCI CPU_OFF and CPU_ON (through vigil's PSCI under
    vigil, QEMU's natively)."""
    cpu3 = "/sys/devices/system/cpu/cpu3/online"
    guest.sh(f"echo 0 > {cpu3}")
    _, out = guest.sh("cat /sys/devices/system/cpu/online")
    assert out.strip() == "0-2", out
    _, out = guest.sh("nproc")
    assert out.strip() == "3", out
    guest.sh(f"echo 1 > {cpu3}")
    _, out = guest.sh("cat /sys/devices/system/cpu/online")
    assert out.strip() == "0-3", out
    # A task pinned to CPU 3 runs there: field 39 of /proc/self/stat is
    # the CPU it last ran on.
    _, out = guest.sh("taskset -c 3 cut -d' ' -f39 /proc/self/stat")
    assert out.strip() == "3", out


def test_poweroff_f_makes_qemu_exit_0(guest):
    assert guest.poweroff() == 0, guest.describe()


VIGIL_PT = re.compile(r"vigil: vm0 passthrough: taken=(\d+) "
                      r"deactivated=(\d+) held=(\d+) lost=(\d+)")


def test_vigil_accounts_for_every_interrupt_at_power_off(guest):
    """Under vigil: its counters after the guest's poweroff, every
    passthrough interrupt it took deactivated, none lost. Natively: no
    vigil line at all."""
    out = guest.output()
    if guest.mode == "native":
        assert "vigil:" not in out, guest.describe()
        return
    m = VIGIL_PT.search(out)
    assert m, f"no passthrough counters{guest.describe()}"
    taken, done, held, lost = map(int, m.groups())
    assert taken > 0 and lost == 0, m.group(0)
    assert taken == done + held, m.group(0)
    assert "last VM off: powering off" in out, guest.describe()
    # Quiet while the guest owns the UART: no vigil line between the
    # guest's first line and its poweroff.
    body = out[out.index(BANNER):out.rindex("reboot: Power down")
               if "reboot: Power down" in out else len(out)]
    assert "vigil:" not in body.replace("vigil-guest", ""), guest.describe()


@pytest.mark.parametrize("mode", MODES)
def test_reboot_f_twice_boots_to_the_prompt_again(mode, images, disk):
    """`reboot -f`: PSCI SYSTEM_RESET (vigil resets the VM: images restored,
    vGIC and passthrough IRQs reset, vCPU 0 started again)."""
    g = LinuxGuest(f"test_linux-{mode}-reboot", [f"--{mode}", "--disk",
                                                 disk[0]])
    try:
        g.boot()
        for n in (1, 2):
            g.child.sendline("reboot -f")
            g._expect([BANNER], g.timeout, f"reboot {n}: banner again")
            g._expect([PROMPT], g.timeout, f"reboot {n}: prompt again")
            g.child.sendline("stty -echo; dmesg -n 1")
            g._expect([PROMPT], CMD_TIMEOUT, "stty -echo")
            _, out = g.sh("nproc")
            assert out.strip() == str(SMP), out
        _, out = g.sh(f"head -c {DISK_SIZE} /dev/vda | md5sum")
        assert out.split()[0] == disk[1], out
        assert g.poweroff() == 0, g.describe()
        if mode == "vigil":
            assert "VM 0 'vm0' resets=2" in g.output(), g.describe()
    finally:
        g.close()


@pytest.mark.parametrize("mode", MODES)
def test_icount_instructions_to_the_prompt(mode, images, disk, capsys):
    """With -icount shift=0 the virtual clock advances 1 ns per guest
    instruction (all CPUs together, plus idle time skipped at real-time pace
    while every CPU waits in WFI); /init prints the generic timer's count
    (CNTVCT_EL0, reset to 0 with the machine) as it starts the shell."""
    g = LinuxGuest(f"test_linux-{mode}-icount",
                   [f"--{mode}", "--icount", "--disk", disk[0]])
    try:
        g.boot()
        m = re.search(r"at shell cntvct=(\d+) cntfrq=(\d+)", g.output())
        assert m, g.describe()
        cnt, frq = int(m.group(1)), int(m.group(2))
        insns = cnt * 1_000_000_000 // frq
        assert 10**8 < insns < 10**11, g.describe()
        report(capsys, f"{mode} boot with -icount shift=0: {insns:,} "
               f"instructions (virtual ns) to the prompt, "
               f"{g.boot_seconds:.2f} s wall")
        save_numbers(kernel=images, **{
            f"{mode}_icount_insns": insns,
            f"{mode}_icount_wall_s": round(g.boot_seconds, 2)})
        if mode == "vigil":
            # vigil's own start-up, from its boot-phase line: under
            # -icount shift=0 a microsecond is 1,000 instructions.
            b = re.search(r"boot phases \(us\):.* total (\d+)", g.output())
            assert b, g.describe()
            start = int(b.group(1)) * 1000
            report(capsys, f"vigil start-up (entry to the guests): "
                   f"{start:,} instructions")
            save_numbers(vigil_start_insns=start)
        path = vigil_qemu.LOG_DIR / "linux-boot.json"
        nums = json.loads(path.read_text())
        if mode == "vigil" and "native_icount_insns" in nums:
            ratio = insns / nums["native_icount_insns"]
            report(capsys, f"vigil/native instructions to the prompt: "
                   f"{ratio:.3f}")
            save_numbers(vigil_over_native_icount=round(ratio, 4))
        assert g.poweroff() == 0, g.describe()
    finally:
        g.close()
