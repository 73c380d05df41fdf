"""Self-service for every account: my account, change the password, reset it by e-mail.

Django's own views, with the app's Chinese templates (templates/registration) and the reset
mail sent through the outbox (``zones.forms.OutboxPasswordResetForm``). Included without a
namespace: Django's views redirect to these names."""

from django.contrib.auth import views as auth_views
from django.urls import path

from zones import views
from zones.forms import OutboxPasswordResetForm

urlpatterns = [
    path("", views.account, name="account"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
]
