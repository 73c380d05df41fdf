from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Progress reports")

    def ready(self) -> None:
        from progress import job_scope  # noqa: F401  (registers the job log's scope of plans and targets)
