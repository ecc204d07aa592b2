from django.urls import path

from shouhu.parents import views, views_booking, views_settings, views_staff

app_name = "parents"
urlpatterns = [
    path("", views.home, name="home"),
    path("easy/", views.easy, name="easy"),
    path("login/", views.login, name="login"),
    path("login/code/", views.code, name="code"),
    path("logout/", views.logout, name="logout"),
    path("children/<uuid:public_id>/", views.child, name="child"),
    path("children/<uuid:public_id>/message/", views.message, name="message"),
    path("children/<uuid:public_id>/agreement/", views.agreement, name="agreement"),
    path("children/<uuid:public_id>/request/", views.data_request, name="request"),
    path("photos/<uuid:public_id>/", views.photo, name="photo"),
    path("phone/", views.phone, name="phone"),
    # The teachers' side: parents' messages on 我的待办, and the reply.
    path("staff/messages/", views.home_messages, name="home-messages"),
    path("staff/messages/<uuid:public_id>/reply/", views.message_reply, name="message-reply"),
    # Family video calls at the Home (亲情视频, issue 19).
    path("children/<uuid:public_id>/video/", views_booking.video, name="video"),
    path(
        "children/<uuid:public_id>/video/<uuid:booking_id>/cancel/",
        views_booking.video_cancel,
        name="video-cancel",
    ),
    # The parents' messages in the child's file (registry's page fetches it).
    path(
        "staff/children/<uuid:public_id>/messages/",
        views_staff.child_messages_section,
        name="child-messages-section",
    ),
    # The region's switch: do replies to parents count toward 与家长通话 (care's quota page).
    path("staff/reply-setting/", views_settings.reply_setting, name="reply-setting"),
]
