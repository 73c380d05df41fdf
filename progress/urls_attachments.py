"""URLs of evidence (佐证材料) on reports, included by the progress app's URLs (namespace
``progress``) under ``progress/``."""

from django.urls import path

from progress import views_attachments

urlpatterns = [
    path(
        "plans/<id:plan_id>/units/<id:unit_id>/periods/<str:period>/targets/<id:target_id>/attachments/",
        views_attachments.attachment_upload,
        name="attachment_upload",
    ),
    path("attachments/<id:attachment_id>/", views_attachments.attachment_download, name="attachment"),
    path("attachments/<id:attachment_id>/remove/", views_attachments.attachment_delete, name="attachment_remove"),
]
