# SPDX-License-Identifier: MIT
"""test_linux_storm.py's storm on Debian's armmp-lpae Linux in a
`vigil,aarch32` VM of the arm64 vigil (issue 18; the VM of
test_aarch32_linux.py), for VIGIL_AARCH32_LINUX_STORM_SECONDS (default 10
in `make test`). The same assertions, imported from test_linux_storm.py:
every checksum, no stall, every storm IRQ on every CPU, counts consistent
with the transfers, a clean dmesg, moves completed through the
maintenance interrupt and none lost. Its numbers go to
build/test-logs/linux-storm.json as "aarch32-vigil".
"""
import os

import pytest

import test_linux_storm as tls
from test_aarch32_linux import linux_guest
from test_linux_storm import (  # noqa: F401 (the tests and their fixtures)
    disk, test_dmesg_is_clean, test_every_checksum_matches_and_no_pass_stalls,
    test_every_storm_irq_was_delivered_on_every_cpu,
    test_irq_counts_are_consistent_with_the_transfers,
    test_vigil_moved_every_irq_and_lost_none)

SECONDS = int(os.environ.get("VIGIL_AARCH32_LINUX_STORM_SECONDS", "10"))


@pytest.fixture(scope="module", autouse=True)
def aarch32_storm():
    """This module's duration and numbers; test_linux_storm's module
    state put back after."""
    saved = (tls.STORM_SECONDS, tls.save_numbers)
    tls.STORM_SECONDS = SECONDS
    tls.save_numbers = lambda mode, numbers: saved[1](f"aarch32-{mode}",
                                                      numbers)
    try:
        yield
    finally:
        tls.STORM_SECONDS, tls.save_numbers = saved


@pytest.fixture(scope="module")
def vigil(aarch32_storm, disk):  # noqa: F811 (test_linux_storm's fixture)
    s = tls.Storm("vigil", disk)
    s.g = linux_guest("test_aarch32_linux_storm", disk[0])
    try:
        s.run()
        yield s
    finally:
        s.g.close()
