"""Schema post-processing: document the error responses every operation can give.

Declaring them once here keeps each view's schema about its own payloads
while the contract (400 field errors, 401/403, 404 for what the user may not
see, 409 for a stale version) holds for all.
"""

from __future__ import annotations

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
CONFLICT = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "conflicts": {"type": "array", "items": {"type": "object"}}},
    "required": ["detail", "conflicts"],
}
DESCRIPTIONS = {
    "400": "Invalid input: field errors, or a closed period",
    "401": "Not authenticated",
    "403": "Not allowed for this user's role or unit",
    "404": "Not found, or not visible to this user",
    "405": "Method not allowed",
    "409": "Changed by someone else since the given version",
    "414": "Request line too long (refused by the web server)",
}


def _response(code: str, schema: dict) -> dict:
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


def add_error_responses(result, generator, request, public):
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            codes = ["401", "403", "404", "405", "414"]
            if method in ("post", "put", "patch") or "{id}" in path or "parameters" in operation:
                codes.append("400")
            for code in codes:
                responses.setdefault(code, _response(code, ERROR))
            writes_reports = method in ("post", "put", "patch") and path.startswith("/api/v1/reports")
            if writes_reports or "period-submissions" in path:
                responses.setdefault("409", _response("409", CONFLICT))
    return result
