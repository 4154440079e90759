"""The command line: argument parsing and printing only; the work is in grader.api and friends.

torch and nbformat are imported only once a command runs, so that ``--help`` and argument
errors answer at once.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import signal
import sys
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterator, NoReturn

from grader.config import MAX_WORKERS, Settings
from grader.exercises import COURSE_ORDER
from grader.sandbox.limits import Limits

TORCH_CACHE = "TORCHINDUCTOR_CACHE_DIR"


def _positive(kind: Callable[[str], float], description: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {description}, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def _workers(text: str) -> int:
    value = int(_positive(int, "a whole number")(text))
    if value > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"at most {MAX_WORKERS} (each worker's jobs run as a user of their own), got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value < 2 ** 63:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**63 - 1, got {text}")
    return value


def _exercise(text: str) -> str:
    if text not in COURSE_ORDER:
        raise argparse.ArgumentTypeError(f"no exercise {text!r} (known: {', '.join(COURSE_ORDER)})")
    return text


class _Parser(argparse.ArgumentParser):
    """An argument error also says where to read what is accepted."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n(see `{self.prog} --help` for what it accepts)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m grader", description="Grade nn.Module workbook notebooks.",
                     epilog="Each command has its own help: python -m grader COMMAND --help")
    commands = parser.add_subparsers(dest="command", required=True)

    g = commands.add_parser("grade", help="grade submitted notebooks", description=(
        "Grade submitted notebooks. PATH is a notebook named like its release notebook (01_modules.ipynb, ...) "
        "or a directory in nbgrader layout: <dir>/<student>/<assignment>/<notebook>.ipynb."))
    g.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    g.add_argument("--json", action="store_true", help="print exactly one JSON document on stdout")
    g.add_argument("--gradebook", metavar="URL", help="also record scores in this nbgrader gradebook (e.g. sqlite:///gradebook.db)")
    g.add_argument("--feedback", metavar="DIR", type=Path, help=(
        "write each submission's feedback here, as DIR/<student>/<notebook>.md and a .html page"))
    _add_gradescope_options(g)
    g.add_argument("--workers", type=_workers, help=f"children grading side by side (default {Settings().workers}, at most {MAX_WORKERS})")
    g.add_argument("--timeout", type=_positive(float, "a number of seconds"), help=f"seconds allowed per exercise (default {Limits.wall_seconds:g})")
    g.add_argument("--seed", type=_seed, help=(
        "seed of the probes' inputs (default: a fresh secret one per batch, or the cache's); the JSON report gives "
        "each batch's, so grading again with it reproduces the batch"))
    g.add_argument("--cache", metavar="FILE", type=Path, help=(
        "regrade incrementally: reuse the results stored in this file (SQLite, created if missing) for every "
        "answer that is unchanged under unchanged tests and settings, and store the new ones; its seed is used "
        "unless --seed is given"))
    g.add_argument("--scheduler", metavar="ADDRESS", help=(
        "run the jobs on a Dask cluster (tcp://HOST:8786): each worker grades in its own sandbox; "
        "judging stays here"))
    g.add_argument("--force", action="store_true", help="with --cache: grade everything anew (and refresh the cache)")

    a = commands.add_parser("audit", help="prove the hidden tests against each exercise's catalogue", description=(
        "Grade each exercise's catalogue of correct answers and known mistakes (grader/exercises/<id>/catalogue.py) "
        "through the real grading path and print, per exercise, how many correct answers keep full marks, how many "
        "mistakes lose points, and which hidden test catches which mistake. Exit status 1 when a correct answer "
        "loses points, a mistake gets full marks, or the grader itself fails on an answer (a bug in a hidden test)."))
    a.add_argument("exercises", nargs="*", metavar="EXERCISE", type=_exercise,
                   help=f"grade_ids to audit (default: all of {', '.join(COURSE_ORDER)})")
    a.add_argument("--json", action="store_true", help="print exactly one JSON document on stdout")
    a.add_argument("--workers", type=_workers, help=f"children grading side by side (default {Settings().workers}, at most {MAX_WORKERS})")
    a.add_argument("--seed", type=_seed, help="seed of the probes' inputs (default: a fresh one, printed with the audit)")

    c = commands.add_parser("check", help="run a working notebook's visible checks out of kernel, in the sandbox", description=(
        "Run the visible checks of a student's working notebook (named like its release notebook) the way the "
        "notebook does, but out of kernel and in the grader's sandbox. Prints, per exercise, passed, failed with "
        "the message, or not attempted, and the points at stake. Exit status 0 only when every attempted exercise "
        "passes its visible check; 1 otherwise; 2 for a file that is not one of the workbook's notebooks."))
    c.add_argument("notebook", type=Path, metavar="NOTEBOOK")
    c.add_argument("--json", action="store_true", help="print exactly one JSON document on stdout")

    _add_report_command(commands)

    d = commands.add_parser("demo", help="grade the bundled sample submissions end to end", description=(
        "Fill the sample answers in samples/ into the release notebooks, grade them, and write a gradebook, "
        "nbgrader's CSV export, feedback pages, the JSON report and the course report into --out."))
    d.add_argument("--out", type=Path, default=Path("build/demo"), help="folder for everything the demo writes (default build/demo)")
    return parser


def _add_gradescope_options(g: argparse.ArgumentParser) -> None:
    from grader.gradescope import VISIBILITIES

    g.add_argument("--gradescope", metavar="DIR", type=Path, help=(
        "also write Gradescope's results.json per submission, as DIR/<student>/<notebook>/results.json"))
    g.add_argument("--gradescope-visibility", choices=VISIBILITIES, default="visible", help=(
        "when Gradescope shows students the tests and their messages (default visible)"))


def _add_report_command(commands: Any) -> None:
    r = commands.add_parser("report", help="write the course report (HTML) from a JSON report", description=(
        "Read the JSON document of `python -m grader grade --json` and write one HTML page for the instructor: "
        "score histograms per assignment and per exercise, the most common failure messages and whom they hit, "
        "tests that nobody or everybody fails, ungradable submissions with reasons, the batch's seed and the "
        "grader's version."))
    r.add_argument("report", type=Path, metavar="REPORT.json", help="made by `python -m grader grade --json PATH... > REPORT.json`")
    r.add_argument("--out", type=Path, default=Path("report.html"), help="the page to write (default report.html)")


def _report(args: argparse.Namespace) -> int:
    from grader.course_report import ReportError, write

    try:
        written = write(args.report, args.out)
    except ReportError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    print(f"course report written to {written}", file=sys.stderr)
    return 0


def _settings(args: argparse.Namespace, seed: int | None = None) -> Settings:
    settings = Settings(seed=seed)
    if getattr(args, "workers", None):
        settings = replace(settings, workers=args.workers)
    if getattr(args, "timeout", None):
        settings = replace(settings, limits=replace(settings.limits, wall_seconds=args.timeout))
    if getattr(args, "scheduler", None):
        settings = replace(settings, scheduler=args.scheduler)
    if getattr(args, "seed", None) is not None:
        settings = replace(settings, seed=args.seed)
    return settings.with_batch_seed()


class _WhileGrading:
    """Told by the batch when its jobs start and as each one is judged. On a terminal it draws
    jobs done, rate and time left on stderr (tqdm); for --gradebook it imports nbgrader's
    database layer (half a second) beside the jobs, once they start, not after them."""

    def __init__(self, *, bar: bool, gradebook: bool) -> None:
        self._draw, self._gradebook = bar, gradebook
        self._bar: Any = None

    def start(self, jobs: int) -> None:
        if self._gradebook:
            threading.Thread(target=importlib.import_module, args=("grader.gradebook",), daemon=True).start()
        if self._draw:
            from tqdm import tqdm

            self._bar = tqdm(total=jobs, unit="job", desc="grading", file=sys.stderr, dynamic_ncols=True, leave=False)

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _early_sandbox(args: argparse.Namespace, settings: Settings) -> Any:
    """The local fork servers, started before this process imports torch and reads the
    submissions, so that both start-ups share the cores. Not with a cache, whose batch may
    have nothing to run, nor on a Dask cluster, whose workers have their own."""
    if settings.scheduler is not None or (args.cache and not args.force):
        return None
    from grader.sandbox.pool import Sandbox

    return Sandbox(settings).start()


def _grade(args: argparse.Namespace) -> int:
    from grader.cache import ResultCache

    cache = ResultCache(args.cache) if args.cache else None
    settings = _settings(args, cache.batch_seed() if cache and args.seed is None else None)
    sandbox = _early_sandbox(args, settings)
    watching = not args.json and sys.stdout.isatty() and sys.stderr.isatty()
    progress = _WhileGrading(bar=watching, gradebook=bool(args.gradebook))
    try:
        from grader import reports
        from grader.api import grade

        results = grade(args.paths, settings, cache=cache, force=args.force, progress=progress, sandbox=sandbox)
    finally:
        if sandbox:
            sandbox.close()
        progress.close()
        if cache:
            cache.close()
    if cache:
        reused = sum(r.reused for r in results)
        print(f"{reused} of {len(results)} submission(s) reused from {args.cache}", file=sys.stderr)
    if args.gradebook:
        from grader import gradebook  # nbgrader's database layer costs about 0.5 s to import

        count = gradebook.record(results, args.gradebook, settings)
        print(f"recorded {count} submission(s) in {args.gradebook}", file=sys.stderr)
    if args.feedback:
        from grader import feedback

        feedback.write_all(results, args.feedback)
        print(f"feedback written to {args.feedback}", file=sys.stderr)
    if args.gradescope:
        from grader import gradescope

        gradescope.write_all(results, args.gradescope, args.gradescope_visibility)
        print(f"Gradescope results written to {args.gradescope}", file=sys.stderr)
    assert settings.seed is not None
    print(reports.json_report(results, settings.seed) if args.json else reports.table(results))
    return 0


def _check(args: argparse.Namespace) -> int:
    import json

    from grader.notebook import Ungradable
    from grader.selfcheck import check_notebook, table

    try:
        results = check_notebook(args.notebook, Settings())
    except Ungradable as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"exercises": [r.__dict__ for r in results]}, indent=2))
    else:
        print(table(results))
    return 0 if all(r.status != "failed" for r in results) else 1


def _audit(args: argparse.Namespace) -> int:
    from grader import reports
    from grader.audit import audit

    audits = audit(list(dict.fromkeys(args.exercises)) or list(COURSE_ORDER), _settings(args))
    print(reports.audit_json(audits) if args.json else reports.audit_table(audits))
    return 0 if all(a.ok for a in audits) else 1


def _demo(args: argparse.Namespace) -> int:
    from grader.demo import run_demo

    out = run_demo(args.out, _settings(args))
    print(out.summary)
    print()
    print(f"submissions:  {out.submitted}")
    print(f"gradebook:    {out.gradebook_url}")
    print(f"grades (CSV): {out.grades_csv}")
    print(f"feedback:     {out.feedback_dir}")
    print(f"JSON report:  {out.report}")
    print(f"HTML report:  {out.course_report}")
    return 0


@contextmanager
def _torch_cache_here() -> Iterator[str]:
    """A folder for the cache torch makes when an optimizer first steps (the judge replays
    training), removed when the command ends: by default torch leaves it in /tmp."""
    folder = tempfile.mkdtemp(prefix="nn-grader-torch-")
    before = os.environ.get(TORCH_CACHE)
    os.environ[TORCH_CACHE] = folder
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop(TORCH_CACHE, None)
        else:
            os.environ[TORCH_CACHE] = before
        shutil.rmtree(folder, ignore_errors=True)


def _stop(message: str, torch_cache: str) -> NoReturn:
    """Exit with 130 at once, every sandbox already torn down. Not through the interpreter's
    own shutdown: an interrupt that landed inside torch's start-up makes it end the process
    with SIGINT instead of the status given."""
    shutil.rmtree(torch_cache, ignore_errors=True)
    print(message, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "grade" and args.force and not args.cache:
        parser.error("--force regrades what a cache holds: give it with --cache FILE")
    signal.signal(signal.SIGTERM, _interrupt)  # stopped like Ctrl-C: every sandbox is torn down
    commands = {"grade": _grade, "check": _check, "audit": _audit, "demo": _demo, "report": _report}
    with _torch_cache_here() as torch_cache:
        return _run(commands[args.command], args, torch_cache)


def _run(command: Callable[[argparse.Namespace], int], args: argparse.Namespace, torch_cache: str) -> int:
    from grader.cache import CacheError
    from grader.discover import BadPath
    from grader.sandbox.pool import Interrupted, SandboxError, SchedulerUnavailable

    try:
        return command(args)
    except Interrupted as stopped:
        _stop(f"grading interrupted: {stopped}", torch_cache)
    except KeyboardInterrupt:
        _stop("grading interrupted before any job had started; nothing was recorded", torch_cache)
    except (BadPath, CacheError, SchedulerUnavailable) as problem:
        print(f"error: {problem}\n(see `python -m grader {args.command} --help`)", file=sys.stderr)
        return 2
    except SandboxError as problem:
        print(f"grader failure: {problem}", file=sys.stderr)
        return 1
