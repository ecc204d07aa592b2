from django.urls import path  # noqa: F401

from shouhu.welfare.views import aid as aid_views
from shouhu.welfare.views import guardianship

app_name = "welfare"
urlpatterns: list = []

# --- guardianship (监护): agreements, training, commendations, 无户籍 ---
urlpatterns += [
    path("guardianship/", guardianship.agreements, name="guardianship-agreements"),
    path(
        "guardianship/children/<uuid:public_id>/",
        guardianship.child_guardianship,
        name="guardianship-child",
    ),
    path(
        "guardianship/children/<uuid:public_id>/section/",
        guardianship.child_guardianship_section,
        name="guardianship-section",
    ),
    path(
        "guardianship/children/<uuid:public_id>/agreement/",
        guardianship.agreement_create,
        name="agreement-create",
    ),
    path(
        "guardianship/children/<uuid:public_id>/commend/",
        guardianship.commendation_create,
        name="commendation-create",
    ),
    path(
        "guardianship/children/<uuid:public_id>/hukou/",
        guardianship.hukou_report,
        name="hukou-report",
    ),
    path(
        "guardianship/agreements/<uuid:public_id>/sign/",
        guardianship.agreement_sign_view,
        name="agreement-sign",
    ),
    path(
        "guardianship/agreements/<uuid:public_id>/docx/",
        guardianship.agreement_docx_view,
        name="agreement-docx",
    ),
    path(
        "guardianship/agreements/<uuid:public_id>/pdf/",
        guardianship.agreement_pdf_view,
        name="agreement-pdf",
    ),
    path(
        "guardianship/agreements/<uuid:public_id>/scan/",
        guardianship.agreement_scan,
        name="agreement-scan",
    ),
    path(
        "guardianship/classes/<int:class_id>/agreements.pdf",
        guardianship.class_agreements_pdf,
        name="class-agreements-pdf",
    ),
    path("guardianship/training/", guardianship.training, name="training"),
    path(
        "guardianship/training/<uuid:public_id>/",
        guardianship.training_session,
        name="training-session",
    ),
    path("guardianship/commendations/", guardianship.commendations, name="commendations"),
    path("guardianship/hukou/", guardianship.hukou, name="hukou"),
    path(
        "guardianship/hukou/<uuid:public_id>/registered/",
        guardianship.hukou_registered,
        name="hukou-registered",
    ),
    path("home/guardianship/", guardianship.home_guardianship, name="home-guardianship"),
]
# --- aid (资助·救助) ---
urlpatterns += [
    path("aid/", aid_views.aid_list, name="aid-list"),
    path("aid/hints/", aid_views.aid_hints, name="aid-hints"),
    path("aid/notice/", aid_views.aid_notice, name="aid-notice"),
    path("aid/notice/pdf/", aid_views.aid_notice_pdf, name="aid-notice-pdf"),
    path("aid/notice/docx/", aid_views.aid_notice_docx, name="aid-notice-docx"),
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
