# %% relu
class ReLU(nn.Module):
    def forward(self, x):
        return (x + x.abs()) / 2

# %% linear
class Linear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.inner = nn.Linear(in_features, out_features, bias=bias)
        self.weight = self.inner.weight
        self.bias = self.inner.bias

    def forward(self, x):
        return self.inner(x)

    def extra_repr(self):
        return f"in_features={self.inner.in_features}, out_features={self.inner.out_features}, bias={self.bias is not None}"

# %% simple_mlp
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.fc1 = Linear(784, 100)
        self.act = ReLU()
        self.fc2 = Linear(100, 10)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(self.flatten(x)))).softmax(dim=-1)
