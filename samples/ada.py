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

# %% cross_entropy
class CrossEntropyLoss(nn.Module):
    def forward(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        shifted = logits - logits.max(dim=1, keepdim=True).values
        log_norm = shifted.exp().sum(dim=1).log()
        return (log_norm - shifted[torch.arange(len(targets)), targets]).mean()

# %% sgd
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr: float, momentum: float = 0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                buf = self.state[p].get("momentum_buffer")
                if buf is None:
                    buf = p.grad.detach().clone()
                else:
                    buf.mul_(group["momentum"]).add_(p.grad)
                self.state[p]["momentum_buffer"] = buf
                p.add_(buf, alpha=-group["lr"])

# %% train_epoch
def train_epoch(model, loader, loss_fn, optimizer=None):
    if optimizer is None:
        model.eval()
    else:
        model.train()
    loss_sum = correct = n = 0
    for x, y in loader:
        with torch.set_grad_enabled(optimizer is not None):
            scores = model(x)
            loss = loss_fn(scores, y)
        if optimizer is not None:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        loss_sum += loss.item() * y.shape[0]
        correct += int((scores.argmax(-1) == y).sum())
        n += y.shape[0]
    return loss_sum / n, correct / n

# %% fit
def fit(model, train_loader, held_out_loader, epochs, lr, momentum=0.9):
    opt = SGD(model.parameters(), lr, momentum)
    criterion = CrossEntropyLoss()
    names = ["train_loss", "train_accuracy", "held_out_loss", "held_out_accuracy"]
    history = {name: [] for name in names}
    for _ in range(epochs):
        numbers = [*train_epoch(model, train_loader, criterion, opt), *train_epoch(model, held_out_loader, criterion)]
        for name, value in zip(names, numbers):
            history[name].append(value)
    return history
