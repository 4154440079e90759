"""Which IPython cell magics only run their body (timing, capturing or profiling it).

One fact for both sides: the parent unwraps them so that the body is checked and run as the
answer (``grader.assemble.as_python``), and the child's stand-in for IPython runs their body
when a given cell uses one (``grader.sandbox.harness``). Every other cell magic does nothing
in the child, and in an answer cell breaks the rules.
"""

BODY_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
