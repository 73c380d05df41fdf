from django.urls import path

from progress import urls_sheets, views

app_name = "progress"

urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("review/", views.review, name="review"),
    path("plans/<id:plan_id>/units/<id:unit_id>/", views.plan_periods, name="plan_periods"),
    path("plans/<id:plan_id>/units/<id:unit_id>/periods/<str:period>/", views.period_form, name="period"),
    path("plans/<id:plan_id>/reopen/", views.reopen, name="reopen"),
    path("targets/<id:target_id>/", views.target_detail, name="target"),
    path("reports/<id:report_id>/correct/", views.correct, name="correct"),
]
urlpatterns += urls_sheets.urlpatterns  # the Excel round trip
