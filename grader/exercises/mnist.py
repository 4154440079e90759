"""The MNIST test set as the grader reads it: the same digits on both sides of the sandbox.

The probe (child) and the hidden tests (judge) of the training exercise each read the IDX
files themselves, so the judge never takes the child's word for which digits were used.
The sandbox shows the folder to the child read-only (``grader.sandbox.isolation``).
Where it lives: ``$MNIST_DIR``, else ``data/mnist/`` in the project (see data/README.md).
Plain torch and the standard library only: this module runs on the child side too.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where tensors are made: the sandbox reads this file's paths before torch is loaded
    import torch

ENV = "MNIST_DIR"
PROJECT_DATA = Path(__file__).resolve().parents[2] / "data"
FILES = {"images": "t10k-images-idx3-ubyte.gz", "labels": "t10k-labels-idx1-ubyte.gz"}
"""torchvision's names for the 10,000 test digits, the only part the grader uses."""
TRAIN, HELD_OUT = range(0, 8000), range(8000, 10000)
"""The workbook's split of those digits: the first 8,000 to train on, the last 2,000 held out."""


class MnistMissing(FileNotFoundError):
    """The files are not where the grader looks, or not the published ones."""


def mnist_dir() -> Path:
    """Where the files should be: ``$MNIST_DIR`` when set, else the project's ``data/mnist``."""
    given = os.environ.get(ENV)
    return Path(given) if given else PROJECT_DATA / "mnist"


PUBLISHED_MD5 = {
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
"""As in data/MD5SUMS (a test holds them equal); written out because the child cannot see data/."""


def read_idx(path: Path, md5: str | None) -> torch.Tensor:
    """An IDX file (gzip) as a uint8 tensor of its stated shape; MnistMissing when absent or altered."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MnistMissing(f"{path} cannot be read ({exc.strerror}); see data/README.md") from None
    if md5 is not None and hashlib.md5(raw).hexdigest() != md5:
        raise MnistMissing(f"{path} is not the published file (its MD5 differs from data/MD5SUMS)")
    data = gzip.decompress(raw)
    if data[:2] != b"\0\0" or data[2] != 8:
        raise MnistMissing(f"{path} is not an IDX file of unsigned bytes")
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(data[3])]
    import torch

    return torch.frombuffer(bytearray(data[4 + 4 * len(dims) :]), dtype=torch.uint8).reshape(dims)


@lru_cache(maxsize=1)
def _read(folder: str) -> tuple[torch.Tensor, torch.Tensor]:
    images = read_idx(Path(folder) / FILES["images"], PUBLISHED_MD5[FILES["images"]])
    labels = read_idx(Path(folder) / FILES["labels"], PUBLISHED_MD5[FILES["labels"]])
    return images, labels


def digits() -> tuple[torch.Tensor, torch.Tensor]:
    """Images (10000, 1, 28, 28) as floats in [0, 1] and labels (10000,) as int64."""
    images, labels = _read(str(mnist_dir()))
    return images.unsqueeze(1).float() / 255, labels.long()
