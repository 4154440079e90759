"""clones: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the clones cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

CORRECT = [
    Variant("clones_deepcopy_comprehension", """
import copy


def clones(block, k):
    return nn.ModuleList([copy.deepcopy(block) for _ in range(k)])
"""),
    Variant("clones_from_import_append", """
from copy import deepcopy


def clones(block: nn.Module, k: int) -> nn.ModuleList:
    copies = nn.ModuleList()
    for _ in range(k):
        copies.append(deepcopy(block))
    return copies
"""),
    Variant("clones_map_generator", """
import copy


def clones(block, k):
    return nn.ModuleList(map(lambda _: copy.deepcopy(block), range(k)))
"""),
]

MISTAKES = [
    Variant("clones_references", """
def clones(block, k):
    return nn.ModuleList([block] * k)
""", expect="k references to one module"),
    Variant("clones_shallow_copy", """
import copy


def clones(block, k):
    return nn.ModuleList([copy.copy(block) for _ in range(k)])
""", expect="copy.copy"),
    Variant("clones_one_copy_repeated", """
import copy


def clones(block, k):
    twin = copy.deepcopy(block)
    return nn.ModuleList([twin for _ in range(k)])
""", expect="share parameters with each other"),
    Variant("clones_plain_list", """
import copy


def clones(block, k):
    return [copy.deepcopy(block) for _ in range(k)]
""", expect="return nn.ModuleList(copies)"),
    Variant("clones_off_by_one", """
import copy


def clones(block, k):
    return nn.ModuleList([copy.deepcopy(block) for _ in range(k - 1)])
""", expect="returned 2 modules"),
    Variant("clones_sequential", """
import copy


def clones(block, k):
    return nn.Sequential(*[copy.deepcopy(block) for _ in range(k)])
""", expect="asks for an nn.ModuleList"),
    Variant("clones_reinitialised", """
import copy


def clones(block, k):
    copies = nn.ModuleList([copy.deepcopy(block) for _ in range(k)])
    for module in copies.modules():
        if isinstance(module, nn.Linear):
            module.reset_parameters()
    return copies
""", expect="re-initialised"),
]
