"""Hidden tests for the plain-list question and ModuleListSequential."""

from __future__ import annotations

from grader.judge.evidence import Evidence, Failure, check, close, first_match, max_difference, shape
from grader.judge.hidden import HiddenTest
from grader.judge.source_checks import forbidden_uses
from grader.exercises.my_sequential.hidden import computes
from grader.exercises.module_list.inputs import ANSWER, FIRST, QUESTION_LAYERS, SECOND, inputs, layers, run

FORBIDDEN = frozenset({"torch.nn.Sequential", "torch.nn.modules.container.Sequential"})
WRONG_REASONS = {
    "a": "(a) is not the reason: a module without parameters, such as ReLU, is simply skipped, and the Linear layers "
         "would still be found if they were registered",
    "c": "(c) is not the reason: parameters() lists every registered parameter whether or not it has a gradient yet",
    "d": "(d) is not the reason: nn.Linear creates its weight and bias in __init__ (nn.LazyLinear is the lazy one)",
}
CHAIN = "ModuleListSequential(Linear(4, 3), ReLU(), Linear(3, 2))"


def _answer(ev: Evidence) -> None:
    check(not ev.get("answer/missing"), "list_container_answer is not defined: the module_list cell must define it")
    ev.need("answer", "list_container_answer()")
    kind = ev.get("answer/type")
    check(kind is None, f"list_container_answer() returned a {kind}; return a pair (number of tensors, letter of the reason)")


def test_question_count(ev: Evidence) -> None:
    _answer(ev)
    count = ev.get("answer/count")
    check(ev.get("answer/count_is_int") is True, f"the first item of list_container_answer() should be an int, found {count}")
    check(
        count == ANSWER[0],
        f"list(parameters()) of {QUESTION_LAYERS} holds {ANSWER[0]} tensors, not {count}: the layers in the plain "
        "list are never registered, so the container owns no parameters at all",
    )


def test_question_reason(ev: Evidence) -> None:
    _answer(ev)
    letter = str(ev.get("answer/letter", "")).strip().lower()
    if letter == ANSWER[1]:
        return
    raise Failure(WRONG_REASONS.get(letter, f"the second item of list_container_answer() should be one of the letters a, b, c, d, found {letter!r}"))


def test_forward(ev: Evidence) -> None:
    ev.need("build", f"creating {CHAIN}")
    for i, x in enumerate(inputs(ev.seed)):
        modules = layers(ev.seed, FIRST)
        out = ev.tensor(f"forward{i}/out", f"{CHAIN} on an input of shape {shape(x)}")
        expected = run(modules, x)
        if close(out, expected):
            continue
        mistake = first_match(out, [
            ("runs the modules in reverse order", lambda: run(modules[::-1], x)),
            ("returns after the first module: the return statement is inside the loop", lambda: run(modules[:1], x)),
        ])
        raise Failure(
            f"{CHAIN} {mistake}" if mistake
            else f"{CHAIN} does not run its modules in order on an input of shape {shape(x)} "
            f"(largest difference {max_difference(out, expected):.3g})"
        )
    ev.need("grad", f"{CHAIN} on an input that requires grad")
    check(ev.get("grad/requires_grad") is True, f"the output of {CHAIN} is cut off from autograd (.detach(), .data, numpy)")


def test_registered(ev: Evidence) -> None:
    """Judged against what this answer computes from its layers (a wrong forward is charged once)."""
    ev.need("build", f"creating {CHAIN}")
    x = inputs(ev.seed)[0]
    found = computes(layers(ev.seed, FIRST), ev.tensor("forward0/out", f"{CHAIN} on an input of shape {shape(x)}"), x)
    if found is None or close(found[1](layers(ev.seed, FIRST), x), found[1](layers(ev.seed, SECOND), x)):
        raise Failure("not checked until forward passes")
    chain = found[1]
    what = "loading the state_dict() of a module whose layers attribute is nn.ModuleList([Linear(4, 3), ReLU(), Linear(3, 2)])"
    error = ev.get("round_trip/error")
    if isinstance(error, dict) and "key" in str(error.get("message", "")).lower():
        keys = ev.get("state_dict_keys")
        if not keys:
            raise Failure(
                f"{what} fails: ModuleListSequential's state_dict() is empty, so its layers are not registered (a plain "
                "list or tuple); hold them in self.layers = nn.ModuleList(modules)"
            )
        raise Failure(f"{what} fails: ModuleListSequential's keys are {keys}; keep the layers in an attribute named layers")
    out = ev.tensor("round_trip/out", what)
    if close(out, chain(layers(ev.seed, FIRST), x)):
        return
    check(
        not close(out, chain(layers(ev.seed, SECOND), x)),
        f"{what} changed nothing: the layers are not registered; hold them in self.layers = nn.ModuleList(modules)",
    )
    raise Failure(f"after {what}, ModuleListSequential does not compute what that module did")


def test_uses_module_list(ev: Evidence) -> None:
    """A type name is self-reported: it counts once forward and registered pass (gated here rather
    than by ``requires``, so that an unfinished class reads as not implemented)."""
    ev.need("build", f"creating {CHAIN}")
    for gate in (test_forward, test_registered):
        try:
            gate(ev)
        except Failure:
            raise Failure("not checked until forward and registered pass") from None
    used = forbidden_uses(ev.source, ev.ops("forward0"), FORBIDDEN, within="ModuleListSequential")
    check(not used, f"ModuleListSequential uses nn.Sequential ({', '.join(used)}); the exercise is the fix with nn.ModuleList")
    kind = ev.get("layers_type")
    check(
        kind == "torch.nn.modules.container.ModuleList",
        f"self.layers is a {kind}; the exercise asks for nn.ModuleList, the list that registers what it holds",
    )


TESTS = (
    HiddenTest(test_question_count),
    HiddenTest(test_question_reason, points=1.5),
    HiddenTest(test_forward),
    HiddenTest(test_registered),
    HiddenTest(test_uses_module_list, points=0.5),
)
