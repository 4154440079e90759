"""The grader's type hints hold (mypy over the package)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_grader_package_type_checks() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "grader"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
