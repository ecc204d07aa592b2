from django.urls import path

from shouhu.reports import views, views_census_table

app_name = "reports"
urlpatterns = [
    path("census/", views.census, name="census"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/tables/", views.workbook, name="workbook"),
    path("reports/summary/", views.work_summary, name="summary"),
    path("reports/summary/docx/", views.work_summary_docx, name="summary-docx"),
    path("reports/summary/pdf/", views.work_summary_pdf, name="summary-pdf"),
    path("reports/assessment/", views.assessment, name="assessment"),
    # The register export and its census table (汇总表), beside the census import.
    path("children/census/export/", views_census_table.census_export_view, name="census-export"),
    path("children/census/summary/", views_census_table.census_table, name="census-table"),
]
