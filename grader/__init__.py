"""Out-of-kernel autograder for the nn.Module workbook.

Student code runs only in child processes; verdicts are made in this process from the
observations those children write (see ``grader.api`` for the stage order).
"""

import sys as _sys

# jsonschema (through nbformat) imports rfc3987_syntax when it is installed, only to check the
# "iri" string format, which no notebook schema uses; building its grammar takes about 2 s,
# most of a small batch's start-up. Marking it absent makes jsonschema skip that one format.
_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
