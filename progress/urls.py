from django.urls import include, path

from progress import views

app_name = "progress"

urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("review/", views.review, name="review"),
    path("plans/<int:plan_id>/units/<int:unit_id>/", views.plan_periods, name="plan_periods"),
    path("plans/<int:plan_id>/units/<int:unit_id>/periods/<str:period>/", views.period_form, name="period"),
    path("plans/<int:plan_id>/reopen/", views.reopen, name="reopen"),
    path("targets/<int:target_id>/", views.target_detail, name="target"),
    path("reports/<int:report_id>/correct/", views.correct, name="correct"),
]

try:  # the Excel round trip lives in its own module
    from progress import urls_sheets

    urlpatterns += [path("", include(urls_sheets.urlpatterns))]
except ImportError:  # pragma: no cover - during its development only
    pass
