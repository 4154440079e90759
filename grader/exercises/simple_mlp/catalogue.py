"""SimpleMLP: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the simple_mlp cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

CORRECT = [
    Variant("simple_mlp_sequential", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10))

    def forward(self, x):
        return self.net(x)
"""),
    Variant("simple_mlp_module_list", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([Flatten(), Linear(784, 100), ReLU(), Linear(100, 10)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
"""),
    Variant("simple_mlp_arbitrary_names", """
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
    Variant("simple_mlp_sequential_from_ordered_dict", """
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
    Variant("simple_mlp_sequential_subclass", """
class SimpleMLP(nn.Sequential):
    def __init__(self):
        super().__init__(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10))
"""),
    Variant("simple_mlp_module_dict", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleDict({"flatten": Flatten(), "fc1": Linear(784, 100), "act": ReLU(), "fc2": Linear(100, 10)})

    def forward(self, x):
        for layer in self.layers.values():
            x = layer(x)
        return x
"""),
    # Answers the grader once judged wrongly: correct ones it marked down, mistakes it missed
    # or named badly. Each stays here so that the fix stays.
    Variant("simple_mlp_registered_in_reverse_order", """
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
    Variant("simple_mlp_relu_made_in_forward", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = Linear(784, 100)
        self.second = Linear(100, 10)

    def forward(self, x):
        return self.second(ReLU()(self.first(Flatten()(x))))
"""),
]

MISTAKES = [
    Variant("simple_mlp_python_list", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [Flatten(), Linear(784, 100), ReLU(), Linear(100, 10)]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
""", expect="plain Python list"),
    Variant("simple_mlp_missing_flatten", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = Linear(784, 100)
        self.relu = ReLU()
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output(self.relu(self.hidden(x)))
""", expect="not flattened first"),
    Variant("simple_mlp_flattens_batch_too", """
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
    Variant("simple_mlp_missing_relu", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = Linear(784, 100)
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output(self.hidden(self.flatten(x)))
""", expect="no ReLU between the two Linear layers"),
    Variant("simple_mlp_softmax_output", """
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
    Variant("simple_mlp_relu_on_logits", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10), ReLU())

    def forward(self, x):
        return self.net(x)
""", expect="applies ReLU to the output as well"),
    Variant("simple_mlp_hidden_128", """
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
    Variant("simple_mlp_nn_linear", """
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
    Variant("simple_mlp_nn_relu", """
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
    Variant("simple_mlp_torch_relu_in_forward", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = Linear(784, 100)
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output(torch.relu(self.hidden(self.flatten(x))))
""", expect="uses torch.nn's layers"),
    Variant("simple_mlp_log_softmax_output", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10))

    def forward(self, x):
        return self.net(x).log_softmax(dim=-1)
""", expect="applies log_softmax at the end"),
    Variant("simple_mlp_getattr_relu_alias", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = Linear(784, 100)
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output(getattr(torch, "re" + "lu")(self.hidden(self.flatten(x))))
""", expect="attributes must be named in the code"),
    Variant("simple_mlp_output_detached", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(Flatten(), Linear(784, 100), ReLU(), Linear(100, 10))

    def forward(self, x):
        return self.net(x).detach()
""", expect="receive no gradient"),
    Variant("simple_mlp_calls_forward_directly", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = Linear(784, 100)
        self.relu = ReLU()
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output.forward(self.relu(self.hidden.forward(Flatten()(x))))
""", expect="layer.forward(x) skips"),
    Variant("simple_mlp_rebound_after_a_decoy", """
class SimpleMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = Flatten()
        self.hidden = Linear(784, 100)
        self.relu = ReLU()
        self.output = Linear(100, 10)

    def forward(self, x):
        return self.output(self.relu(self.hidden(self.flatten(x))))


SimpleMLP = lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
""", expect="not rebound"),
]
