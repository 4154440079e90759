"""The MNIST figures of 04_training: the reference answers train the reference SimpleMLP.

Runs, in this process, what a student's notebook runs once every exercise is right: the
reference answers of 04_training (CrossEntropyLoss, SGD, train_epoch, fit) and of
01_modules (ReLU, Linear, SimpleMLP, assembled as the grader assembles `fit`), then the
notebook's own MNIST cells: its loader, its split (the first 8,000 digits of MNIST's test
set to train on, the last 2,000 held out) and its training cell, whose last line gives the
held-out accuracy and the seconds of training. Needs the MNIST files (data/README.md).
Usage: python bench/mnist.py
"""

from __future__ import annotations

import time

from grader.assemble import assemble, earlier_references
from grader.config import Settings
from grader.references import instructor_cells, reference_answer

ASSIGNMENT = "04_training"
MNIST_CELLS = ("mnist_loader", "mnist_data", "mnist_training")


def main() -> int:
    solutions = Settings().solutions_dir
    cells = instructor_cells(solutions, ASSIGNMENT)
    program = assemble("fit", cells, reference_answer(solutions, ASSIGNMENT, "fit"), earlier_references(solutions, "fit"))
    namespace: dict[str, object] = {"__name__": "__main__"}
    for chunk in program.chunks:
        exec(compile(chunk.source, f"<{chunk.label}>", "exec"), namespace)
    started = time.perf_counter()
    for cell in cells:
        if cell.grade_id in MNIST_CELLS:
            exec(compile(cell.source, f"<cell {cell.grade_id}>", "exec"), namespace)
    print(f"04_training on MNIST: {time.perf_counter() - started:.1f} s in all, loading included")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
