"""freeze and trainable_sgd: answers that must get full marks, and known mistakes that must lose
points with a message containing their phrase. Each replaces the freeze cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

_SGD = """

def trainable_sgd(model, lr):
    return torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr)
"""

_FREEZE = """
def freeze(model, name):
    model.get_submodule(name).requires_grad_(False)
"""

CORRECT = [
    Variant("freeze_dotted_prefix_and_filter", """
def freeze(model, name):
    for full_name, p in model.named_parameters():
        if full_name.startswith(name + "."):
            p.requires_grad = False


def trainable_sgd(model, lr):
    return torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=lr)
"""),
    Variant("freeze_named_modules_and_param_group", """
def freeze(model: nn.Module, name: str) -> None:
    part = dict(model.named_modules())[name]
    for p in part.parameters():
        p.requires_grad_(False)


def trainable_sgd(model: nn.Module, lr: float) -> torch.optim.SGD:
    params = [p for _, p in model.named_parameters() if p.requires_grad]
    return torch.optim.SGD([{"params": params, "lr": lr}], momentum=0.0)
"""),
]

MISTAKES = [
    Variant("freeze_sets_a_module_attribute", """
def freeze(model, name):
    model.get_submodule(name).requires_grad = False
""" + _SGD, expect="plain attribute"),
    Variant("freeze_calls_eval", """
def freeze(model, name):
    model.get_submodule(name).eval()
""" + _SGD, expect="eval() freezes nothing"),
    Variant("freeze_by_startswith", """
def freeze(model, name):
    for full_name, p in model.named_parameters():
        if full_name.startswith(name):
            p.requires_grad = False
""" + _SGD, expect="startswith"),
    Variant("freeze_only_direct_parameters", """
def freeze(model, name):
    for p in model.get_submodule(name).parameters(recurse=False):
        p.requires_grad = False
""" + _SGD, expect="nested"),
    Variant("freeze_optimizer_over_everything", _FREEZE + """

def trainable_sgd(model, lr):
    return torch.optim.SGD(model.parameters(), lr=lr)
""", expect="also holds the frozen parameters"),
    Variant("freeze_optimizer_filter_inverted", _FREEZE + """

def trainable_sgd(model, lr):
    return torch.optim.SGD([p for p in model.parameters() if not p.requires_grad], lr=lr)
""", expect="did not change"),
    Variant("freeze_optimizer_ignores_lr", _FREEZE + """

def trainable_sgd(model, lr):
    return torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.01)
""", expect="learning rate"),
    Variant("freeze_optimizer_with_momentum", _FREEZE + """

def trainable_sgd(model, lr):
    return torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.1)
""", expect="without momentum or weight decay"),
]
