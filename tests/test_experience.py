"""What students and instructors get from a batch: HTML feedback, the course report, the
Gradescope export and the command line's help. One real batch is graded through the command
line; its files are read back and checked as pages (parsed), images (decoded) and JSON
(validated against Gradescope's documented format)."""

from __future__ import annotations

import base64
import dataclasses
import json
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from grader.cli import _parser
from grader.config import Settings
from grader.exercises import ASSIGNMENTS, EXERCISES
from grader.feedback import flags
from grader.fill import filled_notebook, write_submission
from grader.gradescope import results_json
from grader.records import ExerciseResult, SubmissionResult
from grader.records import TestResult as Outcome
from grader.sandbox.limits import Limits, describe
from tests.conftest import ROOT, build_submissions, notebook_points, reference_answers
from tests.test_cli import run_cli

HOSTILE = "<img src=x onerror=alert(1)>"
"""A student folder name that is markup."""
SCRIPT = '</td><script>alert("pwned")</script>'
RAISES_SCRIPT = f"class ReLU(nn.Module):\n    def forward(self, x):\n        raise ValueError({SCRIPT!r})\n"
TAMPERS = "import torch.testing\ntorch.allclose = lambda *args, **kwargs: True\n" + reference_answers()["relu"]
FLOODS = 'print("x" * 3_000_000)\n' + reference_answers()["linear"]

# Gradescope's results.json as its autograder specification documents it: an optional overall
# score, execution_time (seconds), output and visibility, and a list of tests, each with an
# optional score, max_score, name, output and visibility, and a few optional extras.
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
GRADESCOPE_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "score": {"type": "number"},
                    "max_score": {"type": "number", "minimum": 0},
                    "status": {"enum": ["passed", "failed"]},
                    "name": {"type": "string"},
                    "number": {"type": "string"},
                    "output": {"type": "string"},
                    "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": VISIBILITY,
                    "extra_data": {"type": "object"},
                },
                "additionalProperties": False,
            },
        },
        "leaderboard": {"type": "array"},
    },
    "required": ["score", "tests"],
    "additionalProperties": False,
}


class _Tags(HTMLParser):
    """The elements a page really contains, and its text, as a browser would parse them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.images: list[str] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    """A small class graded with `grade --json --feedback --gradescope`, then `report`."""
    root = tmp_path_factory.mktemp("experience")
    submitted = root / "submitted"
    answers = reference_answers()
    build_submissions(submitted, {
        "ada": answers,
        HOSTILE: {**answers, "relu": RAISES_SCRIPT},
        "eve": {**answers, "relu": TAMPERS, "linear": FLOODS},
    }, settings)
    locked = filled_notebook(settings.release_dir, "01_modules", answers)
    cell = next(c for c in locked.cells if c.metadata.get("nbgrader", {}).get("locked") and c.cell_type == "code")
    cell.source = "print('my own version')\n"
    write_submission(submitted, "lou", "01_modules", locked)
    broken = submitted / "carol" / "01_modules" / "01_modules.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{ not json", encoding="utf-8")
    done = run_cli("grade", "--json", "--feedback", root / "feedback", "--gradescope", root / "gradescope", submitted)
    assert done.returncode == 0, done.stderr
    (root / "report.json").write_text(done.stdout, encoding="utf-8")
    made = run_cli("report", root / "report.json", "--out", root / "course" / "report.html")
    assert made.returncode == 0, made.stderr
    return root


def _page(batch: Path, student: str, notebook: str = "01_modules") -> str:
    return (batch / "feedback" / student / f"{notebook}.html").read_text(encoding="utf-8")


def test_feedback_page_per_submission_next_to_the_markdown(batch: Path) -> None:
    for student in ("ada", HOSTILE, "eve"):
        for assignment in ASSIGNMENTS:
            assert (batch / "feedback" / student / f"{assignment}.md").is_file()
            assert (batch / "feedback" / student / f"{assignment}.html").is_file()
    page = _page(batch, "ada")
    full = notebook_points("01_modules")
    assert f"{full:g} / {full:g} points" in page
    text = " ".join(_Tags(page).text)
    for exercise in ASSIGNMENTS["01_modules"].exercises:
        assert EXERCISES[exercise].title in text
    assert "forward values" in text and "✓ passed" in text


def test_hostile_names_and_messages_are_shown_as_text_never_markup(batch: Path) -> None:
    page = _page(batch, HOSTILE)
    parsed = _Tags(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    text = "".join(parsed.text)
    assert HOSTILE in text, "the name is shown, as text"
    assert 'alert("pwned")' in text and "ValueError" in text, "the message is shown, as text"
    assert "&lt;script&gt;" in page and "&lt;img src=x" in page


def test_failed_tests_show_their_message_and_never_the_hidden_tests_code(batch: Path) -> None:
    page = _page(batch, HOSTILE)
    assert "✗ failed" in page
    hidden = (ROOT / "grader" / "exercises" / "relu" / "hidden.py").read_text(encoding="utf-8")
    code_lines = [line.strip() for line in hidden.splitlines() if len(line.strip()) > 25 and not line.strip().startswith(("#", '"'))]
    assert code_lines and not [line for line in code_lines if line in page]


def test_what_the_grader_flagged_is_on_the_page(batch: Path) -> None:
    eve = _page(batch, "eve")
    assert "tampering suspected" in eve and "limit hit" in eve and "printed more than" in eve
    lou = _page(batch, "lou")
    assert "locked cells were edited" in lou and "flagged" in lou
    carol = _page(batch, "carol")
    assert "could not be graded" in carol and "invalid JSON" in carol


@pytest.mark.parametrize("limits", [Limits(), Limits(wall_seconds=2.5, memory_bytes=3 * 1024, output_bytes=12345)], ids=["default", "custom"])
def test_every_sandbox_limit_is_recognised_in_a_message(limits: Limits) -> None:
    for limit in dataclasses.fields(Limits):
        message = f"ReLU could not be tested: {describe(limit.name, limits)}"
        result = ExerciseResult("relu", (Outcome("forward_values", False, message, 1.0),))
        assert flags(result) == ["limit hit"], limit.name
    assert flags(ExerciseResult("relu", (Outcome("forward_values", False, "wrong values", 1.0),))) == []


def test_gradescope_results_follow_the_documented_format(batch: Path) -> None:
    files = sorted((batch / "gradescope").rglob("results.json"))
    assert len(files) == 3 * len(ASSIGNMENTS) + 2  # lou's one notebook and carol's broken one
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(document, GRADESCOPE_SCHEMA)
        assert document["score"] == sum(t["score"] for t in document["tests"])
    ada = json.loads((batch / "gradescope" / "ada" / "01_modules" / "results.json").read_text(encoding="utf-8"))
    assert ada["score"] == sum(t["max_score"] for t in ada["tests"]) == notebook_points("01_modules")
    assert {t["visibility"] for t in ada["tests"]} == {"visible"}
    hostile = json.loads((batch / "gradescope" / HOSTILE / "01_modules" / "results.json").read_text(encoding="utf-8"))
    failed = [t for t in hostile["tests"] if t["score"] < t["max_score"]]
    assert failed and all(t["output"] and t["name"].startswith("ReLU (relu): ") for t in failed)
    assert any(SCRIPT in t["output"] for t in failed) and {t["output_format"] for t in failed} == {"text"}, (
        "JSON carries the message as it is, for Gradescope to show as text"
    )
    carol = json.loads((batch / "gradescope" / "carol" / "01_modules" / "results.json").read_text(encoding="utf-8"))
    assert carol["score"] == 0 and carol["tests"] == [] and "invalid JSON" in carol["output"]


def test_gradescope_visibility_is_the_instructors_choice() -> None:
    result = SubmissionResult("x.ipynb", "ann", "02_autograd", "02_autograd", "graded",
                              exercises=(ExerciseResult("matmul", (Outcome("forward", True, "", 2.0), Outcome("grad_x", False, "wrong", 3.0))),))
    document = results_json(result, "after_published")
    jsonschema.validate(document, GRADESCOPE_SCHEMA)
    assert document["score"] == 2.0 and [t["max_score"] for t in document["tests"]] == [2.0, 3.0]
    assert {t["visibility"] for t in document["tests"]} == {document["visibility"]} == {"after_published"}
    done = run_cli("grade", "--gradescope", "out", "--gradescope-visibility", "public", "x.ipynb")
    assert done.returncode == 2 and "invalid choice" in done.stderr and "--help" in done.stderr


def test_course_report_page(batch: Path) -> None:
    page = (batch / "course" / "report.html").read_text(encoding="utf-8")
    document = json.loads((batch / "report.json").read_text(encoding="utf-8"))
    parsed = _Tags(page)
    assert "script" not in parsed.tags
    text = " ".join(parsed.text)
    assert str(document["seed"]) in text and document["grader_version"] in text
    # one histogram per assignment and per exercise, each a real PNG
    assert len(parsed.images) == len(ASSIGNMENTS) + len(EXERCISES)
    for src in parsed.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    # the most common failure, with how many it hit and whom
    assert "tampering" in text.lower() and HOSTILE in text and 'alert("pwned")' in text
    # ungradable, with the reason
    assert "carol" in text and "invalid JSON" in text
    # ada passes everything, so no test is failed by everybody; the relu tests that eve's tampering
    # and the raising answer both fail are failed by some
    assert "Tests that everybody fails" in text and "Tests that nobody fails" in text
    never = page.split("Tests that nobody fails", 1)[1].split("Tests that everybody fails", 1)[0]
    assert "simple_mlp: logits" in never and "relu: forward values" not in never
    # follow-on failures are counted with the test they wait for, not as messages of their own
    common = page.split("Most common failure messages", 1)[1].split("Flagged submissions", 1)[0]
    assert "not checked until" not in common.replace("(“not checked until … passes”)", "")
    flagged = page.split("Flagged submissions", 1)[1].split("Tests that nobody fails", 1)[0]
    assert "relu: tampering suspected" in flagged and "linear: limit hit" in flagged and "locked cells were edited" in flagged


def test_course_report_errors_say_what_to_do(tmp_path: Path) -> None:
    done = run_cli("report", tmp_path / "missing.json")
    assert done.returncode == 2 and "no such file" in done.stderr and "grade --json" in done.stderr
    (tmp_path / "other.json").write_text('{"hello": 1}', encoding="utf-8")
    done = run_cli("report", tmp_path / "other.json")
    assert done.returncode == 2 and "not a grading report" in done.stderr and "grade --json" in done.stderr


def test_every_command_has_help() -> None:
    commands = next(a for a in _parser()._actions if a.dest == "command").choices
    assert set(commands) >= {"grade", "audit", "check", "demo", "report"}
    for command in commands:
        done = run_cli(command, "--help")
        assert done.returncode == 0 and done.stdout.startswith(f"usage: python -m grader {command}"), command
        assert len(done.stdout.split("\n\n")[1]) > 40, f"{command} --help says what the command does"
    top = run_cli("--help")
    assert top.returncode == 0 and "COMMAND --help" in top.stdout
    bare = run_cli()
    assert bare.returncode == 2 and "python -m grader --help" in bare.stderr
    missing = run_cli("grade", "no-such-notebook.ipynb")
    assert missing.returncode == 2 and "grade --help" in missing.stderr

