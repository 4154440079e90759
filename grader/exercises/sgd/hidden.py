"""Hidden tests for the SGD optimizer: its steps replayed here with torch.optim.SGD itself."""

from __future__ import annotations

from typing import Callable

import torch

from grader.judge.evidence import Evidence, Failure, check, close, max_difference
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.exercises.sgd.inputs import RUNS, STEPS, loss, start

FORBIDDEN = frozenset({"torch.optim.SGD", "torch.optim.sgd.SGD", "torch.optim.sgd.sgd", "torch.optim.sgd", "torch.optim.Adam",
                       "torch.optim.AdamW", "torch.optim.RMSprop", "torch.optim.Adagrad"})

EARLY = 3
"""Steps compared against the known wrong rules: enough to tell them apart, before any diverges."""

Update = Callable[[torch.Tensor, torch.Tensor, dict[str, torch.Tensor], float, float], None]
"""One parameter's update under no_grad: (parameter, gradient, its state, lr, momentum)."""


def _torch_sgd(seed: int, run: str) -> torch.Tensor:
    """The trace torch.optim.SGD leaves: every parameter, flattened, after each step."""
    initial, targets = start(seed, run)
    params = [p.clone().requires_grad_(True) for p in initial]
    opt = torch.optim.SGD(params, **RUNS[run])  # type: ignore[arg-type]
    trace = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss(params, targets).backward()
        opt.step()
        trace.append(torch.cat([p.detach().reshape(-1).clone() for p in params]))
    return torch.stack(trace)


def _by_hand(seed: int, run: str, update: Update, *, zero: bool = True) -> torch.Tensor:
    """The trace of a (wrong) update rule, to name what an answer did instead."""
    initial, targets = start(seed, run)
    params = [p.clone().requires_grad_(True) for p in initial]
    lr, momentum = RUNS[run]["lr"], RUNS[run].get("momentum", 0.0)
    states: list[dict[str, torch.Tensor]] = [{} for _ in params]
    trace = []
    for _ in range(STEPS):
        for p in params:
            if zero:
                p.grad = None
        loss(params, targets).backward()
        with torch.no_grad():
            for p, state in zip(params, states):
                if p.grad is not None:
                    update(p, p.grad, state, lr, momentum)
        trace.append(torch.cat([p.detach().reshape(-1).clone() for p in params]))
    return torch.stack(trace)


def _plain(p: torch.Tensor, g: torch.Tensor, state: dict[str, torch.Tensor], lr: float, m: float) -> None:
    p -= lr * g


def _momentum(p: torch.Tensor, g: torch.Tensor, state: dict[str, torch.Tensor], lr: float, m: float) -> None:
    state["buf"] = m * state["buf"] + g if "buf" in state else g.clone()
    p -= lr * state["buf"]


def _ascent(p: torch.Tensor, g: torch.Tensor, state: dict[str, torch.Tensor], lr: float, m: float) -> None:
    state["buf"] = m * state["buf"] + g if "buf" in state else g.clone()
    p += lr * state["buf"]


def _dampened(p: torch.Tensor, g: torch.Tensor, state: dict[str, torch.Tensor], lr: float, m: float) -> None:
    state["buf"] = m * state["buf"] + (1 - m) * g if "buf" in state else (1 - m) * g
    p -= lr * state["buf"]


def _nesterov(p: torch.Tensor, g: torch.Tensor, state: dict[str, torch.Tensor], lr: float, m: float) -> None:
    state["buf"] = m * state["buf"] + g if "buf" in state else g.clone()
    p -= lr * (g + m * state["buf"])


def _no_step(p: torch.Tensor, g: torch.Tensor, state: dict[str, torch.Tensor], lr: float, m: float) -> None:
    pass


def _explain_step_error(ev: Evidence, key: str, what: str) -> str:
    error = ev.get(f"{key}/error", {})
    message = str(error.get("message", "")) if isinstance(error, dict) else ""
    if "leaf Variable that requires grad" in message or "a leaf Variable" in message:
        return (
            f"{what} updates a parameter in place while autograd is recording ({message}); do the update under "
            "torch.no_grad() (a `with` block, or decorate step with @torch.no_grad())"
        )
    if "NoneType" in message:
        return (
            f"{what} fails on a parameter whose .grad is None ({message}): a parameter that took no part in the loss "
            "has no gradient; skip it (if p.grad is None: continue)"
        )
    return ev.explain(what, error)


def _check_run(ev: Evidence, run: str) -> None:
    settings = ", ".join(f"{k}={v}" for k, v in RUNS[run].items())
    what = f"SGD(params, {settings})"
    ev.need(f"{run}/construct", f"creating {what}")
    for step in range(STEPS):
        for stage in ("zero_grad", f"backward{step}"):
            ev.need(f"{run}/{stage}", f"{what}: {stage.rstrip('0123456789')} at step {step + 1}")
        if f"{run}/step{step}/error" in ev:
            raise Failure(_explain_step_error(ev, f"{run}/step{step}", f"{what}.step() at step {step + 1}"))
    trace = ev.tensor(f"{run}/trace", f"the parameters after each step of {what}")
    right = _torch_sgd(ev.seed, run)
    check(trace.shape == right.shape, f"the parameters of {what} changed shape")
    if close(trace, right):
        check(ev.get(f"{run}/leaves") is True,
              f"after {what}.step() the parameters are no longer leaf tensors that require grad; update them in place under torch.no_grad()")
        return
    if close(trace[0], right[0]) and not close(trace[1], right[1]):
        step_two = " from the second step on"
    else:
        step_two = ""
    hypotheses = [
        ("never changes the parameters: assigning p = p - lr * p.grad only rebinds a local name; update in place "
         "(p -= lr * p.grad, p.add_(...)) under torch.no_grad()", lambda: _by_hand(ev.seed, run, _no_step)),
        ("moves the parameters up the gradient (gradient ascent): subtract lr * gradient", lambda: _by_hand(ev.seed, run, _ascent)),
        ("ignores momentum: keep a velocity per parameter (in self.state[p]) from one step to the next",
         lambda: _by_hand(ev.seed, run, _plain)),
        ("scales the gradient by (1 - momentum) in the velocity; PyTorch's SGD adds the gradient unscaled: "
         "v = momentum * v + grad", lambda: _by_hand(ev.seed, run, _dampened)),
        ("uses Nesterov momentum; plain momentum steps by lr * v with v = momentum * v + grad",
         lambda: _by_hand(ev.seed, run, _nesterov)),
        ("accumulates gradients: zero_grad() does not clear them (set p.grad to None, or zero it)",
         lambda: _by_hand(ev.seed, run, _momentum, zero=False)),
    ]
    for description, compute in hypotheses:
        if close(trace[:EARLY], compute()[:EARLY]):  # early steps: a wrong rule may diverge later
            raise Failure(f"{what} {description}")
    if close(trace[0], right[0]) and close(trace[1:], trace[:1].expand_as(trace[1:])):
        raise Failure(
            f"{what} changes the parameters only at the first step: if it keeps the parameters as it was given them, "
            "a generator (model.parameters()) is used up after one pass; pass them to super().__init__(params, defaults) "
            "and loop over self.param_groups"
        )
    raise Failure(
        f"the parameters after {what}.step() differ from torch.optim.SGD's{step_two} "
        f"(largest difference {max_difference(trace, right):.3g} over {STEPS} steps)"
    )


def test_steps(ev: Evidence) -> None:
    _check_run(ev, "plain")


def test_momentum(ev: Evidence) -> None:
    _check_run(ev, "momentum")


def test_no_builtin_optimizer(ev: Evidence) -> None:
    steps = [f"{run}/{s}" for run in RUNS for s in ("construct", *(f"step{i}" for i in range(STEPS)))]
    used = forbidden_uses(ev.source, [*ev.ops(*steps), *ev.get("ancestry", [])], FORBIDDEN, within="SGD")
    check(not used, f"SGD uses PyTorch's own optimizers ({', '.join(used)}); write the update yourself")


TESTS = (
    HiddenTest(test_steps, points=2),  # zero_grad included: the probe calls it before every step
    HiddenTest(test_momentum, points=1.5),
    HiddenTest(test_no_builtin_optimizer, points=0.5, requires=("steps",)),
)
"""Points add up to the spec's 4. The rule counts once the replayed steps prove the optimizer works."""
