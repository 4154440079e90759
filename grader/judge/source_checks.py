"""Static checks on the student's cell: which forbidden torch names its answer refers to.

Works on the syntax tree, so a name in a comment or a string is not a use, and import
aliases (``import torch.nn.functional as fn``) are followed. Only the exercise's own class
is searched: a check such as ``assert torch.equal(ReLU()(t), torch.relu(t))`` elsewhere in
the cell is not part of the answer. Spellings the tree cannot show, such as
``getattr(torch, "re" + "lu")``, are caught by the ops the probes record at run time.
"""

from __future__ import annotations

import ast
from typing import Iterable

DEFAULT_ALIASES = {"torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional"}
MODULE_RECEIVERS = frozenset({"self", "cls", "ctx"})


def dotted(node: ast.AST) -> list[str] | None:
    """``torch.nn.functional.relu`` as its parts; None for anything but a chain of names."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def _aliases(tree: ast.AST) -> dict[str, str]:
    aliases = dict(DEFAULT_ALIASES)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _scope(tree: ast.Module, within: str | None) -> ast.AST:
    """The last definition of the class named ``within`` (the one that counts when the cell
    runs), else the whole cell."""
    for node in reversed(tree.body):
        if within and isinstance(node, ast.ClassDef) and node.name == within:
            return node
    return tree


def forbidden_references(
    source: str, forbidden: frozenset[str], methods: frozenset[str] = frozenset(), *, within: str | None = None
) -> list[str]:
    """Fully qualified forbidden names the answer refers to, plus ``.method()`` calls on
    values (``x.relu()``, ``(a @ b).backward()``) that are not modules or the cell's own names."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    aliases = _aliases(tree)
    own_names = {n.name for n in ast.walk(tree) if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    found: set[str] = set()
    for node in ast.walk(_scope(tree, within)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(name for name in (f"{node.module}.{a.name}" for a in node.names) if name in forbidden)
        if not isinstance(node, (ast.Attribute, ast.Name)):
            continue
        parts = dotted(node)
        if parts is None:
            if isinstance(node, ast.Attribute) and node.attr in methods:
                found.add(f"Tensor.{node.attr}()")
            continue
        root = parts[0]
        if root in aliases:
            qualified = ".".join([aliases[root], *parts[1:]])
            if qualified in forbidden:
                found.add(qualified)
        elif len(parts) >= 2 and parts[-1] in methods and root not in MODULE_RECEIVERS | own_names:
            found.add(f"Tensor.{parts[-1]}()")
    return sorted(found)


TORCH_FUNCTION_SWITCHES = frozenset(
    {"torch._C.DisableTorchFunction", "torch._C.DisableTorchFunctionSubclass", "torch._C._disabled_torch_function_impl"}
)


def evasions(source: str) -> list[str]:
    """Ways of calling torch that no check could see: switching off torch-function dispatch,
    or looking a torch name up with a computed string. Searched in the whole cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    aliases = _aliases(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        parts = dotted(node) if isinstance(node, (ast.Attribute, ast.Name)) else None
        if parts and parts[0] in aliases and ".".join([aliases[parts[0]], *parts[1:]]) in TORCH_FUNCTION_SWITCHES:
            found.add(".".join([aliases[parts[0]], *parts[1:]]))
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
            and len(node.args) >= 2 and not isinstance(node.args[1], ast.Constant)
        ):
            target = dotted(node.args[0])
            if target and target[0] in aliases and aliases[target[0]].startswith("torch"):
                found.add(f"getattr({'.'.join(target)}, <computed name>)")
    return sorted(found)


def forbidden_uses(
    source: str,
    called_ops: Iterable[str],
    forbidden: frozenset[str],
    methods: frozenset[str] = frozenset(),
    forbidden_ops: frozenset[str] | None = None,
    *,
    within: str | None = None,
) -> list[str]:
    """What the answer names, then what the recorded ops show that the source hid."""
    named = forbidden_references(source, forbidden, methods, within=within) + evasions(source)
    ops = forbidden if forbidden_ops is None else forbidden_ops
    return named + sorted({op for op in called_ops if op in ops} - set(named))
