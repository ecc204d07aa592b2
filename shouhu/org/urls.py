from django.urls import path

from shouhu.org import views

app_name = "org"
urlpatterns = [
    path("<slug:kind>/", views.record_list, name="list"),
    path("<slug:kind>/new/", views.record_edit, name="create"),
    path("<slug:kind>/<str:pk>/edit/", views.record_edit, name="edit"),
]
