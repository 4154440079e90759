"""Hidden tests for fit: the training replayed here, with torch's own loss and optimizer, on
the same MNIST digits and starting weights."""

from __future__ import annotations

from functools import lru_cache

import torch
import torch.nn.functional as F

from grader.judge.evidence import Evidence, Failure, check, close
from grader.judge.hidden import HiddenTest
from grader.exercises.fit.inputs import EPOCHS, KEYS, LR, MOMENTUM, SIZES, loader, start_weights

CALL = f"fit(model, train_loader, held_out_loader, epochs={EPOCHS}, lr={LR}, momentum={MOMENTUM})"
History = dict[str, list[float]]


def _forward(params: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    w1, b1, w2, b2 = params
    return (x.reshape(len(x), -1) @ w1.T + b1).clamp(min=0) @ w2.T + b2


def _epoch(params: list[torch.Tensor], batches: list, opt: torch.optim.Optimizer | None) -> tuple[float, float]:
    total, correct, count = 0.0, 0, 0
    for x, y in batches:
        with torch.set_grad_enabled(opt is not None):
            out = _forward(params, x)
            loss = F.cross_entropy(out, y)
        if opt is not None:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total += loss.item() * len(y)
        correct += int((out.argmax(dim=1) == y).sum())
        count += len(y)
    return total / count, correct / count


@lru_cache(maxsize=8)
def replay(seed: int, *, momentum: float = MOMENTUM, evaluate_first: bool = False, train_on_held_out: bool = False,
           new_optimizer_each_epoch: bool = False) -> tuple[History, tuple[torch.Tensor, ...]]:
    """The history and final weights of fit done right, or with one known mistake."""
    params = [w.clone().requires_grad_(True) for w in start_weights(seed)]
    train, held_out = list(loader(seed, "train")), list(loader(seed, "held_out"))
    history: History = {key: [] for key in KEYS}
    opt = torch.optim.SGD(params, lr=LR, momentum=momentum)
    for _ in range(EPOCHS):
        if new_optimizer_each_epoch:
            opt = torch.optim.SGD(params, lr=LR, momentum=momentum)
        if evaluate_first:
            evaluated = _epoch(params, held_out, None)
        loss, accuracy = _epoch(params, train, opt)
        if not evaluate_first:
            evaluated = _epoch(params, held_out, opt if train_on_held_out else None)
        history["train_loss"].append(loss)
        history["train_accuracy"].append(accuracy)
        history["held_out_loss"].append(evaluated[0])
        history["held_out_accuracy"].append(evaluated[1])
    return history, tuple(p.detach().clone() for p in params)


def _matches(got: list, right: list[float], n: int, *, accuracy: bool) -> bool:
    """Losses within 1e-4 relative; accuracies within one digit (a near-tie may tip either way)."""
    if len(got) != len(right) or any(g is None for g in got):
        return False
    tolerance = [1.5 / n if accuracy else 1e-5 + 1e-4 * abs(r) for r in right]
    return all(abs(g - r) <= t for g, r, t in zip(got, right, tolerance))


def _history(ev: Evidence) -> dict[str, list]:
    if "mnist/error" in ev:
        raise Failure(f"internal grader problem: {ev.get('mnist/error', {}).get('message', '')}")
    ev.need("model", "building SimpleMLP() with the starting weights")
    ev.need("fit", CALL)
    kind = ev.get("fit/returned")
    check(kind is None, f"{CALL} returned a {kind}; return a dict of lists, one number per epoch under each of {', '.join(KEYS)}")
    return {key: ev.get(f"fit/history/{key}") for key in KEYS}


def test_history(ev: Evidence) -> None:
    got = _history(ev)
    missing = [key for key, series in got.items() if series is None]
    check(not missing, f"the dict fit returns has no list under {', '.join(missing)} (its keys: {ev.get('fit/keys')})")
    for key, series in got.items():
        check(len(series) == EPOCHS, f"fit's history holds {len(series)} values under {key} for {EPOCHS} epochs; append one per epoch")
        check(all(v is not None for v in series), f"fit's history under {key} holds something other than numbers (use loss.item() or float())")


def _diagnose(ev: Evidence, keys: tuple[str, ...], what: str) -> None:
    got = _history(ev)
    right, _ = replay(ev.seed)
    part = "held_out" if keys[0].startswith("held_out") else "train"

    def fits(history: History) -> bool:
        return all(_matches(got[k] or [], history[k], SIZES[part], accuracy=k.endswith("accuracy")) for k in keys)

    if fits(right):
        return
    hypotheses = [
        ("evaluates on the held-out digits before training in each epoch; train first, then evaluate the trained model",
         {"evaluate_first": True}),
        ("trains on the held-out digits too (it passes the optimizer when evaluating); held-out data must only be evaluated",
         {"train_on_held_out": True}),
        ("ignores momentum: create the optimizer with SGD(model.parameters(), lr, momentum)", {"momentum": 0.0}),
        ("creates a new optimizer every epoch, which throws away the momentum; create it once, before the loop",
         {"new_optimizer_each_epoch": True}),
    ]
    for description, mistake in hypotheses:
        if fits(replay(ev.seed, **mistake)[0]):  # type: ignore[arg-type]
            raise Failure(f"fit {description}")
    shown = ", ".join(f"{k} {[round(v, 4) for v in got[k] if v is not None]} (expected {[round(v, 4) for v in right[k]]})" for k in keys)
    raise Failure(f"{what} differs from {EPOCHS} epochs of train_epoch with CrossEntropyLoss and SGD: {shown}")


def test_training(ev: Evidence) -> None:
    _diagnose(ev, ("train_loss", "train_accuracy"), "the training history")
    _, weights = replay(ev.seed)
    after = ev.get("fit/weights")
    check(
        isinstance(after, torch.Tensor) and close(after, torch.cat([w.reshape(-1) for w in weights]), rtol=1e-3, atol=1e-5),
        "after fit the model's weights differ from the training replayed here, though the history matched",
    )


def test_held_out(ev: Evidence) -> None:
    _diagnose(ev, ("held_out_loss", "held_out_accuracy"), "the held-out history")


TESTS = (
    HiddenTest(test_history),
    HiddenTest(test_training, points=1.5, requires=("history",)),
    HiddenTest(test_held_out, points=1.5, requires=("history",)),
)
"""Points add up to the spec's 4."""
