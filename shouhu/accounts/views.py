"""Login and logout (the home page, 我的待办, is care's: `care.views.home`)."""

from django.contrib.auth import views as auth_views

from shouhu.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
