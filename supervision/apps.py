from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # The boxes supervision puts on other apps' pages (core.panels).
        from supervision import panels  # noqa: F401
