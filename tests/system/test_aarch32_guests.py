# SPDX-License-Identifier: MIT
"""A32 test guests under the arm64 vigil (issue 18): a VM with
`vigil,aarch32` runs AArch32 at EL1 (HCR_EL2.RW = 0) on QEMU virt
-cpu cortex-a57, with the A32 hello guest the arm32 port runs
(build/qemu-virt-arm32/guests/hello.bin, linked at 0x50000000). The
assertions are test_arm32_hello.py's where they apply; the vgic guest's
and the short storm's are test_arm32_guests.py's own test functions,
imported here and run on this file's `vgic` and `storm` fixtures.

QEMU (7.2 and 10) loses the SPSR of an exception returned into from
AArch64 EL2: it keeps an AArch32 EL1's current SPSR in env->spsr, which
its exception return (a raw CPSR write, then aarch64_sync_64_to_32() in
target/arm/helper.c) never loads. vigil, seeing QEMU's GIC, injects
through its trampoline instead (arch/arm/arm64/vcpu.c, docs/arm32.md):
the guest is resumed where it faulted, MMU off, on a page of UDFs; QEMU's
own undefined-instruction entry sets the SPSR; the vector fetch from the
unmapped page above it lands back in vigil, which moves the guest to the
exception it meant. So the hello guest's aborts return to it, as on the
arm32 vigil, and test_arm32_hello.py's assertions run here unchanged.

Images: build/qemu-virt-arm64 and build/qemu-virt-arm32 (`make test`
builds both).
"""

import pytest

import vigil_qemu
from vigil_qemu import with_env
from test_arm32_guests import CHECK_LINE, STORM_IRQS, TIMEOUT
from test_arm32_guests import (  # noqa: F401 (collected here)
    test_storm_header_names_the_environment_and_relatch,
    test_storm_migrations_complete_through_maintenance_none_lost,
    test_storm_passes_with_every_request_completed_once,
    test_storm_passthrough_takes_the_path_the_gic_model_allows,
    test_vgic_check_passes,
    test_vgic_no_unexpected_exception_spurious_or_unhandled_irq,
    test_vgic_prints_exactly_the_expected_checks_and_summary,
    test_vgic_system_off_ends_qemu_with_status_0)
from test_arm32_hello import (  # noqa: F401 (collected here)
    test_boot_vcpu_gets_r0_0_and_r1_all_ones,
    test_cpu_on_succeeds_per_vcpu_and_fails_beyond_the_vm,
    test_each_vcpu_has_its_index_in_aff0_and_the_mp_bit,
    test_every_vcpu_prints_up_exactly_once, test_psci_version_is_1_1,
    test_r2_at_entry_points_at_the_guest_dtb,
    test_secondaries_are_off_and_the_guest_powers_off,
    test_unmapped_ipa_read_gets_an_aarch32_external_abort,
    test_vigil_injected_the_two_aborts_and_powered_off,
    test_write_to_vigil_memory_gets_an_aarch32_external_abort)
from test_arm32_hello import guest_matching

BUILD32 = vigil_qemu.REPO / "build" / "qemu-virt-arm32"
BUILD64 = vigil_qemu.REPO / "build" / "qemu-virt-arm64"
# tools/run-qemu.sh loads $BUILD/guests/$GUEST.bin: the arm32 build's,
# from the arm64 build's folder.
A32_HELLO = "../../qemu-virt-arm32/guests/hello"

ONE_VM = """
/ {
	hypervisor {
		compatible = "vigil,hypervisor";
		vm@0 {
			compatible = "vigil,vm";
			label = "a32";
			vcpus = <4>;
			memory = <0x0 0x50000000 0x0 0x10000000>;
			entry = <0x0 0x50000000>;
			vigil,aarch32;
		};
	};
};
"""

# The storm's virtio-rng: QEMU virt puts a -device on the last transport.
STORM_VM = ONE_VM.replace(
    "vigil,aarch32;",
    'devices = "/virtio_mmio@a003e00";\n\t\t\tvigil,aarch32;')

# An AArch64 VM (the hello guest linked at 5 GiB) beside an AArch32 one.
MIXED = """
/ {
	hypervisor {
		compatible = "vigil,hypervisor";
		vm@0 {
			compatible = "vigil,vm";
			label = "a64";
			vcpus = <2>;
			cpu-affinity = <0 1>;
			memory = <0x1 0x40000000 0x0 0x10000000>;
		};
		vm@1 {
			compatible = "vigil,vm";
			label = "a32";
			vcpus = <2>;
			cpu-affinity = <2 3>;
			memory = <0x0 0x50000000 0x0 0x10000000>;
			entry = <0x0 0x50000000>;
			vigil,aarch32;
		};
	};
};
"""


def need(*files):
    for f in files:
        if not f.is_file():
            pytest.fail(f"not built: {f} (run make and make ARCH=arm32)")


@pytest.fixture(scope="module")
def hello():
    """(vCPUs, run), as test_arm32_hello.py's fixture gives them."""
    need(BUILD64 / "vigil.bin", BUILD32 / "guests/hello.bin")
    name = "test_aarch32_guests-hello"

    def boot():
        dtb = vigil_qemu.make_dtb(name, ONE_VM)
        return vigil_qemu.run_vigil(name, guest=A32_HELLO, dtb=dtb, smp=4)

    return 4, with_env({"VIGIL_BUILD": str(BUILD64),
                        "VIGIL_ARCH": "arm64"}, boot)


def run_a32(name, guest, fragment, **kw):
    def boot():
        dtb = vigil_qemu.make_dtb(name, fragment)
        return vigil_qemu.run_vigil(name, guest=f"../../{guest}", dtb=dtb,
                                    smp=4, timeout=TIMEOUT, **kw)

    need(BUILD64 / "vigil.bin", BUILD32 / f"guests/{guest.split('/')[-1]}"
         ".bin")
    return with_env({"VIGIL_BUILD": str(BUILD64), "VIGIL_ARCH": "arm64"},
                    boot)


@pytest.fixture(scope="module")
def vgic():
    run = run_a32("test_aarch32_guests-vgic", "qemu-virt-arm32/guests/vgic",
                  ONE_VM)
    results = {}
    for text in run.texts():
        m = CHECK_LINE.match(text)
        if m:
            results.setdefault(m.group(1), []).append(
                (m.group(2), m.group(3).strip()))
    return run, results


@pytest.fixture(scope="module")
def storm():
    return run_a32("test_aarch32_guests-storm",
                   "qemu-virt-arm32/guests/storm", STORM_VM,
                   qemu_args=["-device", "virtio-rng-device"],
                   append=f"storm.irqs={STORM_IRQS}")


@pytest.fixture(scope="module")
def mixed():
    need(BUILD64 / "vigil.bin", BUILD64 / "guests/hello_high.bin",
         BUILD32 / "guests/hello.bin")
    name = "test_aarch32_guests-mixed"

    def boot():
        dtb = vigil_qemu.make_dtb(name, MIXED)
        loader = (f"loader,file={BUILD64 / 'guests/hello_high.bin'},"
                  "addr=0x140000000")
        return vigil_qemu.run_vigil(name, guest=A32_HELLO, dtb=dtb, smp=4,
                                    qemu_args=["-device", loader])

    return with_env({"VIGIL_BUILD": str(BUILD64), "VIGIL_ARCH": "arm64",
                     "VIGIL_MEM": "6G"}, boot)


def test_arm64_vigil_starts_the_aarch32_vm(hello):
    _, run = hello
    assert not run.panicked and not run.timed_out, run.describe()
    assert len(run.matching(r"vigil: vigil \S+ on \S+: EL2, ")) == 1, \
        run.describe()
    assert len(run.matching(r"vigil: VM 0 'a32': 4 vCPUs, RAM 0x50000000-"
                            r"0x5fffffff, entry 0x50000000, DTB at "
                            r"0x5fe00000")) == 1, run.describe()
    assert len(run.matching(r"vigil: 4 CPUs online, 1 VM\(s\); "
                            r"starting guests")) == 1, run.describe()


def test_the_trampoline_sits_in_the_highest_free_pages_below_4g(hello):
    """Nothing of the VM's is above its RAM: the pair is the top 8 KiB
    below 4 GiB."""
    _, run = hello
    assert len(run.matching(r"vigil: vm0: AArch32 injection trampoline at "
                            r"IPA 0xffffe000 \(QEMU\)$")) == 1, \
        run.describe()


def test_each_injection_lands_once(hello):
    """One landing exit (an instruction abort at the unmapped page) per
    injected abort, counted in vCPU 0's profile and not as an
    injection: aborts_injected=2 is test_vigil_injected_the_two_aborts'."""
    _, run = hello
    m = run.matching(r"exits a32 vcpu0 \(count/us\):.* iabt (\d+)/")
    assert len(m) == 1 and int(m[0].group(1)) == 2, run.describe()
    assert not run.matching(r"trampoline ended at"), run.describe()


def test_the_a32_guest_also_runs_with_all_four_vcpus_up(hello):
    _, run = hello
    assert len(guest_matching(run, r"^all 4 vcpus up$")) == 1, \
        run.describe()


def test_mixed_vms_boot_both(mixed):
    """One AArch64 VM and one AArch32 VM on the same vigil: the AArch64
    hello runs to its end; the AArch32 one brings its vCPUs up over
    HVC32 and returns from its injected aborts to its end."""
    run = mixed
    assert not run.panicked and not run.timed_out, run.describe()
    assert len(run.matching(r"vigil: 4 CPUs online, 2 VM\(s\); "
                            r"starting guests")) == 1, run.describe()
    a64 = [t for vm, t in run.guest_lines() if vm == "a64"]
    a32 = [t for vm, t in run.guest_lines() if vm == "a32"]
    assert a64.count("hello: done") == 1, run.describe()
    assert a32.count("all 2 vcpus up") == 1, run.describe()
    assert sorted(t for t in a32 if t.startswith("vcpu ") and " up " in t) \
        == ["vcpu 0 up mpidr=0x80000000", "vcpu 1 up mpidr=0x80000001"], \
        run.describe()
    assert a32.count("psci version 1.1") == 1, run.describe()
    assert a32.count("unmapped read: fault esr=0x8 far=0x30000000") == 1, \
        run.describe()
    assert a32.count("hello: done") == 1, run.describe()
    assert run.matching(r"vigil: last VM off: powering off"), run.describe()
