"""The base of the project's forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator

from core.text import validate_text

# Fields whose own checks refuse any control character too, with a message
# that does not name it: the character is refused first, and alone.
_STRICT_FIELDS = (forms.EmailField, forms.URLField, forms.SlugField)


def _text_first(clean):
    def checked(value):
        if isinstance(value, str):
            validate_text(value)
        return clean(value)

    return checked


class CleanTextMixin:
    """Makes a form's text fields refuse what no file format can carry (``core.text``).

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
            if not isinstance(field, forms.CharField):
                continue
            field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
            if name in self.documents:
                continue
            if isinstance(field, _STRICT_FIELDS):
                field.clean = _text_first(field.clean)
            else:
                field.validators.append(validate_text)


class CleanTextForm(CleanTextMixin, forms.Form):
    """The base of the project's forms (a ModelForm takes ``CleanTextMixin`` itself)."""


class LoginForm(CleanTextMixin, AuthenticationForm):
    """The login form, refusing a name longer than any account's before it is
    tried: Django's form only sets the field's HTML maxlength, so a longer name
    reached the login throttle's records (whose column is shorter) as an attempt."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
