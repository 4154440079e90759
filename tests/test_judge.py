"""The judge's own rules: gating, blocking problems, internal errors, scoring."""

from __future__ import annotations

import torch

from grader.exercises import EXERCISES, Exercise
from grader.judge import all_failed, judge, max_score, not_attempted
from grader.judge.evidence import close
from grader.exercises.relu.inputs import forward_inputs
from grader.judge.evidence import Evidence
from grader.judge.hidden import HiddenTest
from grader.records import ExerciseResult
from grader.records import TestResult as Verdict

SEED = 12345


def _relu_observations(transform) -> dict:
    observations: dict = {"is_module": True, "cell_errors": {}, "float64/dtype": "torch.float64", "grad/requires_grad": False}
    for i, x in enumerate(forward_inputs(SEED)):
        observations[f"forward{i}/out"] = transform(x)
        observations[f"forward{i}/ops"] = []
        observations[f"forward{i}/input_changed"] = False
    return observations


def test_side_properties_earn_nothing_on_a_wrong_answer() -> None:
    result = judge(EXERCISES["relu"], _relu_observations(lambda x: x.clone()), "return x", seed=SEED)
    assert result.score == 0
    by_name = {t.name: t for t in result.tests}
    assert "returns its input unchanged" in by_name["forward_values"].message
    assert by_name["keeps_dtype"].message == "not checked until forward values passes"


def test_a_correct_forward_earns_its_side_properties() -> None:
    result = judge(EXERCISES["relu"], _relu_observations(lambda x: x.clamp(min=0)), "return x.clamp(min=0)", seed=SEED)
    assert [t.name for t in result.tests if t.passed] == ["forward_values", "keeps_dtype", "input_unchanged", "no_builtin_relu"]
    assert result.score == 4


def test_a_failing_instructor_cell_is_reported_as_a_grader_problem() -> None:
    observations = {**_relu_observations(lambda x: x.clamp(min=0)), "cell_errors": {"setup": {"type": "ImportError", "message": "x"}}}
    result = judge(EXERCISES["relu"], observations, "", seed=SEED)
    assert result.score == 0 and all("internal grader problem" in t.message for t in result.tests)


def test_observations_of_the_wrong_type_do_not_crash_the_judge() -> None:
    observations = {**_relu_observations(lambda x: x.clamp(min=0)), "forward0/out": "not a tensor", "grad/requires_grad": "yes"}
    result = judge(EXERCISES["linear"], observations, "", seed=SEED)
    assert result.score == 0 and len(result.tests) == max_score("linear")


def test_not_attempted_and_scores_add_up() -> None:
    stub = not_attempted("matmul")
    assert stub.score == 0 and stub.max_score == EXERCISES["matmul"].points and "not implemented yet" in stub.tests[0].message
    mixed = ExerciseResult("x", (Verdict("a", True, "", 2.0), Verdict("b", False, "no", 1.5)))
    assert (mixed.score, mixed.max_score) == (2.0, 3.5)
    assert all_failed("relu", "why").to_json()["tests"][0] == {"name": "forward_values", "passed": False, "message": "why"}


def test_hidden_tests_carry_the_points_of_the_spec() -> None:
    assert {e: max_score(e) for e in EXERCISES} == {e: spec.points for e, spec in EXERCISES.items()}


def test_close_compares_shapes_and_values_in_double() -> None:
    assert close(torch.ones(2, dtype=torch.float32), torch.ones(2, dtype=torch.float64))
    assert not close(torch.ones(2), torch.ones(1, 2))


def test_a_bug_in_a_hidden_test_is_reported_as_a_grader_problem(monkeypatch) -> None:
    def test_buggy(ev: Evidence) -> None:
        raise ZeroDivisionError("a mistake of the instructor")

    def test_fine(ev: Evidence) -> None:
        pass

    monkeypatch.setattr("grader.judge.hidden_tests", lambda exercise_id: (HiddenTest(test_buggy), HiddenTest(test_fine)))
    result = judge(EXERCISES["relu"], _relu_observations(lambda x: x.clamp(min=0)), "", seed=SEED)
    buggy, fine = result.tests
    assert not buggy.passed and "internal grader problem" in buggy.message and "instructor" in buggy.message
    assert fine.passed


def test_blocking_messages_follow_the_kind_of_exercise(monkeypatch) -> None:
    """A later exercise may be a plain function (a loss, a training step): messages say so."""
    monkeypatch.setattr("grader.judge.hidden_tests", lambda exercise_id: (HiddenTest(lambda ev: None),))
    train = Exercise(id="train_step", assignment="03_training", kind="function", names=("train_step",), points=1)
    missing = judge(train, {"cell_errors": {}, "missing": "train_step"}, "", seed=SEED)
    assert "must define a function named train_step" in missing.tests[0].message
    assert "should be a function" in judge(train, {"cell_errors": {}, "not_a_function": "int"}, "", seed=SEED).tests[0].message
    sgd = Exercise(id="sgd", assignment="03_training", kind="optimizer", names=("SGD",), points=1)
    assert "subclass of torch.optim.Optimizer" in judge(sgd, {"cell_errors": {}, "right_kind": False}, "", seed=SEED).tests[0].message
    matmul = judge(EXERCISES["matmul"], {"cell_errors": {}, "is_function": False}, "", seed=SEED)
    assert "must be a subclass of torch.autograd.Function" in matmul.tests[0].message
