"""MatMul: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the matmul cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

CORRECT = [
    Variant("matmul_mm_t", """
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
    Variant("matmul_torch_matmul", """
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
    Variant("matmul_needs_input_grad", """
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
    Variant("matmul_einsum", """
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
    Variant("matmul_setup_context", """
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
    Variant("matmul_gradcheck_in_cell", """
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
    Variant("matmul_once_differentiable", """
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
    Variant("matmul_sanity_check_in_cell", """
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
    Variant("matmul_needs_input_grad_unpacked", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return torch.mm(X, Y)

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        needs_x, needs_y = ctx.needs_input_grad
        grad_X = grad_output @ Y.T if needs_x else None
        grad_Y = X.T @ grad_output if needs_y else None
        return grad_X, grad_Y
"""),
    Variant("matmul_keeps_input_dtype_explicitly", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return (X @ Y).to(X.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        if not ctx.needs_input_grad[1]:
            return grad_output @ Y.T, None
        if not ctx.needs_input_grad[0]:
            return None, X.T @ grad_output
        return grad_output @ Y.T, X.T @ grad_output
"""),
]

MISTAKES = [
    Variant("matmul_missing_transpose", """
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
    Variant("matmul_swapped_gradients", """
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
    Variant("matmul_one_gradient", """
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
    Variant("matmul_none_for_y", """
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
    Variant("matmul_ignores_grad_output", """
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
    Variant("matmul_ctx_attributes", """
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
    Variant("matmul_delegates_to_autograd_grad", """
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
    Variant("matmul_not_a_function", """
class MatMul:
    @staticmethod
    def apply(X, Y):
        return X @ Y

    @staticmethod
    def backward(grad_output, X, Y):
        return grad_output @ Y.T, X.T @ grad_output
""", expect="subclass of torch.autograd.Function"),
    Variant("matmul_no_backward", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y
""", expect="has no backward of its own"),
    Variant("matmul_float64_forward", """
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
    Variant("matmul_saves_only_x_on_ctx", """
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
    Variant("matmul_backward_runs_autograd", """
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
    Variant("matmul_factors_in_wrong_order", """
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
    Variant("matmul_needs_input_grad_swapped", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        grad_X = grad_Y = None
        if ctx.needs_input_grad[1]:
            grad_X = grad_output @ Y.T
        if ctx.needs_input_grad[0]:
            grad_Y = X.T @ grad_output
        return grad_X, grad_Y
""", expect="mixes up which input needs a gradient"),
    Variant("matmul_single_gradient_in_first_slot", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        if ctx.needs_input_grad[0] and ctx.needs_input_grad[1]:
            return grad_output @ Y.T, X.T @ grad_output
        if ctx.needs_input_grad[0]:
            return grad_output @ Y.T, None
        return X.T @ grad_output, None
""", expect="mixes up which input needs a gradient"),
    Variant("matmul_float32_forward", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return (X.float() @ Y.float()).to(X.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return grad_output @ Y.T, X.T @ grad_output
""", expect="computes in float32"),
    Variant("matmul_backward_calls_a_graph_node", """
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        with torch.autograd.grad_mode.enable_grad():
            Z = torch.mm(X.detach().requires_grad_(), Y.detach().requires_grad_())
        grad_X, grad_Y = Z.grad_fn(grad_output)
        return grad_X, grad_Y
""", expect="delegates to autograd"),
]
