from django.urls import path, register_converter

from supervision import views, views_instructions
from supervision.choices import NoticeStep


class NoticeStepConverter:
    """A step of a notice in a page's URL, named as the API names it (supervision.choices.NoticeStep)."""

    regex = "|".join(NoticeStep)

    def to_python(self, value: str) -> NoticeStep:
        return NoticeStep(value)

    def to_url(self, value: str) -> str:
        return NoticeStep(value).value


register_converter(NoticeStepConverter, "notice_step")

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<id:notice_id>/", views.notice_detail, name="notice"),
    path("notices/<id:notice_id>/<notice_step:step>/", views.notice_act, name="notice_act"),
    path("instructions/", views_instructions.instructions, name="instructions"),
    path("instructions/export.xlsx", views_instructions.instructions_export, name="instructions_xlsx"),
    path("instructions/new/", views_instructions.instruction_new, name="instruction_new"),
    path("instructions/<id:instruction_id>/", views_instructions.instruction_detail, name="instruction"),
    path(
        "instructions/<id:instruction_id>/answer/",
        views_instructions.instruction_answer_view,
        name="instruction_answer",
    ),
    path("instructions/<id:instruction_id>/read/", views_instructions.instruction_read, name="instruction_read"),
    path("ranking/", views.ranking, name="ranking"),
    path("ledger/", views.ledger_index, name="ledger"),
    path("ledger/<id:plan_id>/units/<id:unit_id>.xlsx", views.ledger_unit, name="ledger_unit"),
    path("ledger/<id:plan_id>/leaders/<id:user_id>.xlsx", views.ledger_leader, name="ledger_leader"),
    path("exports/", views.export_records, name="export_records"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<id:bulletin_id>/download/", views.bulletin_download, name="bulletin_download"),
    path("bulletins/<id:bulletin_id>/pdf/", views.bulletin_pdf, name="bulletin_pdf"),
]
