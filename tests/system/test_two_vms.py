# SPDX-License-Identifier: MIT
"""Two Linux VMs side by side (tools/run-two.sh, `make run-two`), each with
its own vUART as console (issue 17).

One boot serves every test (module-scoped, in file order): both shells come
up on their vUART; the keyboard goes to VM 'one', Ctrl-A three times moves
it to 'two' and back, each VM answers from its own /proc/cmdline; 64 KiB
typed into 'two' arrive whole while 'one' keeps printing; at the end both
power off and vigil's counters show the exact number of bytes each vUART
received, with no overrun.

QEMU's -nographic console takes Ctrl-A as its own escape key: Ctrl-A
Ctrl-A sends one, so the switch is six Ctrl-As on this terminal.
"""
import hashlib
import os
import random
import re
import threading
import time

import pexpect
import pytest

import linux_guest
import vigil_qemu

RUN_TWO = vigil_qemu.REPO / "tools" / "run-two.sh"
LINUX_DIR = vigil_qemu.REPO / "build" / "linux"
BOOT_TIMEOUT = float(os.environ.get("VIGIL_LINUX_BOOT_TIMEOUT", "180"))
CMD_TIMEOUT = 60.0
PROMPT = "vigil-guest# "  # tools/mkinitramfs.py
SWITCH = b"\x01\x01" * 3  # Ctrl-A x3, each doubled for QEMU's mux
FLOOD = 65536
REBOOTS = 5
RNG_BYTES = 4096
CHUNK = 1 << 20  # the storm reads the disk 1 MiB at a time

# The storm in 'two' (2 vCPUs), in busybox sh: until /tmp/stop exists, it
# rewrites the affinity of the IRQs given (virtio and vUART) every 2 ms,
# reads the disk with O_DIRECT 1 MiB at a time (md5 per chunk), reads
# RNG_BYTES from /dev/hwrng, and bounces a task that wakes every 0.5 ms
# between the CPUs (not a spinning one: QEMU's vCPUs share the host's
# cores, and a spinner would starve 'one' of them, not of vigil).
# Every disk and rng pass runs under `timeout 30` (killed: a stall) and
# is timed; each worker ends with one counts line in /tmp/s/.
STORM = r"""
OUT=/tmp/s; rm -rf $OUT /tmp/stop; mkdir -p $OUT; IRQS="$*"
now_cs() { read -r up _ </proc/uptime; f=${up#*.}; echo $((${up%.*} * 100 + ${f#0})); }
churn() { w=0 e=0; while [ ! -e /tmp/stop ]; do for c in 0 1 0-1; do
	for i in $IRQS; do if echo $c >/proc/irq/$i/smp_affinity_list
	then w=$((w+1)); else e=$((e+1)); fi; done; usleep 2000; done; done
	echo "churn writes=$w errors=$e" >$OUT/churn; }
blk() { p=0 b=0 st=0 sl=0 c=0; while [ ! -e /tmp/stop ]; do t=$(now_cs)
	s=$(timeout 30 dd if=/dev/vda bs=4096 iflag=direct skip=$((c*256)) count=256 2>/dev/null | md5sum); r=$?
	d=$(($(now_cs)-t)); [ $d -gt $sl ] && sl=$d
	if [ $r -ge 128 ]; then st=$((st+1)); elif [ $r -ne 0 ]; then b=$((b+1))
	else p=$((p+1)); echo "$c ${s%% *}" >>$OUT/blk.md5; fi; c=$(((c+1)%16)); done
	echo "blk passes=$p bad=$b stalls=$st slowest_ms=$((sl*10))" >$OUT/blk; }
rng() { p=0 b=0 st=0 sl=0 n=0; while [ ! -e /tmp/stop ]; do t=$(now_cs)
	k=$(timeout 30 head -c @RNG@ /dev/hwrng | wc -c); r=$?
	d=$(($(now_cs)-t)); [ $d -gt $sl ] && sl=$d; n=$((n+k))
	if [ $r -ge 128 ]; then st=$((st+1)); elif [ $r -ne 0 ] || [ $k -ne @RNG@ ]
	then b=$((b+1)); else p=$((p+1)); fi; done
	echo "rng passes=$p bad=$b stalls=$st bytes=$n slowest_ms=$((sl*10))" >$OUT/rng; }
ipi() { h=0 e=0; (while :; do usleep 500; done) & busy=$!; while [ ! -e /tmp/stop ]; do
	for c in 0 1; do if taskset -p -c $c $busy >/dev/null; then h=$((h+1))
	else e=$((e+1)); fi; usleep 1000; done; done; kill $busy
	echo "ipi hops=$h errors=$e" >$OUT/ipi; }
churn & blk & rng & ipi & wait
cat $OUT/blk $OUT/churn $OUT/ipi $OUT/rng; echo "storm: done"
""".replace("@RNG@", str(RNG_BYTES))


class Two:
    """The QEMU run, and how many bytes each VM's vUART was sent."""

    def __init__(self):
        vigil_qemu.LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = vigil_qemu.LOG_DIR / "two_vms.log"
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.tee = vigil_qemu._Tee(self._log)
        self.focus = "one"
        self.sent = {"one": 0, "two": 0}
        # panic=1: a crashed kernel resets its VM after a second.
        env = dict(os.environ, VIGIL_BUILD=str(vigil_qemu.build_dir()),
                   VIGIL_TWO_APPEND="panic=1")
        self.child = pexpect.spawn(str(RUN_TWO), [], cwd=str(vigil_qemu.REPO),
                                   env=env, encoding="utf-8",
                                   codec_errors="replace",
                                   timeout=BOOT_TIMEOUT)
        self.child.logfile_read = self.tee

    def output(self):
        return "".join(self.tee.chunks).replace("\r", "")

    def describe(self, tail=40):
        lines = self.output().split("\n")
        return f"\n--- log {self.log_path}\n" + "\n".join(lines[-tail:])

    def expect(self, pattern, timeout=CMD_TIMEOUT, what=""):
        try:
            self.child.match_index = self.child.expect(pattern,
                                                       timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            pytest.fail(f"{what or pattern}: {type(e).__name__}"
                        f"{self.describe()}")
        return self.child.match

    def type(self, data):
        """Bytes for the focused VM (QEMU's doubled Ctrl-As excepted)."""
        if isinstance(data, str):
            data = data.encode()
        os.write(self.child.child_fd, data)
        self.sent[self.focus] += len(data)

    def switch(self, to):
        if self.focus == to:
            return
        os.write(self.child.child_fd, SWITCH)
        self.expect(re.escape(f"console input: VM {'one two'.split().index(to)}"
                              f" '{to}'"), what=f"switch to {to}")
        self.focus = to

    def sh(self, cmd, timeout=CMD_TIMEOUT):
        """Run `cmd` in the focused VM; its output between markers."""
        vm = self.focus
        self.type(f"echo '<<'; {cmd}; echo \">>$?\"\n")
        # "<<" may continue the prompt's line, which has the prefix.
        # [^\n], not `.`: pexpect compiles with DOTALL, and `(.*\n)*?`
        # backtracks exponentially over a long output.
        m = self.expect(r"<<\r*\n((?:[^\n]*\n)*?)" + re.escape(f"{vm}| ") +
                        r">>(\d+)\r*\n", timeout, f"{vm}: {cmd}")
        body = "".join(ln.split("| ", 1)[1] + "\n"
                       for ln in m.group(1).replace("\r", "").splitlines()
                       if ln.startswith(f"{vm}| "))
        return int(m.group(2)), body

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()
        self._log.close()


@pytest.fixture(scope="module")
def two():
    for f in ("Image", "initramfs.cpio.gz"):
        if not (LINUX_DIR / f).is_file():
            pytest.fail(f"{LINUX_DIR / f} missing (run make linux)")
    t = Two()
    t.start = time.monotonic()
    waiting = ["one", "two"]
    while waiting:  # in either order
        t.expect([re.escape(f"{vm}| {PROMPT}") for vm in waiting],
                 BOOT_TIMEOUT, f"{' and '.join(waiting)}: boot to the shell")
        del waiting[t.child.match_index]
    t.boot_seconds = time.monotonic() - t.start
    yield t
    t.close()


def test_both_vms_boot_to_a_shell_on_their_vuart(two):
    out = two.output()
    for vm in ("one", "two"):
        assert re.search(rf"^{vm}\| .*ttyAMA0 at MMIO 0x9000000 \(irq = \d+,"
                         r" base_baud = \d+\) is a PL011 rev3$", out, re.M), \
            f"{vm}: no vUART probed{two.describe()}"
        assert re.search(rf"^{vm}\| .*Kernel command line: console=ttyAMA0 "
                         rf"vigil\.vm={vm}", out, re.M)
    assert "[cpu0] vigil: console input: VM 0 'one' (Ctrl-A three times switches)" \
        in out
    # Every guest line came out whole, behind its VM's prefix.
    for line in out.split("\n"):
        assert line.count("one| ") + line.count("two| ") <= 1, line
    print(f"\n[two-vms] both shells up in {two.boot_seconds:.1f} s")


def test_two_lives_wholly_above_4_gib(two):
    """vm@1 'two' has its RAM at 5 GiB (tools/run-two.sh, issue 14): vigil
    maps it and puts its DTB and initrd there, and Linux boots in it."""
    out = two.output()
    assert "vigil: VM 0 'one': 2 vCPUs, RAM 0x50000000-0x5fffffff" in out
    assert re.search(r"vigil: VM 1 'two': 2 vCPUs, RAM 0x140000000-"
                     r"0x14fffffff, entry 0x140000000, DTB at 0x14fe00000",
                     out), two.describe()
    assert re.search(r"^two\| .*Machine model: linux,dummy-virt", out,
                     re.M), two.describe()


def test_keyboard_goes_to_one_first(two):
    two.type("stty -echo\n")
    two.expect(re.escape(f"one| {PROMPT}"), what="stty in one")
    rc, out = two.sh("cat /proc/cmdline")
    assert rc == 0
    assert out.strip() == "console=ttyAMA0 vigil.vm=one panic=1", out


def test_ctrl_a_three_times_moves_the_keyboard_to_two_and_back(two):
    two.switch("two")
    two.type("stty -echo\n")
    two.expect(re.escape(f"two| {PROMPT}"), what="stty in two")
    rc, out = two.sh("cat /proc/cmdline; hostname")
    assert rc == 0
    assert out.split("\n")[0].strip() == \
        "console=ttyAMA0 vigil.vm=two panic=1", out
    # Its only RAM is the 256 MiB at 5 GiB.
    rc, out = two.sh("grep 'System RAM' /proc/iomem")
    assert out.split() == ["140000000-14fffffff", ":", "System", "RAM"], out
    two.switch("one")
    rc, out = two.sh("cat /proc/cmdline")
    assert out.strip() == "console=ttyAMA0 vigil.vm=one panic=1", out
    # Fewer than three Ctrl-As are the guest's: two reach the shell.
    rc, out = two.sh("printf 'x\\001\\001y' | od -An -c | tr -s ' '")
    assert out.strip() == "x 001 001 y", out


def test_64k_typed_into_two_arrive_whole_while_one_runs(two):
    rng = random.Random(17)
    data = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789 \n")
                 for _ in range(FLOOD))
    digest = hashlib.md5(data).hexdigest()
    # 'one' ticks meanwhile: it must keep running.
    two.type("i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo tick$i; "
             "sleep 0.2; done &\n")
    two.expect(r"one\| tick3\r*\n", what="one ticking")
    two.switch("two")
    two.type("stty raw -echo; echo READY; head -c %d >/tmp/f; stty -raw; "
             "echo \"MD5=$(md5sum </tmp/f)\"\n" % FLOOD)
    two.expect(r"READY\r*\n", what="head ready")
    ticks_before = len(re.findall(r"one\| tick\d+", two.output()))
    start = time.monotonic()
    writer = threading.Thread(target=two.type, args=(data,))
    writer.start()
    m = two.expect(r"two\| MD5=([0-9a-f]{32})", 120, "md5 of the flood")
    seconds = time.monotonic() - start
    writer.join()
    ticks = len(re.findall(r"one\| tick\d+", two.output())) - ticks_before
    assert m.group(1) == digest
    assert ticks >= 1, f"one did not tick during {seconds:.1f} s of flood"
    two.expect(re.escape(f"two| {PROMPT}"), what="prompt after the flood")
    print(f"\n[two-vms] 64 KiB into two in {seconds:.1f} s "
          f"({FLOOD / seconds / 1024:.1f} KiB/s), one ticked {ticks} times")


def test_one_reboots_and_crashes_while_two_storms_untouched(two):
    """VM 'one' resets itself REBOOTS times (reboot -f: PSCI SYSTEM_RESET
    of that VM only) and crashes once (sysrq c: panic, then reset) while
    'two' runs the storm; 'one' comes back to its shell each time, and
    'two' loses nothing and never stalls."""
    two.switch("two")
    _, irqs = two.sh("grep -E 'virtio|uart-pl011' /proc/interrupts | "
                     "cut -d: -f1 | tr -d ' ' | tr '\\n' ' '; echo")
    irqs = irqs.split()
    assert len(irqs) == 3, irqs  # rng, blk, the vUART
    # Markers, not prompts, say when a command is done: a prompt goes on
    # the line the VM's last output left open.
    two.type("cat >/tmp/storm.sh <<'__S__'\n" + STORM + "__S__\n")
    two.sh(f"sh /tmp/storm.sh {' '.join(irqs)} >/tmp/storm.log 2>&1 & true")
    start = time.monotonic()
    two.switch("one")
    resets = len(re.findall(r"VM 0 'one' reset \(\d+\)", two.output()))
    for n in range(REBOOTS + 1):
        crash = n == REBOOTS
        two.type("echo c >/proc/sysrq-trigger\n" if crash else
                 "reboot -f\n")
        if crash:
            two.expect(r"one\| [^\n]*Kernel panic - not syncing: sysrq "
                       r"triggered crash", what="one: panic")
        two.expect(rf"VM 0 'one' reset \({resets + n + 1}\)",
                   what=f"one: reset {n + 1}")
        two.expect(re.escape(f"one| {PROMPT}"), linux_guest.BOOT_TIMEOUT,
                   f"one: shell after reset {n + 1}")
    cycle_seconds = time.monotonic() - start
    two.switch("two")
    two.sh("touch /tmp/stop; wait", 120)
    _, log = two.sh("cat /tmp/storm.log")
    _, md5s = two.sh("cat /tmp/s/blk.md5")
    counts = {m.group(1): dict(kv.split("=") for kv in m.group(2).split())
              for m in re.finditer(r"^(\w+) (\w+=.*)$", log, re.M)}
    assert "storm: done" in log, log
    assert set(counts) == {"blk", "churn", "ipi", "rng"}, log
    for w in ("blk", "rng"):
        c = {k: int(v) for k, v in counts[w].items()}
        assert c["passes"] > 0 and c["bad"] == 0 and c["stalls"] == 0, log
        assert c["slowest_ms"] < 10000, log
    assert int(counts["rng"]["bytes"]) == \
        int(counts["rng"]["passes"]) * RNG_BYTES, log
    assert int(counts["churn"]["errors"]) == 0 < int(counts["churn"]
                                                     ["writes"]), log
    assert int(counts["ipi"]["errors"]) == 0 < int(counts["ipi"]["hops"])
    # Every disk chunk read is the image's, one line per pass.
    image = (LINUX_DIR / "scratch1.img").read_bytes()
    want = [hashlib.md5(image[i * CHUNK:(i + 1) * CHUNK]).hexdigest()
            for i in range(16)]
    lines = [ln.split() for ln in md5s.strip().split("\n")]
    assert len(lines) == int(counts["blk"]["passes"])
    assert all(h == want[int(c)] for c, h in lines), md5s
    # Nothing in 'two''s kernel log went wrong.
    two_lines = [ln for ln in two.output().split("\n")
                 if ln.startswith("two| ")]
    for bad in linux_guest.DMESG_BAD + [linux_guest.PANIC]:
        assert not [ln for ln in two_lines if re.search(bad, ln)], bad
    print(f"\n[two-vms] one: {REBOOTS} reboots + 1 crash in "
          f"{cycle_seconds:.1f} s; two's storm: {log.strip()}")


def test_power_off_counts_every_byte_each_vuart_received(two):
    two.switch("one")
    two.type("poweroff -f\n")
    two.expect(r"VM 0 'one' powered off", what="one off")
    two.switch("two")
    two.type("poweroff -f\n")
    two.expect(pexpect.EOF, what="QEMU exit")
    out = two.output()
    for idx, vm in enumerate(("one", "two")):
        m = re.search(rf"VM {idx} '{vm}' vuart: tx=(\d+) rx=(\d+) "
                      r"held=(\d+) overruns=(\d+)", out)
        assert m, f"no vuart counters for {vm}{two.describe()}"
        assert int(m.group(2)) == two.sent[vm], (vm, m.group(0), two.sent)
        assert int(m.group(4)) == 0
    # The flood filled two's FIFO (UARTFR.RXFF): bytes waited behind it.
    assert int(re.search(r"VM 1 'two' vuart: .* held=(\d+) ", out)
               .group(1)) > 0
