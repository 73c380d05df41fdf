from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The page a user lands on: it gathers what each app has for them, so it
    sits at the top, beside the API, and the apps below know nothing of it."""

    name = "home"
    verbose_name = _("Home")
