"""The parents' pages (家长端) and the teachers' side of parents' messages. A parents' page is
one step from its URL: the parent's session (`parent_required`), one selector, the access log,
render. A child not the parent's is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.files.services import attachment_response
from shouhu.parents import forms
from shouhu.parents.selectors import (
    agreement_for,
    child_page_for,
    home_for,
    message_for_reply,
    parent_child,
    photo_for,
    unanswered_messages_for,
)
from shouhu.parents.services import (
    agreement_confirm,
    code_send,
    code_verify,
    guardian_request_file,
    parent_access_record,
    parent_message_reply,
    parent_message_send,
    phone_change_confirm,
    phone_change_send,
)
from shouhu.parents.session import (
    parent_index_update,
    parent_login,
    parent_logout,
    parent_required,
    parent_session,
)

PENDING = "shouhu_parent_pending"


# --- login ------------------------------------------------------------------------------------


def login(request):
    """Step 1: the phone number. Whatever the number, the same answer: the code was sent if the
    number is on a child's file."""
    if parent_session(request) is not None:
        return redirect("parents:home")
    form = forms.PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            code_send(phone=form.cleaned_data["phone"], request=request)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            request.session[PENDING] = form.cleaned_data["phone"]
            return redirect("parents:code")
    return render(request, "parents/login.html", {"form": form})


def code(request):
    """Step 2: the code. A wrong code, an expired one and a number on no file: one answer."""
    phone = request.session.get(PENDING)
    if not phone:
        return redirect("parents:login")
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            index, child_ids = code_verify(phone=phone, code=form.cleaned_data["code"])
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            parent_login(request, phone_index=index, child_ids=child_ids)
            return redirect("parents:home")
    return render(request, "parents/code.html", {"form": form, "phone_tail": phone[-4:]})


@require_POST
def logout(request):
    """End the parent's session; a staff login in the browser is not the parents' to end."""
    if parent_session(request) is not None:
        parent_logout(request)
    return redirect("parents:login")


# --- the parent's pages ----------------------------------------------------------------------


@parent_required
def home(request):
    """The parent's home: each child with the latest news, groups and the last message."""
    pages = home_for(request.parent.phone_index, request.parent.child_ids)
    parent_access_record(
        parent=request.parent, child_ids=[p.child.pk for p in pages], request=request
    )
    return render(request, "parents/home.html", {"pages": pages})


@parent_required
def easy(request):
    """大字版: for a parent who reads little, the key news of each child as large text and
    icons, and one big button to call the school."""
    pages = home_for(request.parent.phone_index, request.parent.child_ids)
    parent_access_record(
        parent=request.parent, child_ids=[p.child.pk for p in pages], request=request
    )
    return render(request, "parents/easy.html", {"pages": pages})


@parent_required
def child(request, public_id):
    """One child: all the shared news, photos, groups, grades (where shown) and messages."""
    found = parent_child(request.parent.child_ids, public_id)
    page = child_page_for(request.parent.phone_index, found)
    parent_access_record(parent=request.parent, child_ids=[found.pk], request=request)
    return render(
        request, "parents/child.html", {"page": page, "message_form": forms.MessageForm()}
    )


@parent_required
@require_POST
def message(request, public_id):
    found = parent_child(request.parent.child_ids, public_id)
    form = forms.MessageForm(request.POST)
    if form.is_valid():
        try:
            parent_message_send(
                parent=request.parent, child=found, body=form.cleaned_data["body"], request=request
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("留言已发给老师，老师回复后会短信通知您。"))
            return redirect("parents:child", public_id=found.public_id)
    page = child_page_for(request.parent.phone_index, found)
    return render(request, "parents/child.html", {"page": page, "message_form": form}, status=400)


@parent_required
def photo(request, public_id):
    """An event photo of the parent's child, only while the child's consent holds."""
    found, child_in_photo = photo_for(request.parent.child_ids, public_id)
    parent_access_record(parent=request.parent, child_ids=[child_in_photo.pk], request=request)
    return attachment_response(found.attachment)


@parent_required
def agreement(request, public_id):
    """The guardian agreement (委托监护责任确认书): read it, confirm it."""
    found = parent_child(request.parent.child_ids, public_id)
    view = agreement_for(request.parent.phone_index, found)
    if view is None:
        raise Http404
    if request.method == "POST":
        agreement_confirm(parent=request.parent, agreement=view.agreement, request=request)
        messages.success(request, _("已确认，谢谢您。"))
        return redirect("parents:agreement", public_id=found.public_id)
    parent_access_record(parent=request.parent, child_ids=[found.pk], request=request)
    return render(request, "parents/agreement.html", {"child": found, "view": view})


@parent_required
def phone(request):
    """Change one's number: a code goes to the new number, then the number changes on file."""
    send_form = forms.PhoneForm(request.POST if "send" in request.POST else None)
    confirm_form = forms.PhoneChangeForm(request.POST if "confirm" in request.POST else None)
    if "send" in request.POST and send_form.is_valid():
        try:
            phone_change_send(
                parent=request.parent, new_phone=send_form.cleaned_data["phone"], request=request
            )
        except ValidationError as error:
            form_errors_add(send_form, error)
        else:
            confirm_form = forms.PhoneChangeForm(initial={"phone": send_form.cleaned_data["phone"]})
            messages.success(request, _("验证码已发送到新号码。"))
    elif "confirm" in request.POST and confirm_form.is_valid():
        try:
            index = phone_change_confirm(
                parent=request.parent,
                new_phone=confirm_form.cleaned_data["phone"],
                code=confirm_form.cleaned_data["code"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(confirm_form, error)
        else:
            parent_index_update(request, phone_index=index)
            messages.success(request, _("手机号码已更换，以后请用新号码登录。"))
            return redirect("parents:home")
    return render(
        request, "parents/phone.html", {"send_form": send_form, "confirm_form": confirm_form}
    )


@parent_required
def data_request(request, public_id):
    """Ask the school to show, correct or delete the child's data (the privacy office's
    guardian requests)."""
    found = parent_child(request.parent.child_ids, public_id)
    form = forms.GuardianRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guardian_request_file(
                parent=request.parent,
                child=found,
                kind=form.cleaned_data["kind"],
                details=form.cleaned_data["details"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("申请已提交，学校会在15日内办理并联系您。"))
            return redirect("parents:child", public_id=found.public_id)
    return render(request, "parents/request.html", {"child": found, "form": form})


# --- the teachers' side ----------------------------------------------------------------------


@login_required
def home_messages(request):
    """我的待办's parents' messages waiting for this teacher's reply; nothing when none."""
    waiting = unanswered_messages_for(request.user)
    if not waiting:
        return HttpResponse("")
    items = [(m, forms.reply_form_for(m, where="home")) for m in waiting]
    return render(request, "parents/_home_messages.html", {"items": items})


@permission_required(Perm.CARE_RECORD)
@require_POST
def message_reply(request, public_id):
    found = message_for_reply(request.user, public_id)
    form = forms.ReplyForm(request.POST)
    if form.is_valid():
        try:
            parent_message_reply(
                actor=request.user, message=found, reply=form.cleaned_data["reply"], request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已回复，家长会收到短信。"))
    else:
        messages.error(request, _("请填写回复内容。"))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)  # the child's file, where the section's form was
    return redirect("home")
