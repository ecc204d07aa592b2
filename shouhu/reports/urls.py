from django.urls import path

from shouhu.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.census, name="census"),
]
