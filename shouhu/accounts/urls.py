from django.contrib.auth import views as auth_views
from django.urls import path

from shouhu.accounts import security_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("security/", security_views.security, name="security"),
    path("two-factor/", security_views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/setup/", security_views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/off/", security_views.two_factor_off, name="two-factor-off"),
    path(
        "two-factor/recovery-codes/",
        security_views.recovery_codes_renew,
        name="recovery-codes-renew",
    ),
    path("users/", security_views.user_list, name="user-list"),
    path("users/<int:pk>/deactivate/", security_views.user_deactivate_view, name="user-deactivate"),
    path(
        "users/<int:pk>/two-factor-reset/",
        security_views.user_two_factor_reset_view,
        name="user-two-factor-reset",
    ),
]
