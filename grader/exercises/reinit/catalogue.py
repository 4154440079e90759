"""reinit and init_linear: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the reinit cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

_REINIT = """

def reinit(model):
    return model.apply(init_linear)
"""

CORRECT = [
    Variant("reinit_manual_bound", """
def init_linear(module):
    if isinstance(module, nn.Linear):
        bound = math.sqrt(6.0 / (module.in_features + module.out_features))
        with torch.no_grad():
            module.weight.uniform_(-bound, bound)
            if module.bias is not None:
                module.bias.zero_()


def reinit(model):
    model.apply(init_linear)
    return model
"""),
    Variant("reinit_modules_loop_type_check", """
def init_linear(module: nn.Module) -> None:
    if type(module) is nn.Linear:
        nn.init.xavier_uniform_(module.weight, gain=1.0)
        if module.bias is not None:
            nn.init.constant_(module.bias, 0.0)


def reinit(model: nn.Module) -> nn.Module:
    for module in model.modules():
        init_linear(module)
    return model
"""),
]

MISTAKES = [
    Variant("reinit_children_only", """
def init_linear(module):
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)


def reinit(model):
    for child in model.children():
        init_linear(child)
    return model
""", expect="model.children()"),
    Variant("reinit_anything_with_a_weight", """
def init_linear(module):
    if hasattr(module, "weight") and module.weight.dim() == 2:
        nn.init.xavier_uniform_(module.weight)
        if getattr(module, "bias", None) is not None:
            nn.init.zeros_(module.bias)
""" + _REINIT, expect="isinstance(m, nn.Linear)"),
    Variant("reinit_bias_left_alone", """
def init_linear(module):
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight)
""" + _REINIT, expect="still holds its old values"),
    Variant("reinit_kaiming", """
def init_linear(module):
    if isinstance(module, nn.Linear):
        nn.init.kaiming_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
""" + _REINIT, expect="kaiming_uniform_"),
    Variant("reinit_xavier_normal", """
def init_linear(module):
    if isinstance(module, nn.Linear):
        nn.init.xavier_normal_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
""" + _REINIT, expect="normally distributed"),
    Variant("reinit_reset_parameters", """
def init_linear(module):
    if isinstance(module, nn.Linear):
        module.reset_parameters()
        if module.bias is not None:
            nn.init.zeros_(module.bias)
""" + _REINIT, expect="reset_parameters()"),
    Variant("reinit_forgets_to_return", """
def init_linear(module):
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)


def reinit(model):
    model.apply(init_linear)
""", expect="should return the model"),
]
