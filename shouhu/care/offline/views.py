"""Offline capture's endpoints (issue 19): the phone's copy (sync down), the outbox's upload,
the offline page, the service worker and the web manifest.

The two JSON endpoints send a visitor without a session to the login page like every page; the
phone's script asks them not to follow redirects and reads one as "the session has ended", and
wipes its copy of the worklist. A role that records none of what the phone records (an officer,
the administrator, the privacy officer) gets a 403: no copy goes to their phone."""

import hashlib
import json
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from shouhu.care.offline.selectors import offline_copy_for
from shouhu.care.offline.services import outbox_upload
from shouhu.core.roles import Perm

# The app shell the service worker keeps: the offline page and its static files. Pages holding
# anyone's data are never cached (docs/offline.md).
SHELL_STATIC = (
    "shouhu/shouhu.css",
    "shouhu/pwa.js",
    "shouhu/favicon.svg",
    "shouhu/icon-192.png",
    "shouhu/icon-512.png",
)


# What the phone records: a role with none of these has nothing to do offline.
RECORDER_PERMS = (Perm.CARE_RECORD, Perm.OBSERVATION_RECORD, Perm.ATTENDANCE_RECORD)


def recorder_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not any(request.user.has_perm_to(perm) for perm in RECORDER_PERMS):
            raise PermissionDenied(_("您的角色没有需要离线记录的工作。"))
        return view(request, *args, **kwargs)

    return wrapped


@recorder_required
@require_safe
def offline_sync(request):
    """The phone's copy of the user's worklist, with a fresh CSRF token for the upload."""
    data = offline_copy_for(request.user).as_json()
    data["csrf"] = get_token(request)
    return JsonResponse(data)


def _records_of(request) -> object:
    """The batch: a JSON body `{"records": [...]}` (the phone's), or a form field `records`
    holding the list as JSON."""
    if request.content_type == "application/json":
        payload = json.loads(request.body or b"{}")
        return payload.get("records") if isinstance(payload, dict) else None
    return json.loads(request.POST.get("records") or "null")


@recorder_required
@require_POST
def offline_upload(request):
    """A batch of the phone's outbox → a result per record (stored, duplicate or refused)."""
    try:
        records = _records_of(request)
    except RequestDataTooBig:
        return JsonResponse({"error": _("上传的数据过大，请分批上传。")}, status=413)
    except ValueError:
        return JsonResponse({"error": _("上传的数据格式无效。")}, status=400)
    if not isinstance(records, list):
        return JsonResponse({"error": _("上传的数据格式无效。")}, status=400)
    try:
        results = outbox_upload(actor=request.user, records=records, request=request)
    except ValidationError as error:
        return JsonResponse({"error": "；".join(error.messages)}, status=400)
    return JsonResponse({"results": [r.as_json() for r in results]})


@require_safe
def offline_page(request):
    """The offline page (the app shell): no data of anyone in it, so the service worker may
    keep it. Its script fills it from the phone's copy."""
    return render(request, "care/offline_page.html")


def _shell_urls() -> list[str]:
    return [reverse("care:offline"), *(staticfiles_storage.url(p) for p in SHELL_STATIC)]


@require_safe
def service_worker(request):
    """The service worker, served from the root so that its scope is the whole site. Its cache
    name holds a hash of the shell's URLs (hashed static names in production), so a new
    release replaces the old shell."""
    shell = _shell_urls()
    version = hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12]
    body = render_to_string(
        "care/offline_sw.js",
        {
            "shell_json": json.dumps(shell),
            "version": version,
            "offline_url": json.dumps(reverse("care:offline")),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def manifest(request):
    """The web manifest: installable to the home screen as 守护, opening at 我的待办."""
    data = {
        "name": _("守护 留守儿童关爱"),
        "short_name": _("守护"),
        "lang": "zh-CN",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "description": _("我的待办：结对儿童、家访、通话和点名，没有信号时也能记录。"),
        "icons": [
            {
                "src": staticfiles_storage.url(f"shouhu/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )
