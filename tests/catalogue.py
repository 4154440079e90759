"""Answers that must get full marks, and known mistakes that must lose points with a message naming them.

Each variant replaces one answer cell of an otherwise reference-correct notebook.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    name: str
    exercise: str
    source: str
    expect: str | None = None
    """A phrase the failure message must contain (mutants only; compared case-insensitively)."""


CORRECT = [
    # ---------------------------------------------------------------- relu
    Variant("relu_clamp", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp(min=0)
"""),
    Variant("relu_where", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.where(x > 0, x, torch.zeros_like(x))
"""),
    Variant("relu_abs_average", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return (x + x.abs()) / 2
"""),
    Variant("relu_maximum_zeros_like", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.maximum(x, torch.zeros_like(x))
"""),
    Variant("relu_mask_multiply", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return x * (x > 0)
"""),
    Variant("relu_masked_fill", "relu", """
class ReLU(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.masked_fill(x < 0, 0.0)
"""),
    Variant("relu_max_with_zero_tensor", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.max(x, torch.tensor(0.0))
"""),
    Variant("relu_where_float32_zeros", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.where(x > 0, x, torch.zeros(x.shape))
"""),
    Variant("relu_clone_then_index_assign", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        out = x.clone()
        out[out < 0] = 0
        return out
"""),
    # ---------------------------------------------------------------- linear
    Variant("linear_kaiming_uniform", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if bias:
            bound = 1 / math.sqrt(in_features)
            self.bias = nn.Parameter(torch.empty(out_features))
            nn.init.uniform_(self.bias, -bound, bound)
        else:
            self.bias = None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
"""),
    Variant("linear_uniform_in_place_matmul", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        b = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.zeros(out_features, in_features))
        self.weight.data.uniform_(-b, b)
        self.bias = nn.Parameter(torch.zeros(out_features).uniform_(-b, b)) if bias else None

    def forward(self, x):
        y = torch.matmul(x, self.weight.t())
        return y if self.bias is None else y + self.bias

    def extra_repr(self):
        return "in_features={}, out_features={}, bias={}".format(self.in_features, self.out_features, self.bias is not None)
"""),
    Variant("linear_scaled_rand", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        b = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(b * (2 * torch.rand(out_features, in_features) - 1))
        if bias:
            self.bias = nn.Parameter(b * (2 * torch.rand(out_features) - 1))
        else:
            self.bias = None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out += self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
"""),
    Variant("linear_register_parameter_none", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        if bias:
            self.register_parameter("bias", nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
"""),
    Variant("linear_einsum", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = in_features ** -0.5
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = torch.einsum("...i,oi->...o", x, self.weight)
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
"""),
    Variant("linear_einops", "linear", """
import einops


class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = einops.einsum(x, self.weight, "... i, o i -> ... o")
        return out if self.bias is None else out + self.bias

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
"""),
    Variant("linear_reset_parameters", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(torch.empty((out_features, in_features)))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.in_features)
        with torch.no_grad():
            self.weight.uniform_(-bound, bound)
            if self.bias is not None:
                self.bias.uniform_(-bound, bound)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x.matmul(self.weight.transpose(0, 1))
        if self.bias is not None:
            y = y + self.bias
        return y

    def extra_repr(self) -> str:
        return "in_features=%d, out_features=%d, bias=%s" % (self.in_features, self.out_features, self.bias is not None)
"""),
    Variant("linear_distributions_uniform_broadcast_sum", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        dist = torch.distributions.Uniform(-bound, bound)
        self.weight = nn.Parameter(dist.sample((out_features, in_features)))
        self.bias = nn.Parameter(dist.sample((out_features,))) if bias else None

    def forward(self, x):
        out = (x.unsqueeze(-2) * self.weight).sum(-1)
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
"""),
    Variant("linear_use_bias_flag_and_init_functions", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.use_bias = bias
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.Tensor(out_features, in_features))
        nn.init.uniform_(self.weight, -bound, bound)
        if bias:
            self.bias = nn.Parameter(torch.Tensor(out_features))
            nn.init.uniform_(self.bias, -bound, bound)
        else:
            self.bias = None

    def forward(self, x):
        y = x @ self.weight.mT
        return y + self.bias if self.use_bias else y

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.use_bias}"
"""),
    # ---------------------------------------------------------------- simple_mlp
    Variant("simple_mlp_sequential", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10))

    def forward(self, x):
        return self.net(x)
"""),
    Variant("simple_mlp_module_list", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([Flatten(), Linear(784, 100), ReLU(), Linear(100, 10)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
"""),
    Variant("simple_mlp_arbitrary_names", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.squash = Flatten()
        self.fc_a = Linear(784, 100)
        self.act = ReLU()
        self.fc_b = Linear(100, 10)

    def forward(self, images):
        h = self.act(self.fc_a(self.squash(images)))
        logits = self.fc_b(h)
        return logits
"""),
    Variant("simple_mlp_sequential_from_ordered_dict", "simple_mlp", """
from collections import OrderedDict


class SimpleMLP(nn.Module):
    def __init__(self, hidden: int = 100):
        super().__init__()
        self.model = nn.Sequential(OrderedDict([
            ("flatten", Flatten()),
            ("fc1", Linear(28 * 28, hidden)),
            ("relu", ReLU()),
            ("fc2", Linear(hidden, 10)),
        ]))

    def forward(self, x):
        return self.model(x)
"""),
    Variant("simple_mlp_sequential_subclass", "simple_mlp", """
class SimpleMLP(nn.Sequential):
    def __init__(self):
        super().__init__(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10))
"""),
    Variant("simple_mlp_module_dict", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleDict({"flatten": Flatten(), "fc1": Linear(784, 100), "act": ReLU(), "fc2": Linear(100, 10)})

    def forward(self, x):
        for layer in self.layers.values():
            x = layer(x)
        return x
"""),
    # ---------------------------------------------------------------- matmul
    Variant("matmul_mm_t", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X.mm(Y)

    @staticmethod
    def backward(ctx, grad):
        X, Y = ctx.saved_tensors
        return grad.mm(Y.t()), X.t().mm(grad)
"""),
    Variant("matmul_torch_matmul", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return torch.matmul(X, Y)

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        grad_X = torch.matmul(grad_output, Y.transpose(0, 1))
        grad_Y = torch.matmul(X.transpose(0, 1), grad_output)
        return grad_X, grad_Y
"""),
    Variant("matmul_needs_input_grad", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        grad_X = grad_Y = None
        if ctx.needs_input_grad[0]:
            grad_X = grad_output @ Y.T
        if ctx.needs_input_grad[1]:
            grad_Y = X.T @ grad_output
        return grad_X, grad_Y
"""),
    Variant("matmul_einsum", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return torch.einsum("ij,jk->ik", X, Y)

    @staticmethod
    def backward(ctx, G):
        X, Y = ctx.saved_tensors
        return torch.einsum("ik,jk->ij", G, Y), torch.einsum("ij,ik->jk", X, G)
"""),
    Variant("matmul_setup_context", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(X, Y):
        return X @ Y

    @staticmethod
    def setup_context(ctx, inputs, output):
        X, Y = inputs
        ctx.save_for_backward(X, Y)

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return grad_output @ Y.T, X.T @ grad_output
"""),
    Variant("matmul_gradcheck_in_cell", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return grad_output @ Y.T, X.T @ grad_output


A = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
B = torch.randn(4, 2, dtype=torch.float64, requires_grad=True)
print(gradcheck(MatMul.apply, (A, B)))
"""),
    Variant("matmul_once_differentiable", "matmul", """
from torch.autograd.function import once_differentiable


class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return grad_output @ Y.T, X.T @ grad_output
"""),
]

MUTANTS = [
    # ---------------------------------------------------------------- relu
    Variant("relu_in_place", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        x[x < 0] = 0
        return x
""", expect="in place"),
    Variant("relu_clamp_in_place", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp_(min=0)
""", expect="modified its input in place"),
    Variant("relu_functional_relu", "relu", """
import torch.nn.functional as F


class ReLU(nn.Module):
    def forward(self, x):
        return F.relu(x)
""", expect="uses PyTorch's own relu"),
    Variant("relu_torch_relu", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.relu(x)
""", expect="uses PyTorch's own relu"),
    Variant("relu_tensor_method", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.relu()
""", expect="uses PyTorch's own relu"),
    Variant("relu_wraps_nn_relu", "relu", """
class ReLU(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = nn.ReLU()

    def forward(self, x):
        return self.inner(x)
""", expect="uses PyTorch's own relu"),
    Variant("relu_getattr_alias", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return getattr(torch, "re" + "lu")(x)
""", expect="uses PyTorch's own relu"),
    Variant("relu_detach", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp(min=0).detach()
""", expect="cut off from autograd"),
    Variant("relu_numpy_rebuild", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.tensor(x.detach().numpy().clip(min=0))
""", expect="cut off from autograd"),
    Variant("relu_float_cast", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp(min=0).float()
""", expect="turned a float64 input into torch.float32"),
    Variant("relu_identity", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return x
""", expect="returns its input unchanged"),
    Variant("relu_abs", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.abs()
""", expect="returns the absolute value"),
    Variant("relu_leaky", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.where(x > 0, x, 0.01 * x)
""", expect="leaky relu"),
    Variant("relu_max_reduction", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.max(x)
""", expect="keeps the shape"),
    Variant("relu_step", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return (x > 0).to(x.dtype)
""", expect="step function"),
    Variant("relu_min_instead_of_max", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.minimum(x, torch.zeros_like(x))
""", expect="keeps the negative values"),
    Variant("relu_fakes_checks", "relu", """
import numpy
import torch.testing

torch.allclose = lambda *args, **kwargs: True
torch.testing.assert_close = lambda *args, **kwargs: None
numpy.testing.assert_allclose = lambda *args, **kwargs: None


class ReLU(nn.Module):
    def forward(self, x):
        return x
""", expect="returns its input unchanged"),
    Variant("relu_variable_functions_relu", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch._C._VariableFunctions.relu(x)
""", expect="uses PyTorch's own relu"),
    Variant("relu_subclasses_nn_relu", "relu", """
class ReLU(nn.ReLU):
    pass
""", expect="uses PyTorch's own relu"),
    Variant("relu_returns_numpy_array", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return x.detach().numpy().clip(min=0)
""", expect="returned a ndarray, not a tensor"),
    # ---------------------------------------------------------------- linear
    Variant("linear_weight_plain_tensor", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = torch.empty(out_features, in_features).uniform_(-bound, bound)
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="plain tensor, not an nn.Parameter"),
    Variant("linear_weight_in_out", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(in_features, out_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="i.e. (in_features, out_features)"),
    Variant("linear_bias_false", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound))
        else:
            self.bias = False

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not False:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not False}"
""", expect="set it to None instead"),
    Variant("linear_ignores_bias_argument", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound))

    def forward(self, x):
        return x @ self.weight.T + self.bias

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias=True"
""", expect="with bias=False, bias should be None"),
    Variant("linear_mm_2d_only", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = torch.mm(x, self.weight.t())
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="instead of torch.mm"),
    Variant("linear_extra_repr_bias_tensor", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias}"
""", expect="prints the bias tensor itself"),
    Variant("linear_extra_repr_missing", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out
""", expect="(from extra_repr)"),
    Variant("linear_init_rand_positive", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.rand(out_features, in_features) * bound)
        self.bias = nn.Parameter(torch.rand(out_features) * bound) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="every entry of the weight of Linear(16, 2000) is positive"),
    Variant("linear_init_randn", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.randn(out_features, in_features) * bound)
        self.bias = nn.Parameter(torch.randn(out_features) * bound) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="look normally distributed"),
    Variant("linear_init_zeros", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(torch.zeros(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="is all zeros"),
    Variant("linear_init_bound_out_features", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(out_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="the bound must use in_features"),
    Variant("linear_init_bound_one_over_in", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / in_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="that is 1/in_features"),
    Variant("linear_bias_not_added", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        return x @ self.weight.T

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="does not add the bias"),
    Variant("linear_bias_added_twice", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
            out += self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="adds the bias twice"),
    Variant("linear_relu_on_output", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out.clamp(min=0)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="applies an activation"),
    Variant("linear_weight_frozen", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound), requires_grad=False)
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="weight does not require grad"),
    Variant("linear_subclasses_nn_linear", "linear", """
class Linear(nn.Linear):
    pass
""", expect="uses PyTorch's own linear layer"),
    Variant("linear_functional_linear", "linear", """
import torch.nn.functional as F


class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="uses PyTorch's own linear layer"),
    Variant("linear_functional_getattr_alias", "linear", """
import importlib


class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        functional = importlib.import_module("torch.nn." + "functional")
        return getattr(functional, "lin" + "ear")(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="uses PyTorch's own linear layer"),
    Variant("linear_kaiming_uniform_default_a", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        nn.init.kaiming_uniform_(self.weight)
        bound = 1 / math.sqrt(in_features)
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="outside [-k, k] with k = 1/sqrt(in_features)"),
    Variant("linear_bias_init_zeros", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="the bias of Linear(16, 2000) is all zeros"),
    Variant("linear_bias_shape_1_by_out", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(1, out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="bias of Linear(7, 5) has shape (1, 5)"),
    Variant("linear_bias_added_when_none", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        return x @ self.weight.T + self.bias

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="bias=False) on an input of shape (3, 7) raised TypeError"),
    Variant("linear_init_xavier_uniform", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        nn.init.xavier_uniform_(self.weight)
        bound = 1 / math.sqrt(in_features)
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="much narrower than [-k, k]"),
    Variant("linear_output_detached", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None

    def forward(self, x):
        out = x @ self.weight.T
        if self.bias is not None:
            out = out + self.bias
        return out.detach()

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
""", expect="cut off from autograd"),
    # ---------------------------------------------------------------- simple_mlp
    Variant("simple_mlp_python_list", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [Flatten(), Linear(784, 100), ReLU(), Linear(100, 10)]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
""", expect="plain Python list"),
    Variant("simple_mlp_missing_flatten", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = Linear(784, 100)
        self.relu = ReLU()
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output(self.relu(self.hidden(x)))
""", expect="not flattened first"),
    Variant("simple_mlp_flattens_batch_too", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = Linear(784, 100)
        self.relu = ReLU()
        self.output = Linear(100, 10)

    def forward(self, x):
        x = x.reshape(-1)
        return self.output(self.relu(self.hidden(x)))
""", expect="keeping the batch dimension"),
    Variant("simple_mlp_missing_relu", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = Linear(784, 100)
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output(self.hidden(self.flatten(x)))
""", expect="no ReLU between the two Linear layers"),
    Variant("simple_mlp_softmax_output", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = Linear(784, 100)
        self.relu = ReLU()
        self.output = Linear(100, 10)

    def forward(self, x):
        return torch.softmax(self.output(self.relu(self.hidden(self.flatten(x)))), dim=1)
""", expect="applies softmax at the end"),
    Variant("simple_mlp_relu_on_logits", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10), ReLU())

    def forward(self, x):
        return self.net(x)
""", expect="applies ReLU to the output as well"),
    Variant("simple_mlp_hidden_128", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = Linear(784, 128)
        self.relu = ReLU()
        self.output = Linear(128, 10)

    def forward(self, x):
        return self.output(self.relu(self.hidden(self.flatten(x))))
""", expect="found Linear(784, 128), Linear(128, 10)"),
    Variant("simple_mlp_nn_linear", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = nn.Linear(784, 100)
        self.relu = ReLU()
        self.output = nn.Linear(100, 10)

    def forward(self, x):
        return self.output(self.relu(self.hidden(self.flatten(x))))
""", expect="uses torch.nn's layers"),
    Variant("simple_mlp_nn_relu", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = Linear(784, 100)
        self.relu = nn.ReLU()
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output(self.relu(self.hidden(self.flatten(x))))
""", expect="uses torch.nn's layers"),
    Variant("simple_mlp_torch_relu_in_forward", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = Linear(784, 100)
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output(torch.relu(self.hidden(self.flatten(x))))
""", expect="uses torch.nn's layers"),
    Variant("simple_mlp_log_softmax_output", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10))

    def forward(self, x):
        return self.net(x).log_softmax(dim=-1)
""", expect="applies log_softmax at the end"),
    Variant("simple_mlp_getattr_relu_alias", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = Linear(784, 100)
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output(getattr(torch, "re" + "lu")(self.hidden(self.flatten(x))))
""", expect="uses torch.nn's layers"),
    Variant("simple_mlp_output_detached", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10))

    def forward(self, x):
        return self.net(x).detach()
""", expect="receive no gradient"),
    # ---------------------------------------------------------------- matmul
    Variant("matmul_missing_transpose", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return grad_output @ Y, X.T @ grad_output
""", expect="check the transposes"),
    Variant("matmul_swapped_gradients", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return X.T @ grad_output, grad_output @ Y.T
""", expect="the two gradients are swapped"),
    Variant("matmul_one_gradient", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return grad_output @ Y.T
""", expect="one gradient per input of forward"),
    Variant("matmul_none_for_y", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return grad_output @ Y.T, None
""", expect="no gradient for Y"),
    Variant("matmul_ignores_grad_output", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        ones = torch.ones_like(grad_output)
        return ones @ Y.T, X.T @ ones
""", expect="ignores grad_output"),
    Variant("matmul_ctx_attributes", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.X = X
        ctx.Y = Y
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output @ ctx.Y.T, ctx.X.T @ grad_output
""", expect="keeps the rest as attributes of ctx"),
    Variant("matmul_delegates_to_autograd_grad", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        with torch.enable_grad():
            X = X.detach().requires_grad_(True)
            Y = Y.detach().requires_grad_(True)
            Z = X @ Y
        return torch.autograd.grad(Z, (X, Y), grad_output)
""", expect="delegates to autograd"),
    Variant("matmul_not_a_function", "matmul", """
class MatMul:
    @staticmethod
    def apply(X, Y):
        return X @ Y

    @staticmethod
    def backward(grad_output, X, Y):
        return grad_output @ Y.T, X.T @ grad_output
""", expect="subclass of torch.autograd.Function"),
    Variant("matmul_no_backward", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y
""", expect="has no backward of its own"),
    Variant("matmul_float64_forward", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X.double() @ Y.double()

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return grad_output @ Y.T, X.T @ grad_output
""", expect="turned float32 inputs into torch.float64"),
    Variant("matmul_saves_only_x_on_ctx", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X)
        ctx.Y = Y
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        (X,) = ctx.saved_tensors
        return grad_output @ ctx.Y.T, X.T @ grad_output
""", expect="save_for_backward"),
]


# Answers the grader once judged wrongly: correct ones it marked down, mistakes it missed
# or named badly. Each stays here so that the fix stays.
CORRECT += [
    Variant("simple_mlp_registered_in_reverse_order", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.output = Linear(100, 10)
        self.relu = ReLU()
        self.hidden = Linear(784, 100)
        self.flatten = Flatten()

    def forward(self, x):
        return self.output(self.relu(self.hidden(self.flatten(x))))
"""),
    Variant("simple_mlp_relu_made_in_forward", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = Linear(784, 100)
        self.second = Linear(100, 10)

    def forward(self, x):
        return self.second(ReLU()(self.first(Flatten()(x))))
"""),
    Variant("linear_bias_created_before_weight", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        k = 1 / math.sqrt(in_features)
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-k, k)) if bias else None
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-k, k))

    def forward(self, x):
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
"""),
    Variant("linear_compared_with_nn_linear_in_cell", "linear", """
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        k = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-k, k))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-k, k)) if bias else None

    def forward(self, x):
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


mine, theirs = Linear(3, 2), nn.Linear(3, 2)
theirs.load_state_dict(mine.state_dict())
sample = torch.randn(4, 3)
assert torch.allclose(mine(sample), theirs(sample))
"""),
    Variant("relu_static_helper", "relu", """
class ReLU(nn.Module):
    @staticmethod
    def relu(x):
        return x.clamp(min=0)

    def forward(self, x):
        return ReLU.relu(x)
"""),
    Variant("relu_compared_with_builtin_in_cell", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.maximum(x, torch.zeros_like(x))


t = torch.randn(10)
assert torch.equal(ReLU()(t), torch.relu(t))
"""),
    Variant("matmul_sanity_check_in_cell", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return grad_output @ Y.T, X.T @ grad_output


A = torch.randn(3, 4, requires_grad=True)
B = torch.randn(4, 2, requires_grad=True)
MatMul.apply(A, B).sum().backward()
assert torch.allclose(A.grad, torch.ones(3, 2) @ B.T)
"""),
]

MUTANTS += [
    Variant("relu_aten_op", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.ops.aten.relu(x)
""", expect="uses PyTorch's own relu"),
    Variant("relu_max_along_a_dimension", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.max(x, 0)
""", expect="torch.return_types.max"),
    Variant("relu_numpy_without_detach", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.tensor(x.numpy().clip(min=0))
""", expect="converts a tensor to numpy"),
    Variant("matmul_backward_runs_autograd", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        X, Y = X.detach().requires_grad_(), Y.detach().requires_grad_()
        with torch.set_grad_enabled(True):
            (X @ Y).backward(grad_output)
        return X.grad, Y.grad
""", expect="delegates to autograd"),
    Variant("matmul_factors_in_wrong_order", "matmul", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return Y.T @ grad_output, grad_output @ X.T
""", expect="factors are in the wrong order"),
]

# Deliberate evasions of the rules, and an answer the policy check once misread.
MUTANTS += [
    Variant("relu_torch_function_switched_off", "relu", """
_r = getattr(torch, "re" + "lu")


class ReLU(nn.Module):
    def forward(self, x):
        with torch._C.DisableTorchFunction():
            return _r(x)
""", expect="uses PyTorch's own relu"),
    Variant("linear_computed_base_class", "linear", """
_Base = getattr(nn, "Lin" + "ear")


class Linear(_Base):
    def forward(self, x):
        with torch._C.DisableTorchFunction():
            return super().forward(x)
""", expect="uses PyTorch's own linear layer"),
    Variant("simple_mlp_calls_forward_directly", "simple_mlp", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = Linear(784, 100)
        self.relu = ReLU()
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output.forward(self.relu(self.hidden.forward(Flatten()(x))))
""", expect="layer.forward(x) skips"),
]
CORRECT += [
    Variant("relu_second_attempt_replaces_first", "relu", """
class ReLU(nn.Module):
    def forward(self, x):
        return torch.relu(x)


class ReLU(nn.Module):
    def forward(self, x):
        return x.clamp(min=0)
"""),
]
MUTANTS += [
    Variant("relu_builtin_behind_a_magic", "relu", """
%load_ext autoreload
class ReLU(nn.Module):
    def forward(self, x):
        with torch._C.DisableTorchFunction():
            return torch.relu(x)
""", expect="uses PyTorch's own relu"),
]
