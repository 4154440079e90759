"""Parallel: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the parallel cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant


def _parallel(init: str, forward: str) -> str:
    return f"""
class Parallel(nn.Module):
    def __init__(self, a, b):
        super().__init__()
{init}

    def forward(self, x):
{forward}
"""


ATTRIBUTES = "        self.a = a\n        self.b = b"

CORRECT = [
    Variant("parallel_attributes_cat", _parallel(ATTRIBUTES, "        return torch.cat([self.a(x), self.b(x)], dim=-1)")),
    Variant("parallel_module_list_concat", _parallel(
        "        self.branches = nn.ModuleList([a, b])",
        "        outputs = [branch(x) for branch in self.branches]\n        return torch.concat(outputs, dim=x.dim() - 1)",
    )),
    Variant("parallel_add_module_tuple_cat", _parallel(
        '        self.add_module("left", a)\n        self.add_module("right", b)',
        "        return torch.cat((self.left(x), self.right(x)), -1)",
    )),
]

MISTAKES = [
    Variant("parallel_swapped", _parallel(ATTRIBUTES, "        return torch.cat([self.b(x), self.a(x)], dim=-1)"),
            expect="puts b's output first"),
    Variant("parallel_dim_one", _parallel(ATTRIBUTES, "        return torch.cat([self.a(x), self.b(x)], dim=1)"),
            expect="concatenate on the last dimension"),
    Variant("parallel_plain_list", _parallel(
        "        self.branches = [a, b]",
        "        return torch.cat([branch(x) for branch in self.branches], dim=-1)",
    ), expect="not registered"),
    Variant("parallel_chained_input", _parallel(
        ATTRIBUTES, "        h = self.a(x)\n        return torch.cat([h, self.b(h)], dim=-1)",
    ), expect="feeds b with a's output"),
    Variant("parallel_only_a", _parallel(ATTRIBUTES, "        return self.a(x)"), expect="returns only a's output"),
    Variant("parallel_detached", _parallel(ATTRIBUTES, "        return torch.cat([self.a(x), self.b(x)], dim=-1).detach()"),
            expect="cut off from autograd"),
]
