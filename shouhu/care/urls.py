from django.urls import path

from shouhu.care import views
from shouhu.care.offline import views as offline_views

app_name = "care"
urlpatterns = [
    path("actions/new/", views.action_create, name="action-create"),
    path("children/<uuid:public_id>/", views.child_care, name="child-care"),
    path("children/<uuid:public_id>/section/", views.child_care_section, name="child-care-section"),
    path("children/<uuid:public_id>/record/", views.action_create, name="child-action-create"),
    path("children/<uuid:public_id>/signal/", views.observation_create, name="observation-create"),
    path("children/<uuid:public_id>/exemption/", views.exemption_create, name="exemption-create"),
    path("pairings/", views.pairing_classes, name="pairing-classes"),
    path("classes/<int:class_id>/pairings/", views.class_pairings, name="class-pairings"),
    path("coverage/", views.coverage, name="coverage"),
    path("compliance/", views.compliance, name="compliance"),
    path("quotas/", views.quotas, name="quotas"),
    # Offline capture (issue 19): the offline page, the phone's copy, the outbox's upload.
    path("offline/", offline_views.offline_page, name="offline"),
    path("offline/sync/", offline_views.offline_sync, name="offline-sync"),
    path("offline/upload/", offline_views.offline_upload, name="offline-upload"),
]
