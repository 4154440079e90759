"""What an answer cell may use, checked from its source in the trusted process.

The answer controls the whole process it runs in, so nothing recorded there can prove it
kept the rules. What it can reach is decided here instead, before it runs: imports come from
an allowlist of modules, builtins from Python's own list minus the ones that run text as
code or reach into the interpreter, attributes may not be private, dunder (beyond a few
plain ones) or one of the handful of escape hatches out of the allowed modules, module
attributes may not be reassigned, and the exercise's own names are bound only by the class
or function that defines them. Each violation names the construct and the rule.

Names in comments and strings are not uses: the check reads the syntax tree of the cell as
it runs (magics already translated into get_ipython() calls).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from grader.judge.source_checks import dotted

ALLOWED_IMPORTS = frozenset(
    {"torch", "math", "numpy", "einops", "typing", "functools", "itertools", "collections", "dataclasses", "copy", "__future__"}
)
"""Top-level modules an answer may import (and their submodules)."""
CODE_FROM_TEXT = frozenset({"exec", "eval", "compile", "__import__", "breakpoint"})
INTROSPECTION = frozenset({"vars", "globals", "locals", "__builtins__", "__loader__", "__spec__"})
ATTRIBUTE_BUILTINS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
"""Allowed only as a direct call with a literal name (setattr and delattr only on self)."""
GUARDED_BUILTINS = CODE_FROM_TEXT | INTROSPECTION | ATTRIBUTE_BUILTINS
"""Builtins reachable by name alone: no answer may bind these names (``for exec in [exec]``
would otherwise pass the real one under a name the cell owns)."""
DISPATCH_HOOKS = frozenset({"__torch_function__", "__torch_dispatch__"})
"""Defining these changes how PyTorch dispatches calls, around the grader's recorder."""
OUT_OF_BOUNDS_MODULES = frozenset(
    {
        "sys", "os", "gc", "inspect", "ctypes", "builtins", "importlib", "subprocess", "grader", "pickle",
        "marshal", "shutil", "socket", "signal", "threading", "multiprocessing", "runpy", "code", "codeop", "pty",
        "posix", "io", "types", "weakref", "ctypeslib", "f2py", "distutils",
    }
)
"""Modules that reach the interpreter or the machine, as a name or as an attribute of another."""
OUT_OF_BOUNDS = OUT_OF_BOUNDS_MODULES | frozenset(
    {
        # torch's ways around itself: private ops, dispatch overrides, compilers, global hooks, loaders
        "ops", "overrides", "library", "jit", "compile", "cpp_extension", "hub", "package", "load",
        "get_type_hints", "register_module_forward_hook", "register_module_forward_pre_hook",
        "register_module_full_backward_hook", "register_module_backward_hook", "register_module_buffer_registration_hook",
        "register_module_module_registration_hook", "register_module_parameter_registration_hook",
        # frames, code objects and tracebacks: the way to another scope's variables
        "f_back", "f_locals", "f_globals", "f_builtins", "f_code", "gi_frame", "gi_code", "cr_frame", "cr_code",
        "ag_frame", "ag_code", "tb_frame", "tb_next", "co_code", "co_consts",
    }
)
PLAIN_DUNDERS = frozenset({"__init__", "__name__", "__qualname__", "__class__", "__doc__"})
ALLOWED_LINE_MAGICS = frozenset({"time", "timeit", "matplotlib", "pinfo", "pinfo2", "who", "whos", "autoreload"})
ALLOWED_CELL_MAGICS: frozenset[str] = frozenset()
"""None: %%time, %%timeit, %%capture and %%prun (``grader.magics``) are unwrapped to their body before the check (see
``as_python``), so what they run is checked like any other code."""
MODULE_ROOTS = frozenset({"torch", "nn", "F", "np", "numpy", "math", "einops", "functional", "init"})
"""Names that stand for modules in the notebooks; assigning to their attributes patches them."""


TAMPERING = "Tampering suspected"
"""How a message tells the instructor that an answer reached around the grader or PyTorch."""


@dataclass(frozen=True)
class Violation:
    construct: str
    rule: str
    line: int
    tampering: bool = True
    """Reaching around the grader or PyTorch, rather than an import an honest student might try."""

    def __str__(self) -> str:
        return f"{self.construct} (line {self.line}): {self.rule}"


def _literal_string(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


class _Checker(ast.NodeVisitor):
    def __init__(self, own_names: frozenset[str], bound: set[str], own_private: set[str], modules: set[str]) -> None:
        self.own_names = own_names
        self.bound = bound
        """Names the cell binds itself (a parameter called input, a list called ops)."""
        self.own_private = own_private
        self.modules = modules
        """Names that stand for modules or their classes here (torch, G after import ... as G, T = torch.Tensor)."""
        self.found: list[Violation] = []
        self.attribute_calls: set[int] = set()

    def flag(self, node: ast.AST, construct: str, rule: str, *, tampering: bool = True) -> None:
        line = getattr(node, "lineno", 0)
        if not any(v.line == line and v.rule == rule for v in self.found):  # torch._C._nn once, not twice
            self.found.append(Violation(construct, rule, line, tampering))

    # -- imports
    def _import(self, node: ast.AST, module: str) -> None:
        root = module.split(".")[0]
        if root not in ALLOWED_IMPORTS:
            allowed = ", ".join(sorted(ALLOWED_IMPORTS - {"__future__"}))
            self.flag(node, f"import {module}", f"answers may import only {allowed}", tampering=root in OUT_OF_BOUNDS_MODULES)
        for part in module.split(".")[1:]:
            self._attribute_name(node, part, f"import {module}")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._import(node, alias.name)
            self._binding(node, alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            self.flag(node, "a relative import", "answers may import only the allowed modules by name")
        self._import(node, node.module or "")
        for alias in node.names:
            self._attribute_name(node, alias.name, f"from {node.module} import {alias.name}")
            self._binding(node, alias.asname or alias.name)

    # -- names and attributes
    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._binding(node, node.id)
        if node.id in self.bound and node.id not in GUARDED_BUILTINS:
            return  # the cell's own variable; the real module is only reachable by flagged routes
        if node.id in CODE_FROM_TEXT:
            self.flag(node, f"{node.id}()", "answers may not run code from text or ask for input; write the code itself")
        elif node.id in INTROSPECTION:
            self.flag(node, node.id, "answers may not reach into the interpreter's namespaces")
        elif node.id in ATTRIBUTE_BUILTINS and id(node) not in self.attribute_calls:
            self.flag(node, node.id, f"{node.id} may only be called directly, with the attribute's name written out")
        elif node.id in OUT_OF_BOUNDS_MODULES:
            self.flag(node, node.id, "answers may not use this module; it reaches outside the exercise")

    def _attribute_name(self, node: ast.AST, name: str, construct: str) -> None:
        if name.startswith("__") and name.endswith("__"):
            if name not in PLAIN_DUNDERS:
                self.flag(node, construct, "answers may not use dunder attributes other than __init__ and __name__")
        elif name.startswith("_") and name not in self.own_private:
            self.flag(node, construct, "answers may not use private attributes (a leading underscore), e.g. torch._C")
        elif name in OUT_OF_BOUNDS:
            self.flag(node, construct, "answers may not use this; it reaches outside the exercise or around PyTorch's own dispatch")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        parts = dotted(node)
        construct = ".".join(parts) if parts else f"….{node.attr}"
        self._attribute_name(node, node.attr, construct)
        if isinstance(node.ctx, (ast.Store, ast.Del)) and parts and parts[0] in self.modules:
            self.flag(node, construct, "answers may not change PyTorch or other modules (monkey-patching)")
        self.generic_visit(node)

    # -- calls
    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ATTRIBUTE_BUILTINS:
            self.attribute_calls.add(id(func))
            target = node.args[0] if node.args else None
            name = node.args[1] if len(node.args) > 1 else None
            if not _literal_string(name):
                self.flag(node, f"{func.id}(…, <computed name>)", "attributes must be named in the code, not computed")
            else:
                self._attribute_name(node, name.value, f'{func.id}(…, "{name.value}")')  # type: ignore[union-attr]
            if func.id in ("setattr", "delattr") and not (isinstance(target, ast.Name) and target.id == "self"):
                self.flag(node, f"{func.id}(…)", "answers may set attributes only on their own module (self)")
        self._magic(node)
        self.generic_visit(node)

    def _magic(self, node: ast.Call) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)):
            return
        inner = func.value.func
        if not (isinstance(inner, ast.Name) and inner.id == "get_ipython"):
            return
        name = node.args[0].value if node.args and _literal_string(node.args[0]) else None  # type: ignore[attr-defined]
        allowed = {"run_line_magic": ALLOWED_LINE_MAGICS, "run_cell_magic": ALLOWED_CELL_MAGICS}.get(func.attr, frozenset())
        if func.attr == "run_line_magic" and name == "load_ext":
            ok = len(node.args) > 1 and _literal_string(node.args[1]) and node.args[1].value.strip() == "autoreload"  # type: ignore[attr-defined]
        else:
            ok = name in allowed
        if not ok:
            shown = "a shell command (!)" if func.attr == "system" else f"the magic %{name or func.attr}"
            self.flag(node, shown, "answers may not use shell commands or magics that run code", tampering=False)

    # -- the exercise's own names, guarded builtins, dispatch hooks
    def _binding(self, node: ast.AST, name: str) -> None:
        if name in self.own_names:
            self.flag(node, f"{name} = …", f"{name} must be defined once, by its class statement, and not rebound")
        if name in GUARDED_BUILTINS:
            self.flag(node, f"{name} as a name of the answer's", f"answers may not bind the name {name}: it would pass on the builtin")
        if name in DISPATCH_HOOKS:
            self.flag(node, name, "answers may not change how PyTorch dispatches its functions")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name in GUARDED_BUILTINS | DISPATCH_HOOKS:
            self._binding(node, node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_arg(self, node: ast.arg) -> None:
        self._binding(node, node.arg)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._binding(node, node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self._binding(node, node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self._binding(node, node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self._binding(node, node.rest)
        self.generic_visit(node)

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        for name in node.kwd_attrs:  # case object(__globals__=...) reads an attribute with no Attribute node
            self._attribute_name(node, name, f"case …({name}=…)")
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self._binding(node, name)

    visit_Nonlocal = visit_Global  # type: ignore[assignment]


def _bound_names(nodes: list[ast.AST]) -> set[str]:
    """Every name the cell binds: assignments, parameters, imports, definitions, loop targets."""
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _own_private_attributes(nodes: list[ast.AST]) -> set[str]:
    """``self._cache = ...``: private attributes the answer itself creates may be used."""
    names = set()
    for node in nodes:
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name):
            if node.value.id in ("self", "ctx") and node.attr.startswith("_") and not node.attr.startswith("__"):
                names.add(node.attr)
    return names


def _module_names(nodes: list[ast.AST]) -> set[str]:
    """MODULE_ROOTS, names bound by imports, and names assigned a chain rooted in one of them."""
    names = set(MODULE_ROOTS)
    for node in nodes:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    assignments = [node for node in nodes if isinstance(node, ast.Assign)]
    for _ in range(3):  # T = torch.Tensor; U = T
        for node in assignments:
            if (chain := dotted(node.value)) and chain[0] in names:
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def violations(source: str, own_names: Iterable[str] = ()) -> list[Violation]:
    """Every use in ``source`` of something answers may not use; [] for code that keeps the rules
    (and for code with a syntax error: running it reports that better)."""
    return list(_violations(source, tuple(own_names)))


TOO_DEEP = Violation("code nested too deeply", "answers must be code a person could read", 0, False)


@lru_cache(maxsize=256)
def _violations(source: str, own_names: tuple[str, ...]) -> tuple[Violation, ...]:
    """Checked once per distinct answer: planning and judging both ask."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ()
    except (ValueError, RecursionError, MemoryError):
        return (TOO_DEEP,)
    names = frozenset(own_names)
    nodes = list(ast.walk(tree))
    checker = _Checker(names, _bound_names(nodes), _own_private_attributes(nodes), _module_names(nodes))
    try:
        checker.visit(tree)
    except RecursionError:
        return (TOO_DEEP,)
    return tuple(sorted(checker.found, key=lambda v: v.line))


def describe(found: list[Violation], title: str) -> str:
    """One message for the student and the instructor: the first violations, each with its rule."""
    shown = "; ".join(str(v) for v in found[:3])
    more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
    suspicion = f" {TAMPERING}: this reaches around the grader or PyTorch." if any(v.tampering for v in found) else ""
    return f"{title} breaks the rules for answer cells, so it was not run: {shown}{more}.{suspicion}"
