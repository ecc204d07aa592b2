"""Login, logout and each user's home page."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from shouhu.accounts.forms import LoginForm
from shouhu.care.selectors import worklist_for
from shouhu.core.roles import Perm
from shouhu.org.selectors import term_current
from shouhu.org.units import user_scope_node
from shouhu.registry.selectors import child_count_for


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    """我的待办: who I am, what I owe now (the care worklist of my role), and where to go next."""
    user = request.user
    may_view = user.has_perm_to(Perm.CHILD_VIEW)
    return render(
        request,
        "accounts/home.html",
        {
            "scope": user_scope_node(user),
            "term": term_current(),
            "children_count": child_count_for(user) if may_view else None,
            "may_view": may_view,
            "may_register": user.has_perm_to(Perm.CHILD_EDIT),
            "may_census": user.has_perm_to(Perm.CENSUS_VIEW),
            "may_manage_org": user.has_perm_to(Perm.ORG_MANAGE),
            "worklist": worklist_for(user),
            "may_pair": user.has_perm_to(Perm.PAIRING_MANAGE),
            "may_oversee": user.has_perm_to(Perm.CARE_OVERSEE),
            "may_record": user.has_perm_to(Perm.CARE_RECORD),
            "may_set_quotas": user.has_perm_to(Perm.QUOTA_MANAGE),
        },
    )
