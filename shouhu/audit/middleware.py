"""Refused access is access too: a logged-in user who gets a 403 (role without the permission) or
a 404 for a record named in the URL (usually a child outside their scope) leaves a `denied` row.

The row names the child when the URL's public id is a child's, even outside the user's scope:
the privacy officer must see who tried to open which file. The user only ever sees the 404.
"""

from shouhu.audit.services import access_denied_record


class DeniedAccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404):
            self._record(request, response.status_code)
        return response

    def _record(self, request, status: int) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        match = getattr(request, "resolver_match", None)
        kwargs = match.kwargs if match is not None else {}
        if status == 404 and not kwargs and not getattr(request, "out_of_scope", False):
            return  # a mistyped address, not a record (`?scope=` outside: org.units.page_node)
        child = None
        public_id = kwargs.get("public_id")
        if public_id is not None:
            from shouhu.registry.models import Child

            child = Child.objects.filter(public_id=public_id).first()
        access_denied_record(
            user=user,
            path=f"{status} {request.get_full_path()}"[:500],
            child=child,
            request=request,
        )
