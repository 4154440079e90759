"""What an instructor sees: the JSON document of the command-line contract, and a summary table."""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING

from grader.records import SubmissionResult

if TYPE_CHECKING:
    from grader.audit import ExerciseAudit


def grader_version() -> str:
    """The installed grader's version, recorded with each batch."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nn-module-workbook")
    except PackageNotFoundError:
        return "unknown"


def json_report(results: list[SubmissionResult], seed: int) -> str:
    """The batch's document; ``seed`` (the batch's) lets a regrade reproduce it exactly."""
    document = {"seed": seed, "grader_version": grader_version(), "results": [r.to_json() for r in results]}
    return json.dumps(document, indent=2)


def table(results: list[SubmissionResult]) -> str:
    rows = [("submission", "assignment", "score", "details")]
    for r in results:
        who = r.student or r.submission
        if r.status == "ungradable":
            details = f"ungradable: {r.error}"
        else:
            details = "  ".join(f"{e.exercise} {e.score:g}/{e.max_score:g}" for e in r.exercises)
        rows.append((who, r.assignment, f"{r.score:g}/{r.max_score:g}", details))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3] for row in rows
    )


def audit_json(audits: list[ExerciseAudit]) -> str:
    return json.dumps({"exercises": {a.exercise: a.to_json() for a in audits}}, indent=2)


def audit_table(audits: list[ExerciseAudit]) -> str:
    """Per exercise: the two totals, the kill matrix, idle tests and unnamed mistakes."""
    blocks = []
    for a in audits:
        kills = a.kills
        width = max(len(test) for test in kills)
        lines = [
            f"{a.exercise}: {'ok' if a.ok else 'FAILED'} (seed {a.seed})",
            f"  reference                 {a.reference.score:g}/{a.reference.max_score:g}",
            f"  correct answers accepted  {len(a.accepted)}/{len(a.correct)}",
            f"  mistakes caught           {len(a.caught)}/{len(a.mistakes)}",
            f"  tampering suspected       {len(a.tampering)} of them",
            f"  {'hidden test'.ljust(width)}  catches",
        ]
        for test, killed in kills.items():
            names = textwrap.wrap(", ".join(killed), 100 - width) or ["-"]
            lines.append(f"  {test.ljust(width)}  {len(killed):>2}  {names[0]}")
            lines.extend(f"  {'':{width}}      {more}" for more in names[1:])
        rejected = [o.variant.name for o in a.correct if not o.full_marks]
        missed = [o.variant.name for o in a.mistakes if o.full_marks]
        lines.append(f"  tests that catch nothing: {', '.join(a.idle_tests) or '-'}")
        lines.append(f"  mistakes not named by their phrase: {', '.join(o.variant.name for o in a.unnamed) or '-'}")
        if rejected:
            lines.append(f"  correct answers that lose points: {', '.join(rejected)}")
        if missed:
            lines.append(f"  mistakes with full marks: {', '.join(missed)}")
        if a.grader_problems:
            lines.append(f"  the grader itself failed on: {', '.join(a.grader_problems)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
