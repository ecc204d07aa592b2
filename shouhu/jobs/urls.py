from django.urls import path

from shouhu.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.run_list, name="run-list"),
    path("<uuid:public_id>/retry/", views.run_retry, name="run-retry"),
    path("exports/", views.export_list, name="export-list"),
    path("exports/<uuid:public_id>/", views.export_status, name="export-status"),
    path("exports/<uuid:public_id>/file/", views.export_file, name="export-file"),
]
