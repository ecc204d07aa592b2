"""The project's own URLs that belong to no app: the monitor's /healthz."""

from django.urls import path

from shouhu.core.healthz import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
]
