# %% relu
class ReLU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.where(x > 0, x, torch.zeros_like(x))

# %% linear
class Linear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if bias:
            k = 1 / math.sqrt(in_features)
            self.bias = nn.Parameter(k * (2 * torch.rand(out_features) - 1))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.einsum("...i,oi->...o", x, self.weight)
        return y if self.bias is None else y + self.bias

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"

# %% simple_mlp
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)

# %% matmul
class MatMul(Function):
    @staticmethod
    def forward(ctx, X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(X, Y)
        return torch.matmul(X, Y)

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor):
        X, Y = ctx.saved_tensors
        return grad_output.mm(Y.t()), X.t().mm(grad_output)
