# SPDX-License-Identifier: MIT
"""The hostile guest's bad inputs in their AArch32 form (tests/guests/
hostile32) in vm@0 on 2 vCPUs under the arm32 vigil, beside the A32
bystander guest in vm@1 on the other 2 pCPUs: test_hostile.py's
configuration, checks and counters, for ARMv7-A.

Every bad input ends in the architecturally right guest exception or the
specification's answer, which the guest checks exactly and prints as
`hostile <case>: PASS|FAIL <details>`:

- loads, stores and fetches outside its RAM (with an instruction syndrome
  and without one: LDRD/STRD, LDM/STM, writeback) and refused
  distributor accesses: the data or prefetch abort vector, ABT mode with
  A and I set, LR the instruction + 8 or + 4, SPSR the CPSR it ran with,
  DFSR/IFSR 0x008 (0x808 for a write) with TTBCR.EAE = 0 and 0x210
  (0xa10) with EAE = 1, DFAR/IFAR the address, no register changed;
- its own LPAE stage-1 tables outside its RAM (the walk faults at stage
  2) and a block at IPA 4 GiB: the same abort, DFAR the VA;
- the same from USR mode (SPSR.M = USR), from T32 code (SPSR.T set; an
  undefined instruction's LR + 2) and from vCPU 1 (counted on its pCPU);
  HVC and SMC at PL0 are UNDEFINED;
- PSCI with bad arguments and unknown SMCCC function IDs, through HVC and
  through SMC: the PSCI/SMCCC error codes; the SMC64 PSCI IDs are unknown
  to an AArch32 caller (vigil ran them before this test);
- PMU counters past PMCR.N: the undefined instruction vigil injects (UND
  mode, LR + 4); PL2 registers and a MIDR write: UNDEFINED by the CPU
  itself; read-only ACTLR and PMCR.N: writes ignored;
- VFP/Advanced SIMD: zero, FPSCR zero, FPEXC.EN clear, CPACR no access
  at every vCPU entry: the first boot, CPU_OFF then CPU_ON of vCPU 1
  and, the case that fails without arch/arm/arm32/vfp.S, after each of
  its two resets of its own VM (SYSTEM_RESET by HVC, SYSTEM_RESET2 by a
  trapped SMC32 call), though every boot filled d0-d31 and FPSCR first;
- test_hostile.py's SGI storm (the same guest code: exact counts with a
  handshake, no SGI lost in a burst, one pending per source and SGI while
  masked), vCPU 1 its helper, then off by CPU_OFF;
- after each reset: a fresh vGIC and GICV (the boot before left SPIs and
  the virtual timer's PPI enabled, prioritised, targeted and pending,
  with vCPU 1 running), vCPU 1 off, new boot seeds;
- test_hostile.py's DMA runs (two more boots, the hostile guest doing
  only its DMA case): a virtio-rng transport given to the hostile VM is
  refused beside another VM without vigil,dma-unrestricted, and with it
  writes 16 bytes into the bystander's canary (no IOMMU).

vigil's counters on the hostile VM's pCPUs equal what the guest counted
receiving; the bystander is untouched. test_hostile.py's tests that hold
as they are run here on this module's fixtures. One boot for all but the
DMA runs (module fixtures).
"""
import re

import pytest

import vigil_qemu
from test_arm32_hello import BUILD, with_arm32
from test_hostile import CASES as ARM64_CASES
from test_hostile import (BYSTANDER_IPA, BYSTANDER_MS, BYSTANDER_PCPUS,
                          CASE_LINE, DMA_FRAGMENT, DMA_OPT_IN, FRAGMENT,
                          HOSTILE_PCPUS, PROVOKED, SEEDS, SUMMARY,
                          run_outlasting)
# test_hostile.py's own tests that hold as they are, run here on this
# module's `hostile`, `dma` and `dma_refused` fixtures.
from test_hostile import (  # noqa: F401
    test_a_spoofed_vigil_line_carries_the_vm_prefix,
    test_bystander_check, test_bystander_kept_running_through_the_hostile_run,
    test_bystander_provoked_nothing,
    test_bystander_secret_never_reaches_the_console, test_bystander_summary,
    test_console_control_characters_come_out_as_question_marks,
    test_guest_sees_no_unexpected_exception_or_timeout,
    test_the_hostile_vm_resets_while_the_bystander_runs,
    test_vigil_counters_are_exactly_what_the_hostile_guest_provoked,
    test_vigil_stays_up_and_powers_off_after_the_last_vm,
    test_the_dma_write_is_what_breaks_the_bystander_canary,
    test_vigil_stays_up_through_the_dma_run,
    test_with_the_opt_in_both_vms_run,
    test_without_a_dma_device_the_bystander_canary_is_intact,
    test_without_the_opt_in_the_dma_configuration_is_refused)

TIMEOUT = 180

# tests/guests/hostile32/probe.c access names.
_ALL = ("ldrb ldrh ldr ldrd ldm strb strh str strd stm ldr-post-index "
        "str-pre-index fetch")
# tests/guests/hostile32/memory.c `targets`.
MEM_TARGETS = {
    "flash": "ldr str fetch",
    "gicd_past_4k": "ldr str",
    "gicc_mapped_xn": "fetch",
    "gicc_past_8k": "ldr str",
    "gicv2m": "ldr str",
    "gich": "ldr ldrd str fetch",
    "gich_lr0": "ldr str",
    "gicv": "ldr str fetch",
    "gicv_dir": "ldr str",
    "pl011_vigil_console": "ldr strb str",
    "rtc_other_vm": "ldr str",
    "virtio": "ldr str",
    "pcie_mmio": "ldr str",
    "unmapped": _ALL,
    "pcie_pio": "ldr",
    "pcie_ecam": "ldr str",
    "vigil_pool": "ldr str fetch",
    "vigil_image": _ALL,
    "vigil_image_4m": "ldr str",
    "host_dtb": "ldr str",
    "other_vm_image": "ldr str fetch",
    "other_vm_canary": "ldr ldrd ldm str fetch",
    "free_ram": "ldr str fetch",
    "ram_top": "ldr str",
    "above_ram": "ldr str",
    "ipa_top_32bit": "ldr str",
}
# tests/guests/hostile32/gicd.c `bad_widths`.
GICD_WIDTHS = [
    "ctlr.ldrb", "ctlr.strb", "ctlr.ldrh", "ctlr.strh", "ctlr.ldrd",
    "ctlr.strd", "typer.ldrb", "typer.ldm", "isenabler1.strb",
    "isenabler1.strh", "isenabler1.ldrh", "isenabler0.ldrd",
    "icenabler0.stm", "icenabler0.strd", "ispendr1.strb",
    "ipriorityr8.ldrh", "ipriorityr8.strh", "ipriorityr8.ldrd",
    "ipriorityr8.stm", "itargetsr8.ldm", "itargetsr8.strd",
    "itargetsr8.strh", "icfgr2.strb", "icfgr2.ldrh", "sgir.strb",
    "sgir.strh", "sgir.strd", "sgir.stm", "spendsgir0.strh",
    "spendsgir0.strd", "pidr2.ldrb", "cidr0.ldrd",
    "typer.ldr-post-index", "ctlr.str-pre-index",
    "isenabler1.str-pre-index",
]
# tests/guests/hostile32/gicd.c case_unaligned: test_hostile.py's, A32
# access names. An alignment fault at PL1 (not counted) or vigil's abort.
GICD_UNALIGNED = ["gicd.unaligned.ipriorityr8.ldr",
                  "gicd.unaligned.itargetsr8.str", "gicd.unaligned.ctlr.ldrh",
                  "gicd.unaligned.isenabler1.str"]
# The cases test_hostile.py has under the same name and meaning.
PSCI_CASES = ["cpu_off_last_vcpu", "cpu_on_entry_outside_ram",
              "cpu_on_bad_mpidr", "cpu_on_self_already_on",
              "affinity_info_bad_level", "affinity_info_bad_mpidr",
              "features_unknown", "cpu_suspend_bad_args", "reset2_bad_type"]
# An AArch32 caller has the SMC32 convention only: the SMC64 PSCI IDs are
# unknown functions to it (SMCCC, ARM DEN 0028; core/psci.c).
PSCI_CASES += ["smc64_ids_from_aarch32"]
# tests/guests/hostile32/hostile32.c `resets`.
RESETS = ["reset", "reset2_32"]
# The undefined instructions vigil injects (cp15.c: counted) and those
# the CPU raises at PL1 itself (not counted, never reach vigil).
VIGIL_UNDEFS = ["cp15.pmxevcntr_beyond_n.read",
                "cp15.pmxevcntr_beyond_n.write",
                "cp15.pmxevtyper_sel30.read", "cp15.pmxevtyper_sel30.write"]
CPU_UNDEFS = ["cp15.mrc_hcr", "cp15.mcr_hcr", "cp15.mrc_hsr",
              "cp15.mrc_htpidr", "cp15.mcrr_vttbr", "cp15.tlbiallh",
              "cp15.mcr_midr"]
MEM_LPAE = ["mem_lpae.unmapped.ldr", "mem_lpae.unmapped.strh",
            "mem_lpae.vigil_image.ldrd", "mem_lpae.vigil_image.stm",
            "mem_lpae.other_vm_image.fetch"]
# tests/guests/hostile32/usr.c: from USR mode, from T32 code.
USR = ["usr.unmapped.ldr", "usr.vigil_image.str", "usr.other_vm_canary.ldr"]
T32_ABORTS = ["t32.unmapped.ldr-w", "t32.vigil_image.ldr-n"]
T32_UNDEFS = ["t32.pmxevcntr_beyond_n.undef"]
MMU = ["mmu.s1_table_in_vigil_image.ldr", "mmu.s1_table_in_other_vm.ldr",
       "mmu.ipa_above_4g.ldr", "mmu.high_vectors.ldr"]
# test_hostile.py's high_pcie_ecam target, above 4 GiB: through the MMU
# case's long-descriptor stage 1 (memory.c cases_mmu).
HIGH_PCIE = ["mem.high_pcie_ecam.ldr", "mem.high_pcie_ecam.str"]

# The arm64 guest's storm.c, built into hostile32 (test_hostile.py's names).
STORM = [c for c in ARM64_CASES if c.startswith("storm.")]

CASES = (
    ["vfp.clean_at_entry_vcpu0", "vfp.clean_at_entry_vcpu1",
     "vfp.clean_at_entry_vcpu1_after_cpu_off_on"]
    + ["dtb.memory_is_own", "dtb.no_foreign_config"]
    + [f"{p}.{c}" for p in ("psci", "psci_smc") for c in PSCI_CASES]
    + ["psci.cpu_on_running_already_on", "hvc.unknown_function_ids",
       "smc.unknown_function_ids", "hvc.nonzero_immediate",
       "console.not_own_memory", "console.empty", "console.control_chars",
       "console.spoofed_vigil_line", "mem.own_ram"]
    + [f"mem.{t}.{a}" for t, acc in MEM_TARGETS.items() for a in acc.split()]
    + MEM_LPAE + MMU[:3] + HIGH_PCIE + MMU[3:]
    + ["mmu.high_vectors.taken_at_0xffff0010"]
    + VIGIL_UNDEFS
    + ["cp15.pmcr_n_read_only", "cp15.mrc_to_banked_lr",
       "cp15.actlr_write_ignored"] + CPU_UNDEFS
    + USR + ["usr.hvc", "usr.smc", "usr.svc_returns"] + T32_ABORTS
    + T32_UNDEFS + ["mem.other_vm_canary.ldr-vcpu1"]
    + [f"gicd.width.{w}" for w in GICD_WIDTHS]
    + GICD_UNALIGNED
    + ["gicd.width.state_unchanged", "gicd.width.no_sgi_sent",
       "gicd.byte_access_emulated", "gicd.ro.typer", "gicd.ro.iidr",
       "gicd.ro.itargetsr0_7", "gicd.ro.icfgr0_sgis", "gicd.ro.icfgr1_ppis",
       "gicd.ro.pidr_cidr", "gicd.wo.sgir_reads_zero",
       "gicd.reserved_raz_wi", "gicd.sgis_stay_enabled",
       "gicd.ro.state_unchanged", "gicd.beyond_itlines_raz_wi",
       "gicd.beyond_itlines.state_unchanged",
       "gicd.beyond_itlines.nothing_delivered",
       "gicd.itargetsr.absent_vcpus_raz_wi",
       "gicd.all_spis_enabled.nothing_arrives", "gicd.banked_rt",
       "gicd.sgir.reserved_filter_and_absent_targets",
       "gicd.spendsgir.absent_sources_raz_wi", "gicd.ctlr.reserved_bits",
       "gicd.isactiver.sgi_set_clear", "gicc.eoi_dir_unowned_intids",
       "gicd.itargetsr.absent_target_waits",
       "gicd.foreign_spi.virtual_only"]
    + STORM + ["psci.helper_cpu_off"]
    + [f"vfp.clean_at_entry_vcpu0_after_{r}" for r in RESETS]
    + [f"{r}.{c}" for r in RESETS
       for c in ("new_boot_seeds", "vgic_fresh", "gicv_fresh",
                 "image_restored", "vcpu1_off")]
)
# Every case that provokes an abort vigil injects: each memory, LPAE and
# MMU case and each refused distributor access (gicd.width.<reg>.<form>).
ABORT_CASES = ([c for c in CASES if c.startswith(("mem.", "mem_lpae."))
                and c != "mem.own_ram"] + MMU + USR + T32_ABORTS
               + [f"gicd.width.{w}" for w in GICD_WIDTHS])

STATS = re.compile(r"^\[cpu\d+\] vigil: stats cpu(\d+): exits=\d+ hvc=\d+ "
                   r"aborts_injected=(\d+) undefs_injected=(\d+) ")


@pytest.fixture(scope="module")
def hostile():
    for g in ("hostile32", "bystander"):
        if not (BUILD / "guests" / f"{g}.bin").is_file():
            pytest.fail(f"not built: {g} (run make ARCH=arm32)")

    def boot(ms):
        dtb = vigil_qemu.make_dtb("test_arm32_hostile", FRAGMENT.replace(
            f"bystander.ms={BYSTANDER_MS}", f"bystander.ms={ms}"))
        return vigil_qemu.run_vigil(
            "test_arm32_hostile", guest="hostile32", dtb=dtb, smp=4,
            timeout=TIMEOUT,
            qemu_args=["-device", f"loader,file={BUILD}/guests/bystander.bin"
                       f",addr={BYSTANDER_IPA:#x}"])

    run = with_arm32(lambda: run_outlasting(boot, 0))
    results = {}
    for _, text in run.guest_lines("hostile"):
        m = CASE_LINE.match(text)
        if m:
            results.setdefault(m.group(1), []).append(
                (m.group(2), m.group(3).strip()))
    return run, results


@pytest.mark.parametrize("case", CASES)
def test_case(hostile, case):
    run, results = hostile
    got = results.get(case, [])
    assert len(got) == 1, \
        f"case {case!r} printed {len(got)} times{run.describe()}"
    assert got[0][0] == "PASS", f"{case}: {got[0]}"


def test_guest_prints_exactly_the_expected_cases(hostile):
    run, results = hostile
    assert len(CASES) == len(set(CASES))
    assert sorted(results) == sorted(CASES), run.describe()


def test_shared_case_names_are_test_hostile_cases():
    """The cases named as test_hostile.py's are those cases in their
    AArch32 form (same inputs, the same answer or its A32 fault): each of
    them is one of test_hostile.py's, and each of its PSCI, SMCCC,
    console, distributor RAZ/WI, storm and reset cases is here."""
    shared = {c for c in CASES if c in ARM64_CASES}
    want = [c for c in ARM64_CASES if c.startswith(
        ("psci.", "hvc.", "smc.", "console.", "gicd.ro.", "gicd.wo.",
         "gicd.reserved", "storm.", "reset."))]
    missing = [c for c in want if c not in shared]
    # The one with no AArch32 form: an SMC64 function ID with junk in the
    # upper half of X0 must still be that function (SMCCC §2.5, W0 is the
    # ID). An AArch32 caller's R0 is 32 bits and the SMC64 IDs are unknown
    # functions to it anyway (psci.smc64_ids_from_aarch32).
    assert missing == ["hvc.fid_upper_bits_ignored"], missing
    assert len(shared) > 70, sorted(shared)


def test_summary_counts_every_case_of_every_boot(hostile):
    run, _ = hostile
    sums = [m for m in map(SUMMARY.match, run.guest_texts()) if m]
    assert len(sums) == 1, run.describe()
    assert (int(sums[0].group(1)), int(sums[0].group(2))) == \
        (len(CASES), 0), run.describe()


def _stats(run):
    out = {}
    for line in run.lines:
        m = STATS.match(line)
        if m:
            assert int(m.group(1)) not in out, "stats printed twice"
            out[int(m.group(1))] = (int(m.group(2)), int(m.group(3)))
    return out


def test_vigil_counters_are_exactly_what_the_guest_provoked(hostile):
    """The guest counts an abort or undef only when it matched vigil's
    injection exactly; both totals also equal the cases that provoke
    one, so a case vigil answered some other way shows up here too."""
    run, results = hostile
    provoked = [m for m in map(PROVOKED.match, run.guest_texts()) if m]
    assert len(provoked) == 1, run.describe()
    aborts, undefs = int(provoked[0].group(1)), int(provoked[0].group(2))
    # An unaligned distributor access is vigil's abort or the CPU's own
    # alignment fault (gicd.c case_unaligned says which; QEMU 7.2 leaves
    # it to vigil): only the former is counted.
    by_vigil = [c for c in GICD_UNALIGNED if results.get(c) and
                results[c][0][1].endswith("(abort from vigil)")]
    assert (aborts, undefs) == \
        (len(ABORT_CASES) + len(by_vigil),
         len(VIGIL_UNDEFS) + len(T32_UNDEFS))
    stats = _stats(run)
    assert sorted(stats) == [0, 1, 2, 3], run.describe()
    assert sum(stats[c][0] for c in HOSTILE_PCPUS) == aborts, stats
    assert sum(stats[c][1] for c in HOSTILE_PCPUS) == undefs, stats
    for c in BYSTANDER_PCPUS:
        assert stats[c] == (0, 0), stats


def test_each_reset_call_resets_the_vm_exactly_once(hostile):
    run, _ = hostile
    resets = run.matching(r"vigil: VM 0 'hostile' reset \((\d+)\)$")
    assert [m.group(1) for m in resets] == ["1", "2"], run.describe()
    calls = [t for t in run.guest_texts()
             if re.match(r"hostile: reset\S* from vcpu0$", t)]
    assert [c.split()[1] for c in calls] == RESETS, run.describe()
    assert not run.matching(r"vigil: VM 1 'bystander' reset \("), \
        run.describe()


def test_each_vm_gets_its_own_boot_seeds_and_new_ones_after_a_reset(hostile):
    run, _ = hostile
    seeds = {}
    for _, text in run.guest_lines():
        m = SEEDS.match(text)
        if m:
            seeds.setdefault(m.group(1), []).append((m.group(2), m.group(3)))
    boots = len(RESETS) + 1
    assert len(seeds.get("hostile", [])) == boots, run.describe()
    assert len(seeds.get("bystander", [])) == 1, run.describe()
    every = seeds["hostile"] + seeds["bystander"]
    assert all("none" not in pair for pair in every), seeds
    assert len({rng for rng, _ in every}) == boots + 1, seeds
    assert len({kaslr for _, kaslr in every}) == boots + 1, seeds


# ---- DMA from a passthrough device (no IOMMU): test_hostile.py's runs ----

def _dma_run(name, fragment):
    def boot():
        dtb = vigil_qemu.make_dtb(name, fragment)
        return vigil_qemu.run_vigil(
            name, guest="hostile32", dtb=dtb, smp=4, timeout=TIMEOUT,
            qemu_args=["-device", f"loader,file={BUILD}/guests/bystander.bin"
                       f",addr={BYSTANDER_IPA:#x}",
                       "-device", "virtio-rng-device"])
    return with_arm32(boot)


@pytest.fixture(scope="module")
def dma():
    return _dma_run("test_arm32_hostile-dma", DMA_FRAGMENT)


@pytest.fixture(scope="module")
def dma_refused():
    """The DMA run's configuration without the opt-in."""
    assert DMA_OPT_IN in DMA_FRAGMENT
    return _dma_run("test_arm32_hostile-dma-refused",
                    DMA_FRAGMENT.replace(DMA_OPT_IN, ""))
