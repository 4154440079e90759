"""Flatten: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the my_flatten cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

INIT = """
class Flatten(nn.Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
"""


def _flatten(forward: str) -> str:
    return INIT + "\n    def forward(self, x):\n" + forward + "\n"


CORRECT = [
    Variant("my_flatten_reshape_minus_one", _flatten("""        start = self.start_dim % x.dim()
        end = self.end_dim % x.dim()
        return x.reshape(*x.shape[:start], -1, *x.shape[end + 1:])"""), ),
    Variant("my_flatten_view_with_product", _flatten("""        start = self.start_dim if self.start_dim >= 0 else x.dim() + self.start_dim
        end = self.end_dim if self.end_dim >= 0 else x.dim() + self.end_dim
        merged = math.prod(x.shape[start:end + 1])
        return x.view(x.shape[:start] + (merged,) + x.shape[end + 1:])""")),
    Variant("my_flatten_size_list", """
class Flatten(nn.Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dims = list(x.shape)
        first, last = range(x.dim())[self.start_dim], range(x.dim())[self.end_dim]
        size = 1
        for d in dims[first:last + 1]:
            size *= d
        return x.reshape(dims[:first] + [size] + dims[last + 1:])

    def extra_repr(self) -> str:
        return "start_dim={}, end_dim={}".format(self.start_dim, self.end_dim)
"""),
]

MISTAKES = [
    Variant("my_flatten_ignores_dims", _flatten("        return x.reshape(x.shape[0], -1)"),
            expect="ignores start_dim and end_dim"),
    Variant("my_flatten_end_exclusive", _flatten("""        start = self.start_dim % x.dim()
        end = self.end_dim % x.dim()
        return x.reshape(*x.shape[:start], -1, *x.shape[end:])"""), expect="end_dim is inclusive"),
    Variant("my_flatten_negative_unhandled", _flatten("""        start, end = self.start_dim, self.end_dim
        return x.reshape(*x.shape[:start], -1, *x.shape[end + 1:])"""), expect="negative dims"),
    Variant("my_flatten_flattens_batch", _flatten("        return x.reshape(-1)"), expect="flattened the batch dimension too"),
    Variant("my_flatten_no_extra_repr", """
class Flatten(nn.Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        start = self.start_dim % x.dim()
        end = self.end_dim % x.dim()
        return x.reshape(*x.shape[:start], -1, *x.shape[end + 1:])
""", expect="from extra_repr"),
    Variant("my_flatten_tensor_method", _flatten("        return x.flatten(self.start_dim, self.end_dim)"),
            expect="uses PyTorch's own flatten"),
    Variant("my_flatten_subclasses_nn_flatten", """
class Flatten(nn.Flatten):
    pass
""", expect="uses PyTorch's own flatten"),
    Variant("my_flatten_torch_flatten", _flatten("        return torch.flatten(x, self.start_dim, self.end_dim)"),
            expect="uses PyTorch's own flatten"),
    Variant("my_flatten_detached", _flatten("""        start = self.start_dim % x.dim()
        end = self.end_dim % x.dim()
        return x.detach().reshape(*x.shape[:start], -1, *x.shape[end + 1:])"""), expect="cut off from autograd"),
]
