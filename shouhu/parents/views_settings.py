"""The region's switch for parents' messages (家长留言回复是否计入与家长通话), a fragment of
care's quota settings page (关爱要求设置): read at a region or school, set at a region."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.models import Region, School
from shouhu.org.units import node_code, page_node
from shouhu.parents import forms
from shouhu.parents.reply_counting import (
    reply_count_history,
    reply_count_rule_at,
    reply_count_set,
)


@permission_required(Perm.QUOTA_MANAGE)
@require_http_methods(["GET", "POST"])
def reply_setting(request):
    node = page_node(request, classes=False)
    if not isinstance(node, (Region, School)):
        raise Http404
    region = node if isinstance(node, Region) else None
    form = forms.ReplyCountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if region is None:
            raise Http404
        if form.is_valid():
            reply_count_set(
                actor=request.user,
                region=region,
                counts=form.cleaned_data["counts"] == "yes",
                request=request,
            )
            messages.success(request, _("已保存家长留言的计入设置。"))
        else:
            messages.error(request, _("请选择是否计入。"))
        return redirect(f"{reverse('care:quotas')}?scope={node_code(node)}")
    rule = reply_count_rule_at(node)
    if not form.is_bound:
        form = forms.ReplyCountForm(initial={"counts": "yes" if rule.counts else "no"})
    return render(
        request,
        "parents/_reply_setting.html",
        {
            "rule": rule,
            "form": form if region is not None else None,
            "code": node_code(node),
            "history": reply_count_history(region) if region is not None else [],
        },
    )
