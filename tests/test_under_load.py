"""One batch of 50 hostile submissions and 50 honest ones: the batch completes, every honest
student gets exactly the result of a clean run, and each hostile cell costs only its own
exercise. The rules for answer cells are off here (most of these cells would be refused
unrun): this proves the sandbox holds by itself."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from grader.api import grade
from grader.config import PROJECT_ROOT, Settings
from grader.exercises import ASSIGNMENTS, EXERCISES
from grader.sandbox.isolation import plan
from grader.sandbox.limits import Limits, MiB
from tests.conftest import Answers, build_submissions, reference_answers

pytestmark = pytest.mark.skipif(plan().bwrap is None or not plan().root, reason="needs bubblewrap and root (as in CI)")

HOSTILE_CELLS = {
    "exits": "import os\nos._exit(0)",
    "raises_system_exit": "raise SystemExit(3)",
    "kills_itself": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
    "loops_forever": "while True:\n    pass",
    "fork_bomb": "import os, time\nwhile True:\n    try:\n        if os.fork() == 0:\n            time.sleep(60)\n    except OSError:\n        pass",
    "eats_memory": "hog = []\nwhile True:\n    hog.append(bytearray(64 * 1024 * 1024))",
    "floods_stdout": "while True:\n    print('x' * 10000)",
    "leaves_a_daemon": (
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(600)\n    os._exit(0)"
    ),
    "kills_everyone_it_can": "import os, signal\nfor pid in range(1, 5000):\n    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass",
    "kills_its_server": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
    "forges_a_stride_trick": (
        "import io, os, torch\nb = io.BytesIO()\ntorch.save({'cell_errors': {}, 'x': torch.zeros(1).expand(10**9)}, b)\n"
        "os.write(3, b.getvalue())\nos._exit(0)"
    ),
    "writes_junk_results": "import os\nos.write(3, os.urandom(100000))\nos._exit(0)",
    "floods_the_result_pipe": "import os\nwhile True:\n    os.write(3, b'x' * 65536)",
    "reads_secrets": f"print(open({str(PROJECT_ROOT / 'solutions' / '01_modules' / '01_modules.ipynb')!r}).read())",
    "writes_everywhere": "import sys\nfor p in ['/tmp/x', sys.prefix + '/x', '/x']:\n    try:\n        open(p, 'w').write('x')\n    except OSError as e:\n        print(e)",
    "calls_the_network": "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=1)",
    "writes_a_huge_file": "open('big', 'wb').write(b'x' * (200 * 1024 * 1024))",
    "unprintable_error": "raise ValueError('\\ud800 \\x1b[2J cleared')",
    "opens_every_file": "handles = [open('/dev/null') for _ in range(100000)]",
    "patches_torch_save": "import torch\ntorch.save = lambda *a, **k: None",
    "stops_itself": "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)",
}
HONEST = 50
HOSTILE = 50


def _hostile_students() -> dict[str, tuple[str, Answers]]:
    """name -> (exercise attacked, answers): each hostile cell goes into one exercise in turn."""
    base = reference_answers()
    kinds = itertools.cycle(sorted(HOSTILE_CELLS))
    targets = itertools.cycle(sorted(EXERCISES))
    students = {}
    for i in range(HOSTILE):
        kind, exercise = next(kinds), next(targets)
        students[f"hostile{i:02d}-{kind}"] = (exercise, {**base, exercise: HOSTILE_CELLS[kind]})
    return students


def test_hostile_submissions_cost_only_their_own_exercise(tmp_path_factory: pytest.TempPathFactory) -> None:
    settings = Settings(workers=2, enforce_rules=False, limits=replace(Limits(), wall_seconds=4.0, memory_bytes=512 * MiB))
    clean_root = tmp_path_factory.mktemp("clean")
    build_submissions(clean_root, {"honest": reference_answers()}, settings)
    clean = {r.assignment: r for r in grade([clean_root], settings)}

    hostile = _hostile_students()
    root = tmp_path_factory.mktemp("mixed")
    students = {f"honest{i:02d}": reference_answers() for i in range(HONEST)}
    students.update({name: answers for name, (_, answers) in hostile.items()})
    build_submissions(root, students, settings)
    results = grade([root], settings)

    assert len(results) == len(students) * len(ASSIGNMENTS)
    for result in results:
        expected = clean[result.assignment]
        assert result.status == "graded", result
        if result.student and result.student.startswith("honest"):
            assert [e.to_json() for e in result.exercises] == [e.to_json() for e in expected.exercises], result.student
            continue
        attacked, _ = hostile[result.student or ""]
        for exercise in result.exercises:
            if exercise.exercise == attacked:
                assert exercise.score < exercise.max_score, (result.student, exercise)
            else:
                assert exercise.to_json() == expected.exercise(exercise.exercise).to_json(), (result.student, exercise.exercise)
