from django.urls import path

from shouhu.accounts import manage_views, security_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("security/", security_views.security, name="security"),
    path("password/", security_views.password_change_view, name="password-change"),
    path("two-factor/", security_views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/setup/", security_views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/off/", security_views.two_factor_off, name="two-factor-off"),
    path(
        "two-factor/recovery-codes/",
        security_views.recovery_codes_renew,
        name="recovery-codes-renew",
    ),
    path("users/", manage_views.user_list, name="user-list"),
    path("users/new/", manage_views.user_create_view, name="user-create"),
    path("users/<int:pk>/", manage_views.user_edit_view, name="user-edit"),
    path(
        "users/<int:pk>/deactivate/",
        manage_views.user_action_view,
        {"action": "deactivate"},
        name="user-deactivate",
    ),
    path(
        "users/<int:pk>/reactivate/",
        manage_views.user_action_view,
        {"action": "reactivate"},
        name="user-reactivate",
    ),
    path(
        "users/<int:pk>/password-reset/",
        manage_views.user_password_reset_view,
        name="user-password-reset",
    ),
    path(
        "users/<int:pk>/two-factor-reset/",
        manage_views.user_action_view,
        {"action": "two-factor-reset"},
        name="user-two-factor-reset",
    ),
]
