"""Reads of accounts for a user: which accounts an account manager may see and change, which
roles they may grant and which scope nodes they may give.

- An administrator manages the accounts under their region: staff whose scope node lies there,
  volunteers paired with a child there, and the volunteers they created themselves.
- A school leader manages their own school's staff: the head teachers, teachers and counsellors
  whose scope is the school or one of its classes. Nobody else, and no other role.
- Any other account is outside the scope: a 404, never a 403.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from shouhu.accounts.models import User
from shouhu.core.roles import Perm, Role
from shouhu.core.scoping import subtree_range
from shouhu.org.models import Region, School, SchoolClass
from shouhu.org.selectors import class_filter
from shouhu.org.units import node_code, node_from_code

# The staff a school leader manages and may create (issue 12, point 13).
SCHOOL_STAFF_ROLES = (Role.HEAD_TEACHER, Role.TEACHER, Role.COUNSELLOR)

# The kind of scope node each role holds: a head teacher a class, a school's people the school,
# officers, supervisors and administrators a region, a volunteer none (their pairings).
ROLE_NODE: dict[str, type | None] = {
    Role.ADMIN: Region,
    Role.REGION_OFFICER: Region,
    Role.TOWNSHIP_OFFICER: Region,
    Role.VILLAGE_SUPERVISOR: Region,
    Role.PRIVACY_OFFICER: Region,
    Role.SCHOOL_LEADER: School,
    Role.HEAD_TEACHER: SchoolClass,
    Role.TEACHER: School,
    Role.COUNSELLOR: School,
    Role.VOLUNTEER: None,
}

NOTHING = Q(pk__in=[])


def user_manageable_q(actor) -> Q:
    """The accounts the actor may see and change on the accounts pages."""
    if not actor.has_perm_to(Perm.ACCOUNT_MANAGE):
        return NOTHING
    if actor.role == Role.SCHOOL_LEADER:
        if not actor.scope_school_id:
            return NOTHING
        return Q(role__in=SCHOOL_STAFF_ROLES) & (
            Q(scope_school_id=actor.scope_school_id)
            | Q(scope_class__school_id=actor.scope_school_id)
        )
    if not actor.scope_region_id:
        return NOTHING
    created_here = Q(
        role=Role.VOLUNTEER,
        created_by__scope_region__code__range=subtree_range(actor.scope_region.prefix),
    )
    return Q(pk__in=User.objects.restrict(actor).values("pk")) | created_here


def user_list_for(actor, *, q: str = "") -> QuerySet[User]:
    users = User.objects.filter(pk__in=User.objects.filter(user_manageable_q(actor)).values("pk"))
    q = q.strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    return users.select_related("scope_region", "scope_school", "scope_class__school").order_by(
        "username"
    )


def user_get_for(actor, pk) -> User:
    user = user_list_for(actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if user is None:
        raise Http404
    return user


def roles_grantable_by(actor) -> list[Role]:
    """The roles the actor may give an account: an administrator any, a leader their staff's."""
    if not actor.has_perm_to(Perm.ACCOUNT_MANAGE):
        return []
    if actor.role == Role.SCHOOL_LEADER:
        return list(SCHOOL_STAFF_ROLES)
    return list(Role)


def scope_nodes_for(actor) -> list[Region | School | SchoolClass]:
    """The nodes the actor may give as a scope: their own node and everything under it (the
    tree below it, not the wider scope in which they read children's files)."""
    if actor.role == Role.SCHOOL_LEADER:
        if not actor.scope_school_id:
            return []
        return [actor.scope_school, *_classes_under(actor.scope_school)]
    if not actor.scope_region_id:
        return []
    low_high = subtree_range(actor.scope_region.prefix)
    return [
        *Region.objects.filter(code__range=low_high).order_by("code"),
        *School.objects.filter(region__code__range=low_high).order_by("code"),
        *_classes_under(actor.scope_region),
    ]


def _classes_under(node) -> QuerySet[SchoolClass]:
    return (
        SchoolClass.objects.filter(class_filter(node))
        .select_related("school")
        .order_by("school__code", "grade", "name")
    )


def scope_node_for(actor, code: str) -> Region | School | SchoolClass | None:
    """The node named by a scope code (`node_code`) if the actor may give it, else None."""
    try:
        node = node_from_code(code)
    except Http404:
        return None
    return node if node_code(node) in {node_code(n) for n in scope_nodes_for(actor)} else None


def scope_node_fits(*, role: str, node) -> bool:
    """Is the node of the kind the role holds (none for a volunteer)?"""
    kind = ROLE_NODE.get(role)
    return node is None if kind is None else isinstance(node, kind)
