"""HTML pages from the Jinja2 templates in grader/templates/, every value escaped.

Autoescaping is on for every template, so text from a submission (student names, messages
quoting student code) can never become markup; no page is assembled from strings in Python.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

_ENVIRONMENT = Environment(
    loader=PackageLoader("grader", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,  # a misspelt field fails loudly instead of rendering empty
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["points"] = lambda value: f"{value:g}"


def render_page(template: str, **context: Any) -> str:
    return _ENVIRONMENT.get_template(template).render(**context)
