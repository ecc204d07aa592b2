"""The parents' messages in the child's file (a fragment of registry's page, like care's
section): what the reader's `parent_messages` cell allows, the reply form for those who
answer, nothing for the others."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from shouhu.care.selectors.child import child_for_care
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.parents import forms
from shouhu.parents.selectors_staff import child_messages_for


@permission_required(Perm.CHILD_VIEW)
def child_messages_section(request, public_id):
    child = child_for_care(request.user, public_id)  # 404 outside the scope
    shown = child_messages_for(request.user, child=child, request=request)
    if shown is None or not shown.messages:
        return HttpResponse("")
    items = [
        (
            m,
            forms.reply_form_for(m, where="file")
            if shown.may_reply and m.replied_at is None
            else None,
        )
        for m in shown.messages
    ]
    return render(
        request,
        "parents/_child_messages.html",
        {
            "shown": shown,
            "items": items,
            "next": reverse("registry:child-detail", kwargs={"public_id": child.public_id}),
        },
    )
