"""What the sandbox costs per job: the same jobs through fork servers with and without it.

Both pools run here, one after the other, on one machine: first the start-up (servers
ready), then N jobs of each kind of exercise; the script prints milliseconds per job for
each and their ratio. Usage: python bench/sandbox_cost.py [--jobs N] [--workers W]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from grader.assemble import assemble
from grader.config import Settings
from grader.exercises import EXERCISES
from grader.records import Program
from grader.references import instructor_cells, reference_answer
from grader.sandbox.pool import Sandbox


def programs(settings: Settings, count: int) -> list[Program]:
    """``count`` jobs, the reference answer of every exercise in turn."""
    one_each = []
    for exercise in EXERCISES.values():
        cells = instructor_cells(settings.solutions_dir, exercise.assignment)
        answer = reference_answer(settings.solutions_dir, exercise.assignment, exercise.id)
        one_each.append(assemble(exercise.id, cells, answer).with_seed(0))
    return [one_each[i % len(one_each)] for i in range(count)]


def measure(settings: Settings, jobs: list[Program]) -> tuple[float, float]:
    """(seconds until the servers are ready, seconds for all jobs)."""
    started = time.perf_counter()
    with Sandbox(settings) as sandbox:
        ready = time.perf_counter()
        outcomes = sandbox.run_all(jobs)
        done = time.perf_counter()
    failed = [o for o in outcomes if o.status != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} jobs failed, e.g. {failed[0].status}: {failed[0].detail}")
    return ready - started, done - ready


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=400)
    parser.add_argument("--workers", type=int, default=Settings().workers)
    args = parser.parse_args()
    sandboxed = Settings(workers=args.workers)
    plain = replace(sandboxed, isolate=False)
    jobs = programs(sandboxed, args.jobs)
    rows = []
    for name, settings in (("plain fork", plain), ("sandboxed", sandboxed)):
        start, run = measure(settings, jobs)
        rows.append((name, start, run, 1000 * run / len(jobs)))
        print(f"{name:11s}  start-up {start:6.2f} s   {len(jobs)} jobs {run:6.2f} s   {rows[-1][3]:6.1f} ms per job")
    print(f"sandbox cost per job: {rows[1][3] - rows[0][3]:+.1f} ms ({rows[1][3] / rows[0][3]:.2f}x the plain fork), "
          f"start-up {rows[1][1] - rows[0][1]:+.2f} s, {args.workers} workers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
