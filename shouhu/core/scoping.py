"""Row-level access: the one place that decides which children a user can see.

Every queryset of child data is cut by `child_scope_q(user, path)`, where `path` leads from the
queried model to the child (`""` for Child itself, `"child__"` for a parent record). A row outside
the scope is a 404 in views, never a 403: an outsider must not learn that it exists.
"""

from django.db.models import Q
from django.utils import timezone

from shouhu.core.roles import Perm, Role
from shouhu.org.models import subtree_range

NOTHING = Q(pk__in=[])


def child_scope_q(user, path: str = "") -> Q:
    if not getattr(user, "is_authenticated", False) or not user.has_perm_to(Perm.CHILD_VIEW):
        return NOTHING
    if user.role == Role.VOLUNTEER:
        from shouhu.care.models import Pairing

        paired = Pairing.objects.current(timezone.localdate()).filter(carer=user)
        return Q(**{f"{path}pk__in": paired.values("child_id")})
    if user.scope_class_id:
        return Q(**{f"{path}school_class_id": user.scope_class_id})
    if user.scope_school_id:
        return Q(**{f"{path}school_class__school_id": user.scope_school_id})
    if user.scope_region_id:
        low_high = subtree_range(user.scope_region.prefix)
        return Q(**{f"{path}school_class__school__region__code__range": low_high}) | Q(
            **{f"{path}home_region__code__range": low_high}
        )
    return NOTHING
