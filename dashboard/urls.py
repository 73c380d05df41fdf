from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.my_tasks, name="mine"),
    path("plans/<id:plan_id>/", views.plan_dashboard, name="plan"),
    path("plans/<id:plan_id>/tree/", views.plan_tree, name="tree"),
    path("regions/<id:region_id>/", views.region, name="region"),
]
