"""Text that came from a submission or a child, made safe for JSON, files and terminals.

Applied at the boundary, once: valid UTF-8 (lone surrogates replaced), no control
characters but newline and tab (no terminal escapes), and a length cap.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls (ESC starts terminal sequences) and the bidirectional overrides."""
DEFAULT_LIMIT = 2000


def clean(text: object, limit: int = DEFAULT_LIMIT) -> str:
    """``text`` as a string a student or an instructor can safely be shown."""
    value = text if isinstance(text, str) else str(text)
    if len(value) > limit:
        value = value[:limit] + " [... cut ...]"
    value = value.encode("utf-8", errors="replace").decode("utf-8")
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", value.replace("\r\n", "\n"))
