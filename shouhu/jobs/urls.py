from django.urls import path

from shouhu.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.run_list, name="run-list"),
    path("<uuid:public_id>/retry/", views.run_retry, name="run-retry"),
]
