# SPDX-License-Identifier: MIT
"""vigil on a Raspberry Pi 4: QEMU 10's raspi4b (tools/fetch-qemu10.sh),
booted with Debian's bcm2711-rpi-4-b.dtb, the very vigil.bin of QEMU virt.

The machine enters vigil.bin at 0x80000 at EL2 on four Cortex-A72s, the
secondaries parked in a spin table; there is no PSCI; the GIC-400 sits
under /soc's ranges; the console is the mini UART. The test guests are
built for it by `make PLATFORM=rpi4` (linked at 0x10000000, where the
default VM's RAM starts). Also here: the same image relocating itself on
QEMU virt when loaded elsewhere than its link address.
"""
import re
import struct

import pytest

import vigil_qemu

RPI4_BUILD = vigil_qemu.REPO / "build" / "rpi4-arm64"
TIMEOUT = 120

VCPU_UP = r"\| vcpu (\d+) up mpidr=(0x[0-9a-f]+)\s*$"
# tests/system/test_hello.py: a synchronous external abort at EL1.
ESR_DABT_EXT_READ = 0x96000010
ESR_DABT_EXT_WRITE = 0x96000050


def _first(run, pattern):
    found = run.matching(pattern)
    return found[0] if found else None


def _fault(run, what):
    m = _first(run, rf"\| {what}: fault esr=(0x[0-9a-f]+) far=(0x[0-9a-f]+)")
    assert m, f"no '{what}' fault line{run.describe()}"
    return int(m.group(1), 16), int(m.group(2), 16)


@pytest.fixture(scope="module")
def images():
    virt = vigil_qemu.build_dir() / "vigil.bin"
    pi = RPI4_BUILD / "vigil.bin"
    for p in (virt, pi, RPI4_BUILD / "guests" / "hello.bin"):
        if not p.is_file():
            pytest.fail(f"not built: {p} (make PLATFORM=rpi4)")
    return virt.read_bytes(), pi.read_bytes()


def test_one_image_for_every_board(images):
    virt, pi = images
    assert virt == pi, "vigil.bin differs between PLATFORM=qemu-virt and rpi4"


def test_image_header_is_true(images):
    img, _ = images
    code0, text_offset, image_size, flags = struct.unpack_from("<IxxxxQQQ",
                                                               img, 0)
    assert img[0x38:0x3c] == b"ARM\x64"
    assert text_offset == 0x80000
    # image_size covers what runs (bss, stacks), more than the file.
    assert image_size >= len(img) and image_size % 4096 == 0
    # LE, 4 KiB pages (bits 1-2 = 1), placed anywhere (bit 3).
    assert flags == 0xa


@pytest.fixture(scope="module")
def hello(images):
    return vigil_qemu.run_vigil("test_rpi4-hello", guest="hello",
                                machine="raspi4b", build=RPI4_BUILD,
                                timeout=TIMEOUT)


def test_vigil_finds_the_pi_in_the_dtb(hello):
    run = hello
    assert _first(run, r"vigil: vigil \S+ on Raspberry Pi 4 Model B: EL2, "
                     r"image at 0x80000, DTB at 0x8000000$"), run.describe()
    assert _first(run, r"platform: console /soc/serial@7e215040 8250 at "
                     r"0xfe215040; GIC frames 0xff841000 0xff842000 "
                     r"0xff844000 0xff846000$"), run.describe()
    assert _first(run, r"platform: 4 CPUs \(spin-table\), PSCI none, "
                     r"1 memory bank\(s\)$"), run.describe()
    assert _first(run, r"platform: memory 0x0-0x3bffffff$"), run.describe()
    assert _first(run, r"GICv2: GICD 0xff841000 GICC 0xff842000 GICH "
                     r"0xff844000 GICV 0xff846000, 224 IRQs, maintenance "
                     r"IRQ 25$"), run.describe()


def test_four_pcpus_come_up_through_the_spin_table(hello):
    run = hello
    assert _first(run, r"vigil: 4 CPUs online, 1 VM\(s\); starting guests$"), \
        run.describe()
    stats = run.matching(r"vigil: stats cpu(\d+): exits=(\d+)")
    assert sorted(int(m.group(1)) for m in stats) == [0, 1, 2, 3], \
        run.describe()
    # Each secondary ran its vCPU: it took guest exits.
    assert all(int(m.group(2)) > 0 for m in stats), run.describe()


def test_default_vm_takes_the_ram_after_vigil(hello):
    run = hello
    assert _first(run, r"VM 0 'vm0': 4 vCPUs, RAM 0x10000000-0x3bffffff, "
                     r"entry 0x10000000, DTB at 0x3be00000$"), run.describe()


def test_hello_vcpus_each_up_once(hello):
    run = hello
    ids = sorted(int(m.group(1)) for m in run.matching(VCPU_UP))
    assert ids == [0, 1, 2, 3], run.describe()
    assert _first(run, r"\| cpu_on mpidr=0x4 -> -2 \(INVALID_PARAMETERS\)"), \
        run.describe()


def test_hello_faults_outside_its_ram_and_on_vigil(hello):
    run = hello
    assert _fault(run, "unmapped read") == (ESR_DABT_EXT_READ, 0x0c000000)
    assert _fault(run, "vigil write") == (ESR_DABT_EXT_WRITE, 0x80000)
    assert _first(run, r"\| dtb ok at 0x3be00000 size=\d+"), run.describe()


def test_power_off_without_psci_ends_qemu(hello):
    # No PSCI on the Pi: vigil powers off through the PM watchdog.
    run = hello
    assert _first(run, r"\| hello: done$"), run.describe()
    assert _first(run, r"vigil: last VM off: powering off$"), run.describe()
    assert not run.timed_out and not run.panicked, run.describe()
    assert run.exitstatus == 0, run.describe()


@pytest.fixture(scope="module")
def vgic(images):
    return vigil_qemu.run_vigil("test_rpi4-vgic", guest="vgic",
                                machine="raspi4b", build=RPI4_BUILD,
                                timeout=TIMEOUT)


def test_vgic_guest_passes_every_check_on_the_gic400_frames(vgic):
    run = vgic
    assert _first(run, r"\| vgic: under vigil, gicd=0xff841000 "
                     r"gicc=0xff842000$"), run.describe()
    checks = [re.match(r"check ([a-z0-9_]+(?: vcpu\d+)?): (PASS|FAIL)", t)
              for t in run.guest_texts()]
    checks = [m for m in checks if m]
    assert len(checks) == 63, run.describe()
    assert all(m.group(2) == "PASS" for m in checks), \
        [m.group(0) for m in checks if m.group(2) != "PASS"]
    assert _first(run, r"\| vgic: 63 passed, 0 failed$"), run.describe()
    stats = run.matching(r"\| vgic: vcpu (\d) irq exceptions=\d+ acked=\d+ "
                         r"spurious=(\d+) unhandled=(\d+)")
    assert len(stats) == 4, run.describe()
    assert all(m.group(2) == "0" and m.group(3) == "0" for m in stats), \
        run.describe()
    assert not run.timed_out and run.exitstatus == 0, run.describe()


@pytest.fixture(scope="module")
def moved(tmp_path_factory, images):
    """vigil.bin with text_offset 16 MiB: QEMU virt loads it at 0x41000000,
    16 MiB from where it is linked, so it runs only if it relocates."""
    img = bytearray(images[0])
    struct.pack_into("<Q", img, 8, 0x1000000)
    build = tmp_path_factory.mktemp("moved")
    (build / "guests").mkdir()
    (build / "vigil.bin").write_bytes(img)
    (build / "guests" / "hello.bin").write_bytes(
        (vigil_qemu.build_dir() / "guests" / "hello.bin").read_bytes())
    return vigil_qemu.run_vigil("test_rpi4-moved", guest="hello",
                                build=build, timeout=TIMEOUT)


def test_image_relocates_itself_on_virt(moved):
    run = moved
    assert _first(run, r"vigil: vigil \S+ on linux,dummy-virt: EL2, image at "
                     r"0x41000000, DTB at 0x48000000$"), run.describe()
    ids = sorted(int(m.group(1)) for m in run.matching(VCPU_UP))
    assert ids == [0, 1, 2, 3], run.describe()
    assert _first(run, r"\| hello: done$"), run.describe()
    assert not run.timed_out and run.exitstatus == 0, run.describe()


# The storm guest on the Pi: QEMU 10.0's raspi4b has no virtio-mmio, and
# does not wire the BCM2835 system timer's compare outputs to the GIC, so
# the source is the PL011 (passed through to the default VM) in loopback:
# every byte written comes back into its receive FIFO and raises its level
# RX SPI (tests/guests/storm/storm.c, storm.pl011=1).
STORM_IRQS = 10000
STORM_RESULT = re.compile(r"^storm: (PASS|FAIL) total=(\d+) requests=(\d+) "
                          r"completions=(\d+) moves=(\d+) spurious=(\d+) "
                          r"per-vcpu=([\d,]+)$")
STORM_DETAILS = re.compile(r"^storm: requests=\d+ completions=\d+ "
                           r"dups=(\d+) bad_len=(\d+) ")
VGIC_MOVES = (r"vigil: vm0 vgic: moves requested=(\d+) lr_pending=(\d+) "
              r"maint=(\d+) exit=(\d+) superseded=(\d+) stranded=(\d+) ")
VIGIL_PT = (r"vigil: vm0 passthrough: taken=(\d+) deactivated=(\d+) "
            r"held=(\d+) lost=(\d+) hw_eoi=(\d+)$")
POKES = r"vigil: irqs cpu(\d): .* poke_timer=(\d+) pokes=(\d+)$"


@pytest.fixture(scope="module")
def storm(images):
    return vigil_qemu.run_vigil("test_rpi4-storm", guest="storm",
                                machine="raspi4b", build=RPI4_BUILD,
                                append=f"storm.pl011=1 "
                                       f"storm.irqs={STORM_IRQS}",
                                timeout=TIMEOUT)


def _one(run, rx):
    found = [m for m in map(rx.match, run.texts()) if m]
    assert len(found) == 1, f"{rx.pattern!r} x{len(found)}{run.describe()}"
    return found[0]


def test_storm_on_the_pl011_passes_with_exact_counts(storm):
    run = storm
    assert _first(run, r"\| storm: PL011 loopback at 0xfe201000 intid 153 "
                     r"level queue 4$"), run.describe()
    m = _one(run, STORM_RESULT)
    assert m.group(1) == "PASS", run.describe()
    total, requests, completions = map(int, m.group(2, 3, 4))
    assert total == STORM_IRQS, run.describe()
    # Every byte sent came back once, in order, without an error flag.
    assert requests == completions, run.describe()
    assert _one(run, STORM_DETAILS).group(1, 2) == ("0", "0"), \
        run.describe()
    per = [int(n) for n in m.group(7).split(",")]
    assert len(per) == 4 and all(per) and sum(per) == total, run.describe()
    # The SPI moved between the vCPUs (vCPU 0 writes ITARGETSR when it
    # sees 4 more interrupts); GICv2 §3.2.5 allows one spurious acknowledge
    # per move at most.
    moves, spurious = int(m.group(5)), int(m.group(6))
    assert moves >= 4, run.describe()
    assert spurious <= moves, run.describe()
    bad = [t for t in run.texts()
           if "UNEXPECTED" in t or "TIMEOUT" in t or "STALLED" in t]
    assert not bad, run.describe()
    assert not run.timed_out and not run.panicked, run.describe()
    assert run.exitstatus == 0, run.describe()


def test_storm_every_move_completed_and_no_spi_lost(storm):
    run = storm
    m = _first(run, VGIC_MOVES)
    assert m, run.describe()
    req, in_place, maint, at_exit, _, stranded = map(int, m.groups())
    # At power-off no move is in flight: each one completed, in place,
    # through the maintenance IRQ or at an exit.
    assert req > 0 and req == in_place + maint + at_exit, m.group(0)
    assert maint > 0 and stranded == 0, m.group(0)
    p = _first(run, VIGIL_PT)
    assert p, run.describe()
    taken, done, held, lost, _ = map(int, p.groups())
    assert lost == 0 and held == 0 and taken == done, p.group(0)
    assert taken >= STORM_IRQS, p.group(0)


def test_storm_went_through_hw1_list_registers(storm):
    """QEMU 10's GIC (9.1 and later) gets HW = 1 LRs: the guest's EOI
    deactivates the physical SPI. Its model does not signal an instance
    that arrived meanwhile until the GIC is next written to; vigil pokes it
    (vgic/lr.c, vgic_hw_poke), and the storm's exact counts above show no
    instance lost or doubled on that path."""
    run = storm
    assert _first(run, r"GICv2 model QEMU \(GICD_IIDR 0x0000043b\): "
                     r"HW = 1 LRs for passthrough SPIs$"), run.describe()
    p = _first(run, VIGIL_PT)
    assert p, run.describe()
    taken, hw_eoi = int(p.group(1)), int(p.group(5))
    # The guest deactivated them through HW = 1 LRs, but for the ones in
    # flight when their SPI moved: a move rewrites an HW = 1 LR to a
    # virtual one with the EOI bit, and vigil deactivates that instance
    # (docs/vgic.md, the migration table).
    m = _first(run, VGIC_MOVES)
    assert m, run.describe()
    assert hw_eoi > 0 and taken - hw_eoi <= 2 * int(m.group(1)), \
        (p.group(0), m.group(0))
    pokes = run.matching(POKES)
    assert len(pokes) == 4, run.describe()
    assert sum(int(x.group(3)) for x in pokes) > 0, run.describe()
    assert sum(int(x.group(2)) for x in pokes) > 0, run.describe()
