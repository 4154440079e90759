"""SGD: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the sgd cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

CORRECT = [
    Variant("sgd_state_buffer", """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d = p.grad
                if group["momentum"]:
                    state = self.state[p]
                    if "velocity" not in state:
                        state["velocity"] = d.clone()
                    else:
                        state["velocity"].mul_(group["momentum"]).add_(d)
                    d = state["velocity"]
                p.add_(d, alpha=-group["lr"])
"""),
    Variant("sgd_velocity_includes_lr", """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        defaults = {"lr": lr, "momentum": momentum}
        super().__init__(params, defaults)

    def step(self, closure=None):
        with torch.no_grad():
            for group in self.param_groups:
                lr, m = group["lr"], group["momentum"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    v = self.state[p].get("v", torch.zeros_like(p))
                    v = m * v + lr * p.grad
                    self.state[p]["v"] = v
                    p -= v
"""),
    Variant("sgd_own_zero_grad", """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.grad.zero_()

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                buf = state.get("buf")
                buf = p.grad.clone() if buf is None else group["momentum"] * buf + p.grad
                state["buf"] = buf
                p.data -= group["lr"] * buf
"""),
]

MISTAKES = [
    Variant("sgd_without_no_grad", """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p -= group["lr"] * p.grad
""", expect="torch.no_grad()"),
    Variant("sgd_rebinds_local_name", """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p = p - group["lr"] * p.grad
""", expect="never changes the parameters"),
    Variant("sgd_ignores_momentum", """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p -= group["lr"] * p.grad
""", expect="ignores momentum"),
    Variant("sgd_dampened_velocity", """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            m = group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "v" in state:
                    state["v"] = m * state["v"] + (1 - m) * p.grad
                else:
                    state["v"] = (1 - m) * p.grad
                p -= group["lr"] * state["v"]
""", expect="(1 - momentum)"),
    Variant("sgd_gradient_ascent", """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                state["v"] = group["momentum"] * state["v"] + p.grad if "v" in state else p.grad.clone()
                p += group["lr"] * state["v"]
""", expect="gradient ascent"),
    Variant("sgd_crashes_on_missing_grad", """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["v"] = group["momentum"] * state["v"] + p.grad if "v" in state else p.grad.clone()
                p -= group["lr"] * state["v"]
""", expect=".grad is None"),
    Variant("sgd_keeps_the_generator", """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.velocity = {}
        super().__init__([torch.zeros(1, requires_grad=True)], {"lr": lr})

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            v = self.velocity.get(p)
            v = p.grad.clone() if v is None else self.momentum * v + p.grad
            self.velocity[p] = v
            p -= self.lr * v
""", expect="generator"),
    Variant("sgd_zero_grad_does_nothing", """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    def zero_grad(self, set_to_none=True):
        pass

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                state["v"] = group["momentum"] * state["v"] + p.grad if "v" in state else p.grad.clone()
                p -= group["lr"] * state["v"]
""", expect="zero_grad() does not clear"),
    Variant("sgd_subclasses_torch_sgd", """
class SGD(torch.optim.SGD):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr=lr, momentum=momentum)
""", expect="uses PyTorch's own optimizers"),
    Variant("sgd_not_an_optimizer", """
class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.params = list(params)
        self.lr = lr

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is not None:
                p -= self.lr * p.grad
""", expect="subclass of torch.optim.Optimizer"),
]
