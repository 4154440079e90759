"""The audit's bookkeeping, on made-up results: kill matrix, idle tests, unnamed mistakes, verdict."""

from __future__ import annotations

import json

from grader import reports
from grader.audit import BLOCKED, ExerciseAudit, Outcome
from grader.exercises.variants import Variant
from grader.records import ExerciseResult
from grader.records import TestResult as Verdict

TESTS = ("values", "dtype", "policy")


def _result(**failed: str) -> ExerciseResult:
    return ExerciseResult("x", tuple(Verdict(t, t not in failed, failed.get(t, ""), 1.0) for t in TESTS))


def _outcome(name: str, result: ExerciseResult, expect: str | None = None) -> Outcome:
    return Outcome(Variant(name, "", expect, "x"), result, ())


def _audit(*outcomes: Outcome) -> ExerciseAudit:
    return ExerciseAudit("x", _result(), _result(**{t: "not implemented" for t in TESTS}), outcomes, seed=0)


def test_kill_matrix_leaves_out_gated_failures_and_shows_blocked_mistakes() -> None:
    report = _audit(
        _outcome("right", _result()),
        _outcome("wrong_values", _result(values="wrong values", dtype="not checked until values passes"), "wrong values"),
        _outcome("crashes", _result(values="boom", dtype="boom", policy="boom"), "boom"),
    )
    assert report.kills == {"values": ["wrong_values"], "dtype": [], "policy": [], BLOCKED: ["crashes"]}
    assert report.idle_tests == ["dtype", "policy"]
    assert report.ok and not report.unnamed
    document = json.loads(reports.audit_json([report]))["exercises"]["x"]
    assert {k: document[k] for k in ("correct", "accepted", "mistakes", "caught")} == {
        "correct": 1, "accepted": 1, "mistakes": 2, "caught": 2
    }
    assert "tests that catch nothing: dtype, policy" in reports.audit_table([report])


def test_a_rejected_answer_a_missed_mistake_or_an_unnamed_one_is_reported() -> None:
    report = _audit(
        _outcome("right_but_rejected", _result(policy="uses torch")),
        _outcome("missed", _result(), "anything"),
        _outcome("unnamed", _result(values="wrong"), "a phrase that is not there"),
    )
    assert not report.ok
    assert [o.variant.name for o in report.unnamed] == ["unnamed"]
    table = reports.audit_table([report])
    assert "correct answers that lose points: right_but_rejected" in table and "mistakes with full marks: missed" in table


def test_a_mistake_caught_only_by_a_crashing_hidden_test_fails_the_audit() -> None:
    crash = "internal grader problem in this test (KeyError); please tell the instructor"
    report = _audit(_outcome("lucky", _result(dtype=crash), "dtype"))
    assert len(report.caught) == 1 and report.grader_problems == ["lucky"]
    assert not report.ok
    assert "the grader itself failed on: lucky" in reports.audit_table([report])
