from django.urls import path, re_path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    re_path(
        r"^notices/(?P<notice_id>[0-9]+)/(?P<action>answer|extension|grant|refuse|close)/$",
        views.notice_act,
        name="notice_act",
    ),
    path("ranking/", views.ranking, name="ranking"),
    path("ledger/", views.ledger_index, name="ledger"),
    path("ledger/<int:plan_id>/units/<int:unit_id>.xlsx", views.ledger_unit, name="ledger_unit"),
    path("ledger/<int:plan_id>/leaders/<int:user_id>.xlsx", views.ledger_leader, name="ledger_leader"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<int:bulletin_id>/download/", views.bulletin_download, name="bulletin_download"),
]
