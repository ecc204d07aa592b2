"""Login and logout (the home page, 我的待办, is care's: `care.views.home`)."""

from django.contrib.auth import views as auth_views

from shouhu.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Logout also wipes what the browser keeps of the site (issue 19, docs/offline.md): the
    phone's copy of the worklist and the outbox in IndexedDB, and the service worker's cache.
    The page's script wipes them first; the header is for a browser whose script did not run."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
