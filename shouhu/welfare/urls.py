from django.urls import path  # noqa: F401

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
