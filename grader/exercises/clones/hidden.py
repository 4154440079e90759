"""Hidden tests for clones(block, k)."""

from __future__ import annotations

from grader.judge.evidence import Evidence, Failure, check, close
from grader.judge.hidden import HiddenTest
from grader.exercises.clones.inputs import DESCRIPTION, FIRST, K, SECOND, computed

SHARED = (
    "share their parameters with the block they were made from: they are k references to one module, or "
    "shallow copies (copy.copy copies the module object but not its parameters); make each one with copy.deepcopy(block)"
)


def _copy_outputs(ev: Evidence, key: str, when: str) -> list:
    return [ev.tensor(f"{key}/{i}/out", f"copy {i} of {DESCRIPTION}{when}") for i in range(K)]


def test_copies(ev: Evidence) -> None:
    ev.need("call", DESCRIPTION)
    ev.need("len", f"len({DESCRIPTION})")
    count = ev.get("len")
    check(count == K, f"{DESCRIPTION} returned {count} modules; expected k = {K}")
    ev.need("one", "clones(block, 1)")
    check(ev.get("one/len") == 1, f"clones(block, 1) returned {ev.get('one/len')} modules; expected 1")
    expected = computed(ev.seed, FIRST)
    for i, out in enumerate(_copy_outputs(ev, "fresh", "")):
        check(
            close(out, expected),
            f"copy {i} of {DESCRIPTION} does not compute what the block computes: a copy must start with the block's "
            "own parameter values (copy.deepcopy(block)), not a freshly built or re-initialised module",
        )


def test_independent_of_block(ev: Evidence) -> None:
    ev.need("shift_original", "changing the parameters of the original block")
    when = " after the original block's parameters changed"
    unchanged, shifted = computed(ev.seed, FIRST), computed(ev.seed, FIRST, shifted=True)
    for i, out in enumerate(_copy_outputs(ev, "after_original", when)):
        if close(out, unchanged):
            continue
        check(not close(out, shifted), f"changing the original block changed copy {i} too: the copies {SHARED}")
        raise Failure(f"copy {i} of {DESCRIPTION} changed{when}; a copy must not depend on the block it was made from")


def test_independent_of_each_other(ev: Evidence) -> None:
    ev.need("shift_first", "changing the parameters of copy 0")
    when = " after copy 0's parameters changed"
    outs = _copy_outputs(ev, "after_first", when)
    check(close(outs[0], computed(ev.seed, FIRST, shifted=True)), "changing copy 0's parameters did not change what copy 0 computes")
    for i, out in enumerate(outs[1:], start=1):
        check(
            close(out, computed(ev.seed, FIRST)),
            f"changing copy 0 changed copy {i} too: the copies share parameters with each other (one deep copy "
            "repeated k times); make a new copy.deepcopy(block) for each of the k entries",
        )


def test_registered(ev: Evidence) -> None:
    what = "loading the state_dict() of a module holding clones(block_1, 3) into one holding clones(block_2, 3)"
    outs = [ev.tensor(f"round_trip/{i}/out", what) for i in range(K)]
    if all(close(out, computed(ev.seed, FIRST)) for out in outs):
        return
    check(
        not any(close(out, computed(ev.seed, SECOND)) for out in outs),
        f"{what} changed nothing: a model that holds the copies does not register them, so they are not in its "
        "state_dict(), parameters() or .to() (a plain list or tuple); return nn.ModuleList(copies)",
    )
    raise Failure(f"after {what}, the copies do not compute what the first ones did")


def test_module_list(ev: Evidence) -> None:
    kind = ev.get("call/type")
    check(
        kind == "torch.nn.modules.container.ModuleList",
        f"clones returned a {kind}; the exercise asks for an nn.ModuleList, which registers the copies and runs none of them by itself",
    )


TESTS = (
    HiddenTest(test_copies, points=1.5),
    HiddenTest(test_independent_of_block, points=1.5, requires=("copies",)),
    HiddenTest(test_independent_of_each_other, requires=("independent_of_block",)),
    HiddenTest(test_registered, points=0.5),
    HiddenTest(test_module_list, points=0.5, requires=("copies", "registered")),  # a type name is self-reported
)
