# SPDX-License-Identifier: MIT
"""The Linux guest (build/linux/Image + initramfs.cpio.gz, `make linux`)
booted through tools/run-linux.sh and driven at its busybox prompt with
pexpect: shared by test_linux.py (issue 4) and test_linux_storm.py
(issue 5).

Each command runs as `CMD; echo __RC=$?` with the terminal's echo off, so
what comes before the marker is the command's output alone.
"""
import os
import re
import time

import pexpect

import vigil_qemu

LINUX_DIR = vigil_qemu.REPO / "build" / "linux"
RUN_LINUX = vigil_qemu.REPO / "tools" / "run-linux.sh"
PROMPT = "vigil-guest# "  # tools/mkinitramfs.py: PROMPT
BANNER = "vigil-guest: Linux initramfs up"  # tools/mkinitramfs.py: BANNER
# TCG boots take about 3 s to the prompt on the 2-core CI machine; the
# bound is for a loaded machine and for the slower runs under vigil.
BOOT_TIMEOUT = float(os.environ.get("VIGIL_LINUX_BOOT_TIMEOUT", "180"))
CMD_TIMEOUT = 60.0
SMP = 4

# dmesg lines that mean the kernel is unhappy (issue 4). A stall of
# either kind counts: "rcu_sched detected stalls on CPUs/tasks" (a CPU or
# the grace-period kthread held up, not the reporting one) went through
# test_arm32_linux.py unnoticed before (docs/arm32.md).
DMESG_BAD = [r"WARNING", r"\bBUG\b", r"Oops",
             r"rcu_\w+ (self-)?detected stall", r"soft lockup",
             r"nobody cared"]
PANIC = r"Kernel panic"
RC = re.compile(r"__RC=(\d+)\r*\n")


class GuestError(AssertionError):
    pass


class LinuxGuest:
    """One QEMU run of the Linux guest, driven at its shell prompt."""

    def __init__(self, name, args=(), timeout=BOOT_TIMEOUT, env=None,
                 program=RUN_LINUX):
        self.name = name
        self.args = [str(a) for a in args]
        self.env = dict(env or {})
        self.program = program
        self.timeout = timeout
        self.log_path = vigil_qemu.LOG_DIR / f"{vigil_qemu._safe(name)}.log"
        self.child = None
        self.tee = None
        self.boot_seconds = None

    # -- lifecycle -----------------------------------------------------------
    def boot(self):
        """Start QEMU and wait for the first prompt; turn the echo off."""
        vigil_qemu.LOG_DIR.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", encoding="utf-8")
        self._log.write(f"$ {self.program} {' '.join(self.args)}\n")
        self._log.flush()
        env = dict(os.environ, VIGIL_SMP=str(SMP), **self.env)
        start = time.monotonic()
        self.child = pexpect.spawn(str(self.program), self.args,
                                   cwd=str(vigil_qemu.REPO), env=env,
                                   encoding="utf-8", codec_errors="replace",
                                   timeout=self.timeout)
        self.tee = vigil_qemu._Tee(self._log)
        self.child.logfile_read = self.tee
        self._expect([PROMPT], self.timeout, "boot to the shell prompt")
        self.boot_seconds = time.monotonic() - start
        # busybox's line editor falls back to a plain read without echo (and
        # without cursor queries) once echo is off.
        self.child.sendline("stty -echo; dmesg -n 1")
        self._expect([PROMPT], CMD_TIMEOUT, "stty -echo")
        return self

    def close(self):
        if self.child is not None:
            if self.child.isalive():
                self.child.terminate(force=True)
            self.child.close()
        if self.tee is not None:
            self._log.close()

    # -- console -------------------------------------------------------------
    def output(self):
        return "".join(self.tee.chunks) if self.tee else ""

    def describe(self, tail=40):
        lines = self.output().replace("\r", "").split("\n")
        last = "\n".join(lines[-tail:])
        return f"\n--- {self.name}; log {self.log_path}\n{last}\n---"

    def _expect(self, patterns, timeout, what):
        """Wait for one of `patterns`; a panic, EOF or timeout fails."""
        try:
            idx = self.child.expect(list(patterns) + [PANIC, pexpect.EOF],
                                    timeout=timeout)
        except pexpect.TIMEOUT:
            raise GuestError(f"{what}: no answer in {timeout:.0f}s"
                             f"{self.describe()}") from None
        if idx == len(patterns):
            try:
                self.child.expect(pexpect.EOF, timeout=2)
            except pexpect.TIMEOUT:
                pass
            raise GuestError(f"{what}: kernel panic{self.describe()}")
        if idx == len(patterns) + 1:
            raise GuestError(f"{what}: QEMU exited{self.describe()}")
        return idx

    def sh(self, cmd, timeout=CMD_TIMEOUT, check=True):
        """Run `cmd` in the guest shell: (exit status, output)."""
        self.child.sendline(f"{cmd}; echo __RC=$?")
        self._expect([RC], timeout, f"`{cmd}`")
        out = self.child.before.replace("\r", "")
        rc = int(self.child.match.group(1))
        self._expect([PROMPT], timeout, f"prompt after `{cmd}`")
        if check and rc != 0:
            raise GuestError(f"`{cmd}` exited {rc}:\n{out}{self.describe()}")
        return rc, out

    def poweroff(self, timeout=CMD_TIMEOUT):
        """`poweroff -f`; QEMU's exit status."""
        self.child.sendline("poweroff -f")
        try:
            self.child.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            raise GuestError(f"QEMU still running {timeout:.0f}s after "
                             f"poweroff -f{self.describe()}") from None
        self.child.close()
        return self.child.exitstatus


def parse_interrupts(text):
    """/proc/interrupts as {row label: (per-CPU counts, description)}."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    ncpu = len(lines[0].split())
    rows = {}
    for ln in lines[1:]:
        label, _, rest = ln.partition(":")
        fields = rest.split()
        counts = []
        for f in fields[:ncpu]:
            if not f.isdigit():
                break
            counts.append(int(f))
        rows[label.strip()] = (counts, " ".join(fields[len(counts):]))
    return rows


def rows_named(rows, name):
    """Rows whose description ends with the action name `name`."""
    return {k: v for k, v in rows.items() if v[1].split()[-1:] == [name]}


def report(capsys, tag, text):
    """Print past pytest's capture, so `make test` shows the numbers."""
    with capsys.disabled():
        print(f"\n[{tag}] {text}", flush=True)
