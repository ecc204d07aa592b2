from django.urls import path  # noqa: F401

from shouhu.activities.views import home as home_views
from shouhu.activities.views import reading as reading_views

app_name = "activities"
urlpatterns: list = []

# --- the Home, reading and awards (act-home) ---
urlpatterns += [
    path("home/", home_views.home_index, name="home-index"),
    path("home/setup/", home_views.home_setup, name="home-setup"),
    path("home/settings/", home_views.home_settings, name="home-settings"),
    path("home/duty/", home_views.home_duty, name="home-duty"),
    path("home/<int:home_id>/", home_views.home_detail, name="home-detail"),
    path("home/<int:home_id>/day/", home_views.home_day, name="home-day"),
    path("home/<int:home_id>/call/", home_views.home_call, name="home-call"),
    path("home/<int:home_id>/roster/<int:duty_id>/swap/", home_views.home_swap, name="home-swap"),
    path("reading/", reading_views.reading_sheet, name="reading-sheet"),
    path("reading/figures/", reading_views.reading_figures, name="reading-figures"),
    path(
        "reading/children/<uuid:public_id>/",
        reading_views.reading_child,
        name="reading-child",
    ),
    path("reading/<uuid:public_id>/photo/", reading_views.reading_photo, name="reading-photo"),
    path(
        "children/<uuid:public_id>/home-section/",
        reading_views.child_home_section,
        name="child-home-section",
    ),
]
