"""The rules for answer cells: what honest answers write passes, each way around them is named.

The catalogue holds whole answers (tampering cases included); these are the single constructs.
"""

from __future__ import annotations

import pytest

from grader.assemble import as_python
from grader.judge.rules import describe, violations

HONEST = {
    "a parameter called input": "def forward(self, input):\n    return input.clamp(min=0)",
    "own variables named like escape hatches": "ops = []\ncode = 1\nload = 2\nops.append(code + load)",
    "own private attributes": "class A:\n    def __init__(self):\n        self._cache = None\n    def f(self):\n        return self._cache",
    "super().__init__ and dunder methods": "class A(nn.Module):\n    def __init__(self):\n        super().__init__()\n    def __repr__(self):\n        return type(self).__name__ + self.__class__.__qualname__",
    "in-place init functions": "w = torch.empty(3, 4)\nnn.init.kaiming_uniform_(w, a=math.sqrt(5))\nw.uniform_(-1, 1).zero_()",
    "literal getattr and setattr on self": "class A:\n    def f(self):\n        setattr(self, 'w', 1)\n        return getattr(self, 'w', None), hasattr(torch, 'relu')",
    "allowed imports": "import math\nimport numpy as np\nfrom typing import Optional\nfrom functools import reduce\nimport torch.nn.functional as F\nfrom einops import rearrange\nfrom dataclasses import dataclass\nfrom collections import OrderedDict\nimport itertools",
    "allowed magics": "%%time\nx = 1",
    "line magics": "%matplotlib inline\n%load_ext autoreload\n%autoreload 2\n%timeit x = 1\nx?",
    "a class defined twice": "class ReLU:\n    pass\nclass ReLU:\n    pass",
    "names in comments and strings": "# exec(torch._C) and os.system\nnote = 'eval(globals())'",
    "torch's public API": "torch.autograd.Function\ntorch.autograd.grad\ntorch.no_grad()\ntorch.nn.functional.softmax",
    "hooks on one module and their handles": (
        "h = model.get_submodule('head').register_forward_hook(lambda m, args, out: out.clamp(-1, 1))\n"
        "p = model.register_forward_pre_hook(lambda m, args: None)\nh.remove()\np.remove()"
    ),
    "walking, freezing and re-initialising a model": (
        "for name, m in model.named_modules():\n    if isinstance(m, nn.Linear):\n        nn.init.xavier_uniform_(m.weight)\n"
        "model.apply(lambda m: None)\nmodel.get_submodule('a.b').requires_grad_(False)\n"
        "n = sum(p.numel() for p in model.parameters() if p.requires_grad)"
    ),
}

FORBIDDEN = {
    "exec(source)": ("exec('x = 1')", "exec()"),
    "eval": ("y = eval('1')", "eval()"),
    "__import__": ("m = __import__('math')", "__import__()"),
    "globals": ("globals()['x'] = 1", "globals"),
    "getattr, computed": ("getattr(torch, 're' + 'lu')", "<computed name>"),
    "getattr as a value": ("g = getattr\ng(torch, 'relu')", "getattr"),
    "setattr on a module": ("setattr(torch, 'relu', None)", "setattr"),
    "import os": ("import os", "import os"),
    "from sys import modules": ("from sys import modules", "import sys"),
    "torch._C": ("torch._C._nn", "torch._C"),
    "torch.ops": ("torch.ops.aten.relu", "torch.ops"),
    "torch.overrides": ("from torch.overrides import TorchFunctionMode", "torch.overrides"),
    "torch.jit": ("torch.jit.script", "torch.jit"),
    "torch.sys": ("torch.sys.modules", "torch.sys"),
    "a dunder attribute": ("x.__dict__", "x.__dict__"),
    "a frame": ("g.gi_frame.f_back", "gi_frame"),
    "patching torch": ("torch.allclose = None", "torch.allclose"),
    "patching a class of torch": ("nn.Linear.forward = None", "nn.Linear.forward"),
    "rebinding the answer": ("class ReLU:\n    pass\nReLU = 1", "ReLU = …"),
    "a global rebinding": ("def f():\n    global ReLU\n    ReLU = 1", "ReLU = …"),
    "a shell command": ("!ls", "shell command"),
    "a magic that runs a file": ("%run x.py", "%run"),
    "a bash cell": ("%%bash\nls", "%bash"),
    "a global module hook": ("from torch.nn.modules.module import register_module_forward_hook", "register_module_forward_hook"),
    "a global module hook by its path": ("torch.nn.modules.module.register_module_forward_hook(print)", "register_module_forward_hook"),
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_constructs_keep_the_rules(name: str) -> None:
    assert violations(as_python(HONEST[name]), ("ReLU",)) == []


@pytest.mark.parametrize("name", sorted(FORBIDDEN))
def test_each_way_around_the_rules_is_named(name: str) -> None:
    source, construct = FORBIDDEN[name]
    found = violations(as_python(source), ("ReLU",))
    assert found, name
    assert construct in describe(found, "ReLU")


def test_a_cell_that_does_not_parse_is_left_to_the_run() -> None:
    assert violations("def (:", ("ReLU",)) == []


def test_code_nested_too_deeply_is_refused_not_crashed() -> None:
    for depth in (1_500, 5_000, 100_000):
        found = violations("x = " + "+".join(["1"] * depth), ("ReLU",))
        assert found == [] or found[0].construct == "code nested too deeply", depth


BYPASSES = {
    "a loop variable named exec": "run = None\nfor exec in [exec]:\n    run = exec",
    "a default argument": "def h(eval=eval):\n    return eval",
    "a walrus": "(f := globals)",
    "an except name": "try:\n    pass\nexcept Exception as compile:\n    pass",
    "a class attribute": "class A:\n    exec = exec",
    "a keyword-only default": "def f(*, globals=globals):\n    return globals",
    "a dispatch hook": "class Box(torch.Tensor):\n    @classmethod\n    def __torch_function__(cls, func, types, args=(), kwargs=None):\n        return func(*args)",
    "a match pattern reading a dunder": "match f:\n    case object(__globals__={'x': y}):\n        pass",
    "patching through an alias": "T = torch.Tensor\nT.relu = None",
    "patching an imported class": "from torch import Tensor\nTensor.clone = None",
    "patching an aliased module": "import torch.nn.functional as G\nG.relu = None",
    "a timed cell hiding a private call": "%%time\nclass ReLU(nn.Module):\n    def forward(self, x):\n        with torch._C.DisableTorchFunction():\n            return torch.relu(x)",
}


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_ways_found_around_the_rules_are_closed(name: str) -> None:
    assert violations(as_python(BYPASSES[name]), ("ReLU",)), name
