from django.urls import path

from donghanh.reports.views import exports, report, targets

app_name = "reports"
urlpatterns = [
    # A unit's report for a period, and the people behind one of its figures.
    path("", report.report, name="report"),
    path("trend/", report.report_trend, name="trend"),
    path("people/", report.people, name="people"),
    path("dashboard/", report.dashboard_panel, name="dashboard"),
    # The files officials send upward, made in the background: asked for, their progress, the file.
    path("export.xlsx", exports.report_xlsx, name="xlsx"),
    path("export.pdf", exports.report_pdf, name="pdf"),
    path("exports/<int:pk>/", exports.export_job, name="export_job"),
    path("exports/<int:pk>/file/", exports.export_download, name="export_download"),
    # Targets.
    path("targets/", targets.target_list, name="targets"),
    path("targets/new/", targets.target_create, name="target_create"),
    path("targets/<int:pk>/edit/", targets.target_edit, name="target_edit"),
]
