from django.urls import path

from shouhu.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("access-log/", views.access_log, name="access-log"),
    path("unusual/", views.unusual, name="unusual"),
    path("grants/", views.grants, name="grants"),
    path("requests/", views.requests, name="requests"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request-detail"),
    path("report.pdf", views.report, name="report"),
    path("reveal/<uuid:public_id>/<slug:target>/", views.reveal, name="reveal"),
]
