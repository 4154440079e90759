"""Hidden tests for train_epoch: the epoch replayed here on the same model and data."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from grader.judge.evidence import Evidence, Failure, check, close
from grader.judge.hidden import HiddenTest
from grader.exercises.train_epoch.inputs import EVAL, TRAIN, Watched, loader, optimizer, weights

TRAIN_CALL = "train_epoch(model, loader, loss_fn, optimizer)"
EVAL_CALL = "train_epoch(model, loader, loss_fn) without an optimizer"


def _replay(seed: int, which: str, *, train: bool, zero: bool = True, mean_of_means: bool = False,
            last_only: bool = False) -> tuple[float, float, list[torch.Tensor]]:
    """(mean loss per example, accuracy, parameters after) of one epoch done right, or done
    with one of the known mistakes."""
    model = Watched(weights(seed))
    opt = optimizer(model)
    total, correct, count, means = 0.0, 0, 0, []
    for x, y in loader(seed, which):
        with torch.set_grad_enabled(train):
            out = model(x)
            loss = F.cross_entropy(out, y)
        if train:
            if zero:
                opt.zero_grad()
            loss.backward()
            opt.step()
        total += loss.item() * len(y)
        means.append(loss.item())
        correct += int((out.argmax(dim=1) == y).sum())
        count += len(y)
    mean = means[-1] if last_only else sum(means) / len(means) if mean_of_means else total / count
    return mean, correct / count, [p.detach().clone() for p in model.parameters()]


def _returned(ev: Evidence, key: str, call: str) -> tuple[float, float]:
    ev.need(key, call)
    kind = ev.get(f"{key}/returned")
    if kind is not None:
        raise Failure(f"{call} returned {kind}; return a pair (mean loss, accuracy) of two numbers")
    loss, accuracy = ev.get(f"{key}/result")
    return loss, accuracy


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-5 + 1e-4 * abs(b)


def _check_numbers(ev: Evidence, key: str, call: str, right: tuple[float, float], which: str, train: bool) -> None:
    loss, accuracy = _returned(ev, key, call)
    right_loss, right_accuracy = right
    n = (TRAIN if which == "train" else EVAL)[0]
    if _near(loss, right_accuracy) and _near(accuracy, right_loss):
        raise Failure(f"{call} returns (accuracy, loss); return them the other way round: (mean loss, accuracy)")
    if not _near(accuracy, right_accuracy):
        if _near(accuracy, right_accuracy * n):
            raise Failure(f"{call} returns the number of correct predictions ({accuracy:g}); return the fraction correct, between 0 and 1")
        if _near(accuracy, right_accuracy * 100):
            raise Failure(f"{call} returns the accuracy in percent ({accuracy:g}); return a fraction between 0 and 1")
        raise Failure(f"{call} returns accuracy {accuracy:.4g}, expected {right_accuracy:.4g} (the fraction of examples whose "
                      "largest logit is at the label, counted over the whole epoch)")
    if _near(loss, right_loss):
        return
    means, _, _ = _replay(ev.seed, which, train=train, mean_of_means=True)
    last, _, _ = _replay(ev.seed, which, train=train, last_only=True)
    if _near(loss, means):
        raise Failure(
            f"{call} returns the mean of the batches' mean losses, {loss:.5g}; the last batch is smaller, so weight each "
            f"batch's loss by its size: the mean loss per example is {right_loss:.5g}"
        )
    if _near(loss, last):
        raise Failure(f"{call} returns the loss of the last batch only; return the mean loss over every example of the epoch")
    if _near(loss, right_loss * n):
        raise Failure(f"{call} returns the summed loss; divide by the number of examples for the mean loss")
    raise Failure(f"{call} returns mean loss {loss:.5g}, expected {right_loss:.5g}")


def _same(a: Any, b: list[torch.Tensor]) -> bool:
    """``a``, the flattened parameters the probe recorded, equals the parameters ``b``."""
    return isinstance(a, torch.Tensor) and close(a, torch.cat([t.reshape(-1) for t in b]))


def test_training_numbers(ev: Evidence) -> None:
    loss, accuracy, _ = _replay(ev.seed, "train", train=True)
    _check_numbers(ev, "train", TRAIN_CALL, (loss, accuracy), "train", True)


def test_training_updates(ev: Evidence) -> None:
    ev.need("train", TRAIN_CALL)
    after = ev.get("train/params")
    _, _, right = _replay(ev.seed, "train", train=True)
    if _same(after, right):
        return
    if _same(after, weights(ev.seed)):
        raise Failure(f"{TRAIN_CALL} leaves the parameters unchanged: call loss.backward() and then optimizer.step() for every batch")
    _, _, accumulated = _replay(ev.seed, "train", train=True, zero=False)
    if _same(after, accumulated):
        raise Failure(f"{TRAIN_CALL} never calls optimizer.zero_grad(), so each batch's gradients add up with the earlier ones")
    raise Failure(
        f"after {TRAIN_CALL} the parameters differ from one optimizer step per batch (zero_grad, forward, loss, backward, step)"
    )


def test_evaluation(ev: Evidence) -> None:
    loss, accuracy, _ = _replay(ev.seed, "eval", train=False)
    _check_numbers(ev, "eval", EVAL_CALL, (loss, accuracy), "eval", False)
    check(_same(ev.get("eval/params"), weights(ev.seed)), f"{EVAL_CALL} changed the parameters: without an optimizer it must only evaluate")
    check(not any(ev.get("eval/grads", [])),
          f"{EVAL_CALL} computes gradients (the parameters' .grad is set): evaluation calls no backward")


def test_modes(ev: Evidence) -> None:
    """Self-reported by the model the probe built: counts once the numbers are right."""
    train_seen, eval_seen = ev.get("train/seen", []), ev.get("eval/seen", [])
    check(bool(train_seen) and bool(eval_seen), "train_epoch never called the model")
    check(all(mode for mode, _ in train_seen),
          f"{TRAIN_CALL} leaves the model in evaluation mode; call model.train() before training (dropout and batch norm behave differently)")
    check(not any(mode for mode, _ in eval_seen),
          f"{EVAL_CALL} leaves the model in training mode; call model.eval() before evaluating")
    check(not any(grad for _, grad in eval_seen),
          f"{EVAL_CALL} runs the model with autograd recording; wrap evaluation in torch.no_grad() so no graph is built")


TESTS = (
    HiddenTest(test_training_numbers),
    HiddenTest(test_training_updates, points=1),
    HiddenTest(test_evaluation, points=1),
    HiddenTest(test_modes, points=1, requires=("training_numbers", "training_updates", "evaluation")),
)
"""Points add up to the spec's 4. The modes the model saw are self-reported: they count once the
replayed numbers and parameters prove the loop ran on that model."""
