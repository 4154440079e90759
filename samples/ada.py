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

# %% my_sequential
class MySequential(nn.Module):
    def __init__(self, *modules: nn.Module):
        super().__init__()
        for position, module in enumerate(modules):
            self.add_module(str(position), module)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for module in self.children():
            x = module(x)
        return x

# %% module_list
def list_container_answer() -> tuple[int, str]:
    return 0, "b"


class ModuleListSequential(nn.Module):
    def __init__(self, *modules: nn.Module):
        super().__init__()
        self.layers = nn.ModuleList()
        self.layers.extend(modules)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

# %% parallel
class Parallel(nn.Module):
    def __init__(self, a: nn.Module, b: nn.Module):
        super().__init__()
        self.branches = nn.ModuleList([a, b])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([branch(x) for branch in self.branches], dim=-1)

# %% clones
from copy import deepcopy


def clones(block: nn.Module, k: int) -> nn.ModuleList:
    return nn.ModuleList(deepcopy(block) for _ in range(k))

# %% my_flatten
class Flatten(nn.Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        start = self.start_dim + x.dim() if self.start_dim < 0 else self.start_dim
        end = self.end_dim + x.dim() if self.end_dim < 0 else self.end_dim
        return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1:])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"

# %% buffer
class Standardize(nn.Module):
    def __init__(self, mean: torch.Tensor, std: torch.Tensor):
        super().__init__()
        self.register_buffer("mean", mean.detach().clone())
        self.register_buffer("std", std.detach().clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std

# %% dropout
class Dropout(nn.Module):
    def __init__(self, p: float = 0.5):
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        mask = torch.bernoulli(torch.full_like(x, 1 - self.p))
        return x * mask / (1 - self.p)

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

# %% naming
def inventory(model: nn.Module) -> dict:
    children = [name for name, _child in model.named_children()]
    modules = [name for name, _module in model.named_modules()]
    parameters = [name for name, _parameter in model.named_parameters()]
    trainable = 0
    for parameter in model.parameters():
        if parameter.requires_grad:
            trainable += parameter.numel()
    return {"children": children, "modules": modules, "parameters": parameters, "trainable": trainable}

# %% freeze
def freeze(model: nn.Module, name: str) -> None:
    for parameter in model.get_submodule(name).parameters():
        parameter.requires_grad = False


def trainable_sgd(model: nn.Module, lr: float) -> torch.optim.SGD:
    still_training = filter(lambda parameter: parameter.requires_grad, model.parameters())
    return torch.optim.SGD(list(still_training), lr=lr)

# %% unregistered
def unregistered_tensors(module: nn.Module) -> list[str]:
    names = []
    for path, part in module.named_modules():
        known = set(dict(part.named_parameters(recurse=False))) | set(dict(part.named_buffers(recurse=False)))
        for attribute, value in attributes(part).items():
            if torch.is_tensor(value) and attribute not in known:
                names.append(".".join(p for p in (path, attribute) if p))
    return names

# %% reinit
def init_linear(module: nn.Module) -> None:
    if type(module) is nn.Linear or isinstance(module, nn.Linear):
        torch.nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            with torch.no_grad():
                module.bias.zero_()


def reinit(model: nn.Module) -> nn.Module:
    model.apply(init_linear)
    return model

# %% hooks
def record_outputs(model: nn.Module, names: list[str]) -> tuple[dict, list]:
    seen: dict = {}

    def keeper(name):
        def hook(module, inputs, output):
            seen[name] = output.detach()
        return hook

    handles = [model.get_submodule(name).register_forward_hook(keeper(name)) for name in names]
    return seen, handles


def clamp_output(module: nn.Module, limit: float):
    return module.register_forward_hook(lambda _module, _inputs, output: torch.clamp(output, min=-limit, max=limit))


def remove_hooks(handles: list) -> None:
    while handles:
        handles.pop().remove()
