# %% relu
import torch.nn.functional as F


class ReLU(nn.Module):
    def forward(self, x):
        return F.relu(x)

# %% linear
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else False

    def forward(self, x):
        out = x @ self.weight.T
        return out + self.bias if self.bias is not False else out

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not False}"

# %% simple_mlp
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = Linear(784, 100)
        self.relu = ReLU()
        self.out = Linear(100, 10)

    def forward(self, x):
        return self.out(self.relu(self.hidden(self.flatten(x))))

# %% matmul
class MatMul(Function):
    @staticmethod
    def forward(ctx, X, Y):
        ctx.X, ctx.Y = X, Y
        return X @ Y

    @staticmethod
    def backward(ctx, grad_output):
        return ctx.X.T @ grad_output, grad_output @ ctx.Y.T
