"""Hidden tests for CrossEntropyLoss."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from grader.judge.evidence import Evidence, Failure, check, close, first_match, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.exercises.cross_entropy.inputs import LARGE, SHAPES, cases, grad_case, large_case

FORBIDDEN = frozenset(
    {
        "torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss", "torch.nn.functional.log_softmax",
        "torch.nn.CrossEntropyLoss", "torch.nn.NLLLoss", "torch.nn.LogSoftmax", "torch.log_softmax",
        "torch.special.log_softmax", "torch.Tensor.log_softmax", "torch.nn.modules.loss.CrossEntropyLoss",
        "torch.nn.modules.loss.NLLLoss", "torch.nn.modules.activation.LogSoftmax", "torch.nn.functional.cross_entropy_loss",
    }
)
FORBIDDEN_OPS = FORBIDDEN | {"torch._C._nn.cross_entropy_loss", "torch._C._nn.nll_loss", "torch._C._nn.nll_loss_nd", "torch._log_softmax"}
METHODS = frozenset({"log_softmax"})


def _what(logits: torch.Tensor) -> str:
    return f"CrossEntropyLoss on logits of shape {shape(logits)}"


def _scalar(ev: Evidence, key: str, logits: torch.Tensor) -> torch.Tensor:
    out = ev.tensor(f"{key}/out", _what(logits))
    if out.dim() == 1 and out.shape[0] == logits.shape[0] and logits.shape[0] > 1:
        raise Failure(
            f"{_what(logits)} returned one loss per example, shape {shape(out)}; return their mean, a single number "
            "(a tensor of shape ())"
        )
    check(out.numel() == 1, f"{_what(logits)} returned shape {shape(out)}; the loss is one number, the mean over the examples")
    return out.reshape(())


def test_value(ev: Evidence) -> None:
    for i, (logits, targets) in enumerate(cases(ev.seed)):
        out = _scalar(ev, f"case{i}", logits)
        expected = F.cross_entropy(logits, targets)
        check(not ev.get(f"case{i}/input_changed"), f"{_what(logits)} changed its logits or targets in place")
        if close(out, expected):
            continue
        log_p = logits.log_softmax(dim=1)
        picked = log_p[torch.arange(len(targets)), targets]
        mistake = first_match(out, [
            ("sums the losses of the examples instead of averaging them", lambda: -picked.sum()),
            ("has the wrong sign: the loss is minus the mean log-probability of the right class", lambda: picked.mean()),
            ("leaves out the log-sum-exp term: the loss is logsumexp(logits) - logit of the right class", lambda: -logits[torch.arange(len(targets)), targets].mean()),
            ("averages -log p over every class instead of taking the right class's", lambda: -log_p.mean()),
            ("normalises over the examples (dim 0) instead of over the classes (dim 1)",
             lambda: -logits.log_softmax(dim=0)[torch.arange(len(targets)), targets].mean()),
            ("returns the mean probability of the wrong classes, not -log p of the right one", lambda: 1 - picked.exp().mean()),
        ])
        raise Failure(
            f"CrossEntropyLoss {mistake}" if mistake
            else f"{_what(logits)} does not match the cross-entropy of torch (largest difference {max_difference(out, expected):.3g})"
        )


def test_large_logits(ev: Evidence) -> None:
    logits, targets = large_case(ev.seed)
    what = f"CrossEntropyLoss on logits of about ±1000, shape {shape(LARGE)}"
    ev.need("large", what)
    out = ev.tensor("large/out", what).reshape(-1)[:1].reshape(())
    expected = F.cross_entropy(logits, targets)
    check(
        bool(torch.isfinite(out)),
        f"{what} returned {float(out)}: exp() of a large logit overflows to inf (and the softmax of a small one "
        "underflows to 0, whose log is -inf). Compute log-sum-exp stably: torch.logsumexp, or subtract each row's "
        "largest logit before exp()",
    )
    check(close(out, expected), f"{what} returned {float(out):.6g}, expected {float(expected):.6g}")


def test_gradient(ev: Evidence) -> None:
    logits, targets = grad_case(ev.seed)
    what = f"CrossEntropyLoss on float64 logits of shape {shape(logits)}"
    ev.need("grad_forward", what)
    out = ev.tensor("grad/out", what)
    check(ev.get("grad/requires_grad") is True,
          "the loss does not require grad: it was cut off from autograd (.detach(), .item(), numpy or torch.tensor(...)), "
          "so training could not compute any gradient from it")
    check(out.dtype == torch.float64, f"{what} returned {out.dtype}; compute in the logits' own dtype")
    expected = F.cross_entropy(logits, targets)
    check(
        close(out.reshape(()), expected, rtol=1e-10, atol=1e-12),
        f"{what} is off by {max_difference(out.reshape(()), expected):.2g}: it computes in float32 "
        "(e.g. .float() or a float32 constant); keep the logits' dtype",
    )
    ev.need("grad_backward", "backward through CrossEntropyLoss")
    grad = ev.tensor("grad/logits", "the gradient of the loss with respect to the logits")
    right = (logits.softmax(dim=1) - F.one_hot(targets, logits.shape[1]).double()) / len(targets)
    check(
        close(grad, right, rtol=1e-8, atol=1e-10),
        "the gradient of the loss with respect to the logits is wrong: it should be (softmax(logits) - one_hot(targets)) / N "
        f"(largest difference {max_difference(grad, right):.3g}); was part of the computation detached?",
    )


def test_no_builtin_loss(ev: Evidence) -> None:
    ev.need("case0", _what(cases(ev.seed)[0][0]))
    steps = [f"case{i}" for i in range(len(SHAPES))] + ["large"]
    used = forbidden_uses(ev.source, [*ev.ops(*steps), *ev.get("ancestry", [])], FORBIDDEN, METHODS, FORBIDDEN_OPS, within="CrossEntropyLoss")
    check(
        not used,
        f"CrossEntropyLoss uses PyTorch's own cross-entropy or log-softmax ({', '.join(used)}); the exercise is to write "
        "it yourself from the logits, with torch.logsumexp",
    )


TESTS = (
    HiddenTest(test_value, points=2),
    HiddenTest(test_large_logits, requires=("value",)),
    HiddenTest(test_gradient, points=0.5, requires=("value",)),
    HiddenTest(test_no_builtin_loss, points=0.5, requires=("value",)),
)
"""Points add up to the spec's 4. Stability, precision and the rule count once the values are right."""
