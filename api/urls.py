from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import contributions, instructions, late_requests, notices, views

router = DefaultRouter()
router.register("zones", views.ZoneViewSet, basename="zone")
router.register("units", views.UnitViewSet, basename="unit")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("targets", views.TargetViewSet, basename="target")
router.register("reports", views.ReportViewSet, basename="report")
router.register("results", views.ResultViewSet, basename="result")
router.register("flags", views.FlagViewSet, basename="flag")
router.register("notices", notices.NoticeViewSet, basename="notice")
router.register("instructions", instructions.InstructionViewSet, basename="instruction")
router.register("contributions", contributions.ContributionViewSet, basename="contribution")
router.register("late-report-requests", late_requests.LateReportRequestViewSet, basename="late-report-request")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/period-submissions/", views.PeriodSubmissionView.as_view(), name="period-submission"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]
