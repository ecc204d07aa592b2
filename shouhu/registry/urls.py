from django.urls import path

from shouhu.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.child_list, name="child-list"),
    path("new/", views.child_create, name="child-create"),
    path("<uuid:public_id>/", views.child_detail, name="child-detail"),
    path("<uuid:public_id>/edit/", views.child_edit, name="child-edit"),
    path("<uuid:public_id>/contact-card.pdf", views.contact_card, name="contact-card"),
    path(
        "class/<int:class_id>/contact-cards.pdf",
        views.class_contact_cards,
        name="class-contact-cards",
    ),
]
