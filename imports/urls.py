from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("new/", views.import_new, name="new"),
    path("review/", views.import_review, name="review"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
]
