"""The plain-list question and ModuleListSequential: answers that must get full marks, and known
mistakes that must lose points with a message containing their phrase. Each replaces the
module_list cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

FIX = """

class ModuleListSequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.layers = nn.ModuleList(modules)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
"""


def _answer(count: str, letter: str) -> str:
    return f"""
def list_container_answer():
    return {count}, {letter}
"""


CORRECT = [
    Variant("module_list_loop", _answer("0", '"b"') + FIX),
    Variant("module_list_reduce_and_list_answer", """
from functools import reduce


def list_container_answer() -> list:
    tensors = 0
    reason = "B"
    return [tensors, reason]


class ModuleListSequential(nn.Module):
    def __init__(self, *modules: nn.Module) -> None:
        super().__init__()
        self.layers = nn.ModuleList([*modules])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return reduce(lambda h, layer: layer(h), self.layers, x)
"""),
    Variant("module_list_appended_one_by_one", _answer("0", '"b"') + """

class ModuleListSequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.layers = nn.ModuleList()
        for module in modules:
            self.layers.append(module)

    def forward(self, x):
        for i in range(len(self.layers)):
            x = self.layers[i](x)
        return x
"""),
]

MISTAKES = [
    Variant("module_list_counts_the_hidden_tensors", _answer("4", '"b"') + FIX, expect="holds 0 tensors, not 4"),
    Variant("module_list_reason_relu", _answer("0", '"a"') + FIX, expect="(a) is not the reason"),
    Variant("module_list_reason_gradients", _answer("0", '"c"') + FIX, expect="(c) is not the reason"),
    Variant("module_list_reason_lazy", _answer("0", '"d"') + FIX, expect="(d) is not the reason"),
    Variant("module_list_answer_not_a_pair", """
def list_container_answer():
    return 0
""" + FIX, expect="return a pair"),
    Variant("module_list_still_a_plain_list", _answer("0", '"b"') + """

class ModuleListSequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.layers = list(modules)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
""", expect="not registered"),
    Variant("module_list_tuple", _answer("0", '"b"') + """

class ModuleListSequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.layers = tuple(modules)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
""", expect="not registered"),
    Variant("module_list_other_attribute_name", _answer("0", '"b"') + """

class ModuleListSequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.blocks = nn.ModuleList(modules)

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x
""", expect="attribute named layers"),
    Variant("module_list_sequential_instead", _answer("0", '"b"') + """

class ModuleListSequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.layers = nn.Sequential(*modules)

    def forward(self, x):
        return self.layers(x)
""", expect="the fix with nn.ModuleList"),
    Variant("module_list_return_in_loop", _answer("0", '"b"') + """

class ModuleListSequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.layers = nn.ModuleList(modules)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
            return x
""", expect="returns after the first module"),
]
