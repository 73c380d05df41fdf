from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core.forms import LoginForm
from home import notification_settings
from home import views as home_views

admin.site.site_header = _("Taizhang administration")
admin.site.site_title = _("Taizhang")
admin.site.index_title = _("Plans, targets and reports")

urlpatterns = [
    path("", home_views.home, name="home"),
    path("notifications/", home_views.notifications, name="notifications"),
    path("notifications/<id:notification_id>/", home_views.notification_open, name="notification_open"),
    path("notifications/settings/", notification_settings.channels, name="notification_settings"),
    path("notifications/zones/<id:zone_id>/robots/", notification_settings.zone_webhooks, name="zone_webhooks"),
    path(
        "notifications/zones/<id:zone_id>/robots/<id:webhook_id>/",
        notification_settings.zone_webhook_edit,
        name="zone_webhook_edit",
    ),
    path(
        "notifications/zones/<id:zone_id>/robots/<id:webhook_id>/delete/",
        notification_settings.zone_webhook_delete,
        name="zone_webhook_delete",
    ),
    path("progress/", include("progress.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("supervision/", include("supervision.urls")),
    path("imports/", include("imports.urls")),
    path("plans/", include("targets.urls")),  # a plan's assignment page
    path("plans/", include("progress.urls_last_year")),  # a plan's last-year figures
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Where the password e-mail's link leads (zones.invitations).
    path(
        "accounts/password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/", include("zones.account_urls")),
    path("people/", include("zones.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
