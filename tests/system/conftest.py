# SPDX-License-Identifier: MIT
"""System tests: vigil and its test guests on QEMU (see vigil_qemu.py)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vigil_qemu  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "native: the guest alone on QEMU's own GICv2, without vigil (the "
        "baseline for the vigil runs; fast, run by default)")


@pytest.fixture(scope="session", autouse=True)
def built_images():
    """The images must exist: a missing build fails, it is never skipped."""
    build = vigil_qemu.build_dir()
    missing = [p for p in (build / "vigil.bin", build / "guests/hello.bin")
               if not p.is_file()]
    if missing:
        pytest.fail(f"not built: {', '.join(map(str, missing))} (run make)")
    return build
