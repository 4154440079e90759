"""The command-line contract: `python -m grader grade [--json] PATH...`."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.config import Settings
from grader.exercises import ASSIGNMENTS
from tests.conftest import build_submissions, host_processes_with, notebook_points, reference_answers

TOP_KEYS = {"submission", "student", "assignment", "notebook", "status", "error", "score", "max_score", "exercises", "notes", "reused"}


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two students in nbgrader layout, plus files that cannot be graded."""
    root = tmp_path_factory.mktemp("submitted")
    answers = reference_answers()
    noisy = answers["relu"] + '\nprint("{\\"results\\": []}")\nprint("noise", file=open("/dev/stderr", "w"))\n'
    build_submissions(root, {"alice": answers, "bob": {**answers, "relu": noisy}}, Settings())
    broken = root / "carol" / "01_modules" / "01_modules.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{ this is not json", encoding="utf-8")
    stranger = root / "dan" / "01_modules" / "homework.ipynb"
    stranger.parent.mkdir(parents=True)
    stranger.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def graded(course: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    done = run_cli("grade", "--json", course)
    return done, json.loads(done.stdout)


def test_json_output_is_one_document_with_a_row_per_submission(graded) -> None:
    done, document = graded
    assert done.returncode == 0, done.stderr
    assert set(document) == {"seed", "grader_version", "results"} and isinstance(document["seed"], int)
    rows = {(r["student"], r["assignment"], r["notebook"]) for r in document["results"]}
    graded = {(student, a, a) for student in ("alice", "bob") for a in ASSIGNMENTS}
    assert rows == graded | {("carol", "01_modules", "01_modules"), ("dan", "01_modules", "homework")}
    for row in document["results"]:
        assert set(row) == TOP_KEYS
        for exercise in row["exercises"].values():
            assert set(exercise) == {"score", "max_score", "tests", "reused"}
            assert all(set(t) == {"name", "passed", "message"} for t in exercise["tests"])


def test_correct_submissions_score_full_marks_even_when_they_print(graded) -> None:
    _, document = graded
    for row in document["results"]:
        if row["student"] in ("alice", "bob"):
            assert row["status"] == "graded" and row["error"] is None
            assert row["score"] == row["max_score"] == sum(e["max_score"] for e in row["exercises"].values())
    assert {r["max_score"] for r in document["results"] if r["assignment"] == "01_modules" and r["status"] == "graded"} == {
        notebook_points("01_modules")
    }


def test_unreadable_and_unknown_notebooks_are_ungradable_rows(graded) -> None:
    _, document = graded
    by_student = {r["student"]: r for r in document["results"]}
    carol, dan = by_student["carol"], by_student["dan"]
    assert carol["status"] == "ungradable" and "invalid JSON" in carol["error"]
    assert carol["score"] == 0 and carol["max_score"] == notebook_points("01_modules") and carol["exercises"] == {}
    assert dan["status"] == "ungradable" and "01_modules.ipynb" in dan["error"]


def test_a_loose_notebook_is_recognised_by_its_file_name(tmp_path: Path) -> None:
    notebook = next((Path(__file__).parents[1] / "exercises" / "02_autograd").glob("*.ipynb"))
    done = run_cli("grade", "--json", notebook)
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["results"]
    assert (row["student"], row["assignment"], row["status"], row["score"]) == (None, "02_autograd", "graded", 0)
    assert "not implemented" in row["exercises"]["matmul"]["tests"][0]["message"]


@pytest.mark.parametrize("args", [["missing.ipynb"], ["."]], ids=["no-such-path", "empty-directory"])
def test_paths_that_name_no_submission_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    done = run_cli("grade", "--json", *args, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "error:" in done.stderr


def test_table_output_and_bad_options(course: Path) -> None:
    done = run_cli("grade", "--workers", "0", course)
    assert done.returncode == 2 and "must be positive" in done.stderr
    done = run_cli("grade", "--workers", "1.5", course)
    assert done.returncode == 2 and "expected a whole number" in done.stderr
    done = run_cli("grade", "--workers", "5000", course)
    assert done.returncode == 2 and "at most 1024" in done.stderr
    done = run_cli("grade", "--workers", "1", course / "alice")
    assert done.returncode == 0, done.stderr
    full = notebook_points("01_modules")
    assert "alice" in done.stdout and f"{full:g}/{full:g}" in done.stdout


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_the_grader_mid_batch_leaves_nothing_behind(tmp_path: Path, stop: signal.Signals) -> None:
    submitted = tmp_path / "submitted"
    answers = reference_answers()
    build_submissions(submitted, {"quick": answers, "slow": {**answers, "linear": "while True:\n    pass\n"}}, Settings())
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    grader = subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", "--workers", "1", "--timeout", "120", str(submitted)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(scratch)},
    )
    marker = f"nn-grader-{grader.pid}-"  # in every fork server's command line
    for _ in range(600):  # until a fork server runs (at most a minute)
        if host_processes_with(marker) or grader.poll() is not None:
            break
        time.sleep(0.1)
    time.sleep(3)  # let it grade the quick student and start on the endless loop
    grader.send_signal(stop)
    _, stderr = grader.communicate(timeout=60)
    assert grader.returncode == 130, stderr
    assert "grading interrupted:" in stderr and "nothing was recorded" in stderr
    assert host_processes_with(marker) == []
    assert list(scratch.iterdir()) == []
    assert not list(Path("/sys/fs/cgroup/memory").glob(f"{marker}*"))


def test_help_and_argument_errors_answer_without_importing_torch() -> None:
    script = (
        "import sys\n"
        "from grader.cli import main\n"
        "for argv in (['--help'], ['grade', '--workers', '0', 'x.ipynb'], ['audit', 'no_such_exercise']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit as stop:\n"
        "        print(stop.code)\n"
        "print('torch' in sys.modules, 'nbformat' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.split()[-5:] == ["0", "2", "2", "False", "False"], done.stdout + done.stderr
    assert "no exercise 'no_such_exercise'" in done.stderr


def test_audit_prints_one_json_document_per_run() -> None:
    done = run_cli("audit", "--json", "matmul")
    assert done.returncode == 0, done.stderr
    (exercise,) = json.loads(done.stdout)["exercises"].items()
    name, counts = exercise
    assert name == "matmul"
    assert counts["accepted"] == counts["correct"] > 0 and counts["caught"] == counts["mistakes"] > 0
    assert set(counts) >= {"correct", "accepted", "mistakes", "caught", "kills"}
    assert all(isinstance(v, list) for v in counts["kills"].values())


def test_a_terminal_sees_a_progress_bar_and_a_pipe_does_not(tmp_path: Path) -> None:
    import fcntl
    import os
    import pty
    import struct
    import termios

    submitted = tmp_path / "submitted"
    build_submissions(submitted, {"alice": reference_answers()}, Settings())
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))  # a new pty is 0 columns wide
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", "--workers", "1", str(submitted)],
        stdout=slave, stderr=slave, timeout=300,
    )
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    text = seen.decode(errors="replace")
    jobs = sum(len(ASSIGNMENTS[a].exercises) for a in ASSIGNMENTS)
    assert done.returncode == 0 and re.search(rf"grading: +\d+%\|.*\| \d+/{jobs} \[", text), text[-2000:]
    piped = run_cli("grade", "--workers", "1", submitted)
    assert piped.returncode == 0 and "grading:" not in piped.stderr and "%|" not in piped.stderr
