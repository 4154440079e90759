# %% relu
class ReLU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x[x < 0] = 0
        return x

# %% linear
class Linear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        k = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(in_features, out_features).uniform_(-k, k))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-k, k)) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = x @ self.weight
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"

# %% simple_mlp
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10))

    def forward(self, x):
        return self.net(x)

# %% matmul
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.save_for_backward(X, Y)
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        X, Y = ctx.saved_tensors
        return grad_output @ Y.T, X.T @ grad_output

# %% my_sequential
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.steps = list(modules)

    def forward(self, x):
        for step in self.steps:
            x = step(x)
        return x

# %% dropout
class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        keep = torch.rand_like(x) >= self.p
        return x * keep / (1 - self.p)

# %% sgd
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p -= group["lr"] * p.grad
