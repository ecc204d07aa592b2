from django.urls import path  # noqa: F401

app_name = "welfare"
urlpatterns: list = []

# Health and safety (welfare-health)
from shouhu.welfare.views import health as health_views  # noqa: E402
from shouhu.welfare.views import safety as safety_views  # noqa: E402

urlpatterns += [
    path("classes/<int:class_id>/health/", health_views.class_sheet, name="health-sheet"),
    path(
        "classes/<int:class_id>/health/import/",
        health_views.class_sheet_import,
        name="health-import",
    ),
    path("health/template.xlsx", health_views.health_template, name="health-template"),
    path(
        "children/<uuid:public_id>/health/", health_views.child_section, name="child-health-section"
    ),
    path(
        "children/<uuid:public_id>/health/check/",
        health_views.check_create,
        name="health-check-create",
    ),
    path(
        "children/<uuid:public_id>/health/condition/",
        health_views.condition_create,
        name="health-condition-create",
    ),
    path(
        "health/checks/<uuid:public_id>/done/",
        health_views.follow_up_done,
        name="health-follow-up-done",
    ),
    path("home/health/", health_views.home_health, name="home-health"),
    path("incidents/", safety_views.incident_list, name="incident-list"),
    path(
        "children/<uuid:public_id>/incidents/new/",
        safety_views.incident_create,
        name="incident-create",
    ),
    path("incidents/<uuid:public_id>/", safety_views.incident_detail, name="incident-detail"),
    path(
        "incidents/<uuid:public_id>/notice/", safety_views.incident_notice, name="incident-notice"
    ),
    path(
        "incidents/<uuid:public_id>/follow-up/",
        safety_views.incident_follow_up,
        name="incident-follow-up",
    ),
    path("classes/<int:class_id>/contact-chain/", safety_views.class_chain, name="class-chain"),
    path("lectures/", safety_views.lecture_list, name="lecture-list"),
    path("lectures/new/", safety_views.lecture_create, name="lecture-create"),
    path("lectures/quota/", safety_views.lecture_quota, name="lecture-quota"),
]
