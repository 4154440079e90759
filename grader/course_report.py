"""The course report: one HTML page about a whole batch, read from its JSON report.

For the instructor after a batch: how scores spread per exercise and per assignment, which
failure messages are common (and whom they hit), which tests never or always fail (a test
nobody fails may be too weak, one everybody fails may be wrong), and what could not be graded.
"""

from __future__ import annotations

import base64
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.exercises import EXERCISES
from grader.feedback import message_flags
from grader.html import render_page
from grader.records import GATED

TOP_MESSAGES = 15


class ReportError(Exception):
    """The JSON report cannot be read; the message says what to do."""


@dataclass
class _Failure:
    exercise: str
    message: str
    tests: set[str] = field(default_factory=set)
    students: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Distribution:
    name: str
    title: str
    max_score: float
    scores: list[float]
    image: str
    """A base64 PNG histogram, embedded so that the page is one self-contained file."""

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores)


def load(path: Path) -> dict[str, Any]:
    hint = "make one with `python -m grader grade --json PATH... > REPORT.json`"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file; {hint}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path} is not a JSON report ({exc}); {hint}") from None
    if not isinstance(document, dict) or not isinstance(document.get("results"), list) or "seed" not in document:
        raise ReportError(f"{path} is JSON but not a grading report (no 'seed' and 'results'); {hint}")
    return document


def _histogram(scores: list[float], max_score: float, title: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(4.0, 2.3), dpi=80)
    axes = figure.subplots()
    whole = max_score <= 40 and float(max_score).is_integer()
    bins = [x - 0.5 for x in range(int(max_score) + 2)] if whole else 10
    axes.hist(scores, bins=bins, range=None if whole else (0, max_score or 1), color="#0969da", edgecolor="white")
    axes.set_xlim(-0.6 if whole else 0, (max_score + 0.6) if whole else (max_score or 1))
    axes.set_xlabel(f"score (of {max_score:g})")
    axes.set_ylabel("submissions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title, fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _who(row: dict[str, Any]) -> str:
    return str(row.get("student") or row.get("submission") or "?")


def _ran(tests: list[dict[str, Any]]) -> bool:
    """Whether the exercise's tests really ran: not all failed for one reason (not attempted,
    rules broken, crashed), which says nothing about any single test."""
    return len(tests) < 2 or any(t["passed"] for t in tests) or len({t["message"] for t in tests}) > 1


def _flagged(row: dict[str, Any]) -> list[str]:
    """What the grader noticed in a graded submission: edited locked cells, limits, tampering."""
    found = [str(note) for note in row.get("notes", [])]
    for exercise, result in row["exercises"].items():
        labels = message_flags([t["message"] for t in result["tests"] if not t["passed"]])
        found += [f"{exercise}: {label}" for label in labels]
    return found


def summarise(document: dict[str, Any]) -> dict[str, Any]:
    """Everything the page shows, as plain data (the template only lays it out)."""
    rows = [r for r in document["results"] if isinstance(r, dict)]
    graded = [r for r in rows if r.get("status") == "graded"]
    by_assignment: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_exercise: dict[str, list[tuple[float, float]]] = defaultdict(list)
    failures: dict[tuple[str, str], _Failure] = {}
    fails: dict[tuple[str, str], set[str]] = defaultdict(set)
    test_count: dict[str, int] = {}
    takers: dict[str, set[str]] = defaultdict(set)
    for row in graded:
        by_assignment[row["assignment"]].append(row)
        for exercise, result in row["exercises"].items():
            by_exercise[exercise].append((result["score"], result["max_score"]))
            test_count[exercise] = len(result["tests"])
            ran = _ran(result["tests"])
            if ran:
                takers[exercise].add(_who(row))
            for test in result["tests"]:
                key = (exercise, test["name"])
                fails.setdefault(key, set())
                if not test["passed"]:
                    if ran:
                        fails[key].add(_who(row))
                    if test["message"].startswith(GATED):
                        continue  # a follow-on of another test's failure, counted there
                    failure = failures.setdefault((exercise, test["message"]), _Failure(exercise, test["message"]))
                    failure.tests.add(test["name"].replace("_", " "))
                    failure.students.add(_who(row))

    def title(exercise: str) -> str:
        return EXERCISES[exercise].title if exercise in EXERCISES else exercise

    assignments = [
        _Distribution(name, name, max(r["max_score"] for r in group), [r["score"] for r in group],
                      _histogram([r["score"] for r in group], max(r["max_score"] for r in group), name))
        for name, group in sorted(by_assignment.items())
    ]
    exercises = [
        _Distribution(e, title(e), max(m for _, m in pairs), [s for s, _ in pairs],
                      _histogram([s for s, _ in pairs], max(m for _, m in pairs), f"{title(e)} ({e})"))
        for e, pairs in by_exercise.items()
    ]
    common = sorted(failures.values(), key=lambda f: (-len(f.students), -len(f.tests), f.exercise, f.message))
    return {
        "seed": document["seed"],
        "grader_version": document.get("grader_version", "not recorded"),
        "submissions": len(rows),
        "graded": len(graded),
        "students": len({_who(r) for r in rows}),
        "assignments": assignments,
        "exercises": exercises,
        "failures": [
            {
                "exercise": f.exercise, "message": f.message, "students": sorted(f.students),
                "tests": [f"all {len(f.tests)} tests"] if len(f.tests) > 1 and len(f.tests) == test_count[f.exercise] else sorted(f.tests),
            }
            for f in common[:TOP_MESSAGES]
        ],
        "more_failures": max(0, len(common) - TOP_MESSAGES),
        "never_failed": [f"{e}: {t.replace('_', ' ')}" for (e, t), who in fails.items() if takers[e] and not who],
        "always_failed": [f"{e}: {t.replace('_', ' ')}" for (e, t), who in fails.items() if who and who >= takers[e]],
        "flagged": [
            {"student": _who(r), "notebook": r["notebook"], "what": what}
            for r in graded if (what := _flagged(r))
        ],
        "ungradable": [
            {"student": _who(r), "notebook": r.get("notebook"), "assignment": r.get("assignment"), "error": r.get("error")}
            for r in rows if r.get("status") != "graded"
        ],
    }


def render(document: dict[str, Any], source: str = "") -> str:
    return render_page("report.html", report=summarise(document), source=source)


def write(report_json: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(load(report_json), source=str(report_json)), encoding="utf-8")
    return out
