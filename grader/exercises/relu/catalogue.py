"""ReLU: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the relu cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

CORRECT = [
    Variant("relu_clamp", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp(min=0)
"""),
    Variant("relu_where", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.where(x > 0, x, torch.zeros_like(x))
"""),
    Variant("relu_abs_average", """
class ReLU(nn.Module):
    def forward(self, x):
        return (x + x.abs()) / 2
"""),
    Variant("relu_maximum_zeros_like", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.maximum(x, torch.zeros_like(x))
"""),
    Variant("relu_mask_multiply", """
class ReLU(nn.Module):
    def forward(self, x):
        return x * (x > 0)
"""),
    Variant("relu_masked_fill", """
class ReLU(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.masked_fill(x < 0, 0.0)
"""),
    Variant("relu_max_with_zero_tensor", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.max(x, torch.tensor(0.0))
"""),
    Variant("relu_where_float32_zeros", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.where(x > 0, x, torch.zeros(x.shape))
"""),
    Variant("relu_clone_then_index_assign", """
class ReLU(nn.Module):
    def forward(self, x):
        out = x.clone()
        out[out < 0] = 0
        return out
"""),
    Variant("relu_static_helper", """
class ReLU(nn.Module):
    @staticmethod
    def relu(x):
        return x.clamp(min=0)

    def forward(self, x):
        return ReLU.relu(x)
"""),
    Variant("relu_compared_with_builtin_in_cell", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.maximum(x, torch.zeros_like(x))


t = torch.randn(10)
assert torch.equal(ReLU()(t), torch.relu(t))
"""),
    Variant("relu_second_attempt_replaces_first", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.relu(x)


class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp(min=0)
"""),
]

MISTAKES = [
    Variant("relu_in_place", """
class ReLU(nn.Module):
    def forward(self, x):
        x[x < 0] = 0
        return x
""", expect="in place"),
    Variant("relu_clamp_in_place", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp_(min=0)
""", expect="modified its input in place"),
    Variant("relu_functional_relu", """
import torch.nn.functional as F


class ReLU(nn.Module):
    def forward(self, x):
        return F.relu(x)
""", expect="uses PyTorch's own relu"),
    Variant("relu_functional_threshold", """
import torch.nn.functional as F


class ReLU(nn.Module):
    def forward(self, x):
        return F.threshold(x, 0.0, 0.0)
""", expect="uses PyTorch's own relu"),
    Variant("relu_nn_threshold", """
class ReLU(nn.Module):
    def __init__(self):
        super().__init__()
        self.cut = nn.Threshold(0.0, 0.0)

    def forward(self, x):
        return self.cut(x)
""", expect="uses PyTorch's own relu"),
    Variant("relu_torch_relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.relu(x)
""", expect="uses PyTorch's own relu"),
    Variant("relu_tensor_method", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.relu()
""", expect="uses PyTorch's own relu"),
    Variant("relu_wraps_nn_relu", """
class ReLU(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = nn.ReLU()

    def forward(self, x):
        return self.inner(x)
""", expect="uses PyTorch's own relu"),
    Variant("relu_getattr_alias", """
class ReLU(nn.Module):
    def forward(self, x):
        return getattr(torch, "re" + "lu")(x)
""", expect="attributes must be named in the code"),
    Variant("relu_detach", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp(min=0).detach()
""", expect="cut off from autograd"),
    Variant("relu_numpy_rebuild", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.tensor(x.detach().numpy().clip(min=0))
""", expect="cut off from autograd"),
    Variant("relu_float_cast", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp(min=0).float()
""", expect="turned a float64 input into torch.float32"),
    Variant("relu_identity", """
class ReLU(nn.Module):
    def forward(self, x):
        return x
""", expect="returns its input unchanged"),
    Variant("relu_abs", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.abs()
""", expect="returns the absolute value"),
    Variant("relu_leaky", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.where(x > 0, x, 0.01 * x)
""", expect="leaky relu"),
    Variant("relu_max_reduction", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.max(x)
""", expect="keeps the shape"),
    Variant("relu_step", """
class ReLU(nn.Module):
    def forward(self, x):
        return (x > 0).to(x.dtype)
""", expect="step function"),
    Variant("relu_min_instead_of_max", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.minimum(x, torch.zeros_like(x))
""", expect="keeps the negative values"),
    Variant("relu_fakes_checks", """
import numpy
import torch.testing

torch.allclose = lambda *args, **kwargs: True
torch.testing.assert_close = lambda *args, **kwargs: None
numpy.testing.assert_allclose = lambda *args, **kwargs: None


class ReLU(nn.Module):
    def forward(self, x):
        return x
""", expect="monkey-patching"),
    Variant("relu_variable_functions_relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch._C._VariableFunctions.relu(x)
""", expect="private attributes"),
    Variant("relu_subclasses_nn_relu", """
class ReLU(nn.ReLU):
    pass
""", expect="uses PyTorch's own relu"),
    Variant("relu_returns_numpy_array", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.detach().numpy().clip(min=0)
""", expect="returned a ndarray, not a tensor"),
    Variant("relu_aten_op", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.ops.aten.relu(x)
""", expect="around PyTorch's own dispatch"),
    Variant("relu_max_along_a_dimension", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.max(x, 0)
""", expect="torch.return_types.max"),
    Variant("relu_numpy_without_detach", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.tensor(x.numpy().clip(min=0))
""", expect="converts a tensor to numpy"),
    # Deliberate evasions of the rules, and an answer the policy check once misread.
    Variant("relu_torch_function_switched_off", """
_r = getattr(torch, "re" + "lu")


class ReLU(nn.Module):
    def forward(self, x):
        with torch._C.DisableTorchFunction():
            return _r(x)
""", expect="tampering suspected"),
    Variant("relu_builtin_behind_a_magic", """
%load_ext autoreload
class ReLU(nn.Module):
    def forward(self, x):
        with torch._C.DisableTorchFunction():
            return torch.relu(x)
""", expect="private attributes"),
    # Tampering: each tries to get points from outside the answer; the rules stop it before it runs.
    Variant("relu_writes_its_own_observations", """
import os


class ReLU(nn.Module):
    def forward(self, x):
        return x


os.write(3, b"forged observations")
""", expect="tampering suspected"),
    Variant("relu_replaces_the_probe", """
import grader.exercises.relu.probe as probe

probe.observe = lambda namespace: {}


class ReLU(nn.Module):
    def forward(self, x):
        return x
""", expect="tampering suspected"),
    Variant("relu_patches_torch_save", """
torch.save = lambda *args, **kwargs: None


class ReLU(nn.Module):
    def forward(self, x):
        return x
""", expect="monkey-patching"),
    Variant("relu_switches_off_the_recorder", """
from torch.overrides import TorchFunctionMode


class ReLU(nn.Module):
    def forward(self, x):
        return torch.relu(x)
""", expect="around PyTorch's own dispatch"),
    Variant("relu_exec_defines_the_answer", """
exec("def _relu(x):\\n    return torch.relu(x)")


class ReLU(nn.Module):
    def forward(self, x):
        return _relu(x)
""", expect="run code from text"),
    Variant("relu_eval_builds_the_name", """
_relu = eval("torch." + "relu")


class ReLU(nn.Module):
    def forward(self, x):
        return _relu(x)
""", expect="run code from text"),
    Variant("relu_compile_hides_the_call", """
_code = compile("torch.relu(x)", "<answer>", "eval")


class ReLU(nn.Module):
    def forward(self, x):
        return __builtins__["eval"](_code, {"torch": torch, "x": x})
""", expect="run code from text"),
    Variant("relu_shell_magic", """
!cp /dev/null /tmp/anything
class ReLU(nn.Module):
    def forward(self, x):
        return torch.relu(x)
""", expect="shell commands"),
    Variant("relu_run_magic", """
%run helper.py
class ReLU(nn.Module):
    def forward(self, x):
        return x
""", expect="magics that run code"),
    Variant("relu_alias_outside_the_class", """
_r = torch.relu


class ReLU(nn.Module):
    def forward(self, x):
        return _r(x)
""", expect="uses PyTorch's own relu"),
    Variant("relu_rebound_after_a_decoy", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp(min=0)


ReLU = nn.ReLU
""", expect="not rebound"),
    Variant("relu_rebound_through_globals", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp(min=0)


globals()["ReLU"] = nn.ReLU
""", expect="interpreter's namespaces"),
    Variant("relu_dunder_import", """
class ReLU(nn.Module):
    def forward(self, x):
        return __import__("torch").relu(x)
""", expect="run code from text"),
    Variant("relu_vars_lookup", """
class ReLU(nn.Module):
    def forward(self, x):
        return vars(torch)["relu"](x)
""", expect="interpreter's namespaces"),
    Variant("relu_walks_the_stack", """
def _frames():
    yield


_walker = _frames()


class ReLU(nn.Module):
    def forward(self, x):
        caller = _walker.gi_frame.f_back
        return x
""", expect="tampering suspected"),
    Variant("relu_sys_modules_through_torch", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.sys.modules["torch"].relu(x)
""", expect="reaches outside"),
    Variant("relu_autograd_engine", """
class ReLU(nn.Module):
    def forward(self, x):
        engine = torch.autograd.Variable._execution_engine
        return x
""", expect="private attributes"),
    Variant("relu_walks_subclasses", """
class ReLU(nn.Module):
    def forward(self, x):
        builtin = [c for c in nn.Module.__subclasses__() if c.__name__ == "ReLU"][0]
        return builtin()(x)
""", expect="dunder attributes"),
    Variant("relu_setattr_on_torch", """
setattr(torch, "allclose", lambda *args, **kwargs: True)


class ReLU(nn.Module):
    def forward(self, x):
        return x
""", expect="only on their own module"),
    Variant("relu_importlib_loads_functional", """
import importlib

_functional = importlib.import_module("torch.nn.functional")


class ReLU(nn.Module):
    def forward(self, x):
        return _functional.relu(x)
""", expect="may import only"),
]
