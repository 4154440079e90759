"""The judge's inputs are bounded: forged observations are refused before any test sees them.

Each forgery here is something a child can write to its result pipe; each would make the
judge allocate far more than the file's size, work far longer, or print escape sequences.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
import torch

from grader.judge.schema import MAX_DEPTH, MAX_ITEMS, SchemaError, check_archive, load, validate
from grader.text import clean


def saved(value: Any, *, compress: bool = False) -> bytes:
    buffer = io.BytesIO()
    torch.save(value, buffer)
    if not compress:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            target.writestr(member.filename, source.read(member), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


class Marked(torch.Tensor):
    """A subclass can override every method the judge would call on it."""


base = torch.arange(12.0)
FORGERIES = {
    "a billion elements behind one stored number (stride 0)": {"out": torch.zeros(1).expand(10**9)},
    "a view into the middle of a storage": {"out": base[2:5]},
    "a transposed view": {"out": base.reshape(3, 4).t()},
    "two tensors sharing one storage": {"a": base, "b": base.view(3, 4)},
    "a list of a million entries": {"ops": ["aten.add"] * (MAX_ITEMS + 1)},
    "nesting deeper than allowed": nested(MAX_DEPTH + 2),
    "a key that is not text": {1: "x"},
    "a key with a newline": {"forward0\nout": 1},
    "a sparse tensor": {"out": torch.eye(3).to_sparse()},
    "a tensor subclass": {"out": torch.zeros(2).as_subclass(Marked)},
    "a set": {"ops": {"a", "b"}},
    "an integer beyond 64 bits": {"count": 2**70},
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_forged_observations_are_refused(forgery: str) -> None:
    with pytest.raises(SchemaError):
        validate(FORGERIES[forgery])


def test_a_list_instead_of_a_dict_is_refused() -> None:
    with pytest.raises(SchemaError):
        validate([1, 2])


def test_a_compressed_archive_is_refused_before_it_is_unpacked() -> None:
    bomb = saved({"out": torch.zeros(1_000_000)}, compress=True)
    assert len(bomb) < 100_000  # four megabytes of zeros, squeezed
    with pytest.raises(SchemaError, match="compressed"):
        check_archive(bomb)


def test_bytes_that_are_no_archive_are_refused() -> None:
    for junk in (b"", b"not a zip at all", b"PK\x03\x04" + b"\x00" * 30):
        with pytest.raises(SchemaError):
            load(junk)


def test_honest_observations_pass_unchanged_apart_from_cleaned_text() -> None:
    observations = {
        "cell_errors": {"relu": {"type": "ValueError", "message": "bad \x1b[31mred\x1b[0m \ud800"}},
        "forward0/out": torch.randn(4, 5),
        "forward0/ops": ["torch.clamp"],
        "is_module": True,
        "ancestry": ["__main__.ReLU", "torch.nn.modules.module.Module", "builtins.object"],
        "float64/dtype": "torch.float64",
        "count": 3,
        "none": None,
        "pair": (1, 2.5),
    }
    checked = load(saved(observations))
    assert torch.equal(checked["forward0/out"], observations["forward0/out"])
    assert checked["forward0/ops"] == ["torch.clamp"] and checked["pair"] == [1, 2.5]
    message = checked["cell_errors"]["relu"]["message"]
    assert "\x1b" not in message and "\ud800" not in message and "red" in message
    message.encode("utf-8")  # valid UTF-8 now


def test_clean_caps_length_and_keeps_newlines_and_tabs() -> None:
    assert clean("a\tb\nc") == "a\tb\nc"
    assert len(clean("x" * 10_000, 100)) < 120
    assert clean("\u202eevil") == "\N{REPLACEMENT CHARACTER}evil"


def test_judging_that_runs_past_its_budget_is_stopped() -> None:
    from grader.judge.budget import JudgeTimeout, time_budget

    with pytest.raises(JudgeTimeout):
        with time_budget(0.2):
            while True:
                pass


def test_assembling_is_linear_in_the_size_of_the_answer() -> None:
    """A cell padded with 200,000 blank lines, thousands of magics and help requests
    (a backtracking pattern, and IPython's own transformer, took minutes on these)."""
    from grader.assemble import as_python

    padded = "\n" * 200_000 + "%time x = 1\n" * 2_000 + " \n" * 200_000 + "x?\n" * 50_000 + "y = 2\n"
    converted = as_python(padded)
    assert converted.count("run_line_magic('time', 'x = 1')") == 2_000
    assert converted.count("run_line_magic('pinfo', 'x')") == 50_000
    assert converted.rstrip().endswith("y = 2")
