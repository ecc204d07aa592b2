from django.urls import path

from shouhu.notify import views

app_name = "notify"

urlpatterns = [
    path("settings/", views.preferences, name="preferences"),
    path("outbox/", views.outbox, name="outbox"),
]
