"""The strict form of observations, checked before any hidden test looks at them.

``torch.load(weights_only=True)`` refuses code, but it still builds whatever tensors and
containers a forged file describes: a tensor of a billion elements that all share one
stored number (stride 0), views into another tensor's storage, lists of a million entries,
strings with terminal escapes. Any of these could make the judge allocate gigabytes or
work for minutes. Here each value must be plain data within fixed bounds, so the judge's
work and memory are bounded by the size of the file it was given.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from typing import Any

import torch

from grader.text import clean

MAX_DEPTH = 6
MAX_NODES = 50_000
MAX_ITEMS = 10_000
MAX_KEY = 200
MAX_STRING = 10_000
MAX_DIMS = 8
KEY = re.compile(r"[A-Za-z0-9_./ -]+")
TENSOR_DTYPES = frozenset(
    {
        torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128,
        torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.bool,
    }
)


class SchemaError(ValueError):
    """The observations are not plain data of the allowed form; the message says what broke it."""


class _Walk:
    def __init__(self) -> None:
        self.nodes = 0
        self.storages: set[int] = set()

    def value(self, item: Any, depth: int, where: str) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise SchemaError(f"more than {MAX_NODES} values")
        if depth > MAX_DEPTH:
            raise SchemaError(f"nested deeper than {MAX_DEPTH} at {where}")
        if item is None or type(item) in (bool, float):
            return item
        if type(item) is int:
            if not -(2**63) <= item < 2**63:
                raise SchemaError(f"an integer out of range at {where}")
            return item
        if type(item) is str:
            if len(item) > MAX_STRING:
                raise SchemaError(f"a string of {len(item)} characters at {where}")
            return clean(item, MAX_STRING)
        if isinstance(item, torch.Tensor):
            return self.tensor(item, where)
        if type(item) in (list, tuple):
            if len(item) > MAX_ITEMS:
                raise SchemaError(f"a list of {len(item)} items at {where}")
            return [self.value(v, depth + 1, f"{where}[{i}]") for i, v in enumerate(item)]
        if type(item) is dict:
            if len(item) > MAX_ITEMS:
                raise SchemaError(f"a dict of {len(item)} entries at {where}")
            return {self.key(k, where): self.value(v, depth + 1, f"{where}/{k}") for k, v in item.items()}
        raise SchemaError(f"a value of type {type(item).__name__} at {where}")

    def key(self, key: Any, where: str) -> str:
        if type(key) is not str or not 0 < len(key) <= MAX_KEY or not KEY.fullmatch(key):
            raise SchemaError(f"a malformed key {clean(repr(key), 60)} in {where}")
        return key

    def tensor(self, t: torch.Tensor, where: str) -> torch.Tensor:
        if type(t) not in (torch.Tensor, torch.nn.Parameter):
            raise SchemaError(f"a tensor subclass {type(t).__name__} at {where}")
        if t.layout != torch.strided or t.is_quantized or t.device.type != "cpu" or t.dtype not in TENSOR_DTYPES:
            raise SchemaError(f"a {t.layout} {t.dtype} tensor on {t.device} at {where}")
        if t.dim() > MAX_DIMS:
            raise SchemaError(f"a tensor with {t.dim()} dimensions at {where}")
        storage = t.untyped_storage()
        if t.storage_offset() != 0 or not t.is_contiguous() or storage.nbytes() != t.numel() * t.element_size():
            raise SchemaError(f"a tensor that is a view (strides {tuple(t.stride())}, offset {t.storage_offset()}) at {where}")
        if t.numel() and storage.data_ptr() in self.storages:
            raise SchemaError(f"two tensors sharing storage at {where}")
        self.storages.add(storage.data_ptr())
        return t.detach().as_subclass(torch.Tensor) if type(t) is not torch.Tensor else t


def check_archive(data: bytes) -> None:
    """The bytes must be a torch.save zip archive whose members are stored, not compressed:
    a compressed member can unpack a few kilobytes into gigabytes before any check runs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise SchemaError(f"not a torch.save archive ({exc})") from None
    if len(members) > MAX_ITEMS:
        raise SchemaError(f"an archive of {len(members)} members")
    for member in members:
        if member.compress_type != zipfile.ZIP_STORED or member.file_size != member.compress_size:
            raise SchemaError(f"a compressed archive member {clean(member.filename, 100)}")
    if sum(member.file_size for member in members) > len(data):
        raise SchemaError("archive members larger than the archive")


def load(data: bytes) -> dict[str, Any]:
    """Observations from the bytes a child sent, checked before and after unpickling."""
    check_archive(data)
    with warnings.catch_warnings():  # a forged file may also trip torch's protocol warning
        warnings.simplefilter("ignore")
        loaded = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    return validate(loaded)


def validate(observations: Any) -> dict[str, Any]:
    """A checked copy of ``observations`` (strings cleaned); SchemaError if it is not plain data."""
    if type(observations) is not dict:
        raise SchemaError(f"a {type(observations).__name__} instead of a dict")
    checked: dict[str, Any] = _Walk().value(observations, 0, "")
    return checked
