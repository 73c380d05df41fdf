from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("new/", views.import_new, name="new"),
    path("review/", views.import_review, name="review"),
    path("plans/<id:plan_id>/", views.plan_detail, name="plan"),
]
