"""record_outputs, clamp_output and remove_hooks: answers that must get full marks, and known mistakes
that must lose points with a message containing their phrase. Each replaces the hooks cell of an otherwise
correct notebook. Instructor-side: read by `python -m grader audit` and the tests, never by the sandboxed child."""

from __future__ import annotations

from grader.exercises.variants import Variant

_RECORD = """
def record_outputs(model, names):
    outputs, handles = {}, []
    for name in names:
        def hook(module, args, output, name=name):
            outputs[name] = output.detach()
        handles.append(model.get_submodule(name).register_forward_hook(hook))
    return outputs, handles
"""

_CLAMP = """

def clamp_output(module, limit):
    return module.register_forward_hook(lambda module, args, output: output.clamp(-limit, limit))
"""

_REMOVE = """

def remove_hooks(handles):
    for handle in handles:
        handle.remove()
"""

CORRECT = [
    Variant("hooks_partial_and_pop", """
import functools


def _store(outputs, name, module, args, output):
    outputs[name] = output.detach().clone()


def record_outputs(model, names):
    outputs = {}
    modules = dict(model.named_modules())
    handles = [modules[name].register_forward_hook(functools.partial(_store, outputs, name)) for name in names]
    return outputs, handles


def clamp_output(module, limit):
    def hook(module, args, output):
        return torch.clamp(output, min=-limit, max=limit)
    return module.register_forward_hook(hook)


def remove_hooks(handles):
    while handles:
        handles.pop().remove()
"""),
    Variant("hooks_closure_factory", """
def record_outputs(model, names):
    outputs = {}

    def recorder(name):
        def hook(module, args, output):
            outputs[name] = output.detach()
        return hook

    handles = []
    for name, module in model.named_modules():
        if name in names:
            handles.append(module.register_forward_hook(recorder(name)))
    return outputs, handles
""" + _CLAMP + _REMOVE),
]

MISTAKES = [
    Variant("hooks_late_binding", """
def record_outputs(model, names):
    outputs, handles = {}, []
    for name in names:
        def hook(module, args, output):
            outputs[name] = output.detach()
        handles.append(model.get_submodule(name).register_forward_hook(hook))
    return outputs, handles
""" + _CLAMP + _REMOVE, expect="bind it at creation"),
    Variant("hooks_not_detached", """
def record_outputs(model, names):
    outputs, handles = {}, []
    for name in names:
        def hook(module, args, output, name=name):
            outputs[name] = output
        handles.append(model.get_submodule(name).register_forward_hook(hook))
    return outputs, handles
""" + _CLAMP + _REMOVE, expect="keeps the autograd graph"),
    Variant("hooks_recorder_returns_detached", """
def record_outputs(model, names):
    outputs, handles = {}, []
    for name in names:
        def hook(module, args, output, name=name):
            outputs[name] = output.detach()
            return outputs[name]
        handles.append(model.get_submodule(name).register_forward_hook(hook))
    return outputs, handles
""" + _CLAMP + _REMOVE, expect="cut the model off from autograd"),
    Variant("hooks_records_inputs", """
def record_outputs(model, names):
    outputs, handles = {}, []
    for name in names:
        def hook(module, args, name=name):
            outputs[name] = args[0].detach()
        handles.append(model.get_submodule(name).register_forward_pre_hook(hook))
    return outputs, handles
""" + _CLAMP + _REMOVE, expect="register_forward_pre_hook runs before the module"),
    Variant("hooks_clamp_returns_nothing", _RECORD + """

def clamp_output(module, limit):
    def hook(module, args, output):
        output.clamp(-limit, limit)
    return module.register_forward_hook(hook)
""" + _REMOVE, expect="changed nothing"),
    Variant("hooks_clamp_input", _RECORD + """

def clamp_output(module, limit):
    return module.register_forward_pre_hook(lambda module, args: (args[0].clamp(-limit, limit),))
""" + _REMOVE, expect="clamped the module's input"),
    Variant("hooks_remove_clears_the_list", _RECORD + _CLAMP + """

def remove_hooks(handles):
    handles.clear()
""", expect="still active"),
    Variant("hooks_remove_only_the_recorders", _RECORD + _CLAMP + """

def remove_hooks(handles):
    for handle in handles[:-1]:
        handle.remove()
""", expect="still active"),
]
