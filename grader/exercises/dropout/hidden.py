"""Hidden tests for Dropout: the masks are the answer's own random draws, so they are judged
by what every correct mask shares (zeros exactly where dropped, kept values scaled exactly,
the fraction dropped near p, a new draw per element and per call)."""

from __future__ import annotations

import torch

from grader.judge.evidence import Evidence, Failure, check, close, fail_naming, first_match, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.exercises.dropout.inputs import DEFAULT_RATE, GRAD_RATE, RATES, TOLERANCE, tensor, upstream

FORBIDDEN = frozenset(
    {
        "torch.nn.Dropout", "torch.nn.modules.dropout.Dropout", "torch.nn.Dropout1d", "torch.nn.Dropout2d",
        "torch.nn.Dropout3d", "torch.nn.AlphaDropout", "torch.nn.FeatureAlphaDropout", "torch.nn.modules.dropout._DropoutNd",
        "torch.nn.functional.dropout", "torch.nn.functional.dropout1d", "torch.nn.functional.dropout2d",
        "torch.nn.functional.dropout3d", "torch.nn.functional.alpha_dropout", "torch.nn.functional.feature_alpha_dropout",
        "torch.dropout", "torch.dropout_", "torch.alpha_dropout", "torch.feature_dropout", "torch.native_dropout",
    }
)


def _training_problem(out: torch.Tensor, x: torch.Tensor, p: float, what: str) -> str | None:
    """Why ``out`` is not a dropout of ``x`` with rate ``p`` in training mode, or None."""
    if out.shape != x.shape:
        return f"{what} returned shape {shape(out)}; dropout keeps the input's shape"
    dropped = out == 0
    kept = ~dropped
    if kept.any() and not close(out[kept], x[kept] / (1 - p)):
        mistake = first_match(out[kept], [
            ("does not scale the kept values: divide them by 1 - p, so that the expected output equals the input", lambda: x[kept]),
            ("multiplies the kept values by 1 - p; divide by 1 - p instead (inverted dropout)", lambda: x[kept] * (1 - p)),
            ("divides the kept values by p; divide by 1 - p, the probability of keeping", lambda: x[kept] / p),
        ])
        return f"{what} {mistake}" if mistake else (
            f"{what} changes the kept values wrongly: each must be x / (1 - p) (largest difference "
            f"{max_difference(out[kept], x[kept] / (1 - p)):.3g})"
        )
    fraction = float(dropped.double().mean())
    if p == 0:  # a draw of exactly 0.0 may drop an element now and then under `rand > p`: allow a few
        return None if fraction <= 1e-3 else f"{what} drops {fraction:.1%} of the elements; with p = 0 it must drop none"
    if fraction == 0:
        return f"{what} drops nothing in training mode: zero each element with probability p while self.training is True"
    if fraction == 1:
        return f"{what} drops everything; each element must be dropped on its own draw, with probability p"
    if bool((dropped == dropped[0]).all()):
        return f"{what} uses one mask for every row of the batch; draw one for every element (torch.rand_like(x))"
    if bool((dropped == dropped[:, :1]).all()):
        return f"{what} drops whole rows at once; draw one decision for every element (torch.rand_like(x))"
    if abs(fraction - p) <= TOLERANCE:
        return None
    if abs(fraction - (1 - p)) <= TOLERANCE:
        return f"{what} drops {fraction:.1%} of the elements: it drops with probability 1 - p; p is the probability of dropping"
    return f"{what} drops {fraction:.1%} of the elements; with p = {p} it should drop about {p:.0%}"


def _train_outputs(ev: Evidence) -> list[tuple[str, float]]:
    return [(f"rate{i}/train", p) for i, p in enumerate(RATES)] + [("default/train", DEFAULT_RATE), ("zero/train", 0.0)]


def _describe(key: str, p: float) -> str:
    made = "Dropout()" if key.startswith("default") else f"Dropout({p:g})"
    return f"{made} in training mode"


def test_training_statistics(ev: Evidence) -> None:
    x = tensor(ev.seed)
    for key, p in _train_outputs(ev):
        ev.need(key.split("/")[0], f"creating {'Dropout()' if key.startswith('default') else f'Dropout({p:g})'}")
        out = ev.tensor(f"{key}/out", f"{_describe(key, p)} on an input of shape {shape(x)}")
        problem = _training_problem(out, x, p, _describe(key, p))
        if problem:
            raise Failure(problem)


def test_eval_mode(ev: Evidence) -> None:
    x = tensor(ev.seed)
    for i, p in enumerate(RATES):
        ev.need(f"rate{i}/eval_mode", f"Dropout({p:g}).eval()")
        what = f"Dropout({p:g}) after .eval()"
        out = ev.tensor(f"rate{i}/eval/out", what)
        if not close(out, x):
            mistake = first_match(out, [
                ("scales by 1 - p in eval mode; with inverted dropout all scaling happens in training, and eval returns "
                 "the input unchanged", lambda: x * (1 - p)),
                ("divides by 1 - p in eval mode; eval must return the input unchanged", lambda: x / (1 - p)),
            ])
            if mistake is None and out.shape == x.shape and bool((out == 0).any()):
                mistake = "still drops elements in eval mode: check self.training, which model.eval() sets to False"
            fail_naming(what, mistake, "does not return its input unchanged")
        ev.need(f"rate{i}/train_mode", f"Dropout({p:g}).train()")
        problem = _training_problem(ev.tensor(f"rate{i}/retrain/out", f"{what} then .train()"), x, p, f"{what} then .train()")
        check(
            problem is None,
            f"{problem}: it does not drop again once switched back; read self.training in forward (model.train() and "
            "model.eval() set it), not a flag fixed in __init__",
        )


def test_fresh_mask(ev: Evidence) -> None:
    x = tensor(ev.seed)
    for i, p in enumerate(RATES):
        first = ev.tensor(f"rate{i}/train/out", f"Dropout({p:g}) in training mode")
        second = ev.tensor(f"rate{i}/again/out", f"Dropout({p:g}) called a second time")
        problem = _training_problem(second, x, p, f"Dropout({p:g}) called a second time")
        check(problem is None, str(problem))
        check(
            not bool(((first == 0) == (second == 0)).all()),
            f"Dropout({p:g}) drops the same elements on every call: draw a new mask in forward, every time, not once in __init__",
        )


def test_gradient(ev: Evidence) -> None:
    ev.need("grad", f"creating Dropout({GRAD_RATE:g})")
    ev.need("grad_forward", f"Dropout({GRAD_RATE:g}) on an input that requires grad")
    check(
        ev.get("grad/requires_grad") is True,
        "Dropout's output does not require grad: it was cut off from autograd (.detach(), .data, numpy, torch.tensor(...))",
    )
    ev.need("grad_backward", f"backward through Dropout({GRAD_RATE:g})")
    out = ev.tensor("grad/out", f"Dropout({GRAD_RATE:g}) on an input that requires grad")
    grad = ev.tensor("grad/x", f"the gradient of Dropout({GRAD_RATE:g})")
    x = tensor(ev.seed)
    check(out.shape == x.shape, f"Dropout({GRAD_RATE:g}) returned shape {shape(out)} for an input of shape {shape(x)}")
    # Each output element is its input times that element's factor (0 or the scale), so the gradient is the
    # incoming one times out / x. Judged against the answer's own forward: the scale is graded once, above.
    expected = upstream(ev.seed) * out / x
    check(
        close(grad, expected),
        "the gradient flowing back through Dropout does not match its output: it should be the incoming gradient times "
        "the factor each element was multiplied by (1 / (1 - p) where kept, 0 where dropped) "
        f"(largest difference {max_difference(grad, expected):.3g})",
    )


def test_input_unchanged(ev: Evidence) -> None:
    for key, p in _train_outputs(ev):
        check(
            not ev.get(f"{key}/input_changed", False),
            f"{_describe(key, p)} modified its input in place (x *= mask, x[mask] = 0, mul_); return a new tensor",
        )


def test_no_builtin_dropout(ev: Evidence) -> None:
    steps = [key for key, _ in _train_outputs(ev)]
    used = forbidden_uses(ev.source, [*ev.ops(*steps), *ev.get("ancestry", [])], FORBIDDEN, within="Dropout")
    check(
        not used,
        f"Dropout uses PyTorch's own dropout ({', '.join(used)}); the exercise is to draw the mask yourself "
        "(torch.rand_like, torch.bernoulli)",
    )


TESTS = (
    HiddenTest(test_training_statistics, points=3),
    HiddenTest(test_eval_mode, points=2, requires=("training_statistics",)),  # an identity would pass it alone
    HiddenTest(test_fresh_mask, requires=("training_statistics",)),
    HiddenTest(test_gradient, points=1.5),
    HiddenTest(test_input_unchanged, requires=("training_statistics",)),
    HiddenTest(test_no_builtin_dropout, points=1.5, requires=("training_statistics",)),
)
