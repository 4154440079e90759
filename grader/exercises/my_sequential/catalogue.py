"""MySequential: answers that must get full marks, and known mistakes that must lose points
with a message containing their phrase. Each replaces the my_sequential cell of an otherwise correct notebook.
Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

CORRECT = [
    Variant("my_sequential_add_module_loop", """
class MySequential(nn.Module):
    def __init__(self, *modules: nn.Module):
        super().__init__()
        for i, module in enumerate(modules):
            self.add_module(f"{i}", module)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for module in self.children():
            x = module(x)
        return x
"""),
    Variant("my_sequential_reduce_over_named_children", """
from functools import reduce


class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for index in range(len(modules)):
            self.register_module(str(index), modules[index])

    def forward(self, x):
        return reduce(lambda h, named: named[1](h), self.named_children(), x)
"""),
    Variant("my_sequential_while_over_iterator", """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        i = 0
        for m in modules:
            self.add_module(str(i), m)
            i += 1

    def forward(self, x):
        out = x
        for layer in list(self.children()):
            out = layer(out)
        return out
"""),
]

MISTAKES = [
    Variant("my_sequential_plain_list", """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.steps = list(modules)

    def forward(self, x):
        for step in self.steps:
            x = step(x)
        return x
""", expect="not registered"),
    Variant("my_sequential_named_layers", """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for i, module in enumerate(modules):
            self.add_module(f"layer{i}", module)

    def forward(self, x):
        for module in self.children():
            x = module(x)
        return x
""", expect='under the names "0", "1", "2"'),
    Variant("my_sequential_names_from_one", """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for i, module in enumerate(modules, start=1):
            self.add_module(str(i), module)

    def forward(self, x):
        for module in self.children():
            x = module(x)
        return x
""", expect='under the names "0", "1", "2"'),
    Variant("my_sequential_reverse_order", """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def forward(self, x):
        for module in reversed(list(self.children())):
            x = module(x)
        return x
""", expect="reverse order"),
    Variant("my_sequential_return_in_loop", """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def forward(self, x):
        for module in self.children():
            x = module(x)
            return x
""", expect="returns after the first module"),
    Variant("my_sequential_original_input", """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def forward(self, x):
        out = x
        for module in self.children():
            out = module(x)
        return out
""", expect="original input"),
    Variant("my_sequential_runs_a_private_tuple", """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.order = modules
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def forward(self, x):
        for module in self.order:
            x = module(x)
        return x
""", expect="does not run the registered children"),
    Variant("my_sequential_subclasses_sequential", """
class MySequential(nn.Sequential):
    pass
""", expect="uses PyTorch's own nn.Sequential"),
    Variant("my_sequential_wraps_sequential", """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.inner = nn.Sequential(*modules)

    def forward(self, x):
        return self.inner(x)
""", expect="nn.Sequential"),
    Variant("my_sequential_detached", """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def forward(self, x):
        for module in self.children():
            x = module(x)
        return x.detach()
""", expect="cut off from autograd"),
]
