# SPDX-License-Identifier: MIT
"""The hello guest under vigil: vCPU bring-up through PSCI, stage-2 faults,
the guest DTB, and power-off.

Each configuration boots once (module-scoped fixture); the tests below read
its console. Guest lines look like `<vm>| vcpu 1 up mpidr=0x80000001`.
"""
from dataclasses import dataclass

import re

import pytest

import vigil_qemu

UNMAPPED_IPA = 0x30000000  # tests/guests/hello/hello.c: HELLO_UNMAPPED_IPA
VIGIL_PA = 0x40080000  # where QEMU loads vigil.bin (platform LOAD_ADDR)

# ESR_EL1 of a synchronous external abort on a data access at EL1
# (ARM ARM D17.2.37): EC=0x25 (data abort, same EL) in bits [31:26], IL=1
# (32-bit instruction), ISV=0, DFSC=0x10; WnR (bit 6) set for a write.
ESR_DABT_EXT_READ = 0x96000010
ESR_DABT_EXT_WRITE = 0x96000050

VCPU_UP = r"\| vcpu (\d+) up mpidr=(0x[0-9a-f]+)\s*$"


@dataclass
class Config:
    name: str
    vcpus: int
    fragment: str | None = None  # /hypervisor node merged into QEMU's DTB
    label: str | None = None
    # Where the guest DTB is: the top 2 MiB of the VM's RAM.
    dtb_at: int = 0
    guest: str = "hello"
    # The machine's RAM (VIGIL_MEM) and where the guest image goes.
    mem: str | None = None
    guest_addr: int | None = None


CONFIGS = [
    # No /hypervisor node: vigil's default VM gets every CPU, and the RAM
    # from 0x50000000 to the end of the bank (1 GiB from 0x40000000).
    Config(name="default", vcpus=4, dtb_at=0x7fe00000),
    Config(name="two-vcpus", vcpus=2, label="duo", fragment="""
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
""", dtb_at=0x5fe00000),
    # A VM wholly in RAM above 4 GiB (issue 14: Juno's RAM is mostly
    # there): 6 GiB from 0x40000000, the VM at 5 GiB; the same guest
    # linked there (tests/guests/hello_high). vigil's own map and stage 2
    # reach it, its DTB is in its top 2 MiB.
    Config(name="above-4g", vcpus=4, label="high", dtb_at=0x14fe00000,
           guest="hello_high", mem="6G", guest_addr=0x140000000,
           fragment="""
/ {
	hypervisor {
		compatible = "vigil,hypervisor";
		vm@0 {
			compatible = "vigil,vm";
			label = "high";
			vcpus = <4>;
			memory = <0x1 0x40000000 0x0 0x10000000>;
		};
	};
};
"""),
]


@pytest.fixture(scope="module", params=CONFIGS, ids=lambda c: c.name)
def hello(request):
    cfg = request.param
    name = f"test_hello-{cfg.name}"
    env = {}
    if cfg.mem:
        env["VIGIL_MEM"] = cfg.mem
    if cfg.guest_addr:
        env["VIGIL_GUEST_ADDR"] = hex(cfg.guest_addr)

    def boot():
        dtb = (vigil_qemu.make_dtb(name, cfg.fragment) if cfg.fragment
               else None)
        return vigil_qemu.run_vigil(name, guest=cfg.guest, dtb=dtb, smp=4)
    return cfg, vigil_qemu.with_env(env, boot)


def test_every_vcpu_prints_up_exactly_once(hello):
    cfg, run = hello
    ids = sorted(int(m.group(1)) for m in run.matching(VCPU_UP))
    assert ids == list(range(cfg.vcpus)), run.describe()


def test_each_vcpu_has_a_distinct_mpidr_with_aff0_equal_to_its_index(hello):
    cfg, run = hello
    ups = {int(m.group(1)): int(m.group(2), 16)
           for m in run.matching(VCPU_UP)}
    assert len(set(ups.values())) == cfg.vcpus, run.describe()
    for vcpu, mpidr in ups.items():
        assert mpidr & 0xFF == vcpu, run.describe()
        assert mpidr & (1 << 31), f"MPIDR_EL1 bit 31 is RES1{run.describe()}"


def test_cpu_on_succeeds_for_each_configured_vcpu(hello):
    cfg, run = hello
    for vcpu in range(1, cfg.vcpus):
        pattern = rf"\| cpu_on mpidr=0x{vcpu:x} -> 0 \(SUCCESS\)"
        assert len(run.matching(pattern)) == 1, run.describe()


def test_cpu_on_of_a_vcpu_beyond_the_vm_fails_with_invalid_parameters(hello):
    cfg, run = hello
    pattern = rf"\| cpu_on mpidr=0x{cfg.vcpus:x} -> -2 \(INVALID_PARAMETERS\)"
    assert len(run.matching(pattern)) == 1, run.describe()


def test_psci_version_is_1_1(hello):
    _, run = hello
    assert run.matching(r"\| psci version 1\.1\s*$"), run.describe()


def test_unmapped_ipa_read_gets_a_synchronous_external_abort(hello):
    _, run = hello
    pattern = (rf"\| unmapped read: fault esr=0x{ESR_DABT_EXT_READ:x} "
               rf"far=0x{UNMAPPED_IPA:x}\s*$")
    assert len(run.matching(pattern)) == 1, run.describe()


def test_write_to_vigil_memory_gets_a_synchronous_external_abort(hello):
    _, run = hello
    pattern = (rf"\| vigil write: fault esr=0x{ESR_DABT_EXT_WRITE:x} "
               rf"far=0x{VIGIL_PA:x}\s*$")
    assert len(run.matching(pattern)) == 1, run.describe()


def test_x0_at_entry_points_at_the_guest_dtb(hello):
    cfg, run = hello
    pattern = rf"\| dtb ok at 0x{cfg.dtb_at:x} "
    assert len(run.matching(pattern)) == 1, run.describe()


def test_secondaries_are_off_after_cpu_off(hello):
    cfg, run = hello
    for vcpu in range(1, cfg.vcpus):
        assert len(run.matching(rf"\| vcpu {vcpu} off\s*$")) == 1, \
            run.describe()


def test_guest_sees_no_unexpected_exception_or_timeout(hello):
    _, run = hello
    bad = [t for t in run.guest_texts()
           if "UNEXPECTED" in t or "TIMEOUT" in t or "returned" in t]
    assert not bad, run.describe()


def test_guest_output_carries_the_vm_name(hello):
    cfg, run = hello
    names = {vm for vm, _ in run.guest_lines()}
    assert len(names) == 1, run.describe()
    if cfg.label is not None:
        assert names == {cfg.label}, run.describe()


def test_system_off_ends_qemu_with_status_0(hello):
    _, run = hello
    assert run.matching(r"\| hello: done\s*$"), run.describe()
    assert not run.timed_out and not run.panicked, run.describe()
    assert run.exitstatus == 0, run.describe()


def test_boot_phases_are_reported_once(hello):
    """The start-up breakdown (issue 16): one line, the phases in boot
    order, and a total that is the sum of the phases (each rounded down)."""
    _, run = hello
    lines = run.matching(r"vigil: boot phases \(us\):")
    assert len(lines) == 1, run.describe()
    fields = lines[0].string.split("(us):")[1].split()
    pairs = dict(zip(fields[::2], map(int, fields[1::2])))
    names = fields[::2]
    assert names[:4] == ["dtb", "memory", "gic", "config"], lines[0].string
    assert names[-2:] == ["cpus", "total"], lines[0].string
    phases = sum(v for k, v in pairs.items() if k != "total")
    assert phases <= pairs["total"] <= phases + len(pairs), lines[0].string


def test_exit_profile_counts_every_exit_of_each_vcpu(hello):
    """The per-exit profile (issue 16): one line per vCPU, whose counts add
    up to that pCPU's exits; the hello guest's two faulting accesses are
    the only MMIO exits of vCPU 0, and every vCPU made hypercalls."""
    cfg, run = hello
    name = cfg.label or "vm0"
    exits = {int(c): int(n) for c, n in
             (m.groups() for m in
              run.matching(r"vigil: stats cpu(\d+): exits=(\d+)"))}
    for vcpu in range(cfg.vcpus):
        line = run.matching(rf"vigil: exits {name} vcpu{vcpu} \(count/us\):")
        assert len(line) == 1, run.describe()
        text = line[0].string
        counts = {k: int(v.split("/")[0]) for k, v in
                  re.findall(r" (\w+) (\d+/\d+)", text)}
        assert sum(counts.values()) == exits[vcpu], text
        assert counts.get("hvc", 0) >= 2, text
        if vcpu == 0:
            assert counts.get("mmio") == 2, text
