"""The people pages (zone administrators) and the new-zone page (superusers)."""

from django.urls import path

from zones import views

app_name = "zones"

urlpatterns = [
    path("", views.people_home, name="people_home"),
    path("new-zone/", views.zone_new, name="zone_new"),
    path("<id:zone_id>/", views.people, name="people"),
    path("<id:zone_id>/new/", views.person_new, name="person_new"),
    path("<id:zone_id>/units/", views.units, name="units"),
    path("<id:zone_id>/units/<id:unit_id>/", views.units, name="unit_edit"),
    path("<id:zone_id>/import/", views.people_import, name="people_import"),
    path("<id:zone_id>/import/template.xlsx", views.people_template, name="people_template"),
    path("<id:zone_id>/<id:user_id>/", views.person_edit, name="person_edit"),
    path("<id:zone_id>/<id:user_id>/active/", views.person_active, name="person_active"),
    path("<id:zone_id>/<id:user_id>/invite/", views.person_invite, name="person_invite"),
]
