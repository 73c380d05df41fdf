from django.urls import path

from targets import views

app_name = "targets"

urlpatterns = [
    path("<id:plan_id>/assignment/", views.plan_assign, name="assign"),
]
