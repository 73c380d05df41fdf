"""The API's JSON parser: a body nested deeper than any payload of this API
is a 400 that says so.

DRF's JSONParser hands the body to ``json.loads``, whose decoder recurses
once per level: 5,000 nested objects raise RecursionError, which DRF does not
catch (a 500). This parser turns it into a ParseError, and refuses a body that
decodes but is nested deeper than MAX_DEPTH, so no serializer or service
walks such a structure. The deepest payload the API reads is three levels (a
period submission: an object, its ``rows``, each row).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def too_deep(data: Any, *, limit: int = MAX_DEPTH) -> bool:
    """Whether objects and arrays in ``data`` nest more than ``limit`` levels
    (the top-level object or array is level 1). Iterative, so it cannot
    itself run out of stack."""
    stack = [(data, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if level > limit:
            return True
        stack.extend((child, level + 1) for child in children)
    return False


def _refusal() -> ParseError:
    return ParseError(_("The JSON body is nested too deeply (more than %(n)d levels).") % {"n": MAX_DEPTH})


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser with a bound on nesting (see the module's docstring)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _refusal() from None
        if too_deep(data):
            raise _refusal()
        return data
