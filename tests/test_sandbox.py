"""Claims about the child processes: student code can end, hang, flood or lie, and only loses."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.api import grade
from grader.config import Settings
from grader.magics import BODY_MAGICS
from grader.sandbox.limits import Limits
from tests.conftest import GradeStudents, build_submissions, points, reference_answers, scores_with

RELU_OK = reference_answers()["relu"]


ATTACKS_RUN = Settings(workers=2, enforce_rules=False)
"""These claims are about what happens when hostile code runs, so nothing is refused before."""


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory):
    marker = tmp_path_factory.mktemp("marker") / "payload-ran"
    base = reference_answers()
    forged = f'''
import os, pickle
class Payload:
    def __reduce__(self):
        return (os.system, ("touch {marker}",))
{RELU_OK}
os.write(3, pickle.dumps(Payload()))  # the pipe the observations go back through
os._exit(0)
'''
    students = {
        "os_exit_in_linear": {**base, "linear": "import os\nos._exit(0)\n"},
        "sys_exit_in_relu": {**base, "relu": "import sys\nsys.exit()\n"},
        "exit_in_forward": {**base, "relu": "class ReLU(nn.Module):\n    def forward(self, x):\n        raise SystemExit(3)\n"},
        "forged_observations": {**base, "relu": forged},
        "floods_output": {**base, "relu": RELU_OK + "\nfor _ in range(200_000):\n    print('spam' * 20)\n"},
        "kills_its_server": {**base, "relu": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n" + RELU_OK},
        "kills_itself": {**base, "matmul": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"},
    }
    root = tmp_path_factory.mktemp("attacks")
    build_submissions(root, students, ATTACKS_RUN)
    return {(r.student or "", r.assignment): r for r in grade([root], ATTACKS_RUN)}, marker


def test_with_the_rules_on_the_same_attacks_are_refused_unrun(grade_students: GradeStudents) -> None:
    base = reference_answers()
    attacks = {
        "exits": {**base, "linear": "import os\nos._exit(0)\n"},
        "kills_its_server": {**base, "relu": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n" + RELU_OK},
    }
    results = grade_students(attacks)
    for student, exercise in (("exits", "linear"), ("kills_its_server", "relu")):
        result = results[(student, "01_modules")]
        assert {e.exercise: e.score for e in result.exercises} == scores_with("01_modules", **{exercise: 0})
        message = result.exercise(exercise).tests[0].message
        assert "so it was not run" in message and "import os" in message and "Tampering suspected" in message


def _scores(results, student: str, assignment: str = "01_modules") -> dict[str, float]:
    return {e.exercise: e.score for e in results[(student, assignment)].exercises}


def _messages(results, student: str, exercise: str, assignment: str = "01_modules") -> list[str]:
    return [t.message for t in results[(student, assignment)].exercise(exercise).tests]


def test_os_exit_in_one_cell_costs_only_that_exercise(results) -> None:
    results, _ = results
    assert _scores(results, "os_exit_in_linear") == scores_with("01_modules", linear=0)
    assert "exited the process (sys.exit / os._exit)" in _messages(results, "os_exit_in_linear", "linear")[0]


def test_sys_exit_in_a_cell_costs_only_that_exercise(results) -> None:
    results, _ = results
    assert _scores(results, "sys_exit_in_relu") == scores_with("01_modules", relu=0)
    assert "called sys.exit()" in _messages(results, "sys_exit_in_relu", "relu")[0]


def test_exit_during_forward_is_reported_as_such(results) -> None:
    results, _ = results
    assert _scores(results, "exit_in_forward")["relu"] == 0
    assert "sys.exit()" in _messages(results, "exit_in_forward", "relu")[0]


def test_cant_get_a_pickle_loaded_by_the_judge(results) -> None:
    results, marker = results
    assert _scores(results, "forged_observations")["relu"] == 0
    assert "not in the expected form" in _messages(results, "forged_observations", "relu")[0]
    assert not marker.exists()


def test_flooding_output_is_stopped_and_costs_only_that_exercise(results) -> None:
    results, _ = results
    assert _scores(results, "floods_output") == scores_with("01_modules", relu=0)
    assert "printed more than 1 MiB" in _messages(results, "floods_output", "relu")[0]


def test_a_child_killed_by_a_signal_is_a_result(results) -> None:
    results, _ = results
    assert results[("kills_itself", "02_autograd")].exercise("matmul").score == 0
    assert "signal 9" in _messages(results, "kills_itself", "matmul", "02_autograd")[0]


def test_faking_the_comparison_functions_gains_no_point(grade_students: GradeStudents) -> None:
    identity = "class ReLU(nn.Module):\n    def forward(self, x):\n        return x\n"
    fakes = (
        "import numpy, torch.testing\n"
        "torch.allclose = lambda *a, **k: True\n"
        "torch.testing.assert_close = lambda *a, **k: None\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
    )
    base = reference_answers()
    results = grade_students({"honest_but_wrong": {**base, "relu": identity}, "faker": {**base, "relu": fakes + identity}})
    honest = results[("honest_but_wrong", "01_modules")].exercise("relu")
    faked = results[("faker", "01_modules")].exercise("relu")
    assert faked.score == honest.score == 0
    assert all("monkey-patching" in t.message and "Tampering suspected" in t.message for t in faked.tests)


def test_cant_kill_its_fork_server(results) -> None:
    results, _ = results
    assert _scores(results, "kills_its_server") == scores_with("01_modules", relu=0)
    assert "PermissionError" in _messages(results, "kills_its_server", "relu")[0]


def test_cant_run_forever(tmp_path: Path) -> None:
    settings = Settings(workers=1, limits=Limits(wall_seconds=2))
    answers = {**reference_answers(), "linear": "while True:\n    pass\n"}
    build_submissions(tmp_path, {"looper": answers}, settings)
    (modules,) = [r for r in grade([tmp_path], settings) if r.assignment == "01_modules"]
    assert {e.exercise: e.score for e in modules.exercises} == scores_with("01_modules", linear=0)
    assert "timed out after 2 s" in modules.exercise("linear").tests[0].message


def test_ipython_magics_in_an_answer_cell_are_harmless(grade_students: GradeStudents) -> None:
    relu = "%load_ext autoreload\n%matplotlib inline\n" + RELU_OK + "\n%timeit ReLU()(torch.ones(3))\nReLU?\n"
    shell = "!echo hello\n" + RELU_OK
    results = grade_students({"magician": {**reference_answers(), "relu": relu}, "shell": {**reference_answers(), "relu": shell}})
    assert results[("magician", "01_modules")].exercise("relu").score == points("relu")
    refused = results[("shell", "01_modules")].exercise("relu")
    assert refused.score == 0 and "may not use shell commands" in refused.tests[0].message


@pytest.mark.parametrize("magic", sorted(BODY_MAGICS))
def test_cell_magics_that_run_their_body_still_run_it(grade_students: GradeStudents, magic: str) -> None:
    results = grade_students({"timer": {**reference_answers(), "relu": f"%%{magic}\n" + RELU_OK}})
    assert results[("timer", "01_modules")].exercise("relu").score == points("relu")


def test_notebook_builtins_work_as_in_jupyter(grade_students: GradeStudents) -> None:
    relu = RELU_OK + "\ndisplay(ReLU())\ndisplay(torch.ones(2), torch.zeros(1))\nget_ipython().run_line_magic('matplotlib', 'inline')\n"
    results = grade_students({"displayer": {**reference_answers(), "relu": relu}})
    assert results[("displayer", "01_modules")].exercise("relu").score == points("relu")


def test_without_the_sandbox_limits_still_hold(tmp_path: Path) -> None:
    """The fallback where namespaces are not available: plain forks, the same limits table."""
    settings = Settings(workers=1, isolate=False, limits=Limits(wall_seconds=2))
    answers = {**reference_answers(), "linear": "while True:\n    pass\n"}
    build_submissions(tmp_path, {"looper": answers}, settings)
    (modules,) = [r for r in grade([tmp_path], settings) if r.assignment == "01_modules"]
    assert {e.exercise: e.score for e in modules.exercises} == scores_with("01_modules", linear=0)
    assert "timed out after 2 s" in modules.exercise("linear").tests[0].message


def test_every_worker_of_a_run_has_a_user_of_its_own() -> None:
    """Two workers sharing a user would share its process limit and its keyrings."""
    from grader.config import MAX_WORKERS
    from grader.sandbox.isolation import job_uid

    assert len({job_uid(worker) for worker in range(MAX_WORKERS)}) == MAX_WORKERS
    with pytest.raises(ValueError, match="at most"):
        job_uid(MAX_WORKERS)
