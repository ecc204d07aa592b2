from django.urls import path

from shouhu.registry import views, views_census_sheets

app_name = "registry"
urlpatterns = [
    path("", views.child_list, name="child-list"),
    path("new/", views.child_create, name="child-create"),
    path("<uuid:public_id>/", views.child_detail, name="child-detail"),
    path("<uuid:public_id>/edit/", views.child_edit, name="child-edit"),
    path("<uuid:public_id>/flags/<slug:flag>/", views.child_flag, name="child-flag"),
    path("<uuid:public_id>/contact-card.pdf", views.contact_card, name="contact-card"),
    path("contact-cards/", views.contact_cards, name="contact-cards"),
    path(
        "class/<int:class_id>/contact-cards.pdf",
        views.class_contact_cards,
        name="class-contact-cards",
    ),
    # The census in and out, the handover, transfers and leaving (issue 3).
    path("census/template.xlsx", views_census_sheets.census_template, name="census-template"),
    path("census/import/", views_census_sheets.census_import, name="census-import"),
    path(
        "census/import/<uuid:public_id>/",
        views_census_sheets.census_import_preview,
        name="census-import-preview",
    ),
    path(
        "census/import/<uuid:public_id>/confirm/",
        views_census_sheets.census_import_confirm,
        name="census-import-confirm",
    ),
    path(
        "census/import/<uuid:public_id>/errors.xlsx",
        views_census_sheets.census_import_errors,
        name="census-import-errors",
    ),
    path("handover/", views_census_sheets.handover, name="handover"),
    path(
        "handover/<uuid:public_id>/undo/",
        views_census_sheets.handover_undo_view,
        name="handover-undo",
    ),
    path("transfers/", views_census_sheets.transfers_out, name="transfers-out"),
    path(
        "transfers/<uuid:public_id>/",
        views_census_sheets.transfer_history,
        name="transfer-history",
    ),
    path("<uuid:public_id>/leave/", views_census_sheets.child_leave_view, name="child-leave"),
    path(
        "<uuid:public_id>/transfer/", views_census_sheets.child_transfer_view, name="child-transfer"
    ),
]
