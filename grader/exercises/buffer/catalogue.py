"""Standardize: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the buffer cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant


def _standardize(init: str, forward: str = "        return (x - self.mean) / self.std") -> str:
    return f"""
class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
{init}

    def forward(self, x):
{forward}
"""


BUFFERS = '        self.register_buffer("mean", mean.clone())\n        self.register_buffer("std", std.clone())'

CORRECT = [
    Variant("buffer_register_clone", _standardize(BUFFERS)),
    Variant("buffer_register_as_tensor_sub_div", _standardize(
        '        self.register_buffer("mean", torch.as_tensor(mean))\n        self.register_buffer("std", torch.as_tensor(std))',
        "        return torch.div(torch.sub(x, self.mean), self.std)",
    )),
    Variant("buffer_register_reciprocal", _standardize(
        '        for name, value in (("mean", mean), ("std", std)):\n            self.register_buffer(name, value.detach().clone())',
        "        centred = x - self.mean\n        return centred * self.std.reciprocal()",
    )),
]

MISTAKES = [
    Variant("buffer_plain_attributes", _standardize("        self.mean = mean\n        self.std = std"), expect="not in the module's state_dict()"),
    Variant("buffer_parameters", _standardize("        self.mean = nn.Parameter(mean)\n        self.std = nn.Parameter(std)"),
            expect="mean and std are nn.Parameters"),
    Variant("buffer_not_persistent", _standardize(
        '        self.register_buffer("mean", mean, persistent=False)\n        self.register_buffer("std", std, persistent=False)',
    ), expect="persistent=False"),
    Variant("buffer_other_names", _standardize(
        '        self.register_buffer("running_mean", mean)\n        self.register_buffer("running_std", std)',
        "        return (x - self.running_mean) / self.running_std",
    ), expect='register the buffers as "mean" and "std"'),
    Variant("buffer_multiplies_by_std", _standardize(BUFFERS, "        return (x - self.mean) * self.std"), expect="multiplies by std"),
    Variant("buffer_no_brackets", _standardize(BUFFERS, "        return x - self.mean / self.std"), expect="needs the brackets"),
    Variant("buffer_in_place", _standardize(BUFFERS, "        x -= self.mean\n        return x / self.std"), expect="modified its input in place"),
]
