from django.urls import path  # noqa: F401

from shouhu.activities.views import events as event_views
from shouhu.activities.views import groups as group_views

app_name = "activities"
urlpatterns: list = []

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
