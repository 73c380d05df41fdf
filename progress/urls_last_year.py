"""URLs of a plan's page of last year's figures (namespace ``last_year``), under ``plans/``
beside the plan's assignment page."""

from django.urls import path

from progress import views_last_year

app_name = "last_year"

urlpatterns = [
    path("<id:plan_id>/last-year/", views_last_year.last_year, name="page"),
    path("<id:plan_id>/last-year/sheet.xlsx", views_last_year.last_year_sheet, name="sheet"),
    path("<id:plan_id>/last-year/upload/", views_last_year.last_year_upload, name="upload"),
    path("<id:plan_id>/last-year/confirm/", views_last_year.last_year_confirm, name="confirm"),
]
