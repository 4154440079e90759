"""Batch grading speed: plain `nbgrader autograde` against `python -m grader grade`, same submissions.

Both run here, one after the other, on one temporary course; the script prints both times
and their ratio, and checks that both gave every submission the same score.
Usage: python bench/grading_speed.py [--students N]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.config import PROJECT_ROOT
from grader.course import make_course, nbgrader
from grader.demo import SAMPLES_DIR
from grader.exercises import ASSIGNMENTS
from grader.fill import parse_answers

HONEST_SAMPLES = ("ada", "ben", "cy", "dee")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=12)
    args = parser.parse_args()
    samples = [parse_answers((SAMPLES_DIR / f"{name}.py").read_text(encoding="utf-8")) for name in HONEST_SAMPLES]
    students = {f"s{i:03d}": answers for i, answers in zip(range(args.students), itertools.cycle(samples))}
    notebooks = len(students) * len(ASSIGNMENTS)

    with tempfile.TemporaryDirectory() as tmp:
        course = make_course(Path(tmp), PROJECT_ROOT / "solutions", students)

        start = time.perf_counter()
        for assignment in ASSIGNMENTS:
            nbgrader("autograde", assignment, "--create", cwd=course)
        nbgrader_seconds = time.perf_counter() - start
        nbgrader("export", "--to", "grades.csv", cwd=course)

        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "grader", "grade", "--json", str(course / "submitted")],
            capture_output=True, text=True, check=True,
        )
        ours_seconds = time.perf_counter() - start

        with open(course / "grades.csv", newline="", encoding="utf-8") as handle:
            theirs = {(r["student_id"], r["assignment"]): float(r["score"]) for r in csv.DictReader(handle)}
        ours = {(r["student"], r["assignment"]): r["score"] for r in json.loads(done.stdout)["results"]}

    print(f"{notebooks} submitted notebooks ({len(students)} students x {len(ASSIGNMENTS)} assignments)")
    print(f"nbgrader autograde:   {nbgrader_seconds:8.2f} s  ({nbgrader_seconds / notebooks:.3f} s per notebook)")
    print(f"python -m grader:     {ours_seconds:8.2f} s  ({ours_seconds / notebooks:.3f} s per notebook)")
    print(f"speed-up:             {nbgrader_seconds / ours_seconds:8.1f}x")
    print(f"same scores:          {'yes' if ours == theirs else 'NO'}")
    return 0 if ours == theirs else 1


if __name__ == "__main__":
    raise SystemExit(main())
