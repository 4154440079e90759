"""Batch grading speed and memory: plain `nbgrader autograde` against `python -m grader grade`.

1. The same 100 submitted notebooks (50 students x 01_modules and 02_autograd; answers mixed:
   correct, wrong and crashing), graded by `nbgrader autograde` and by `python -m grader grade`
   (sandbox on, gradebook written; timed three times, the median counts, and once more for its
   peak memory), one after the other: wall seconds, notebooks per second, peak memory of each
   command's whole process tree, and the ratio.
2. The grader alone on 1,000 notebooks (500 students), gradebook writes included and timed
   apart, to show that the cost per notebook stays flat from 100 to 1,000.
3. The same 1,000 again with the result cache the first run filled: the incremental rerun.

Every answer carries its student's name in a comment, so no two jobs are identical and
nothing is saved by grading a shared answer once: these are the figures for a class whose
answers all differ. Usage: python bench/batch.py [--students N] [--large N] [--skip-nbgrader]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from grader.config import PROJECT_ROOT, Settings
from grader.course import make_course, nbgrader
from grader.exercises import EXERCISES
from grader.exercises.variants import load_catalogue
from grader.fill import filled_notebook, write_submission
from grader.references import reference_answer

ASSIGNMENTS = ("01_modules", "02_autograd")
HOSTILE = ("while ", "sleep", "fork", "os.", "sys.", "exit", "signal", "open(", "**", "* 10")
"""Mistakes left out of the mix: the ones that hang, flood or hit limits measure the limits,
not grading (their own tests prove the limits)."""
OUR_RUNS = 3
"""The grader's timed runs on the 100 (a few seconds each, on a noisy machine): their median is
compared. A further run, not timed, measures its peak memory."""
T = TypeVar("T")


def _crash(exercise: str) -> str:
    """An answer that defines its class and then fails when the probe uses it."""
    name = EXERCISES[exercise].title
    if EXERCISES[exercise].kind == "autograd_function":
        return (f"class {name}(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, X, Y):\n"
                "        raise RuntimeError('not finished')\n")
    return (f"class {name}(nn.Module):\n    def __init__(self, *args, **kwargs):\n        super().__init__()\n"
            "        self.layer = self.layer\n")


def answer_pool() -> dict[str, list[str]]:
    """Per exercise: answers to draw from, about half correct, a third wrong, a sixth crashing."""
    settings = Settings()
    pool: dict[str, list[str]] = {}
    for exercise in (e for e in EXERCISES.values() if e.assignment in ASSIGNMENTS):
        catalogue = load_catalogue(exercise.id)
        correct = [reference_answer(settings.solutions_dir, exercise.assignment, exercise.id)] + [v.source for v in catalogue.correct]
        wrong = [v.source for v in catalogue.mistakes if not any(word in v.source for word in HOSTILE)]
        pool[exercise.id] = correct * 3 + wrong[: len(correct) * 2] + [_crash(exercise.id)] * len(correct)
    return pool


def students(count: int, seed: int = 0) -> dict[str, dict[str, str]]:
    rng = random.Random(seed)
    pool = answer_pool()
    return {
        f"s{i:04d}": {exercise: f"{rng.choice(answers)}\n# s{i:04d}\n" for exercise, answers in pool.items()}
        for i in range(count)
    }


def submit(root: Path, answers: dict[str, dict[str, str]]) -> Path:
    settings = Settings()
    for student, own in answers.items():
        for assignment in ASSIGNMENTS:
            write_submission(root, student, assignment, filled_notebook(settings.release_dir, assignment, own))
    return root


class PeakMemory:
    """Peak proportional set size (shared pages counted once) of a process and all below it,
    sampled from /proc five times a second."""

    def __init__(self, root_pid: int) -> None:
        self.root, self.peak, self._stop = root_pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                    parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
                except (OSError, IndexError, ValueError):
                    continue
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(parents.get(pid, []))
        return tree

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            total = 0
            for pid in self._tree():
                try:
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            total += int(line.split()[1]) * 1024
                except OSError:
                    continue
            self.peak = max(self.peak, total)


def timed_command(
    args: list[str], cwd: Path | None = None, *, sample_memory: bool = True
) -> tuple[float, int, subprocess.CompletedProcess[str]]:
    """Wall seconds and peak memory of a command and its children (0 when not sampled)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process.pid)
    if sample_memory:
        with memory:
            stdout, stderr = process.communicate()
    else:
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done = subprocess.CompletedProcess(args, process.returncode, stdout, stderr)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{stderr[-3000:]}")
    return seconds, memory.peak, done


def timed(call: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


def gib(size: int) -> str:
    return f"{size / 2**30:.2f} GiB"


def row(name: str, notebooks: int, seconds: float, peak: int | None = None) -> str:
    memory = f"  peak {gib(peak)}" if peak is not None else ""
    return f"{name:34s} {seconds:8.2f} s  {notebooks / seconds:7.1f} notebooks/s  {1000 * seconds / notebooks:7.1f} ms each{memory}"


def compare_with_nbgrader(answers: dict[str, dict[str, str]], tmp: Path) -> tuple[int, float]:
    notebooks = len(answers) * len(ASSIGNMENTS)
    course = make_course(tmp / "course", PROJECT_ROOT / "solutions", answers, ASSIGNMENTS)
    theirs_seconds = 0.0
    theirs_peak = 0
    for assignment in ASSIGNMENTS:
        seconds, peak, _ = timed_command([str(Path(sys.executable).parent / "nbgrader"), "autograde", assignment, "--create"], cwd=course)
        theirs_seconds, theirs_peak = theirs_seconds + seconds, max(theirs_peak, peak)
    nbgrader("export", "--to", "grades.csv", cwd=course)
    with open(course / "grades.csv", newline="", encoding="utf-8") as handle:
        theirs = {(r["student_id"], r["assignment"]): float(r["score"]) for r in csv.DictReader(handle)}
    runs, differ = [], []
    for run in range(OUR_RUNS + 1):  # each run a new gradebook, as the first
        seconds, peak, done = timed_command([
            sys.executable, "-m", "grader", "grade", "--json", "--gradebook", f"sqlite:///{tmp / f'ours{run}.db'}",
            str(course / "submitted"),
        ], sample_memory=run == OUR_RUNS)
        runs.append((seconds, peak))
        ours = {(r["student"], r["assignment"]): r["score"] for r in json.loads(done.stdout)["results"]}
        differ += sorted(k for k in theirs if ours.get(k) != theirs[k])
    # The timed runs are not sampled: the sampler would take its share of the two cores the
    # grader keeps busy (nbgrader leaves one idle). One more run measures the peak memory.
    ours_seconds, ours_peak, runs = statistics.median(s for s, _ in runs[:-1]), runs[-1][1], runs[:-1]
    print(f"1. {notebooks} submitted notebooks ({len(answers)} students x {len(ASSIGNMENTS)} notebooks; correct, wrong and crashing answers)")
    print("   " + row("nbgrader autograde", notebooks, theirs_seconds, theirs_peak))
    print("   " + row("python -m grader grade", notebooks, ours_seconds, ours_peak)
          + f"  (median of {OUR_RUNS}: {', '.join(f'{s:.2f}' for s, _ in runs)} s)")
    print(f"   speed-up: {theirs_seconds / ours_seconds:.1f}x; same scores: "
          + ("yes" if not differ else f"{len(differ)} of {len(theirs) * (OUR_RUNS + 1)} differ, e.g. {differ[:3]}"))
    return notebooks, ours_seconds / notebooks


def large_batch(answers: dict[str, dict[str, str]], tmp: Path, small_each: tuple[int, float] | None) -> None:
    """``small_each``: notebooks graded in 1. and the seconds each took there."""
    from grader import gradebook
    from grader.api import grade
    from grader.cache import ResultCache

    notebooks = len(answers) * len(ASSIGNMENTS)
    submitted = submit(tmp / "large", answers)
    cache = ResultCache(tmp / "cache.sqlite")
    settings = Settings(seed=cache.batch_seed())
    with PeakMemory(os.getpid()) as memory:
        grading, results = timed(lambda: grade([submitted], settings, cache=cache))
        writing, _ = timed(lambda: gradebook.record(results, f"sqlite:///{tmp / 'large.db'}", settings))
    total = grading + writing
    print(f"2. {notebooks} notebooks ({len(answers)} students), sandbox on, gradebook written")
    print("   " + row("python -m grader (grade + gradebook)", notebooks, total, memory.peak))
    print(f"   of which gradebook writes {writing:.2f} s ({100 * writing / total:.0f} %)")
    if small_each:
        print(f"   cost per notebook: {1000 * small_each[1]:.1f} ms at {small_each[0]} (from 1., with start-up), "
              f"{1000 * total / notebooks:.1f} ms at {notebooks}")
    rerun, again = timed(lambda: grade([submitted], settings, cache=cache))
    writing_again, _ = timed(lambda: gradebook.record(again, f"sqlite:///{tmp / 'large.db'}", settings))
    reused = sum(r.reused for r in again)
    print(f"3. the same {notebooks} again, unchanged, with the cache of 2.: {reused} of {len(again)} reused")
    print("   " + row("incremental rerun (+ gradebook)", notebooks, rerun + writing_again)
          + f"  = {100 * (rerun + writing_again) / total:.1f} % of the first")
    cache.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50, help="students in the comparison with nbgrader (2 notebooks each)")
    parser.add_argument("--large", type=int, default=500, help="students in the large batch (2 notebooks each)")
    parser.add_argument("--skip-nbgrader", action="store_true", help="leave out part 1")
    args = parser.parse_args()
    print(f"grading on {Settings().workers} workers; every answer unique")
    with tempfile.TemporaryDirectory(prefix="nn-bench-") as scratch:
        tmp = Path(scratch)
        small_each = None if args.skip_nbgrader else compare_with_nbgrader(students(args.students), tmp)
        large_batch(students(args.large, seed=1), tmp, small_each)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
