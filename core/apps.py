from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core.params import IdConverter

        # Before any URLconf is imported: the apps' urls write <id:...> for ids.
        register_converter(IdConverter, "id")
