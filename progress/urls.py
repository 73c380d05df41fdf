from django.urls import path

from progress import urls_attachments, urls_sheets, views, views_late, views_publish

app_name = "progress"

urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("review/", views.review, name="review"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("plans/<id:plan_id>/units/<id:unit_id>/", views.plan_periods, name="plan_periods"),
    path("plans/<id:plan_id>/units/<id:unit_id>/periods/<str:period>/", views.period_form, name="period"),
    path("plans/<id:plan_id>/units/<id:unit_id>/periods/<str:period>/draft/", views.period_draft, name="period_draft"),
    path(
        "plans/<id:plan_id>/units/<id:unit_id>/periods/<str:period>/late-request/",
        views_late.late_request_new,
        name="late_request_new",
    ),
    path("plans/<id:plan_id>/reopen/", views.reopen, name="reopen"),
    path("plans/<id:plan_id>/publish/", views_publish.plan_publish_page, name="publish"),
    path("late-requests/", views_late.late_requests, name="late_requests"),
    path("late-requests/<id:request_id>/", views_late.late_request_detail, name="late_request"),
    path("late-requests/<id:request_id>/decide/", views_late.late_request_decide, name="late_request_decide"),
    path("targets/<id:target_id>/", views.target_detail, name="target"),
    path("reports/<id:report_id>/correct/", views.correct, name="correct"),
]
urlpatterns += urls_sheets.urlpatterns  # the Excel round trip
urlpatterns += urls_attachments.urlpatterns  # evidence (佐证材料) on reports
