"""MNIST as the workbook reads it: one set of checksums, altered or missing files named."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from grader.exercises.mnist import PUBLISHED_MD5, MnistMissing, read_idx
from grader.references import instructor_cells
from tests.conftest import ROOT


def _md5sums() -> dict[str, str]:
    lines = (ROOT / "data" / "MD5SUMS").read_text(encoding="ascii").split("\n")
    return {name: digest for digest, name in (line.split() for line in lines if line.strip())}


def test_grader_and_notebook_check_the_published_checksums() -> None:
    published = _md5sums()
    assert PUBLISHED_MD5.items() <= published.items()
    loader = next(c for c in instructor_cells(ROOT / "solutions", "04_training") if c.grade_id == "mnist_loader")
    in_notebook = dict(re.findall(r'"(t10k-[\w.-]+)": "([0-9a-f]{32})"', loader.source))
    assert in_notebook == PUBLISHED_MD5


def test_an_altered_or_missing_file_is_refused_with_a_reason(tmp_path: Path) -> None:
    header = bytes([0, 0, 8, 1]) + (3).to_bytes(4, "big")
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(header + bytes([7, 2, 1])))
    assert read_idx(path, None).tolist() == [7, 2, 1]
    with pytest.raises(MnistMissing, match="MD5"):
        read_idx(path, "0" * 32)
    with pytest.raises(MnistMissing, match="data/README.md"):
        read_idx(tmp_path / "absent.gz", None)
