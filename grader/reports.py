"""What an instructor sees: the JSON document of the command-line contract, and a summary table."""

from __future__ import annotations

import json

from grader.records import SubmissionResult


def json_report(results: list[SubmissionResult]) -> str:
    return json.dumps({"results": [r.to_json() for r in results]}, indent=2)


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
