"""A throwaway nbgrader course around our notebooks: for the end-to-end test and the benchmark."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from grader.exercises import ASSIGNMENTS
from grader.fill import filled_notebook, write_submission

NBGRADER = Path(sys.executable).parent / "nbgrader"


def nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the nbgrader command line with this environment's bin on PATH (it runs `alembic`)."""
    env = {**os.environ, "PATH": f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(NBGRADER), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def make_course(
    root: Path, solutions_dir: Path, students: dict[str, dict[str, str]], assignments: Iterable[str] = ASSIGNMENTS
) -> Path:
    """source/ from our solutions, release/ by nbgrader, submitted/ filled with each student's answers
    (for the given assignments: all by default)."""
    assignments = list(assignments)
    shutil.copytree(solutions_dir, root / "source")
    (root / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "course"\n', encoding="utf-8")
    for assignment in assignments:
        nbgrader("generate_assignment", assignment, cwd=root)
    for student, answers in students.items():
        for assignment in assignments:
            write_submission(root / "submitted", student, assignment, filled_notebook(root / "release", assignment, answers))
    return root
