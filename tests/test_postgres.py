"""A gradebook on a real PostgreSQL server holds the same grades as the SQLite one.

The fixture starts its own server (Debian's `postgresql` package, which `.ci/run` installs)
in a temporary data folder, listening on loopback only, and stops it afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest

from grader import gradebook
from grader.api import grade
from grader.config import Settings
from tests.conftest import build_submissions, reference_answers

SERVERS = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; as root, run it as the package's own user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if not SERVERS:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run installs the Debian package postgresql")
        pytest.skip("PostgreSQL is not installed (Debian package postgresql)")
    bin_dir = SERVERS[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="nn-grader-pg-"))
    data, sockets = folder / "data", folder / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    subprocess.run(
        _as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "grader", "--auth=trust", "-E", "UTF8"]),
        check=True, capture_output=True, timeout=120,
    )
    port = _free_port()
    server = subprocess.Popen(
        _as_server_user([str(bin_dir / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port), "-k", str(sockets)]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            ready = subprocess.run([str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True)
            if ready.returncode == 0:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the PostgreSQL server did not start")
        yield f"postgresql://grader@127.0.0.1:{port}/postgres"
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_batch_recorded_in_postgresql_exports_the_same_csv_as_sqlite(postgres_url: str, tmp_path: Path, settings: Settings) -> None:
    answers = reference_answers()
    wrong = {**answers, "relu": "class ReLU(nn.Module):\n    def forward(self, x):\n        return x\n"}
    build_submissions(tmp_path / "submitted", {"ada": answers, "ben": wrong, "=cy": {}}, settings)
    results = grade([tmp_path / "submitted"], settings)
    sqlite_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    for url in (sqlite_url, postgres_url):
        assert gradebook.record(results, url, settings) == len(results)
    gradebook.export_csv(sqlite_url, tmp_path / "sqlite.csv")
    gradebook.export_csv(postgres_url, tmp_path / "postgres.csv")
    sqlite_rows = sorted((tmp_path / "sqlite.csv").read_text(encoding="utf-8").splitlines())
    postgres_rows = sorted((tmp_path / "postgres.csv").read_text(encoding="utf-8").splitlines())
    assert postgres_rows == sqlite_rows
    assert len(sqlite_rows) == 1 + len(results)  # a header and a row per student and assignment
