from django.urls import path  # noqa: F401

from shouhu.activities.views import events as event_views
from shouhu.activities.views import groups as group_views
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
# Events (活动), photo consent and interest groups (兴趣小组).
urlpatterns += [
    path("events/", event_views.event_list, name="event-list"),
    path("events/new/", event_views.event_create, name="event-create"),
    path("events/<uuid:public_id>/", event_views.event_detail, name="event-detail"),
    path("photos/<uuid:public_id>/", event_views.event_photo, name="event-photo"),
    path(
        "children/<uuid:public_id>/section/",
        event_views.child_activities_section,
        name="child-activities-section",
    ),
    path("children/<uuid:public_id>/consent/", event_views.photo_consent, name="photo-consent"),
    path("home/events/", event_views.home_events, name="home-events"),
    path("groups/", group_views.group_list, name="group-list"),
    path("groups/new/", group_views.group_create_view, name="group-create"),
    path("groups/<uuid:public_id>/", group_views.group_detail, name="group-detail"),
    path("groups/<uuid:public_id>/session/", group_views.group_session, name="group-session"),
    path("classes/<int:class_id>/groups/", group_views.group_class_sheet, name="group-class-sheet"),
]
# Family video calls booked by parents (亲情视频, issue 19).
from shouhu.activities.views import booking as booking_views  # noqa: E402

urlpatterns += [
    path("home/<int:home_id>/slots/", booking_views.home_slots, name="home-slots"),
    path("home/<int:home_id>/bookings/", booking_views.home_bookings, name="home-bookings"),
    path(
        "home/<int:home_id>/bookings/<uuid:public_id>/mark/",
        booking_views.home_booking_mark,
        name="home-booking-mark",
    ),
]
