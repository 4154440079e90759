"""Dropout: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the dropout cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant


def _dropout(forward: str, init: str = "        self.p = p") -> str:
    return f"""
class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
{init}

    def forward(self, x):
{forward}
"""


CORRECT = [
    Variant("dropout_rand_like_mask", _dropout("""        if not self.training:
            return x
        keep = torch.rand_like(x) >= self.p
        return x * keep / (1 - self.p)""")),
    Variant("dropout_bernoulli", _dropout("""        if self.training:
            mask = torch.bernoulli(torch.full_like(x, 1 - self.p))
            return mask * x / (1 - self.p)
        return x""")),
    Variant("dropout_where_scaled", _dropout("""        if not self.training or self.p == 0:
            return x.clone()
        drop = torch.rand(x.shape) < self.p
        return torch.where(drop, torch.zeros_like(x), x / (1 - self.p))""")),
    Variant("dropout_strict_comparison_methods", _dropout("""        if self.training:
            mask = (torch.rand(x.size()) > self.p).float()
            return x.mul(mask).div(1 - self.p)
        return x""")),
]

MISTAKES = [
    Variant("dropout_no_scaling", _dropout("""        if not self.training:
            return x
        return x * (torch.rand_like(x) >= self.p)"""), expect="does not scale the kept values"),
    Variant("dropout_scales_by_keep", _dropout("""        if not self.training:
            return x
        return x * (torch.rand_like(x) >= self.p) * (1 - self.p)"""), expect="multiplies the kept values by 1 - p"),
    Variant("dropout_ignores_training", _dropout("""        keep = torch.rand_like(x) >= self.p
        return x * keep / (1 - self.p)"""), expect="still drops elements in eval mode"),
    Variant("dropout_keep_probability_p", _dropout("""        if not self.training:
            return x
        keep = torch.rand_like(x) < self.p
        return x * keep / (1 - self.p)"""), expect="drops with probability 1 - p"),
    Variant("dropout_old_style_eval_scaling", _dropout("""        if not self.training:
            return x * (1 - self.p)
        return x * (torch.rand_like(x) >= self.p) / (1 - self.p)"""), expect="scales by 1 - p in eval mode"),
    Variant("dropout_one_mask_per_row", _dropout("""        if not self.training:
            return x
        keep = torch.rand(x.shape[-1]) >= self.p
        return x * keep / (1 - self.p)"""), expect="one mask for every row"),
    Variant("dropout_whole_rows", _dropout("""        if not self.training:
            return x
        keep = torch.rand(x.shape[0], 1) >= self.p
        return x * keep / (1 - self.p)"""), expect="drops whole rows at once"),
    Variant("dropout_mask_drawn_once", _dropout("""        if not self.training:
            return x
        if self.keep is None:
            self.keep = torch.rand_like(x) >= self.p
        return x * self.keep / (1 - self.p)""", init="        self.p = p\n        self.keep = None"),
            expect="drops the same elements on every call"),
    Variant("dropout_in_place", _dropout("""        if not self.training:
            return x
        x *= (torch.rand_like(x) >= self.p) / (1 - self.p)
        return x"""), expect="modified its input in place"),
    Variant("dropout_functional", """
import torch.nn.functional as F


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, self.training)
""", expect="uses PyTorch's own dropout"),
    Variant("dropout_subclasses_nn_dropout", """
class Dropout(nn.Dropout):
    pass
""", expect="uses PyTorch's own dropout"),
    Variant("dropout_flag_fixed_in_init", _dropout("""        if not self.active:
            return x
        return x * (torch.rand_like(x) >= self.p) / (1 - self.p)""", init="        self.p = p\n        self.active = self.training"),
            expect="still drops elements in eval mode"),
    Variant("dropout_detached", _dropout("""        if not self.training:
            return x
        return (x * (torch.rand_like(x) >= self.p) / (1 - self.p)).detach()"""), expect="cut off from autograd"),
]
