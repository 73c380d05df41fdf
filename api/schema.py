"""Schema post-processing: document the error responses every operation can give.

Declaring them once here keeps each view's schema about its own payloads
while the contract (400 field errors, 401/403, 404 for what the user may not
see, 409 for a stale version or a state that does not allow the step) holds
for all. A view may describe a code in its own words; the body's schema is
added here.
"""

from __future__ import annotations

import re

from api.serializers import NOT_BLANK, NOTHING_TO_SAVE_FIELDS

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
CONFLICT = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "conflicts": {
            "type": "array",
            "description": "With a stale version: each report changed meanwhile.",
            "items": {"type": "object"},
        },
        "state": {"type": "string", "description": "With a step the state does not allow: the state now."},
        "status": {"type": "string", "description": "With a report that cannot be reviewed: its status now."},
        "skipped": {"type": "array", "items": {"type": "integer"}},
    },
    "required": ["detail"],
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "Invalid input: field errors, or a closed period",
    "401": "Not authenticated",
    "403": "Not allowed for this user's role or unit",
    "404": "Not found, or not visible to this user",
    "405": "Method not allowed",
    "409": "Changed by someone else since the given version, or a state that does not allow this step",
    "414": "Request line too long (refused by the web server)",
}
# Writes that can meet a stale version or an object in the wrong state.
CONFLICTING = re.compile(r"^/api/v1/(reports/|period-submissions/|notices/|late-report-requests/)")


def ecma(pattern: str) -> str:
    """A Python pattern of api.serializers in the schema's dialect."""
    return pattern.replace(r"\x", r"\u00").replace(r"\Z", "$")


def something_to_save() -> dict:
    """A new draft needs a figure or some text (ReportCreateSerializer.validate)."""
    branches = [{"required": ["value"], "properties": {"value": {"type": "string", "minLength": 1}}}]
    branches += [
        {"required": [name], "properties": {name: {"type": "string", "pattern": ecma(NOT_BLANK)}}}
        for name in NOTHING_TO_SAVE_FIELDS
        if name != "value"
    ]
    return {"anyOf": branches}


def _response(code: str, schema: dict, description: str | None = None) -> dict:
    return {
        "description": description or DESCRIPTIONS[code],
        "content": {"application/json": {"schema": schema}},
    }


def add_error_responses(result, generator, request, public):
    create = result.get("components", {}).get("schemas", {}).get("ReportCreate")
    if create is not None:
        create.update(something_to_save())
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            codes = ["401", "403", "404", "405", "414"]
            if method in ("post", "put", "patch") or "{id}" in path or "parameters" in operation:
                codes.append("400")
            if method in ("post", "put", "patch") and CONFLICTING.match(path):
                codes.append("409")
            for code in codes:
                schema = CONFLICT if code == "409" else ERROR
                given = responses.get(code)
                if given is None:
                    responses[code] = _response(code, schema)
                elif "content" not in given:
                    responses[code] = _response(code, schema, given.get("description"))
    return result
