# SPDX-License-Identifier: MIT
"""The bench guest (tests/guests/bench, `make bench`) in its quick mode
under vigil, so it keeps working: every measure completes with the expected
structure. No thresholds on the numbers (docs/performance.md has those);
the run is the one `make bench` makes under vigil, with fewer samples.
Both profiles: the arm64 vigil with the AArch64 guest, the arm32 vigil
with the A32 one (`make bench`'s arm32 column).
"""
import re

import pytest

import vigil_qemu
from test_arm32_hello import BUILD as BUILD32, with_arm32

VCPUS = 2
ITERS = 64
WINDOWS = 5
WINDOW = 100
APPEND = (f"bench.iters={ITERS} bench.windows={WINDOWS} "
          f"bench.window={WINDOW}")
QEMU_ARGS = ["-icount", "shift=0,sleep=off", "-device", "virtio-rng-device"]
TIMEOUT = 30

# name -> unit, in the order the guest runs them.
MEASURES = {
    "hypercall": "insns",
    "psci_version": "insns",
    "gicd_read": "insns",
    "ipi_rtt": "insns",
    "vtimer": "insns",
    "spi_latency": "insns",
    "storm": "irqs_per_1e9_insns",
}

HEADER = re.compile(r"^bench: env=(\w+) clock=(\w+) insns_per_tick=(\d+) "
                    r"cntfrq=(\d+) vcpus=(\d+) iters=(\d+) warmup=(\d+) "
                    r"windows=(\d+) window=(\d+) ")
RESULT = re.compile(r"^bench: result (\w+) (.*)$")
VALUES = re.compile(r"^n=(\d+) min=(\d+) median=(\d+) max=(\d+) unit=(\S+)$")
DONE = re.compile(r"^bench: done measures=(\d+) na=(\d+) irqs=(\d+) "
                  r"requests=(\d+) completions=(\d+) bad=(\d+) "
                  r"unexpected=(\d+)$")


@pytest.fixture(scope="module", params=["arm64", "arm32"])
def run(request):
    def boot():
        return vigil_qemu.run_vigil(f"test_bench-vigil-{request.param}",
                                    guest="bench", smp=VCPUS,
                                    timeout=TIMEOUT, qemu_args=QEMU_ARGS,
                                    append=APPEND)

    if request.param == "arm32":
        if not (BUILD32 / "guests" / "bench.bin").is_file():
            pytest.fail(f"not built: {BUILD32}/guests/bench.bin "
                        "(run make ARCH=arm32)")
        return with_arm32(boot)
    return boot()


def _one(run, rx):
    found = [m for m in map(rx.match, run.texts()) if m]
    assert len(found) == 1, f"{rx.pattern!r} x{len(found)}{run.describe()}"
    return found[0]


def _results(run):
    return [m.groups() for m in map(RESULT.match, run.texts()) if m]


def test_powers_off_cleanly_within_the_budget(run):
    assert not run.timed_out and not run.panicked, run.describe()
    assert run.exitstatus == 0, run.describe()


def test_guest_knows_it_runs_under_vigil_with_its_parameters(run):
    m = _one(run, HEADER)
    assert m.group(1) == "vigil", run.describe()
    assert m.group(2) in ("pmccntr", "cntvct"), run.describe()
    assert int(m.group(3)) * int(m.group(4)) == 10**9, run.describe()
    assert int(m.group(5)) == VCPUS, run.describe()
    assert (int(m.group(6)), int(m.group(8)), int(m.group(9))) == \
        (ITERS, WINDOWS, WINDOW), run.describe()


def test_every_measure_reported_once_in_order(run):
    assert [name for name, _ in _results(run)] == list(MEASURES), \
        run.describe()


@pytest.mark.parametrize("name", list(MEASURES))
def test_measure_has_n_samples_ordered_and_positive(run, name):
    rows = [rest for n, rest in _results(run) if n == name]
    assert len(rows) == 1, run.describe()
    m = VALUES.match(rows[0])
    assert m, f"{name}: {rows[0]!r} (n/a under vigil?){run.describe()}"
    n, lo, med, hi = (int(m.group(i)) for i in range(1, 5))
    assert n == (WINDOWS if name == "storm" else ITERS), run.describe()
    assert 0 < lo <= med <= hi, run.describe()
    assert m.group(5) == MEASURES[name], run.describe()


def test_done_with_every_request_completed_and_nothing_unexpected(run):
    m = _one(run, DONE)
    measures, na, irqs, requests, completions, bad, unexpected = \
        (int(g) for g in m.groups())
    assert (measures, na) == (len(MEASURES), 0), run.describe()
    assert irqs >= ITERS + WINDOWS * WINDOW, run.describe()
    assert requests == completions and bad == 0, run.describe()
    assert unexpected == 0, run.describe()
    bad_lines = [t for t in run.texts()
                 if "UNEXPECTED" in t or "TIMEOUT" in t]
    assert not bad_lines, run.describe()


def test_vigil_lost_no_passthrough_interrupt(run):
    lost = [int(m.group(1)) for m in run.matching(r"vigil: .*\blost=(\d+)")]
    assert lost and all(n == 0 for n in lost), run.describe()
