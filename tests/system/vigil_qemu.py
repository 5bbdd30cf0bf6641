# SPDX-License-Identifier: MIT
"""Run vigil under QEMU for the system tests.

Every run goes through tools/run-qemu.sh (the same machine as `make run`),
is bounded by a timeout, is killed if still alive at the end, and leaves the
whole console in build/test-logs/<name>.log.

Console conventions: vigil's own lines look like `[cpu0] vigil: ...`; text a
guest writes with the console hypercall comes out as `<vm-name>| <text>`.
"""
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parents[2]
LOG_DIR = REPO / "build" / "test-logs"
RUN_QEMU = REPO / "tools" / "run-qemu.sh"
MKDTB = REPO / "tools" / "mkdtb.sh"

# Seconds one QEMU run may take, boot to power-off.
TIMEOUT = float(os.environ.get("VIGIL_TEST_TIMEOUT", "60"))
# After vigil reports a panic, how long to keep reading before killing QEMU.
PANIC_GRACE = 2.0

# `<vm-name>| <text>` anywhere in a line (vigil may prefix it, e.g. "[cpu1] ").
GUEST_LINE = re.compile(r"(?:^|\s)([\w.@-]+)\| (.*)$")
PANIC = re.compile(r"panic", re.IGNORECASE)


def qemu_version():
    """(major, minor) of the QEMU tools/run-qemu.sh runs for virt ($QEMU)."""
    out = subprocess.run(
        [os.environ.get("QEMU", "qemu-system-aarch64"), "--version"],
        capture_output=True, text=True, check=True).stdout
    m = re.search(r"version (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2)))


def build_dir():
    path = Path(os.environ.get("VIGIL_BUILD", "build/qemu-virt-arm64"))
    return path if path.is_absolute() else REPO / path


def _safe(name):
    return re.sub(r"[^\w.-]+", "_", name)


@dataclass
class Run:
    """The outcome of one QEMU run."""

    name: str
    log: Path
    output: str = ""
    timed_out: bool = False
    panicked: bool = False
    exitstatus: int | None = None
    signalstatus: int | None = None
    lines: list = field(default_factory=list)
    native: bool = False  # run_native(): no vigil, no `<vm>| ` prefixes
    elapsed: float = 0.0  # seconds from spawn to exit (or kill)

    def guest_lines(self, vm=None):
        """(vm-name, text) of every line a guest printed, in order."""
        out = []
        for line in self.lines:
            m = GUEST_LINE.search(line)
            if m and (vm is None or m.group(1) == vm):
                out.append((m.group(1), m.group(2).rstrip()))
        return out

    def guest_texts(self):
        return [text for _, text in self.guest_lines()]

    def texts(self):
        """What the guest printed, one entry per line: guest_texts() under
        vigil, every console line natively."""
        if self.native:
            return [line.rstrip() for line in self.lines]
        return self.guest_texts()

    def matching(self, pattern):
        """re.Match objects of `pattern` searched in every console line."""
        rx = re.compile(pattern)
        return [m for m in map(rx.search, self.lines) if m]

    def describe(self, tail=40):
        """For assertion messages: how the run ended and its last lines."""
        if self.timed_out:
            end = f"killed after {TIMEOUT:.0f}s timeout"
        elif self.panicked:
            end = "killed after a panic"
        else:
            end = f"exit status {self.exitstatus}, signal {self.signalstatus}"
        last = "\n".join(self.lines[-tail:])
        return f"\n--- {self.name}: {end}; log {self.log}\n{last}\n---"


class _Tee:
    """pexpect logfile_read: the log file plus everything kept in memory."""

    def __init__(self, log):
        self.log = log
        self.chunks = []

    def write(self, data):
        self.chunks.append(data)
        self.log.write(data)

    def flush(self):
        self.log.flush()


def make_dtb(name, fragment, smp=4):
    """QEMU's DTB with `fragment` (dts text) merged in; returns its path."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    frag = LOG_DIR / f"{_safe(name)}.fragment.dts"
    out = LOG_DIR / f"{_safe(name)}.dtb"
    frag.write_text(fragment)
    env = dict(os.environ, VIGIL_SMP=str(smp))
    subprocess.run([str(MKDTB), str(out), str(frag)], cwd=REPO, env=env,
                   check=True, timeout=60)
    return out


def with_env(env, fn):
    """fn() with `env` set in os.environ (this module and tools/mkdtb.sh
    read VIGIL_BUILD, VIGIL_ARCH, VIGIL_MEM, VIGIL_GUEST_ADDR from there),
    then the environment put back as it was."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return fn()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_vigil(name, guest="hello", dtb=None, smp=4, timeout=None,
              qemu_args=(), append=None, machine=None, build=None):
    """Boot vigil with `guest` and read the console until QEMU exits.

    `qemu_args` are extra QEMU arguments (e.g. `-device virtio-rng-device`);
    `append` becomes the host DTB's /chosen/bootargs (QEMU -append), which
    vigil passes on to the guest DTB. `machine` "raspi4b" runs QEMU 10's
    Raspberry Pi 4 (tools/run-qemu.sh), with the guests of `build` (a
    folder such as build/rpi4-arm64, whose guests are linked for it).
    """
    args = [str(build or build_dir()), guest]
    if dtb is not None:
        args += ["-dtb", str(dtb)]
    args += list(qemu_args)
    if append is not None:
        args += ["-append", append]
    return _run(name, args, smp, timeout, machine)


def run_native(name, guest, smp=4, timeout=None, qemu_args=(), append=None):
    """Run `guest` alone at EL1 on QEMU's own GICv2 (tools/run-qemu.sh
    --native): the baseline that tells guest bugs from vigil bugs. The guest
    library prints straight to the PL011, so lines carry no `<vm>| ` prefix:
    read them with `Run.lines`, or `Run.texts()` for both kinds of run."""
    args = ["--native", str(build_dir()), guest] + list(qemu_args)
    if append is not None:
        args += ["-append", append]
    run = _run(name, args, smp, timeout)
    run.native = True
    return run


def _run(name, args, smp, timeout, machine=None):
    timeout = TIMEOUT if timeout is None else timeout
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    run = Run(name=name, log=LOG_DIR / f"{_safe(name)}.log")
    env = dict(os.environ, VIGIL_SMP=str(smp))
    if machine:
        env["VIGIL_MACHINE"] = machine

    with open(run.log, "w", encoding="utf-8") as log:
        log.write(f"$ VIGIL_SMP={smp} {RUN_QEMU} {' '.join(args)}\n")
        log.flush()
        child = pexpect.spawn(str(RUN_QEMU), args, cwd=str(REPO), env=env,
                              encoding="utf-8", codec_errors="replace",
                              timeout=timeout)
        tee = _Tee(log)
        child.logfile_read = tee
        start = time.monotonic()
        try:
            idx = child.expect([pexpect.EOF, PANIC], timeout=timeout)
            if idx == 1:
                run.panicked = True
                try:
                    child.expect(pexpect.EOF, timeout=PANIC_GRACE)
                except pexpect.TIMEOUT:
                    pass
        except pexpect.TIMEOUT:
            run.timed_out = True
        finally:
            if child.isalive():
                child.terminate(force=True)
            child.close()
            run.elapsed = time.monotonic() - start
            run.exitstatus = child.exitstatus
            run.signalstatus = child.signalstatus
            run.output = "".join(tee.chunks)
    run.lines = run.output.replace("\r", "").split("\n")
    return run
