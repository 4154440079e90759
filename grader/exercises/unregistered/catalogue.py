"""unregistered_tensors: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the unregistered cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

CORRECT = [
    Variant("unregistered_recursive_children", """
def unregistered_tensors(module, prefix=""):
    registered = set(dict(module.named_parameters(recurse=False))) | set(dict(module.named_buffers(recurse=False)))
    found = [prefix + name for name, value in attributes(module).items()
             if isinstance(value, torch.Tensor) and name not in registered]
    for name, child in module.named_children():
        found += unregistered_tensors(child, prefix + name + ".")
    return found
"""),
    Variant("unregistered_qualified_names", """
def unregistered_tensors(module: nn.Module) -> list[str]:
    registered = {name for name, _ in module.named_parameters()} | {name for name, _ in module.named_buffers()}
    found = set()
    for prefix, sub in module.named_modules():
        for name, value in attributes(sub).items():
            full = ".".join(part for part in (prefix, name) if part)
            if isinstance(value, torch.Tensor) and full not in registered:
                found.add(full)
    return sorted(found)
"""),
]

_LOOP = """
def unregistered_tensors(module):
    found = []
    for prefix, sub in module.named_modules():
        registered = {n for n, _ in sub.named_parameters(recurse=False)} | {n for n, _ in sub.named_buffers(recurse=False)}
        for name, value in attributes(sub).items():
"""

MISTAKES = [
    Variant("unregistered_only_those_requiring_grad", _LOOP + """            if isinstance(value, torch.Tensor) and value.requires_grad and not isinstance(value, nn.Parameter):
                found.append(f"{prefix}.{name}" if prefix else name)
    return found
""", expect="does not require grad"),
    Variant("unregistered_top_level_only", """
def unregistered_tensors(module):
    registered = {n for n, _ in module.named_parameters(recurse=False)} | {n for n, _ in module.named_buffers(recurse=False)}
    return [name for name, value in attributes(module).items() if isinstance(value, torch.Tensor) and name not in registered]
""", expect="go through every module of the tree"),
    Variant("unregistered_bare_names", _LOOP + """            if isinstance(value, torch.Tensor) and name not in registered:
                found.append(name)
    return found
""", expect="dotted path"),
    Variant("unregistered_not_a_parameter_means_unregistered", _LOOP + """            if isinstance(value, torch.Tensor) and not isinstance(value, nn.Parameter):
                found.append(f"{prefix}.{name}" if prefix else name)
    return found
""", expect="lists buffers"),
    Variant("unregistered_registered_means_saved", """
def unregistered_tensors(module):
    saved = set(module.state_dict())
    found = []
    for prefix, sub in module.named_modules():
        for name, value in attributes(sub).items():
            full = f"{prefix}.{name}" if prefix else name
            if isinstance(value, torch.Tensor) and full not in saved:
                found.append(full)
    return found
""", expect="non-persistent buffer"),
]
