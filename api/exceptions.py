"""JSON errors of the API: 400 with field errors, 403, 404 for what the user
may not see, 409 for a stale version."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from progress.services import PeriodClosed, StaleVersion


def exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        return Response(
            {
                "detail": str(exc),
                "conflicts": [
                    {
                        "target": c.target_id,
                        "indicator": c.indicator,
                        "their_value": None if c.their_value is None else str(c.their_value),
                        "their_status": c.their_status,
                        "changed_by": c.changed_by,
                        "changed_at": c.changed_at.isoformat() if c.changed_at else None,
                        "version": c.version,
                    }
                    for c in exc.conflicts
                ],
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, PeriodClosed):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_handler(exc, context)
