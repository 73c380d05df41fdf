"""URLs of the period sheet round trip, included by the progress app's URLs
(namespace ``progress``) under ``progress/``."""

from django.urls import path

from progress import views_sheets

_PERIOD = "plans/<int:plan_id>/units/<int:unit_id>/periods/<str:period>/"

urlpatterns = [
    path(f"{_PERIOD}sheet.xlsx", views_sheets.period_sheet_download, name="sheet_download"),
    path(f"{_PERIOD}sheet/upload/", views_sheets.period_sheet_upload, name="sheet_upload"),
    path(f"{_PERIOD}sheet/confirm/", views_sheets.period_sheet_confirm, name="sheet_confirm"),
]
