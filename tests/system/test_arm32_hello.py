# SPDX-License-Identifier: MIT
"""The hello guest, built for A32, under the arm32 vigil (ARMv7-A HYP mode
on a Cortex-A15, qemu-system-arm): vCPU bring-up through PSCI (HVC32 from
the guest, SMC to QEMU's firmware for the pCPUs), stage-2 faults injected
as AArch32 data aborts, the guest DTB in r0/r2, and power-off. Also: the
arm32 image has no VFP/Advanced SIMD instruction (tools/check-no-fp.sh),
and that check catches one.

The same guest also runs natively (`native`: alone in SVC mode on QEMU's
GICv2 and PSCI, tools/run-qemu.sh --native) under the same assertions,
except vigil's own lines and counters; there the two accesses vigil turns
into aborts do not fault, and the DTB is where QEMU's boot code puts it.

Images: build/qemu-virt-arm32 (`make ARCH=arm32`, which `make test` runs).
"""
import re
import subprocess
from pathlib import Path

import pytest

import vigil_qemu

BUILD = vigil_qemu.REPO / "build" / "qemu-virt-arm32"
UNMAPPED_IPA = 0x30000000  # tests/guests/hello/hello.c: HELLO_UNMAPPED_IPA
VIGIL_PA = 0x40010000  # where QEMU loads a zImage (platform LOAD_ADDR)

# DFSR of the synchronous external abort vigil injects (ARM ARM DDI 0406C
# B4.1.52): the guest runs with TTBCR.EAE = 0, so the short-descriptor
# format: FS = 0b01000 (bits [10] and [3:0]), WnR (bit 11) for a write.
DFSR_EXT_READ = 0x008
DFSR_EXT_WRITE = 0x808

VCPU_UP = r"^vcpu (\d+) up mpidr=(0x[0-9a-f]+)$"
# Natively QEMU's Linux boot puts the DTB at RAM base + min(RAM / 2,
# 128 MiB) when there is no initrd (hw/arm/boot.c,
# arm_setup_direct_kernel_boot(): initrd_start, then the DTB after it).
NATIVE_DTB = 0x48000000


def with_arm32(fn, mem=None):
    """Run fn() with the arm32 build and QEMU (vigil_qemu reads both from
    the environment), and `mem` of RAM if given, then put the environment
    back."""
    env = {"VIGIL_BUILD": str(BUILD), "VIGIL_ARCH": "arm32"}
    if mem:
        env["VIGIL_MEM"] = mem
    return vigil_qemu.with_env(env, fn)


# (name, vCPUs, /hypervisor fragment, QEMU's RAM). With 3 GiB the default
# VM's RAM runs to 0xffffffff, above HYP's linear map (0xf0000000): its DTB
# (the top 2 MiB) is written through the mm_map() window. With 5 GiB it
# runs to 0x17fffffff, beyond r2's reach: the DTB goes to the top 2 MiB
# below 4 GiB (config_boot_ram_end()).
CONFIGS = [
    ("default", 4, None, None),
    ("high-ram", 4, None, "3G"),
    ("above-4g", 4, None, "5G"),
    ("two-vcpus", 2, """
/ {
	hypervisor {
		compatible = "vigil,hypervisor";
		vm@0 {
			compatible = "vigil,vm";
			label = "duo";
			vcpus = <2>;
			memory = <0x0 0x50000000 0x0 0x10000000>;
			entry = <0x0 0x50000000>;
		};
	};
};
""", None),
]
# On the 5 GiB machine QEMU also loads an initrd (-initrd): vigil copies it
# below the DTB (core/vm.c), the guest finds it through /chosen and reads
# its first word with the MMU off.
INITRD_SIZE = 0x180000
INITRD_FIRST = 0x54494e49  # "INIT", little endian
# ALIGN_DOWN(0xffe00000 - INITRD_SIZE, 2 MiB)
INITRD_AT = (0xffc00000, 0xffc00000 + INITRD_SIZE)


def initrd_args():
    path = vigil_qemu.LOG_DIR / "test_arm32_hello-initrd.bin"
    vigil_qemu.LOG_DIR.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"INIT" + bytes(INITRD_SIZE - 4))
    return ["-initrd", str(path)]


# The same guest alone, natively (no vigil): the baseline of the
# assertions above that are not about vigil itself.
NATIVE = ("native", 4, None, None)


def run_native(name, guest, smp=4, timeout=None, qemu_args=(),
               append=None):
    """vigil_qemu.run_native() for an A32 guest: alone in SVC mode on
    QEMU's own GICv2 and PSCI (qemu-system-arm, no virtualization=on),
    loaded as a zImage at 0x40010000, from where its entry copies it to
    its link address (tests/guests/lib/start.S)."""
    return with_arm32(lambda: vigil_qemu.run_native(
        name, guest, smp=smp, timeout=timeout, qemu_args=qemu_args,
        append=append))


def guest_matching(run, pattern):
    """re.Match objects of `pattern` searched in what the guest printed
    (run.texts(): under vigil without the `<vm>| ` prefix, natively every
    console line)."""
    rx = re.compile(pattern)
    return [m for m in map(rx.search, run.texts()) if m]


def vigil_only(run):
    if run.native:
        pytest.skip("vigil's own lines and counters: none natively")


@pytest.fixture(scope="module", params=CONFIGS + [NATIVE],
                ids=lambda c: c[0])
def hello(request):
    name, vcpus, fragment, mem = request.param
    for f in (BUILD / "vigil.bin", BUILD / "guests/hello.bin"):
        if not f.is_file():
            pytest.fail(f"not built: {f} (run make ARCH=arm32)")
    run_name = f"test_arm32_hello-{name}"
    if name == "native":
        return vcpus, run_native(run_name, "hello")

    def boot():
        dtb = (vigil_qemu.make_dtb(run_name, fragment) if fragment
               else None)
        qemu_args = initrd_args() if name == "above-4g" else []
        return vigil_qemu.run_vigil(run_name, guest="hello", dtb=dtb, smp=4,
                                    qemu_args=qemu_args)

    return vcpus, with_arm32(boot, mem)


def test_vigil_boots_in_hyp_mode_and_brings_up_4_pcpus(hello):
    _, run = hello
    vigil_only(run)
    assert not run.panicked and not run.timed_out, run.describe()
    assert len(run.matching(r"vigil: 4 CPUs online, 1 VM\(s\); "
                            r"starting guests")) == 1, run.describe()


def test_banner_names_hyp_mode_not_el2(hello):
    """ARMv7-A has no exception levels: vigil runs in Hyp mode (the arch
    hook arch_priv_level_name())."""
    _, run = hello
    vigil_only(run)
    assert len(run.matching(r"vigil: vigil \S+ on \S+: HYP, image at "
                            rf"0x{VIGIL_PA:x}, DTB at 0x")) == 1, \
        run.describe()
    assert not run.matching(r"vigil: vigil \S+ on .*EL2"), run.describe()


def test_every_vcpu_prints_up_exactly_once(hello):
    vcpus, run = hello
    ids = sorted(int(m.group(1)) for m in guest_matching(run, VCPU_UP))
    assert ids == list(range(vcpus)), run.describe()


def test_each_vcpu_has_its_index_in_aff0_and_the_mp_bit(hello):
    vcpus, run = hello
    ups = {int(m.group(1)): int(m.group(2), 16)
           for m in guest_matching(run, VCPU_UP)}
    assert len(set(ups.values())) == vcpus, run.describe()
    for vcpu, mpidr in ups.items():
        assert mpidr == (1 << 31) | vcpu, run.describe()


def test_cpu_on_succeeds_per_vcpu_and_fails_beyond_the_vm(hello):
    vcpus, run = hello
    for vcpu in range(1, vcpus):
        pattern = rf"^cpu_on mpidr=0x{vcpu:x} -> 0 \(SUCCESS\)$"
        assert len(guest_matching(run, pattern)) == 1, run.describe()
    pattern = rf"^cpu_on mpidr=0x{vcpus:x} -> -2 \(INVALID_PARAMETERS\)$"
    assert len(guest_matching(run, pattern)) == 1, run.describe()


def test_psci_version_is_1_1(hello):
    _, run = hello
    assert len(guest_matching(run, r"^psci version 1\.1$")) == 1, \
        run.describe()


def test_unmapped_ipa_read_gets_an_aarch32_external_abort(hello):
    """Natively there is no stage 2: the read of QEMU's PCIe window and
    the write to RAM at 0x40010000 do not fault, which shows the aborts
    come from vigil."""
    _, run = hello
    pattern = (r"^unmapped read: NO FAULT$" if run.native else
               rf"^unmapped read: fault esr=0x{DFSR_EXT_READ:x} "
               rf"far=0x{UNMAPPED_IPA:x}$")
    assert len(guest_matching(run, pattern)) == 1, run.describe()


def test_write_to_vigil_memory_gets_an_aarch32_external_abort(hello):
    _, run = hello
    pattern = (r"^vigil write: NO FAULT$" if run.native else
               rf"^vigil write: fault esr=0x{DFSR_EXT_WRITE:x} "
               rf"far=0x{VIGIL_PA:x}$")
    assert len(guest_matching(run, pattern)) == 1, run.describe()


def test_r2_at_entry_points_at_the_guest_dtb(hello):
    _, run = hello
    if run.native:
        assert len(guest_matching(run, rf"^dtb ok at 0x{NATIVE_DTB:x} ")) \
            == 1, run.describe()
        return
    m = run.matching(r"vigil: VM 0 '\w+': \d vCPUs, RAM 0x([0-9a-f]+)-"
                     r"0x([0-9a-f]+), entry 0x[0-9a-f]+, DTB at 0x([0-9a-f]+)")
    assert len(m) == 1, run.describe()
    end, dtb = int(m[0].group(2), 16), int(m[0].group(3), 16)
    # The top 2 MiB of the VM's RAM (core/guest_dtb.c) below 4 GiB; on
    # the 3 GiB machine above HYP's linear map, reached through the window.
    assert dtb == min(end + 1, 1 << 32) - (2 << 20), run.describe()
    if run.name.endswith("high-ram"):
        assert (end, dtb) == (0xffffffff, 0xffe00000), run.describe()
    if run.name.endswith("above-4g"):
        assert (end, dtb) == (0x17fffffff, 0xffe00000), run.describe()
        assert len(guest_matching(
            run, rf"^initrd at 0x{INITRD_AT[0]:x}-0x{INITRD_AT[1]:x} "
            rf"first=0x{INITRD_FIRST:08x}$")) == 1, run.describe()
    else:
        assert not guest_matching(run, r"^initrd"), run.describe()
    assert len(guest_matching(run, rf"^dtb ok at 0x{dtb:x} ")) == 1, \
        run.describe()


def test_boot_vcpu_gets_r0_0_and_r1_all_ones(hello):
    """The Linux boot protocol (Documentation/arch/arm/booting.rst): r0 =
    0, r1 = ~0 (no machine type; QEMU's own loader gives virt's -1 too),
    r2 the DTB (test_r2_at_entry_points_at_the_guest_dtb). CPU_ON's
    context id goes in r0 instead (the secondaries' indices)."""
    _, run = hello
    assert len(guest_matching(run, r"^boot regs r0=0x0 r1=0xffffffff$")) \
        == 1, run.describe()


def test_secondaries_are_off_and_the_guest_powers_off(hello):
    vcpus, run = hello
    for vcpu in range(1, vcpus):
        assert len(guest_matching(run, rf"^vcpu {vcpu} off$")) == 1, \
            run.describe()
    assert len(guest_matching(run, r"^hello: done$")) == 1, run.describe()
    assert not run.timed_out and not run.panicked, run.describe()
    assert run.exitstatus == 0, run.describe()


def test_vigil_injected_the_two_aborts_and_powered_off(hello):
    _, run = hello
    vigil_only(run)
    assert run.matching(r"vigil: last VM off: powering off"), run.describe()
    # Two aborts injected in all, on vCPU 0's pCPU (the default VM's
    # vCPU 0 runs on pCPU 0).
    assert run.matching(r"stats cpu0: exits=\d+ hvc=\d+ aborts_injected=2 "
                        r"undefs_injected=0"), run.describe()


# ---- the no-VFP check (tools/check-no-fp.sh, A32/T32) ---------------------
# These two tests were lost in dda2b03 (the docstring and docs/arm32.md
# still named them); back, with the one allowed function.

CHECK = vigil_qemu.REPO / "tools" / "check-no-fp.sh"
OBJDUMP = "arm-none-eabi-objdump"


def test_arm32_image_has_no_vfp_or_neon_instruction():
    elf = BUILD / "vigil.elf"
    assert elf.is_file(), f"not built: {elf}"
    r = subprocess.run([str(CHECK), OBJDUMP, str(elf)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def _check_fn(tmp_path, fn, insn):
    """check-no-fp.sh on an object whose function `fn` holds `insn`."""
    src = tmp_path / "fp.s"
    src.write_text(f".arm\n.fpu neon-vfpv4\n.text\n.globl {fn}\n{fn}:\n"
                   f"\tmov r0, r0\n\t{insn}\n\tbx lr\n")
    obj = tmp_path / "fp.o"
    subprocess.run(["arm-none-eabi-as", "-march=armv7ve", "-o", str(obj),
                    str(src)], check=True, timeout=60)
    return subprocess.run([str(CHECK), OBJDUMP, str(obj)],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("insn", ["vldr d0, [r1]", "vmov.f32 s0, s1",
                                  "vmrs r0, fpscr", "vadd.i32 q0, q1, q2",
                                  "mrc p10, 7, r0, c8, c0, 0"])
def test_the_check_catches_a_vfp_or_neon_instruction(tmp_path, insn):
    r = _check_fn(tmp_path, "f", insn)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "f: " in r.stderr, r.stderr


@pytest.mark.parametrize("insn,allowed", [
    ("vmov d16, r0, r0", True), ("vmsr fpexc, r0", True),
    ("vmrs r1, mvfr0", True), ("vldr d0, [r1]", False),
    ("vadd.i32 q0, q1, q2", False), ("vstr d0, [r1]", False)])
def test_vfp_reset_state_may_only_zero_registers(tmp_path, insn, allowed):
    """arch/arm/arm32/vfp.S's vfp_reset_state: VMRS, VMSR, VMOV only."""
    r = _check_fn(tmp_path, "vfp_reset_state", insn)
    assert r.returncode == (0 if allowed else 1), r.stdout + r.stderr
