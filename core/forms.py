"""The base of the project's forms."""

from __future__ import annotations

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from core.text import validate_text


class CleanTextForm(forms.Form):
    """A form whose text fields refuse what no file format can carry (``core.text``).

    Every ``CharField`` (and subclass) gets ``validate_text`` in place of
    Django's NUL check, which it covers, so the user reads one message naming
    the character; the form keeps what was typed, as any refused field does.
    ``documents`` names fields that take a whole document (a plan to import):
    the form normalises those itself instead of refusing them.
    """

    documents: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
                if name not in self.documents:
                    field.validators.append(validate_text)
