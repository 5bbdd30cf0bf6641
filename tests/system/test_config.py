# SPDX-License-Identifier: MIT
"""Configuration errors stop the boot cleanly: one line naming the node and
the problem (`config error: <node>: <problem>`), no guest runs, and vigil
powers the machine off by itself. One QEMU boot per case; the same cases
and more are host unit tests in tests/unit/test_config.c.

Each case is a /hypervisor fragment merged into QEMU's own DTB
(tools/mkdtb.sh) and, for the image checks, what the boot loader puts in
RAM: the hello guest at 0x50000000 always (tools/run-qemu.sh), more with
`-device loader`.
"""
import re
import zlib
from dataclasses import dataclass, field

import pytest

import vigil_qemu

HV = 'compatible = "vigil,hypervisor";'
VM = 'compatible = "vigil,vm";'


def hypervisor(*vms, hv=HV, extra=""):
    """A fragment with a /hypervisor node holding `vms` (node bodies)."""
    body = "\n".join(vms)
    return f"/ {{\n{extra}\nhypervisor {{\n{hv}\n{body}\n}};\n}};\n"


def vm(name, *props, compat=VM):
    return f"{name} {{\n{compat}\n" + "\n".join(props) + "\n};"


VM0 = ["vcpus = <2>;", "cpu-affinity = <0 1>;",
       "memory = <0x0 0x50000000 0x0 0x10000000>;"]
VM1 = ["vcpus = <2>;", "cpu-affinity = <2 3>;",
       "memory = <0x0 0x60000000 0x0 0x10000000>;"]


def hello_vm0(*extra):
    return vm("vm@0", *VM0, *extra)


def truncated_image():
    """hello.bin cut after 4 KiB, loaded at 0x60000000, with the `image`
    and `image-crc32` its whole self would have."""
    whole = (vigil_qemu.build_dir() / "guests" / "hello.bin").read_bytes()
    cut = vigil_qemu.LOG_DIR / "hello-truncated.bin"
    vigil_qemu.LOG_DIR.mkdir(parents=True, exist_ok=True)
    cut.write_bytes(whole[:4096])
    props = [f"image = <0x0 0x60000000 0x0 {len(whole):#x}>;",
             f"image-crc32 = <{zlib.crc32(whole):#x}>;"]
    return props, ["-device", f"loader,file={cut},addr=0x60000000"]


@dataclass
class Case:
    name: str
    fragment: str
    node: str
    problem: str  # regex for the rest of the line
    loaders: object = None  # () -> (extra vm@1 props, qemu args)
    vm1: list = field(default_factory=list)


CASES = [
    # ---- memory ----
    Case("memory-overlaps-vigil",
         hypervisor(vm("vm@0", "vcpus = <4>;",
                       "memory = <0x0 0x40000000 0x0 0x1000000>;")),
         "/hypervisor/vm@0",
         r"memory 0x40000000-0x40ffffff overlaps vigil's image "
         r"0x40080000-0x[0-9a-f]+$"),
    Case("memory-overlaps-host-dtb",
         hypervisor(vm("vm@0", "vcpus = <1>;",
                       "memory = <0x0 0x47e00000 0x0 0x400000>;")),
         "/hypervisor/vm@0",
         r"memory 0x47e00000-0x481fffff overlaps the DTB at 0x48000000$"),
    Case("memory-overlaps-another-vm",
         hypervisor(hello_vm0(),
                    vm("vm@1", "vcpus = <1>;", "cpu-affinity = <2>;",
                       "memory = <0x0 0x58000000 0x0 0x10000000>;")),
         "/hypervisor/vm@1", r"memory overlaps /hypervisor/vm@0's$"),
    Case("memory-over-device-mmio",
         hypervisor(vm("vm@0", "vcpus = <1>;",
                       "memory = <0x0 0x9000000 0x0 0x200000>;")),
         "/hypervisor/vm@0",
         r"memory 0x9000000-0x91fffff is not inside one /memory bank$"),
    Case("memory-not-2mib-aligned",
         hypervisor(vm("vm@0", "vcpus = <1>;",
                       "memory = <0x0 0x50001000 0x0 0x10000000>;")),
         "/hypervisor/vm@0",
         r"memory 0x50001000\+0x10000000 must be non-empty and 2 MiB "
         r"aligned$"),
    Case("device-overlapping-its-vm-memory",
         hypervisor(hello_vm0('devices = "/memory@40000000";')),
         "/hypervisor/vm@0", r"device /memory@40000000 overlaps its memory$"),
    Case("device-in-ram",
         hypervisor(hello_vm0('devices = "/ram-dev@70000000";'),
                    extra='ram-dev@70000000 { compatible = "test,ram"; '
                          "reg = <0x0 0x70000000 0x0 0x1000>; };"),
         "/hypervisor/vm@0",
         r"device /ram-dev@70000000 at 0x70000000\+0x1000 lies in RAM "
         r"\(/memory\)$"),
    # ---- devices and IRQs ----
    Case("device-given-to-two-vms",
         hypervisor(hello_vm0('devices = "/pl031@9010000";'),
                    vm("vm@1", *VM1, 'devices = "/pl031@9010000";')),
         "/hypervisor/vm@1",
         r"device /pl031@9010000 shares MMIO with /pl031@9010000 of "
         r"/hypervisor/vm@0$"),
    Case("irq-given-to-two-vms",
         hypervisor(hello_vm0('devices = "/pl031@9010000";'),
                    vm("vm@1", *VM1, 'devices = "/dup-irq@9100000";'),
                    extra='dup-irq@9100000 { compatible = "test,dup"; '
                          "reg = <0x0 0x9100000 0x0 0x1000>; "
                          "interrupts = <0x0 0x2 0x4>; };"),
         "/hypervisor/vm@1",
         r"IRQ 34 of /dup-irq@9100000 is given to /pl031@9010000 too$"),
    Case("device-missing-from-the-dtb",
         hypervisor(hello_vm0('devices = "/uart@1234";')),
         "/hypervisor/vm@0", r"devices: no node /uart@1234 in the DTB$"),
    # No IOMMU: a virtio-mmio transport masters DMA to all of memory.
    Case("dma-master-beside-another-vm-without-opt-in",
         hypervisor(hello_vm0('devices = "/virtio_mmio@a003e00";'),
                    vm("vm@1", *VM1)),
         "/hypervisor/vm@0",
         r"device /virtio_mmio@a003e00 can DMA to all memory \(no IOMMU\): "
         r"with 2 VMs it needs vigil,dma-unrestricted$"),
    Case("device-listed-twice",
         hypervisor(hello_vm0(
             'devices = "/pl031@9010000", "/pl031@9010000";')),
         "/hypervisor/vm@0", r"device /pl031@9010000 listed twice$"),
    # ---- vCPUs and pinning ----
    Case("more-vcpus-than-pcpus",
         hypervisor(vm("vm@0", "vcpus = <5>;",
                       "memory = <0x0 0x50000000 0x0 0x10000000>;")),
         "/hypervisor/vm@0",
         r"vcpus = 5 but only 4 pCPUs \(static pinning\)$"),
    Case("two-vms-on-one-pcpu",
         hypervisor(hello_vm0(),
                    vm("vm@1", "vcpus = <1>;", "cpu-affinity = <1>;",
                       "memory = <0x0 0x60000000 0x0 0x10000000>;")),
         "/hypervisor/vm@1",
         r"pCPU 1 already runs a vCPU of /hypervisor/vm@0 "
         r"\(static pinning\)$"),
    Case("affinity-names-a-missing-pcpu",
         hypervisor(vm("vm@0", "vcpus = <2>;", "cpu-affinity = <0 4>;",
                       "memory = <0x0 0x50000000 0x0 0x10000000>;")),
         "/hypervisor/vm@0", r"cpu-affinity names pCPU 4, only 4 exist$"),
    Case("affinity-names-a-pcpu-twice",
         hypervisor(vm("vm@0", "vcpus = <2>;", "cpu-affinity = <3 3>;",
                       "memory = <0x0 0x50000000 0x0 0x10000000>;")),
         "/hypervisor/vm@0",
         r"cpu-affinity names pCPU 3 twice \(static pinning\)$"),
    # ---- images ----
    Case("image-missing-at-entry",
         hypervisor(hello_vm0(), vm("vm@1", *VM1)),
         "/hypervisor/vm@1",
         r"nothing loaded at entry 0x60000000 \(first word 0\): image "
         r"missing$"),
    Case("image-missing-where-image-says",
         hypervisor(hello_vm0("image = <0x0 0x50400000 0x0 0x10000>;")),
         "/hypervisor/vm@0",
         r"image at 0x50400000 has no arm64 Image header "
         r"\(magic 0x00000000\): image missing$"),
    Case("image-truncated",
         None, "/hypervisor/vm@1",
         r"image crc32 0x[0-9a-f]{8}, image-crc32 says 0x[0-9a-f]{8}: "
         r"truncated or corrupted$",
         loaders=truncated_image),
    Case("image-larger-than-its-header-says",
         hypervisor(hello_vm0("image = <0x0 0x50000000 0x0 0x100000>;")),
         "/hypervisor/vm@0",
         r"image is 0x100000 bytes but its header's image_size is "
         r"0x[0-9a-f]+$"),
    Case("image-outside-memory",
         hypervisor(hello_vm0("image = <0x0 0x5ff00000 0x0 0x200000>;")),
         "/hypervisor/vm@0",
         r"image 0x5ff00000\+0x200000 lies outside its memory$"),
    Case("image-in-the-guest-dtb-area",
         hypervisor(hello_vm0("image = <0x0 0x5fd00000 0x0 0x200000>;")),
         "/hypervisor/vm@0",
         r"image 0x5fd00000-0x5fefffff overlaps the guest DTB area from "
         r"0x5fe00000$"),
    Case("entry-outside-the-image",
         hypervisor(hello_vm0("image = <0x0 0x50000000 0x0 0x5018>;",
                              "entry = <0x0 0x50100000>;")),
         "/hypervisor/vm@0", r"entry 0x50100000 lies outside its image$"),
    # ---- malformed /hypervisor nodes ----
    Case("hypervisor-without-compatible",
         hypervisor(hello_vm0(), hv=""),
         "/hypervisor", r'compatible missing or not "vigil,hypervisor"$'),
    Case("hypervisor-without-vms",
         hypervisor(), "/hypervisor", r"no vm@N node$"),
    Case("vm-with-a-wrong-compatible",
         hypervisor(vm("vm@0", *VM0, compat='compatible = "xen,domain";')),
         "/hypervisor/vm@0", r'compatible missing or not "vigil,vm"$'),
    Case("vcpus-missing",
         hypervisor(vm("vm@0", "memory = <0x0 0x50000000 0x0 0x10000000>;")),
         "/hypervisor/vm@0", r"vcpus missing or not one cell$"),
    Case("vcpus-two-cells",
         hypervisor(vm("vm@0", "vcpus = <0x0 0x2>;",
                       "memory = <0x0 0x50000000 0x0 0x10000000>;")),
         "/hypervisor/vm@0", r"vcpus missing or not one cell$"),
    Case("vcpus-zero",
         hypervisor(vm("vm@0", "vcpus = <0>;",
                       "memory = <0x0 0x50000000 0x0 0x10000000>;")),
         "/hypervisor/vm@0", r"vcpus = 0, must be 1\.\.8$"),
    Case("memory-missing",
         hypervisor(vm("vm@0", "vcpus = <1>;")),
         "/hypervisor/vm@0",
         r"memory missing or not <base-hi base-lo size-hi size-lo>$"),
    Case("memory-three-cells",
         hypervisor(vm("vm@0", "vcpus = <1>;",
                       "memory = <0x50000000 0x0 0x10000000>;")),
         "/hypervisor/vm@0",
         r"memory missing or not <base-hi base-lo size-hi size-lo>$"),
    Case("affinity-wrong-length",
         hypervisor(vm("vm@0", "vcpus = <2>;", "cpu-affinity = <0>;",
                       "memory = <0x0 0x50000000 0x0 0x10000000>;")),
         "/hypervisor/vm@0", r"cpu-affinity has 1 cells, vcpus = 2$"),
    Case("entry-one-cell",
         hypervisor(hello_vm0("entry = <0x50000000>;")),
         "/hypervisor/vm@0", r"entry is not <hi lo>$"),
    Case("entry-outside-memory",
         hypervisor(hello_vm0("entry = <0x0 0x70000000>;")),
         "/hypervisor/vm@0", r"entry 0x70000000 lies outside its memory$"),
    Case("image-three-cells",
         hypervisor(hello_vm0("image = <0x0 0x50000000 0x1000>;")),
         "/hypervisor/vm@0", r"image is not <base size> \(2 cells each\)$"),
    Case("image-crc32-without-image",
         hypervisor(hello_vm0("image-crc32 = <0x12345678>;")),
         "/hypervisor/vm@0", r"image-crc32 is not one cell after an image$"),
    Case("initrd-one-cell",
         hypervisor(hello_vm0("initrd = <0x58000000>;")),
         "/hypervisor/vm@0",
         r"initrd is not <base size> \(2 cells each\)$"),
    Case("label-with-a-separator",
         hypervisor(hello_vm0('label = "evil| [cpu0] vigil";')),
         "/hypervisor/vm@0",
         r"label may hold only letters, digits, '_', '-' and '\.'$"),
    Case("label-used-twice",
         hypervisor(hello_vm0('label = "twin";'),
                    vm("vm@1", *VM1, 'label = "twin";')),
         "/hypervisor/vm@1", r'label "twin" is /hypervisor/vm@0\'s too$'),
]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: c.name)
def refused(request):
    case = request.param
    name = f"test_config-{case.name}"
    fragment, qemu_args = case.fragment, []
    if case.loaders:
        props, qemu_args = case.loaders()
        fragment = hypervisor(hello_vm0(), vm("vm@1", *VM1, *props))
    dtb = vigil_qemu.make_dtb(name, fragment)
    run = vigil_qemu.run_vigil(name, guest="hello", dtb=dtb, smp=4,
                               qemu_args=qemu_args)
    return case, run


def test_one_line_names_the_node_and_the_problem(refused):
    case, run = refused
    errors = run.matching(r"config error: ")
    assert len(errors) == 1, run.describe()
    line = errors[0].string
    prefix = f"[cpu0] vigil: config error: {case.node}: "
    assert line.startswith(prefix), run.describe()
    assert re.search(case.problem, line[len(prefix):]), \
        f"{line!r} !~ {case.problem!r}"


def test_the_boot_stops_there(refused):
    _, run = refused
    err = next(i for i, line in enumerate(run.lines)
               if "config error: " in line)
    assert run.lines[err + 1].endswith("vigil: boot stopped"), run.describe()
    assert not run.matching(r"starting guests|CPUs online"), run.describe()


def test_no_guest_runs(refused):
    _, run = refused
    assert run.guest_lines() == [], run.describe()


def test_vigil_powers_the_machine_off(refused):
    _, run = refused
    assert not run.timed_out and not run.panicked, run.describe()
    assert run.exitstatus == 0, run.describe()
