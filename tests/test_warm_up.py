"""A fork server prepared as for a batch leaves its children nothing to import.

An import in a child is paid by every job (an optimizer's first step alone imports half a
second of torch), so the server imports what the given cells import and runs each
exercise's warm-up before its first job of it. Here, for every exercise, a process warmed
exactly as a fork server is (``warm_up`` at start, then ``Server.prepare`` for this exercise
alone) runs the reference answer's job, and reports the modules that job had to import.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from grader.config import PROJECT_ROOT
from grader.exercises import EXERCISES

SCRIPT = textwrap.dedent("""
    import contextlib, io, json, os, sys, tempfile
    from grader.sandbox import zygote
    from grader.sandbox.harness import run_program, warm_up
    from grader.assemble import assemble, earlier_references
    from grader.config import Settings
    from grader.exercises import EXERCISES
    from grader.references import instructor_cells, reference_answer

    settings = Settings()
    server = zygote.Server({"limits": settings.limits.to_json(), "scratch": tempfile.mkdtemp(), "keep_bytes": 1000})
    warm_up()
    imported = {}
    for exercise in EXERCISES.values():
        cells = instructor_cells(settings.solutions_dir, exercise.assignment)
        answer = reference_answer(settings.solutions_dir, exercise.assignment, exercise.id)
        program = assemble(exercise.id, cells, answer, earlier_references(settings.solutions_dir, exercise.id)).with_seed(7).to_json()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # each exercise from the server's state at start, as its first job would find it
            server.prepare(program)
            before = set(sys.modules)
            with contextlib.redirect_stdout(io.StringIO()):
                run_program(program)
            os.write(write, json.dumps(sorted(set(sys.modules) - before)).encode())
            os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        with os.fdopen(read) as report:
            imported[exercise.id] = json.loads(report.read())
    print(json.dumps(imported))
""")


def test_a_reference_job_imports_nothing_in_a_prepared_server() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    imported = json.loads(done.stdout.splitlines()[-1])
    assert set(imported) == set(EXERCISES)
    assert {exercise: modules for exercise, modules in imported.items() if modules} == {}
