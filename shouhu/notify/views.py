"""消息通知: a staff member's own settings (from 账号安全), and the administrator's outbox."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.notify.forms import PreferenceForm
from shouhu.notify.selectors import outbox_for, preference_page_for
from shouhu.notify.services import preference_set


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    page = preference_page_for(request.user)
    initial = {"channel": page.preference.channel, "digest": page.preference.digest}
    form = PreferenceForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        preference_set(
            actor=request.user,
            user=request.user,
            channel=form.cleaned_data["channel"],
            digest=form.cleaned_data["digest"],
            request=request,
        )
        messages.success(request, _("消息通知设置已保存。"))
        return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"page": page, "form": form})


@permission_required(Perm.JOBS_VIEW)
def outbox(request):
    return render(request, "notify/outbox.html", {"outbox": outbox_for(request.user)})
