from django.urls import path  # noqa: F401

from shouhu.welfare.views import aid as aid_views

app_name = "welfare"
urlpatterns: list = []

# --- aid (资助·救助) ---
urlpatterns += [
    path("aid/", aid_views.aid_list, name="aid-list"),
    path("aid/hints/", aid_views.aid_hints, name="aid-hints"),
    path("aid/notice/", aid_views.aid_notice, name="aid-notice"),
    path("aid/notice/pdf/", aid_views.aid_notice_pdf, name="aid-notice-pdf"),
    path("aid/home/", aid_views.home_aid, name="home-aid"),
    path("aid/<uuid:public_id>/", aid_views.aid_detail, name="aid-detail"),
    path("aid/<uuid:public_id>/evidence/", aid_views.aid_evidence, name="aid-evidence"),
    path(
        "aid/children/<uuid:public_id>/propose/",
        aid_views.aid_propose_view,
        name="aid-propose",
    ),
    path(
        "aid/children/<uuid:public_id>/section/",
        aid_views.child_aid_section,
        name="child-aid-section",
    ),
]
