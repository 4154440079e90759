"""CrossEntropyLoss: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the cross_entropy cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

CORRECT = [
    Variant("cross_entropy_logsumexp_gather", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        right = logits.gather(1, targets.unsqueeze(1)).squeeze(1)
        return (torch.logsumexp(logits, dim=1) - right).mean()
"""),
    Variant("cross_entropy_max_shift_by_hand", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        top = logits.max(dim=1, keepdim=True).values
        shifted = logits - top
        log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
        n = logits.shape[0]
        return -log_probs[torch.arange(n), targets].sum() / n
"""),
    Variant("cross_entropy_one_hot", """
import torch.nn.functional as F


class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        log_probs = logits - logits.logsumexp(dim=-1, keepdim=True)
        chosen = (F.one_hot(targets, logits.shape[-1]).to(logits.dtype) * log_probs).sum(dim=-1)
        return -chosen.mean()
"""),
    Variant("cross_entropy_mean_of_list", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        losses = [torch.logsumexp(row, dim=0) - row[t] for row, t in zip(logits, targets)]
        return torch.stack(losses).mean()
"""),
]

MISTAKES = [
    Variant("cross_entropy_sum", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        right = logits[torch.arange(len(targets)), targets]
        return (torch.logsumexp(logits, dim=1) - right).sum()
""", expect="sums the losses"),
    Variant("cross_entropy_no_reduction", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        right = logits[torch.arange(len(targets)), targets]
        return torch.logsumexp(logits, dim=1) - right
""", expect="one loss per example"),
    Variant("cross_entropy_naive_logsumexp", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        right = logits[torch.arange(len(targets)), targets]
        return (logits.exp().sum(dim=1).log() - right).mean()
""", expect="overflows"),
    Variant("cross_entropy_log_of_softmax", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        probs = logits.softmax(dim=1)
        return -probs[torch.arange(len(targets)), targets].log().mean()
""", expect="logsumexp"),
    Variant("cross_entropy_wrong_sign", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        right = logits[torch.arange(len(targets)), targets]
        return (right - torch.logsumexp(logits, dim=1)).mean()
""", expect="wrong sign"),
    Variant("cross_entropy_classes_along_dim0", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        right = logits[torch.arange(len(targets)), targets]
        return (torch.logsumexp(logits, dim=0)[targets] - right).mean()
""", expect="over the examples (dim 0)"),
    Variant("cross_entropy_functional", """
import torch.nn.functional as F


class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        return F.cross_entropy(logits, targets)
""", expect="uses PyTorch's own cross-entropy"),
    Variant("cross_entropy_log_softmax_method", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        return -logits.log_softmax(dim=1)[torch.arange(len(targets)), targets].mean()
""", expect="uses PyTorch's own cross-entropy or log-softmax"),
    Variant("cross_entropy_subclasses_torch", """
class CrossEntropyLoss(nn.CrossEntropyLoss):
    pass
""", expect="uses PyTorch's own cross-entropy"),
    Variant("cross_entropy_detached", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        right = logits[torch.arange(len(targets)), targets]
        return (torch.logsumexp(logits, dim=1) - right).mean().detach()
""", expect="cut off from autograd"),
    Variant("cross_entropy_float32", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        logits = logits.float()
        right = logits[torch.arange(len(targets)), targets]
        return (torch.logsumexp(logits, dim=1) - right).mean()
""", expect="float32"),
    Variant("cross_entropy_forgets_logsumexp", """
class CrossEntropyLoss(nn.Module):
    def forward(self, logits, targets):
        return -logits[torch.arange(len(targets)), targets].mean()
""", expect="leaves out the log-sum-exp"),
]
