"""inventory: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the naming cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

CORRECT = [
    Variant("naming_loops", """
def inventory(model):
    children, modules, parameters = [], [], []
    for name, _ in model.named_children():
        children.append(name)
    for name, _ in model.named_modules():
        modules.append(name)
    trainable = 0
    for name, p in model.named_parameters():
        parameters.append(name)
        if p.requires_grad:
            trainable += p.numel()
    return {"children": children, "modules": modules, "parameters": parameters, "trainable": trainable}
"""),
    Variant("naming_dict_keys", """
def inventory(model: nn.Module) -> dict:
    params = dict(model.named_parameters())
    return dict(
        children=list(dict(model.named_children())),
        modules=list(dict(model.named_modules())),
        parameters=list(params),
        trainable=sum(p.numel() for p in params.values() if p.requires_grad),
    )
"""),
    Variant("naming_tuples_and_filter", """
def inventory(model):
    names = lambda pairs: tuple(name for name, _ in pairs)
    trainable = filter(lambda p: p.requires_grad, model.parameters())
    return {
        "children": names(model.named_children()),
        "modules": names(model.named_modules()),
        "parameters": names(model.named_parameters()),
        "trainable": int(sum(p.numel() for p in trainable)),
    }
"""),
]

_REST = """
        "parameters": [n for n, _ in model.named_parameters()],
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
    }
"""

MISTAKES = [
    Variant("naming_children_recursive", """
def inventory(model):
    return {
        "children": [n for n, _ in model.named_modules() if n],
        "modules": [n for n, _ in model.named_modules()],""" + _REST, expect="only the direct children"),
    Variant("naming_modules_without_root", """
def inventory(model):
    return {
        "children": [n for n, _ in model.named_children()],
        "modules": [n for n, _ in model.named_modules() if n],""" + _REST, expect="under the empty name ''"),
    Variant("naming_modules_are_children", """
def inventory(model):
    return {
        "children": [n for n, _ in model.named_children()],
        "modules": [""] + [n for n, _ in model.named_children()],""" + _REST, expect="walks the whole tree"),
    Variant("naming_parameters_from_state_dict", """
def inventory(model):
    return {
        "children": [n for n, _ in model.named_children()],
        "modules": [n for n, _ in model.named_modules()],
        "parameters": list(model.state_dict().keys()),
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
    }
""", expect="also holds buffers"),
    Variant("naming_parameters_not_recursive", """
def inventory(model):
    return {
        "children": [n for n, _ in model.named_children()],
        "modules": [n for n, _ in model.named_modules()],
        "parameters": [n for n, _ in model.named_parameters(recurse=False)],
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
    }
""", expect="recurse=False"),
    Variant("naming_trainable_counts_nested_twice", """
def inventory(model):
    return {
        "children": [n for n, _ in model.named_children()],
        "modules": [n for n, _ in model.named_modules()],
        "parameters": [n for n, _ in model.named_parameters()],
        "trainable": sum(p.numel() for m in model.modules() for p in m.parameters() if p.requires_grad),
    }
""", expect="counts nested parameters several times"),
    Variant("naming_trainable_ignores_requires_grad", """
def inventory(model):
    return {
        "children": [n for n, _ in model.named_children()],
        "modules": [n for n, _ in model.named_modules()],
        "parameters": [n for n, _ in model.named_parameters()],
        "trainable": sum(p.numel() for p in model.parameters()),
    }
""", expect="counts frozen parameters too"),
    Variant("naming_trainable_counts_tensors", """
def inventory(model):
    return {
        "children": [n for n, _ in model.named_children()],
        "modules": [n for n, _ in model.named_modules()],
        "parameters": [n for n, _ in model.named_parameters()],
        "trainable": len([p for p in model.parameters() if p.requires_grad]),
    }
""", expect="not the numbers in them"),
]
