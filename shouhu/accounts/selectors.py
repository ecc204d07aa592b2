"""Reads of accounts for a user."""

from django.db.models import Q, QuerySet
from django.http import Http404

from shouhu.accounts.models import User
from shouhu.org.models import subtree_range


def user_scope_q(actor, prefix: str = "") -> Q:
    """Users whose scope node lies under the actor's region (a volunteer: paired there)."""
    if not actor.scope_region_id:
        return Q(pk__in=[])
    low_high = subtree_range(actor.scope_region.prefix)
    return (
        Q(**{f"{prefix}scope_region__code__range": low_high})
        | Q(**{f"{prefix}scope_school__region__code__range": low_high})
        | Q(**{f"{prefix}scope_class__school__region__code__range": low_high})
        | Q(**{f"{prefix}pairings__child__school_class__school__region__code__range": low_high})
    )


def user_list_for(actor, *, q: str = "") -> QuerySet[User]:
    users = User.objects.filter(user_scope_q(actor)).distinct()
    q = q.strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    return users.order_by("username")


def user_get_for(actor, pk) -> User:
    user = user_list_for(actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if user is None:
        raise Http404
    return user
