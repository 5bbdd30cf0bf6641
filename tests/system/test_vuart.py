# SPDX-License-Identifier: MIT
"""The vUART end to end with bare-metal guests (issue 17): bad accesses,
the input focus skipping VMs that are off, and a guest that stops reading.

One boot per profile (arm64, and arm32 with the guests built for A32),
three VMs with a vUART each, one vCPU each:
- vm@0 'probe' (tests/guests/vuart): tries every kind of bad access on its
  vUART and prints one line per case (docs/config.md, "The vUART's
  registers", says what each must give), then enables its RX interrupts
  and never reads;
- vm@1 'gone' (tests/guests/hello): powers itself off at once;
- vm@2 'peer' (tests/guests/vuart_peer): answers each line typed to it,
  powers off on "off".

The tests run in file order on that boot: the access cases; Ctrl-A three
times from 'probe' goes to 'peer' and back, skipping 'gone'; the FIFO, the
1 KiB vigil holds and one byte more typed into 'probe': vigil declares it
not reading after 1 s, loses the extra byte, and the switch key still gets
through; 'peer' powers off and the focus says every other VM is off; one
more byte lost is the probe's signal to read everything: it gets the
first FIFO + hold bytes in order, and vigil's counters say what was lost.

QEMU's -nographic console takes Ctrl-A as its own escape key: Ctrl-A
Ctrl-A sends one, so the switch is six Ctrl-As on this terminal.
"""
import os
import re
import time

import pexpect
import pytest

import test_arm32_hello
import vigil_qemu

TIMEOUT = 60.0
SWITCH = b"\x01\x01" * 3
FIFO = 32
HOLD = 1024  # VUART_HOLD, include/vuart.h
STALL_MS = 1000  # VUART_STALL_MS
TX_LINE = "vuart tx: bytes halfwords words"

FRAGMENT = """
/ {
	hypervisor {
		compatible = "vigil,hypervisor";
		vm@0 {
			compatible = "vigil,vm";
			label = "probe";
			vigil,console = "vuart";
			vcpus = <1>;
			cpu-affinity = <0>;
			memory = <0x0 0x60000000 0x0 0x8000000>;
			entry = <0x0 0x60000000>;
		};
		vm@1 {
			compatible = "vigil,vm";
			label = "gone";
			vigil,console = "vuart";
			vcpus = <1>;
			cpu-affinity = <1>;
			memory = <0x0 0x50000000 0x0 0x10000000>;
		};
		vm@2 {
			compatible = "vigil,vm";
			label = "peer";
			vigil,console = "vuart";
			vcpus = <1>;
			cpu-affinity = <2>;
			memory = <0x0 0x70000000 0x0 0x8000000>;
			entry = <0x0 0x70000000>;
		};
	};
};
"""

# Every case tests/guests/vuart/vuart.c prints, in order. ld64/st64 are
# LDR/STR of an X register (A64) or LDRD/STRD (A32); ldpair/stpair LDP/STP
# or LDM/STM of two registers.
CASES = (
    ["read." + c for c in (
        "fr.ld8", "fr.ld16", "fr.ld32", "fr+1.ld8", "fr+2.ld16", "fr+3.ld8",
        "periphid0.ld8", "periphid1.ld16", "periphid2.ld32",
        "periphid3.ld32", "pcellid0.ld32", "pcellid1.ld32", "pcellid2.ld8",
        "pcellid3.ld32", "reserved.0x008.ld32", "reserved.0x00c.ld8",
        "reserved.0x01c.ld32", "reserved.0x04c.ld16", "test.0x080.ld32",
        "reserved.0xfdc.ld32", "rsr.ld32")] +
    ["write.ibrd.st16", "write.fbrd.st8", "write.lcr_h.st32",
     "tx.dr.8-16-32"] +
    ["wi." + c for c in (
        "fr.st32", "fr.st8", "ris.st32", "mis.st32", "periphid0.st32",
        "periphid2.st8", "pcellid0.st32", "pcellid3.st16",
        "reserved.0x008.st32", "reserved.0x01c.st32", "reserved.0x04c.st8",
        "test.0x080.st32", "reserved.0xfdc.st32", "cr+1.st8", "imsc+2.st16",
        "nothing_changed")] +
    ["read.icr.ld32"] +
    ["abort." + c for c in (
        "dr.ld64", "dr.st64", "fr.ld64", "cr.st64", "imsc.ldpair",
        "icr.stpair", "periphid0.ld64", "pcellid0.ld64",
        "reserved.0x008.ld64", "nothing_changed")] +
    ["unaligned." + c for c in (
        "fr+2.ld32", "fr+1.ld16", "cr+1.st16", "dr+2.st32",
        "nothing_changed")]
)
ABORTS = 9  # the abort.* cases but nothing_changed
CASE_LINE = re.compile(r"^probe\| vuart (\S+): (PASS|FAIL) ?(.*)$")


def notice(vm_id, name, tail="(Ctrl-A three times switches)"):
    return re.escape(f"vigil: console input: VM {vm_id} '{name}' {tail}")


def pattern(n):
    return bytes(ord("A") + i % 26 for i in range(n))


class Run:
    def __init__(self, arch):
        env = dict(os.environ, VIGIL_SMP="4")
        if arch == "arm32":
            build = test_arm32_hello.BUILD
            env.update(VIGIL_BUILD=str(build), VIGIL_ARCH="arm32")
            dtb = test_arm32_hello.with_arm32(
                lambda: vigil_qemu.make_dtb("vuart-arm32", FRAGMENT))
        else:
            build = vigil_qemu.build_dir()
            dtb = vigil_qemu.make_dtb("vuart", FRAGMENT)
        for g in ("hello", "vuart", "vuart_peer"):
            if not (build / "guests" / f"{g}.bin").is_file():
                pytest.fail(f"{build}/guests/{g}.bin missing (run make)")
        vigil_qemu.LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = vigil_qemu.LOG_DIR / f"vuart-{arch}.log"
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.tee = vigil_qemu._Tee(self._log)
        args = [str(build), "hello", "-dtb", str(dtb),
                "-device", f"loader,file={build}/guests/vuart.bin,"
                "addr=0x60000000",
                "-device", f"loader,file={build}/guests/vuart_peer.bin,"
                "addr=0x70000000"]
        self.child = pexpect.spawn(
            str(vigil_qemu.RUN_QEMU), args, cwd=str(vigil_qemu.REPO),
            env=env, encoding="utf-8",
            codec_errors="replace", timeout=TIMEOUT)
        self.child.logfile_read = self.tee
        self.eof = False

    def output(self):
        return "".join(self.tee.chunks).replace("\r", "")

    def describe(self, tail=40):
        lines = self.output().split("\n")
        return f"\n--- log {self.log_path}\n" + "\n".join(lines[-tail:])

    def wait(self, pat, what="", count=1, timeout=TIMEOUT):
        """Until the output so far matches `pat` `count` times; the last
        match. Lines of different VMs come in any order, so the whole
        output is searched, not what follows the last match."""
        end = time.monotonic() + timeout
        while True:
            found = list(re.finditer(pat, self.output(), re.M))
            if len(found) >= count:
                return found[count - 1]
            if self.eof or time.monotonic() > end:
                pytest.fail(f"{what or pat}: "
                            f"{'EOF' if self.eof else 'TIMEOUT'}"
                            f"{self.describe()}")
            if self.child.expect([pexpect.TIMEOUT, pexpect.EOF],
                                 timeout=0.1) == 1:
                self.eof = True

    def count(self, pat):
        return len(re.findall(pat, self.output(), re.M))

    def type(self, data):
        os.write(self.child.child_fd, data)

    def switch(self, vm_id, name, tail="(Ctrl-A three times switches)"):
        """Ctrl-A three times: the next notice must name `name`."""
        n = self.count(r"vigil: console input: ")
        self.type(SWITCH)
        m = self.wait(r"vigil: console input: (.*)\n", f"switch to {name}",
                      n + 1)
        assert m.group(1) == f"VM {vm_id} '{name}' {tail}", m.group(0)

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()
        self._log.close()


@pytest.fixture(scope="module", params=["arm64", "arm32"])
def run(request):
    r = Run(request.param)
    yield r
    r.close()


def test_bad_vuart_accesses_give_an_abort_or_raz_wi_as_documented(run):
    m = run.wait(r"probe\| vuart: (\d+) passed, (\d+) failed",
                   "the probe's access cases")
    lines = [CASE_LINE.match(ln) for ln in run.output().split("\n")]
    got = [(c.group(1), c.group(2), c.group(3)) for c in lines if c]
    assert [g[0] for g in got] == CASES, run.describe()
    failed = [g for g in got if g[1] != "PASS"]
    assert not failed, failed
    assert (int(m.group(1)), int(m.group(2))) == (len(CASES), 0)
    # The line written through UARTDR by bytes, halfwords and words.
    assert f"probe| {TX_LINE}" in run.output().split("\n")
    assert "panic" not in run.output().lower()


def test_focus_skips_a_vm_that_is_off(run):
    run.wait(r"VM 1 'gone' powered off", "'gone' off")
    run.wait(r"probe\| probe: not reading", "the probe stops reading")
    out = run.output()
    assert re.search(notice(0, "probe"), out), "focus at boot"
    run.switch(2, "peer")  # past 'gone'
    run.type(b"hi\n")
    run.wait(re.escape("peer| peer: got 'hi'"), "peer answers")
    run.switch(0, "probe")  # past 'gone' again


def test_a_guest_not_reading_loses_input_past_the_hold_and_the_switch_gets_through(run):
    run.type(pattern(FIFO + HOLD + 1))
    run.wait(re.escape(f"vigil: console input: VM 0 'probe' has not read "
                         f"its vUART for {STALL_MS} ms: input it has no "
                         "room for is lost until it reads"),
               "vigil finds the probe not reading")
    # The extra byte was lost: an overrun the guest sees, its FIFO full.
    run.wait(re.escape("probe| probe: overrun 1 (FR=0xc0 RIS=0x450)"),
               "the probe sees the overrun")
    # The switch key gets through while the probe's FIFO is full, and
    # the other VM takes input.
    run.switch(2, "peer")
    run.type(b"again\n")
    run.wait(re.escape("peer| peer: got 'again'"), "peer answers again")
    run.switch(0, "probe")


def test_the_focused_vm_powering_off_moves_the_focus(run):
    run.switch(2, "peer")
    run.type(b"off\n")
    run.wait(r"VM 2 'peer' powered off", "'peer' off")
    run.wait(notice(0, "probe", "(every other VM is off)"),
               "focus back to the probe")
    run.switch(0, "probe", "(every other VM is off)")


def test_the_guest_reads_the_fifo_and_the_hold_in_order_and_the_loss_is_counted(run):
    run.type(b"Z")  # lost too: the probe's signal to read
    run.wait(re.escape("probe| probe: overrun 2, reading"), "second overrun")
    run.wait(re.escape("vigil: console input: VM 0 'probe' reads its vUART "
                         "again: 2 bytes were lost"), "the loss reported")
    run.wait(re.escape(f"probe| probe: drained {FIFO + HOLD} bytes, 0 out "
                         f"of pattern, 1 flagged OE (byte {FIFO + HOLD - 1})"
                         ", RSR=0x8"), "the probe's input")
    run.wait(r"last VM off: powering off", "power-off")
    run.child.expect(pexpect.EOF, timeout=TIMEOUT)
    out = run.output()
    counters = {m.group(1): tuple(int(x) for x in m.groups()[1:])
                for m in re.finditer(r"VM \d+ '(\w+)' vuart: tx=(\d+) "
                                     r"rx=(\d+) held=(\d+) overruns=(\d+)",
                                     out)}
    assert counters == {
        "probe": (len(TX_LINE) + 1, FIFO + HOLD, HOLD, 2),
        "gone": (0, 0, 0, 0),
        "peer": (0, len("hi\nagain\noff\n"), 0, 0),
    }, counters
    # Every abort the probe took came from vigil, and no other: the 64-bit
    # and pair accesses, and the unaligned ones the CPU let through (QEMU
    # checks no alignment on Device memory with the MMU off).
    sea = len(re.findall(r"^probe\| vuart unaligned\.\S+: PASS by=vigil ",
                         out, re.M))
    m = re.search(r"stats cpu0: .* aborts_injected=(\d+)", out)
    assert m and int(m.group(1)) == ABORTS + sea, (m and m.group(0), sea)
    assert "panic" not in out.lower()
